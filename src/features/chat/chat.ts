import type { Em } from '../../platform/db/orm.js';
import { DomainError } from '../../platform/errors.js';
import type { RateLimiter } from '../../platform/rate-limit.js';
import { User } from '../users/index.js';
import { Message, type StoredMedia } from './message.entity.js';
import { type MessageView, type Page, toMessageView } from './messages.js';

/** Private messages per sender per minute: protects the bot's sending budget (Telegram ~30/s). */
export const PM_LIMIT = { count: 20, windowSeconds: 60 };
/** Short enough that "💬 @sender: text" always fits one Telegram message. */
export const CHAT_TEXT_MAX = 4000;
export const ROOM_HISTORY = 10;
export const INBOX_SIZE = 20;

/** "@Ann", "ann" → "ann"; null if it cannot be a Gramdesk or Telegram username. */
export function normalizeHandle(handle: string): string | null {
  const name = handle.trim().replace(/^@/, '');
  return /^[A-Za-z0-9_]{3,32}$/.test(name) ? name.toLowerCase() : null;
}

/**
 * The user behind a username, in any case, with or without "@". One handle names one person
 * (SPEC §3.1), and when two rows carry it the older holder keeps it:
 * 1. an active HTTP account with that username — registration refuses a handle that someone's
 *    Telegram account carries, so whoever took it later is the Telegram side;
 * 2. otherwise the Telegram user who carries it, the most recently seen first — Telegram lets
 *    one account hold a username at a time, so an older sighting is a stale one.
 * Banned users are not found (and the handle does not fall through to anyone else), unless
 * `banned` is asked for: a caller that must say "this user is banned" rather than "unknown"
 * (assigning a task) checks the status itself.
 */
export async function findByHandle(em: Em, handle: string, options: { banned?: boolean } = {}): Promise<User | null> {
  const name = normalizeHandle(handle);
  if (!name) return null;
  const rows = await em.getConnection().execute<{ id: string; rank: number }[]>(
    `select id, case when lower(username) = ? and account_state = 'active' then 0 else 1 end as rank
       from users
      where (lower(username) = ? and account_state = 'active') or lower(telegram_username) = ?
      order by rank, last_seen_at desc nulls last, id limit 1`,
    [name, name, name],
  );
  const id = rows[0]?.id;
  if (!id) return null;
  const user = await em.findOne(User, { id: String(id) });
  return user && (options.banned || user.status !== 'banned') ? user : null;
}

export function parseChatText(input: string): string {
  const text = input.normalize('NFC').trim();
  if (!text) throw new DomainError('text_empty', 'The message is empty', { field: 'text' });
  const length = [...text].length;
  if (length > CHAT_TEXT_MAX) {
    throw new DomainError('text_too_long', `The message is longer than ${CHAT_TEXT_MAX} characters`, {
      field: 'text',
      max: CHAT_TEXT_MAX,
      length,
    });
  }
  return text;
}

/** Telegram's limit of a media caption; a longer one is refused, never cut. */
export const CAPTION_MAX = 1024;

/** A media message's caption: may be empty; over CAPTION_MAX → DomainError caption_too_long. */
export function parseCaption(input: string | undefined): string {
  const text = (input ?? '').normalize('NFC').trim();
  const length = [...text].length;
  if (length > CAPTION_MAX) {
    throw new DomainError('caption_too_long', `The caption is longer than ${CAPTION_MAX} characters`, {
      field: 'caption',
      max: CAPTION_MAX,
      length,
    });
  }
  return text;
}

/** The text of a message, or the caption when it carries media. */
export const parseContent = (text: string, media?: StoredMedia) => (media ? parseCaption(text) : parseChatText(text));

export interface ChatDeps {
  limiter: RateLimiter;
}

/**
 * Stores a private message. The sender is always the authenticated user (never taken from
 * the request). Unknown recipient → 404 user_not_found; oneself → 422; over the per-sender
 * limit → 429 rate_limited with `retryAfter`.
 */
export async function sendPrivateMessage(
  em: Em,
  deps: ChatDeps,
  from: User,
  toHandle: string,
  text: string,
): Promise<{ message: Message; recipient: User }> {
  const body = parseChatText(text);
  const recipient = await findByHandle(em, toHandle);
  if (!recipient) throw new DomainError('user_not_found', 'No user with this username');
  return sendPrivateMessageTo(em, deps, from, recipient, body);
}

