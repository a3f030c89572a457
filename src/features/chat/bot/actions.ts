import type { BotContext, BotDeps } from '../../../platform/bot/context.js';
import { clip } from '../../../platform/bot/ui/payload.js';
import { DomainError } from '../../../platform/errors.js';
import { TELEGRAM_TEXT_LIMIT } from '../../../platform/telegram/html.js';
import { formatLocal } from '../../../platform/time/local-dates.js';
import { User, visibleName } from '../../users/index.js';
import {
  CHAT_TEXT_MAX,
  findByHandle,
  INBOX_SIZE,
  inbox,
  PM_LIMIT,
  parseChatText,
  recentRoomMessages,
  sendPrivateMessageTo,
} from '../chat.js';
import type { MessageParty, MessageView } from '../messages.js';
import { handleOf } from '../names.js';
import { Presence } from '../presence.js';
import { isRoomMember, joinRoom, leaveRoom } from '../room.js';
import { postToRoom } from '../room-post.js';

/**
 * Data and texts of the chat (SPEC §2.3): /pm and the Reply dialog, the room, /history, /inbox.
 * Everything is stored through domain/chat.ts and delivered through deps.chat (WebSocket, or
 * Telegram through the worker); nothing here sends to anyone but the user in front of us.
 */

export const HISTORY_PAGE_SIZE = 10;
/** Reply buttons under the inbox: the latest distinct senders. */
export const INBOX_REPLY_BUTTONS = 4;
/** Conversations of the chat (registered in bot/index.ts). */
export const CHAT_CONVERSATIONS = { reply: 'pmReply' } as const;

const USER_ID = /^\d{1,19}$/;

const roomServices = (deps: BotDeps) => ({ redis: deps.redis, keyPrefix: deps.keyPrefix ?? '' });

// ---------------------------------------------------------------------------------------------
// Per-update view: what the next chat screen shows, set by the handler before it renders it.

export interface HistoryView {
  otherId: string;
  handle: string;
  /** 0 = the newest page. */
  page: number;
  items: MessageView[];
  hasOlder: boolean;
}

export interface ChatView {
  room?: { joined: boolean; messages: MessageView[]; names: Map<string, string> };
  inbox?: MessageView[];
  history?: HistoryView;
}

const views = new WeakMap<object, ChatView>();

