import type { Em } from '../../platform/db/orm.js';
import { DomainError } from '../../platform/errors.js';
import type { RateLimiter } from '../../platform/rate-limit.js';
import type { User } from '../users/index.js';
import { type MediaType, Message, type MessageKind } from './message.entity.js';

/** Longest message text accepted; Telegram's 4096 limit is met by splitting when delivering. */
export const MESSAGE_TEXT_MAX = 10_000;

/**
 * Echoes per author per minute. Each echo costs up to three Telegram sends (10,000 characters
 * split at 4096) from the chat lane of the bot's send budget, which PMs and the room of everyone
 * else share: one account looping POST /messages must not use it up.
 */
export const ECHO_LIMIT = { count: 10, windowSeconds: 60 };

export interface MessageParty {
  id: string;
  username: string | null;
  firstName: string | null;
}

/** What HTTP and the WebSocket show of a message's media (SPEC §3.5); Telegram's file id stays inside. */
export interface MediaView {
  type: MediaType;
  fileName?: string;
  mimeType?: string;
}

export interface MessageView {
  id: string;
  kind: MessageKind;
  from: MessageParty;
  to?: MessageParty;
  text: string;
  media?: MediaView;
  sentAt: Date;
}

/** The columns of a user a message shows (a User, or a row read with the message). */
export type PartyFields = Pick<User, 'id' | 'username' | 'telegramUsername' | 'firstName' | 'telegramFirstName'>;

export function party(user: PartyFields): MessageParty {
  return {
    id: user.id,
    username: user.username ?? user.telegramUsername ?? null,
    firstName: user.firstName ?? user.telegramFirstName ?? null,
  };
}

export function toMessageView(message: Message): MessageView {
  return {
    id: message.id,
    kind: message.kind,
    from: party(message.from),
    ...(message.to ? { to: party(message.to) } : {}),
    text: message.text,
    ...(message.media ? { media: mediaView(message.media) } : {}),
    sentAt: message.sentAt,
  };
}

export function mediaView(media: NonNullable<Message['media']>): MediaView {
  return {
    type: media.type,
    ...(media.fileName ? { fileName: media.fileName } : {}),
    ...(media.mimeType ? { mimeType: media.mimeType } : {}),
  };
}

/**
 * The echo of seed 000: a message the author sends to themselves over HTTP comes back in their
 * Telegram. Refused (and nothing stored) when the account has no Telegram to echo to, or with
 * 429 rate_limited and `retryAfter` beyond ECHO_LIMIT.
 */
export async function createEcho(em: Em, deps: { limiter: RateLimiter }, author: User, text: string): Promise<Message> {
  if (author.telegramId == null) {
    throw new DomainError(
      'telegram_not_linked',
      'This account is not linked to Telegram; POST /token and send the token to the bot first',
    );
  }
  const rate = await deps.limiter.hit(`echo:${author.id}`, ECHO_LIMIT.count, ECHO_LIMIT.windowSeconds);
  if (!rate.allowed) {
    throw new DomainError('rate_limited', `At most ${ECHO_LIMIT.count} echoes per minute`, {
      retryAfter: rate.retryAfter,
    });
  }
  // Owed to the author's Telegram until the worker sends it (jobs/delivery.ts; the sweep if never queued).
  const message = em.create(Message, { kind: 'echo', from: author, text, delivery: 'owed' });
  await em.flush();
  return message;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Newest first, keyset-paginated by id (the cursor is the last id seen). */
export async function listOwnMessages(
  em: Em,
  author: User,
  limit: number,
  cursor?: string,
): Promise<Page<MessageView>> {
  const where = cursor ? { from: author, id: { $lt: cursor } } : { from: author };
  const rows = await em.find(Message, where, { orderBy: { id: 'desc' }, limit: limit + 1, populate: ['from', 'to'] });
  const page = rows.slice(0, limit);
  return {
    items: page.map(toMessageView),
    nextCursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}