/**
 * sendPrivateMessage to a recipient already resolved, e.g. by the id a Reply button carries
 * (a username may be missing, or name someone else by now). Same checks, same limit.
 */
export async function sendPrivateMessageTo(
  em: Em,
  deps: ChatDeps,
  from: User,
  recipient: User,
  text: string,
  media?: StoredMedia,
): Promise<{ message: Message; recipient: User }> {
  const body = parseContent(text, media);
  if (recipient.status === 'banned') throw new DomainError('user_not_found', 'No user with this username');
  if (recipient.id === from.id) throw new DomainError('cannot_message_self', 'You cannot send a message to yourself');
  const rate = await deps.limiter.hit(`pm:${from.id}`, PM_LIMIT.count, PM_LIMIT.windowSeconds);
  if (!rate.allowed) {
    throw new DomainError('rate_limited', `At most ${PM_LIMIT.count} private messages per minute`, {
      retryAfter: rate.retryAfter,
    });
  }
  const message = em.create(Message, { kind: 'pm', from, to: recipient, text: body, media: media ?? null });
  await em.flush();
  return { message, recipient };
}

/**
 * Stores a room message, nothing more. Posting to the room (limit, membership, delivery) is
 * postToRoom in room-post.ts, which the bot and the WebSocket call; this is its storing step.
 */
export async function sendRoomMessage(em: Em, from: User, text: string, media?: StoredMedia): Promise<Message> {
  const message = em.create(Message, { kind: 'room', from, text: parseContent(text, media), media: media ?? null });
  await em.flush();
  return message;
}

/** The conversation of two users, newest first, keyset-paginated by id. */
export async function conversationWith(
  em: Em,
  me: User,
  other: User,
  limit: number,
  cursor?: string,
): Promise<Page<MessageView>> {
  const where = {
    kind: 'pm' as const,
    $or: [
      { from: me, to: other },
      { from: other, to: me },
    ],
    ...(cursor ? { id: { $lt: cursor } } : {}),
  };
  const rows = await em.find(Message, where, { orderBy: { id: 'desc' }, limit: limit + 1, populate: ['from', 'to'] });
  const page = rows.slice(0, limit);
  return {
    items: page.map(toMessageView),
    nextCursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}

/** The PM whose Telegram copy is `telegramMessageId` in the recipient's chat (a swipe-reply to it). */
export async function pmByTelegramCopy(em: Em, recipient: User, telegramMessageId: number): Promise<Message | null> {
  return em.findOne(Message, { kind: 'pm', to: recipient, telegramMessageId }, { populate: ['from'] });
}

/**
 * The people `me` exchanged PMs with most recently, newest first (the Chat screen's contacts).
 * Banned users are left out.
 */
export async function recentContacts(em: Em, me: User, limit: number): Promise<User[]> {
  const rows = await em.getConnection().execute<{ other: string }[]>(
    `select other from (
       select case when from_id = ? then to_id else from_id end as other, max(id) as last
         from messages
        where kind = 'pm' and (from_id = ? or to_id = ?)
        group by 1) c
      order by last desc limit ?`,
    [me.id, me.id, me.id, limit * 2],
  );
  const ids = rows.map((r) => String(r.other)).filter((id) => id !== me.id);
  if (ids.length === 0) return [];
  const users = await em.find(User, { id: { $in: ids }, status: 'active' });
  const byId = new Map(users.map((u) => [u.id, u]));
  return ids.flatMap((id) => byId.get(id) ?? []).slice(0, limit);
}

/** The last private messages a user received, newest first. */
export async function inbox(em: Em, me: User, limit = INBOX_SIZE): Promise<MessageView[]> {
  const rows = await em.find(
    Message,
    { kind: 'pm', to: me },
    { orderBy: { id: 'desc' }, limit, populate: ['from', 'to'] },
  );
  return rows.map(toMessageView);
}

/** The latest room messages, oldest first (what someone joining the room sees). */
export async function recentRoomMessages(em: Em, limit = ROOM_HISTORY): Promise<MessageView[]> {
  const rows = await em.find(Message, { kind: 'room' }, { orderBy: { id: 'desc' }, limit, populate: ['from'] });
  return rows.reverse().map(toMessageView);
}
