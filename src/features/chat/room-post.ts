import type { Em } from '../../platform/db/orm.js';
import { DomainError } from '../../platform/errors.js';
import type { RateLimiter } from '../../platform/rate-limit.js';
import type { Redis } from '../../platform/redis.js';
import type { Formatted, TextEntity } from '../../platform/telegram/entities.js';
import type { User } from '../users/index.js';
import { parseContent, sendRoomMessage } from './chat.js';
import type { Message, StoredMedia } from './message.entity.js';
import { hitRoomLimit, joinRoom, ROOM_LIMIT } from './room.js';
import type { ChatDelivery } from './types.js';

/** What posting to the room needs: the shared limiter, the membership set and the delivery. */
export interface RoomPostDeps {
  limiter: RateLimiter;
  redis: Redis;
  keyPrefix: string;
  chat: ChatDelivery;
}

export interface RoomPostOptions {
  /**
   * Make the sender a member first (SPEC §3.5: a WebSocket client's room frame joins the room).
   * Without it the caller has established membership: the bot posts only in room mode, which it
   * checks to decide whether a text goes to the room at all.
   */
  join?: boolean;
  /** The WebSocket connection the post came from: it gets the message as its echo, not from the fan-out. */
  exceptConnection?: string;
  /** A photo, document… sent in Telegram; `input` is then its caption (may be empty, at most 1024). */
  media?: StoredMedia;
  /** The formatting of `input` as written in Telegram; stored and relayed with it. */
  entities?: readonly TextEntity[];
}

/**
 * - sent: stored and handed to the delivery. `joined`: the post made the sender a member.
 *   `deliveryError`: the fan-out could not be started; the message is stored all the same, so the
 *   caller decides what to tell (the WebSocket still echoes it, the bot lets its error boundary answer).
 * - text_refused: empty or too long (DomainError text_empty / text_too_long / caption_too_long with its
 *   details); nothing stored.
 * - rate_limited: over ROOM_LIMIT; nothing stored, `retryAfter` seconds until the window ends.
 */
export type RoomPostOutcome =
  | { status: 'sent'; message: Message; joined: boolean; deliveryError?: unknown }
  | { status: 'text_refused'; error: DomainError }
  | { status: 'rate_limited'; limit: number; retryAfter: number };

/**
 * Posts a message to the common room as `from` (SPEC §2.3), for the bot and the WebSocket alike:
 * the text is checked first, then the per-sender ROOM_LIMIT (one counter for both sides, so
 * switching sides does not reset it), so a refused post is neither counted twice nor stored.
 * The fan-out runs through the delivery (WebSocket members at once, Telegram members in the worker
 * under the chat lane of the send budget); nothing is sent to the other members from here.
 */
export async function postToRoom(
  em: Em,
  deps: RoomPostDeps,
  from: User,
  input: string,
  options: RoomPostOptions = {},
): Promise<RoomPostOutcome> {
  let formatted: Formatted;
  try {
    formatted = parseContent(input, options.entities, options.media);
  } catch (err) {
    if (err instanceof DomainError) return { status: 'text_refused', error: err };
    throw err;
  }
  const rate = await hitRoomLimit(deps, from.id);
  if (!rate.allowed) return { status: 'rate_limited', limit: ROOM_LIMIT.count, retryAfter: rate.retryAfter };
  // Joined before the message is stored, so the sender's other connections get it from the fan-out.
  const joined = options.join ? await joinRoom(deps, from.id) : false;
  const message = await sendRoomMessage(em, from, formatted.text, options.media, formatted.entities);
  try {
    await deps.chat.deliverRoom(
      message.id,
      options.exceptConnection ? { exceptConnection: options.exceptConnection } : {},
    );
  } catch (deliveryError) {
    return { status: 'sent', message, joined, deliveryError };
  }
  return { status: 'sent', message, joined };
}
