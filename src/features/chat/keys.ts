/** Redis keys and pub/sub channels of the chat, all under the deployment's key prefix. */
const buildKeys = (keyPrefix: string) => ({
  /** Sorted set: connection id → expiry (ms, Redis clock) of each live WebSocket of a user. */
  presence: (userId: string) => `${keyPrefix}presence:${userId}`,
  /**
   * Sorted set: connection id → when it opened (ms, Redis clock) of the same live WebSockets, so the
   * per-user socket cap can close the oldest one; it lives and expires with the presence key.
   */
  sockets: (userId: string) => `${keyPrefix}ws:sockets:${userId}`,
  /** Set of user ids in the common room (WebSocket clients that joined, Telegram users in room mode). */
  roomMembers: `${keyPrefix}room:members`,
  /**
   * Set while a Telegram user in room mode is active there (entered, or wrote to the room), with
   * a TTL of ROOM_IDLE_MS: when it expires, room mode ends (src/features/chat/room.ts).
   */
  roomActive: (userId: string) => `${keyPrefix}room:active:${userId}`,
  /** Pub/sub channel of one user's WebSocket frames; subscribed by the processes holding their sockets. */
  userChannel: (userId: string) => `${keyPrefix}chat:user:${userId}`,
  /** Pub/sub channel of room frames; every API process subscribes. */
  roomChannel: `${keyPrefix}chat:room`,
  /**
   * The current Telegram window of PMs to one offline recipient (its start, Redis clock); the
   * window's counters live under `<this key>:<start>:…` (src/features/chat/delivery.ts).
   */
  burst: (recipientId: string) => `${keyPrefix}chat:burst:${recipientId}`,
});

export type ChatKeys = ReturnType<typeof buildKeys>;

const byPrefix = new Map<string, ChatKeys>();

/**
 * The keys under one prefix, built once per prefix: a room check runs on every bot command, and
 * building the key functions anew each time was a measurable share of one (issue 17).
 */
export function chatKeys(keyPrefix: string): ChatKeys {
  let keys = byPrefix.get(keyPrefix);
  if (!keys) {
    keys = buildKeys(keyPrefix);
    byPrefix.set(keyPrefix, keys);
  }
  return keys;
}
