/**
 * The limits of GET /ws (SPEC §3.5) and the close codes that enforce them, in one place: the
 * gateway (websocket.ts), the OpenAPI description and the tests read them from here.
 */

/**
 * Largest frame (64 KiB). It is the `ws` library's `maxPayload`: a bigger frame is refused from
 * its header (or, for a fragmented message, as soon as the fragments add up to more) and the
 * socket closed with 1009, so an attacker cannot make a process buffer megabytes per frame.
 */
export const MAX_FRAME_BYTES = 64 * 1024;

/**
 * Open sockets per user, counted across every API process in Redis (presence.ts); opening one
 * more closes that user's oldest socket with 4000, wherever it is.
 */
export const MAX_SOCKETS_PER_USER = 5;

/**
 * Frames a user may send per window, all their sockets together (a Redis counter shared by every
 * process), so more tabs or more processes do not mean more frames. Over it a frame is dropped and
 * answered with a `rate_limited` error frame.
 */
export const FRAME_RATE = { count: 60, windowSeconds: 10 } as const;

/** Close codes of the gateway (4000–4999 are the application's). */
export const CLOSE_CODES = {
  goingAway: 1001,
  policy: 1008,
  /** Sent by the `ws` library itself for a frame over MAX_FRAME_BYTES. */
  tooLarge: 1009,
  internal: 1011,
  tryAgainLater: 1013,
  /** The user opened more than MAX_SOCKETS_PER_USER sockets: this, their oldest, made room. */
  replaced: 4000,
  tokenExpired: 4001,
  /** The account was banned or deleted (or is otherwise no longer allowed to chat). */
  forbidden: 4003,
} as const;