export function chatView(ctx: BotContext): ChatView {
  let v = views.get(ctx);
  if (!v) {
    v = {};
    views.set(ctx, v);
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Private messages.

/** `/pm <username> <text>`'s argument: the first word is the username, the rest (newlines kept) the text. */
export function parsePmArgs(match: string): { handle: string | null; text: string } {
  const m = /^\s*(\S+)(?:\s+([\s\S]*))?$/.exec(match);
  if (!m) return { handle: null, text: '' };
  return { handle: m[1] ?? null, text: (m[2] ?? '').trim() };
}

/** How a typed username is echoed back in an answer: "@name", clipped. */
export const typedHandle = (handle: string) => `@${clip(handle.trim().replace(/^@+/, ''), 40)}`;

/**
 * - sent / stored: the message was saved (stored: nobody can be told right now; it waits in
 *   their inbox and WebSocket backlog);
 * - refused: nothing was saved, the user was told why;
 * - retry: the text itself was refused (too long, empty); a dialog asks again.
 */
export type PmOutcome = 'sent' | 'stored' | 'refused' | 'retry';

export type PmTarget = { handle: string } | { userId: string };

/** The user a Reply button or a history page names, or null (unknown, banned, forged id). */
export async function userById(ctx: BotContext, id: string): Promise<User | null> {
  if (!USER_ID.test(id)) return null;
  const user = await ctx.em.findOne(User, { id });
  return user && user.status !== 'banned' ? user : null;
}

/**
 * Someone a message can reach now: over Telegram (has it, has not blocked the bot), or over a
 * live WebSocket. An HTTP-only account is reachable too: what it is sent waits for its next
 * connection (the last PMs are replayed on connect).
 */
async function reachable(ctx: BotContext, recipient: User): Promise<boolean> {
  if (recipient.telegramId == null) return true;
  if (!recipient.botBlocked) return true;
  return new Presence(ctx.deps.redis, ctx.deps.keyPrefix ?? '').isOnline(recipient.id);
}

/**
 * Sends a private message as the user in front of us and tells them what happened. The checks
 * that need no write come first, so a refused message is never stored: the text, the recipient
 * (unknown, oneself, blocked the bot), then the per-sender limit inside the domain.
 */
export async function sendPm(ctx: BotContext, target: PmTarget, input: string): Promise<PmOutcome> {
  let text: string;
  try {
    text = parseChatText(input);
  } catch (err) {
    return textRefused(ctx, err);
  }
  const recipient = 'handle' in target ? await findByHandle(ctx.em, target.handle) : await userById(ctx, target.userId);
  if (!recipient) {
    await ctx.reply(
      'handle' in target
        ? ctx.t('chat-user-not-found', { handle: typedHandle(target.handle) })
        : ctx.t('chat-user-gone'),
    );
    return 'refused';
  }
  if (recipient.id === ctx.user.id) {
    await ctx.reply(ctx.t('chat-pm-self'));
    return 'refused';
  }
  const handle = handleOf(recipient);
  if (!(await reachable(ctx, recipient))) {
    await ctx.reply(ctx.t('chat-pm-blocked', { handle }));
    return 'refused';
  }
  let messageId: string;
  try {
    ({
      message: { id: messageId },
    } = await sendPrivateMessageTo(ctx.em, ctx.deps, ctx.user, recipient, text));
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    if (err.code === 'rate_limited') {
      const seconds = (err.details as { retryAfter?: number } | undefined)?.retryAfter ?? PM_LIMIT.windowSeconds;
      await ctx.reply(ctx.t('chat-pm-rate-limited', { limit: PM_LIMIT.count, seconds }));
      return 'refused';
    }
    if (err.code === 'cannot_message_self') {
      await ctx.reply(ctx.t('chat-pm-self'));
      return 'refused';
    }
    if (err.code === 'user_not_found') {
      await ctx.reply(ctx.t('chat-user-gone'));
      return 'refused';
    }
    return textRefused(ctx, err);
  }
  const delivery = await ctx.deps.chat.deliverPrivate(messageId);
  if (delivery === 'stored') {
    await ctx.reply(ctx.t('chat-pm-stored', { handle }));
    return 'stored';
  }
  await ctx.reply(ctx.t('chat-pm-sent', { handle }));
  return 'sent';
}

async function textRefused(ctx: BotContext, err: unknown): Promise<'retry'> {
  if (!(err instanceof DomainError)) throw err;
  if (err.code === 'text_too_long') {
    const { max = CHAT_TEXT_MAX, length = 0 } = (err.details ?? {}) as { max?: number; length?: number };
    await ctx.reply(ctx.t('chat-text-too-long', { max, length }));
    return 'retry';
  }
  if (err.code === 'text_empty') {
    await ctx.reply(ctx.t('chat-text-empty'));
    return 'retry';
  }
  throw err;
}

// ---------------------------------------------------------------------------------------------
// The room. Membership is the Redis set of chat/room.ts (shared with WebSocket clients, kept
// across restarts); the session flag only lets us explain a membership that ended elsewhere.

/** Joins the room and loads what the room screen shows; false in `joined` if already a member. */
export async function enterRoom(ctx: BotContext): Promise<void> {
  const joined = await joinRoom(roomServices(ctx.deps), ctx.user.id);
  (await ctx.session).inRoom = true;
  const messages = await recentRoomMessages(ctx.em);
  // Named as the room delivers them (display names), one query for the senders.
  const ids = [...new Set(messages.map((m) => m.from.id))];
  const users = ids.length ? await ctx.em.find(User, { id: { $in: ids } }) : [];
  const names = new Map(users.map((u) => [u.id, visibleName(u)]));
  chatView(ctx).room = { joined, messages, names };
}

/** Leaves the room; true if the user was in it. */
export async function exitRoom(ctx: BotContext): Promise<boolean> {
  const was = await leaveRoom(roomServices(ctx.deps), ctx.user.id);
  const session = await ctx.session;
  const flagged = session.inRoom === true;
  session.inRoom = false;
  return was || flagged;
}

export function isInRoom(ctx: BotContext): Promise<boolean> {
  return isRoomMember(roomServices(ctx.deps), ctx.user.id);
}

/**
 * A plain text in room mode (membership checked by roomModeFeature): posted through the room's
 * use case (../room-post.ts), whose outcome becomes the answer here.
 */
export async function sayInRoom(ctx: BotContext, input: string): Promise<void> {
  const outcome = await postToRoom(
    ctx.em,
    { ...roomServices(ctx.deps), limiter: ctx.deps.limiter, chat: ctx.deps.chat },
    ctx.user,
    input,
  );
  switch (outcome.status) {
    case 'text_refused':
      await textRefused(ctx, outcome.error);
      return;
    case 'rate_limited':
      await ctx.reply(ctx.t('chat-room-rate-limited', { limit: outcome.limit, seconds: outcome.retryAfter }));
      return;
    case 'sent':
      // The message is stored; a failed fan-out is answered by the error boundary, as any failure.
      if ('deliveryError' in outcome) throw outcome.deliveryError;
      return;
  }
}

export function roomText(ctx: BotContext): string {
  const room = chatView(ctx).room;
  if (!room) return '';
  const head = [ctx.t(room.joined ? 'chat-room-joined' : 'chat-room-already'), ''];
  if (room.messages.length === 0) return [...head, ctx.t('chat-room-empty')].join('\n');
  head.push(ctx.t('chat-room-recent', { count: room.messages.length }));
  return fitText(head, (budget) =>
    room.messages.map((m) =>
      ctx.t('chat-room-line', {
        name: clip(room.names.get(m.from.id) ?? partyLabel(m.from), 48),
        text: clip(m.text, budget),
      }),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Inbox and history.

/** How a message's author is named in lists: @username when they have one, else their first name. */
export const partyLabel = (p: MessageParty) => (p.username ? `@${p.username}` : (p.firstName ?? '—'));

export async function loadInbox(ctx: BotContext): Promise<void> {
  chatView(ctx).inbox = await inbox(ctx.em, ctx.user, INBOX_SIZE);
}

/** The latest distinct senders of the inbox (for its Reply buttons). */
export function inboxSenders(items: readonly MessageView[]): MessageParty[] {
  const seen = new Map<string, MessageParty>();
  for (const item of items) {
    if (!seen.has(item.from.id)) seen.set(item.from.id, item.from);
    if (seen.size >= INBOX_REPLY_BUTTONS) break;
  }
  return [...seen.values()];
}

export function inboxText(ctx: BotContext): string {
  const items = chatView(ctx).inbox ?? [];
  if (items.length === 0) return ctx.t('chat-inbox-empty');
  const zone = ctx.user.timezone;
  const head = [ctx.t('chat-inbox-title', { count: items.length, timezone: zone }), ''];
  return fitText(head, (budget) => items.map((m) => messageLine(ctx, m, zone, budget)), '\n\n');
}

export function historyText(ctx: BotContext): string {
  const h = chatView(ctx).history;
  if (!h) return '';
  if (h.items.length === 0) return ctx.t('chat-history-empty', { handle: h.handle });
  const zone = ctx.user.timezone;
  const head = [
    ctx.t('chat-history-title', { handle: h.handle, page: h.page + 1 }),
    ctx.t('chat-history-hint', { timezone: zone }),
    '',
  ];
  return fitText(head, (budget) => h.items.map((m) => messageLine(ctx, m, zone, budget)), '\n\n');
}

/** "➡️ name · 01.12.2026 18:00: text" (sent by the user) or "⬅️ …" (received). */
function messageLine(ctx: BotContext, m: MessageView, zone: string, budget: number): string {
  return ctx.t(m.from.id === ctx.user.id ? 'chat-line-out' : 'chat-line-in', {
    name: clip(partyLabel(m.from), 48),
    time: formatLocal(m.sentAt, zone),
    text: clip(m.text, budget),
  });
}

/** Characters of each message shown, in turn, until the whole list fits one message. */
const PREVIEW_BUDGETS = [CHAT_TEXT_MAX, 1000, 400, 160, 60];

/**
 * Joins a header and entries (one message each, `separator` between them), clipping every message shorter until the whole fits one Telegram
 * message (texts are escaped by the translator, so an "&" costs five characters: the length
 * is checked on the rendered result). As a last resort trailing lines are dropped.
 */
export function fitText(
  head: string[],
  render: (budget: number) => string[],
  separator = '\n',
  limit = TELEGRAM_TEXT_LIMIT,
): string {
  const join = (lines: string[]) => `${head.join('\n')}\n${lines.join(separator)}`;
  let lines: string[] = [];
  for (const budget of PREVIEW_BUDGETS) {
    lines = render(budget);
    if (join(lines).length <= limit) return join(lines);
  }
  while (lines.length > 0 && join([...lines, '…']).length > limit) lines.pop();
  return join([...lines, '…']);
}
