import { z } from 'zod';
import { isoString } from '../../../platform/time/iso-string.js';
import type { MediaView, MessageParty, MessageView } from '../messages.js';

/**
 * The WebSocket protocol of GET /ws (SPEC §3.5). Every frame is one JSON text frame.
 *
 * Client → server:
 *   {"type":"pm","to":"<username>","text":"…","ref"?:"…"}   private message
 *   {"type":"room","text":"…","ref"?:"…"}                   room message (joins the room first)
 *   {"type":"join","ref"?:"…"} / {"type":"leave","ref"?:"…"} enter / leave the room
 * Other fields (such as `from`) are ignored: the sender is always the token's user.
 *
 * Server → client:
 *   {"type":"pm","id","from","to","text","media"?,"sentAt"} a private message (received, or the
 *                                                            echo of one you sent, with your `ref`);
 *                                                            `media` {type, fileName?, mimeType?} when
 *                                                            it was a photo, document… sent in Telegram
 *   {"type":"room","id","from","text","media"?,"sentAt"}    a room message
 *   {"type":"joined"} / {"type":"left"}                     answers to join / leave
 *   {"type":"notice","topic","data"}                        a notice of another feature (topic "task":
 *                                                            a shared task was assigned, changed or commented on)
 *   {"type":"error","code","message","details"?}            a refused frame; the connection stays open
 *
 * Limits (frame size, sockets per user, frame rate) and close codes: limits.ts.
 */

export { MAX_FRAME_BYTES } from './limits.js';

const REF_MAX = 64;

// UTF-16 units, as `frameRef` below counts them for an error's echo (zod's max counts code points).
const ref = z
  .string()
  .refine((value) => value.length <= REF_MAX, { message: `At most ${REF_MAX} characters` })
  .optional();
const text = z.string({ message: 'Expected a string' });

const ClientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pm'), to: z.string({ message: 'Expected a username' }), text, ref }),
  z.object({ type: z.literal('room'), text, ref }),
  z.object({ type: z.literal('join'), ref }),
  z.object({ type: z.literal('leave'), ref }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;
export const CLIENT_FRAME_TYPES = ['pm', 'room', 'join', 'leave'] as const;

export interface PartyFrame {
  id: string;
  username: string | null;
  firstName: string | null;
}

export type ServerFrame =
  | {
      type: 'pm';
      id: string;
      from: PartyFrame;
      to: PartyFrame;
      text: string;
      media?: MediaView;
      sentAt: string;
      ref?: string;
    }
  | { type: 'room'; id: string; from: PartyFrame; text: string; media?: MediaView; sentAt: string; ref?: string }
  | { type: 'joined' | 'left'; ref?: string }
  /** A notice another feature sends a connected user (e.g. topic "task": a shared task changed). */
  | { type: 'notice'; topic: string; data: Record<string, unknown> }
  | ErrorFrame;

export interface ErrorFrame {
  type: 'error';
  code: string;
  message: string;
  details?: unknown;
  ref?: string;
}

export class FrameError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly ref?: string,
  ) {
    super(message);
    this.name = 'FrameError';
  }
}

const party = (p: MessageParty): PartyFrame => ({ id: p.id, username: p.username, firstName: p.firstName });

/** The frame of a stored private or room message. */
export function messageFrame(view: MessageView): ServerFrame {
  const sentAt = isoString(view.sentAt);
  const media = view.media ? { media: view.media } : {};
  if (view.kind === 'pm' && view.to) {
    return { type: 'pm', id: view.id, from: party(view.from), to: party(view.to), text: view.text, ...media, sentAt };
  }
  return { type: 'room', id: view.id, from: party(view.from), text: view.text, ...media, sentAt };
}

export function errorFrame(code: string, message: string, details?: unknown, ref?: string): ErrorFrame {
  return {
    type: 'error',
    code,
    message,
    ...(details === undefined ? {} : { details }),
    ...(ref === undefined ? {} : { ref }),
  };
}

/**
 * A refused frame's `ref`, read without parsing the frame: frames over the rate are dropped
 * unparsed (a flood of 64 KiB frames must not cost a JSON parse each), yet the client needs the
 * ref to tell which one was dropped. A search for the `"ref":"…"` member costs about what reading
 * the frame did. `"ref"` followed by a colon is only ever a key in JSON (inside a string its quotes
 * would be escaped); in a frame with a nested `ref` (invalid anyway) the first one is taken.
 */
export function refOf(data: unknown): string | undefined {
  if (typeof data !== 'string') return undefined;
  const literal = REF_MEMBER.exec(data)?.[1];
  if (literal === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(`"${literal}"`);
    return typeof value === 'string' && value.length <= REF_MAX ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `"ref"`, a colon, and a string literal short enough to be a valid ref (escapes count as written). */
const REF_MEMBER = new RegExp(`"ref"\\s*:\\s*"((?:[^"\\\\]|\\\\.){0,${REF_MAX * 6}})"`);

/** Text of a frame as received (the socket library has already refused frames over MAX_FRAME_BYTES). */
export function parseClientFrame(data: string): ClientFrame {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new FrameError('invalid_json', 'The frame is not valid JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new FrameError('invalid_frame', 'A frame is a JSON object with a "type"');
  }
  const type = (value as { type?: unknown }).type;
  const rawRef = (value as { ref?: unknown }).ref;
  const frameRef = typeof rawRef === 'string' && rawRef.length <= REF_MAX ? rawRef : undefined;
  if (typeof type !== 'string' || !(CLIENT_FRAME_TYPES as readonly string[]).includes(type)) {
    throw new FrameError(
      'unknown_type',
      `Unknown frame type; expected one of ${CLIENT_FRAME_TYPES.join(', ')}`,
      { types: CLIENT_FRAME_TYPES },
      frameRef,
    );
  }
  const parsed = ClientFrame.safeParse(value);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    throw new FrameError(
      'invalid_frame',
      'The frame is missing fields or has fields of the wrong type',
      details,
      frameRef,
    );
  }
  return parsed.data;
}
