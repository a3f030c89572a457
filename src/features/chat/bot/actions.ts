import type { MessageEntity } from 'grammy/types';
import type { BotContext, BotDeps } from '../../../platform/bot/context.js';
import { clip } from '../../../platform/bot/ui/payload.js';
import { isRowId } from '../../../platform/db/row-id.js';
import { DomainError } from '../../../platform/errors.js';
import { type Formatted, relayedEntities, sliceFormatted } from '../../../platform/telegram/entities.js';
import { TELEGRAM_TEXT_LIMIT } from '../../../platform/telegram/html.js';
import { formatDue } from '../../../platform/time/local-dates.js';
import { findByHandle, handleOf, senderName, User, visibleName } from '../../users/index.js';
import {
  CAPTION_MAX,
  CHAT_TEXT_MAX,
  INBOX_SIZE,
  inbox,
  PM_LIMIT,
  parseContent,
  recentContacts,
  recentRoomMessages,
  type StoredPm,
  sendPrivateMessage,
  userReachableById,
} from '../chat.js';
import type { MessageParty, MessageView } from '../messages.js';
import { isRoomMember, joinRoom, leaveRoom, ROOM_IDLE_MS, roomActiveFor, roomMembers } from '../room.js';
import { postToRoom } from '../room-post.js';
import { mediaLabel, type Written } from './media.js';

/**
 * Data and texts of the chat (SPEC §2.3): /pm and the Reply dialog, the room, /history, /inbox.
 * Everything is stored through domain/chat.ts and delivered through deps.chat (WebSocket, or
 * Telegram through the worker); nothing here sends to anyone but the user in front of us.
 */

export const HISTORY_PAGE_SIZE = 10;
/** Recent contacts offered as buttons (✉️ New message, 📜 History). */
export const CONTACT_BUTTONS = 8;
/** People named on the room screen; the rest are counted. */
export const ROOM_NAMES_SHOWN = 10;
/** Conversations of the chat (registered in src/bot.ts). */
export const CHAT_CONVERSATIONS = { reply: 'pmReply', compose: 'pmNew' } as const;
/** Where a Reply was begun: under a private message, or on the 📥 Inbox or 📜 History screen. */
export type ReplyOrigin = 'message' | 'inbox' | 'history';

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
  /** The reader blocked them (they cannot write to the reader; the reader can still write to them). */
  blocked: boolean;
}

/** The question "Block @x?" asked from a history page (`page`, where both its answers lead back). */
export interface BlockAskView {
  otherId: string;
  handle: string;
  page: number;
}

export interface RoomView {
  /** The user is in room mode; `joined`: this update put them there. */
  member: boolean;
  joined: boolean;
  messages: MessageView[];
  /** Names of who is in the room (up to ROOM_NAMES_SHOWN) and how many are there. */
  here: string[];
  hereCount: number;
}

export interface ChatView {
  room?: RoomView;
  inbox?: MessageView[];
  history?: HistoryView;
  blockAsk?: BlockAskView;
  contacts?: Array<{ id: string; name: string }>;
  /** How people in the loaded lists are named (display name and handle, as others see them). */
  names?: Map<string, string>;
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

/**
 * The text of `/pm <username> <text>` with its formatting: `text` is parsePmArgs' part of the
 * message's `fullText`, which ends it (only trailing spaces follow), so the entities are cut to it
 * and moved to its start.
 */
export function pmTextOf(fullText: string, entities: readonly MessageEntity[] | undefined, text: string): Written {
  const start = fullText.trimEnd().length - text.length;
  if (start < 0 || fullText.slice(start, start + text.length) !== text) return { text, entities: [] };
  return sliceFormatted(fullText, relayedEntities(entities), start, start + text.length);
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

/** The user a Reply button or a history page names, or null (unknown, banned, forged: see userReachableById). */
export async function userById(ctx: BotContext, id: string): Promise<User | null> {
  const user = await userReachableById(ctx.em, ctx.profile.id, id);
  return user && user.status !== 'banned' ? user : null;
}

/**
 * Sends a private message as the user in front of us and tells them what happened. The checks
 * that need no write come first: the text, the recipient (unknown, oneself); the domain refuses
 * the rest without storing anything (the per-sender limit, someone who could never read it).
 */
export async function sendPm(ctx: BotContext, target: PmTarget, written: Written): Promise<PmOutcome> {
  const { media } = written;
  let formatted: Formatted;
  try {
    formatted = parseContent(written.text, written.entities, media);
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
  if (recipient.id === ctx.profile.id) {
    await ctx.reply(ctx.t('chat-pm-self'));
    return 'refused';
  }
  const handle = handleOf(recipient);
  let pm: StoredPm;
  try {
    pm = await sendPrivateMessage(ctx.em, ctx.deps, ctx.profile.id, { userId: recipient.id }, formatted.text, {
      ...(media ? { media } : {}),
      entities: formatted.entities,
    });
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
    if (err.code === 'recipient_unreachable') {
      await ctx.reply(unreachableText(ctx, err, handle));
      return 'refused';
    }
    return textRefused(ctx, err);
  }
  // Stored, and owed to the recipient in PostgreSQL: a delivery that cannot start now (Redis away)
  // is the delivery sweep's. Failing the update would make Telegram send it again: stored twice.
  const delivery = await ctx.deps.chat.deliverPrivate(pm).catch((err: unknown) => {
    ctx.log.warn({ err, messageId: pm.message.id }, 'pm delivery not started; the sweep will');
    const { telegramId, botBlocked, status } = pm.recipient;
    return telegramId != null && !botBlocked && status === 'active' ? 'telegram' : 'stored';
  });
  if (delivery === 'stored') {
    await ctx.reply(ctx.t('chat-pm-stored', { handle }));
    return 'stored';
  }
  await ctx.reply(ctx.t('chat-pm-sent', { handle }));
  return 'sent';
}

/**
 * Why a PM could not reach its recipient (recipient_unreachable's `details.reason`): they do not
 * accept messages from this sender (they blocked them), or they blocked the bot.
 */
function unreachableText(ctx: BotContext, err: DomainError, handle: string): string {
  const reason = (err.details as { reason?: string } | undefined)?.reason;
  return ctx.t(reason === 'blocked' ? 'chat-pm-not-accepted' : 'chat-pm-blocked', { handle });
}

async function textRefused(ctx: BotContext, err: unknown): Promise<'retry'> {
  if (!(err instanceof DomainError)) throw err;
  if (err.code === 'text_too_long') {
    const { max = CHAT_TEXT_MAX, length = 0 } = (err.details ?? {}) as { max?: number; length?: number };
    await ctx.reply(ctx.t('chat-text-too-long', { max, length }));
    return 'retry';
  }
  if (err.code === 'caption_too_long') {
    const { max = CAPTION_MAX, length = 0 } = (err.details ?? {}) as { max?: number; length?: number };
    await ctx.reply(ctx.t('chat-caption-too-long', { max, length }));
    return 'retry';
  }
  if (err.code === 'text_empty') {
    await ctx.reply(ctx.t('chat-text-empty'));
    return 'retry';
  }
  if (err.code === 'text_invalid' || err.code === 'caption_invalid') {
    await ctx.reply(ctx.t('chat-text-invalid'));
    return 'retry';
  }
  throw err;
}

// ---------------------------------------------------------------------------------------------
// The room. Membership is the Redis set of chat/room.ts (shared with WebSocket clients, kept
// across restarts); the session flag only lets us explain a membership that ended elsewhere.

/** Loads what the room screen shows: who is here and the latest messages. */
export async function loadRoom(ctx: BotContext, joined = false): Promise<void> {
  const member = joined || (await isInRoom(ctx));
  const [messages, memberIds] = await Promise.all([recentRoomMessages(ctx.em), roomMembers(roomServices(ctx.deps))]);
  const hereIds = memberIds.filter(isRowId).slice(0, ROOM_NAMES_SHOWN);
  const ids = [...new Set([...messages.map((m) => m.from.id), ...hereIds])];
  const users = ids.length ? await ctx.em.find(User, { id: { $in: ids } }) : [];
  const names = new Map(users.map((u) => [u.id, visibleName(u)]));
  chatView(ctx).room = {
    member,
    joined,
    messages,
    here: hereIds.flatMap((id) => names.get(id) ?? []),
    hereCount: memberIds.length,
  };
  chatView(ctx).names = names;
}

/**
 * Enters room mode (an explicit step: /room or the room screen's Join) and loads the room
 * screen. The idle clock starts: ROOM_IDLE_MS without writing to the room ends it.
 */
export async function enterRoom(ctx: BotContext): Promise<void> {
  await joinRoom(roomServices(ctx.deps), ctx.profile.id);
  (await ctx.session).inRoom = true;
  await markRoomMode(ctx, true);
  await ctx.deps.chat.roomActivity(ctx.profile.id, true);
  await loadRoom(ctx, true);
}

/** Leaves the room; true if the user was in it. */
export async function exitRoom(ctx: BotContext): Promise<boolean> {
  const was = await leaveRoom(roomServices(ctx.deps), ctx.profile.id);
  const session = await ctx.session;
  const flagged = session.inRoom === true;
  session.inRoom = false;
  await markRoomMode(ctx, false);
  return was || flagged;
}

/**
 * Records in PostgreSQL whether this Telegram user is in room mode (User.inRoomSince), written
 * only when it changes: the room's membership lives in Redis, and after Redis lost it the bot can
 * still tell a user who was in the room that their room session ended (roomModeFeature).
 */
export async function markRoomMode(ctx: BotContext, on: boolean): Promise<void> {
  if (on === (ctx.profile.inRoomSince != null)) return;
  ctx.user.inRoomSince = on ? new Date() : null;
  await ctx.em.flush();
}

export function isInRoom(ctx: BotContext): Promise<boolean> {
  return isRoomMember(roomServices(ctx.deps), ctx.profile.id);
}

/**
 * Room mode of this user has run idle (no room message for ROOM_IDLE_MS): they leave the room.
 * True if this call took them out (the caller tells them; the worker's idle check then finds
 * them gone and says nothing, so they are told once).
 */
export async function leaveIfIdle(ctx: BotContext): Promise<boolean> {
  if ((await roomActiveFor(roomServices(ctx.deps), ctx.profile.id)) > 0) return false;
  const left = await leaveRoom(roomServices(ctx.deps), ctx.profile.id);
  (await ctx.session).inRoom = false;
  await markRoomMode(ctx, false);
  return left;
}

export const roomIdleMinutes = () => ROOM_IDLE_MS / 60_000;

/**
 * A plain text or a media message in room mode (membership checked by roomModeFeature): posted
 * through the room's use case (../room-post.ts), whose outcome becomes the answer here.
 */
export async function sayInRoom(ctx: BotContext, written: Written): Promise<void> {
  const outcome = await postToRoom(
    ctx.em,
    { ...roomServices(ctx.deps), limiter: ctx.deps.limiter, chat: ctx.deps.chat },
    ctx.user,
    written.text,
    { entities: written.entities, ...(written.media ? { media: written.media } : {}) },
  );
  switch (outcome.status) {
    case 'text_refused':
      await textRefused(ctx, outcome.error);
      return;
    case 'rate_limited':
      await ctx.reply(ctx.t('chat-room-rate-limited', { limit: outcome.limit, seconds: outcome.retryAfter }));
      return;
    case 'sent':
      // Stored, and its fan-out owed in PostgreSQL: one that could not start now (Redis away) is
      // the delivery sweep's. Failing the update would make Telegram send it again: stored twice.
      if ('deliveryError' in outcome) {
        ctx.log.warn(
          { err: outcome.deliveryError, messageId: outcome.message.id },
          'room fan-out not started; the sweep will',
        );
      }
      await ctx.deps.chat
        .roomActivity(ctx.profile.id, false)
        .catch((err: unknown) => ctx.log.warn({ err }, 'room activity not recorded'));
      return;
  }
}

export function roomText(ctx: BotContext): string {
  const room = chatView(ctx).room;
  if (!room) return '';
  const names = chatView(ctx).names ?? new Map<string, string>();
  const minutes = roomIdleMinutes();
  const head = [
    room.member ? ctx.t('chat-room-in', { minutes }) : ctx.t('chat-room-preview', { minutes }),
    '',
    ctx.t('chat-room-here', {
      count: room.hereCount,
      names: room.here.map((n) => clip(n, 32)).join(', '),
      more: Math.max(0, room.hereCount - room.here.length),
    }),
    '',
  ];
  if (room.messages.length === 0) return [...head, ctx.t('chat-room-empty')].join('\n');
  head.push(ctx.t('chat-room-recent', { count: room.messages.length }));
  return fitText(head, (budget) =>
    room.messages.map((m) =>
      ctx.t('chat-room-line', {
        name: clip(names.get(m.from.id) ?? partyLabel(m.from), 48),
        text: clip(contentText(ctx, m), budget),
      }),
    ),
  );
}

/** A message's text in lists: its caption after a label for its media ("🖼 photo · caption"). */
export function contentText(ctx: BotContext, m: MessageView): string {
  if (!m.media) return m.text;
  const label = mediaLabel(ctx.t, m.media);
  return m.text ? `${label} · ${m.text}` : label;
}

// ---------------------------------------------------------------------------------------------
// Inbox and history.

/** How a message's author is named in lists: @username when they have one, else their first name. */
export const partyLabel = (p: MessageParty) => (p.username ? `@${p.username}` : (p.firstName ?? '—'));

export async function loadInbox(ctx: BotContext): Promise<void> {
  const items = await inbox(ctx.em, ctx.user, INBOX_SIZE);
  chatView(ctx).inbox = items;
  await loadNames(
    ctx,
    items.map((m) => m.from.id),
  );
}

/** Names the people of a list as they chose to be seen (display name and handle). */
export async function loadNames(ctx: BotContext, ids: string[]): Promise<void> {
  const unique = [...new Set(ids)];
  const users = unique.length ? await ctx.em.find(User, { id: { $in: unique } }) : [];
  const names = chatView(ctx).names ?? new Map<string, string>();
  for (const u of users) names.set(u.id, senderName(u));
  chatView(ctx).names = names;
}

/** The name of a message's author in lists. */
export function nameOf(ctx: BotContext, p: MessageParty): string {
  return chatView(ctx).names?.get(p.id) ?? partyLabel(p);
}

/** The people this user exchanged PMs with most recently (✉️ New message, 📜 History). */
export async function loadContacts(ctx: BotContext): Promise<Array<{ id: string; name: string }>> {
  const users = await recentContacts(ctx.em, ctx.user, CONTACT_BUTTONS);
  const contacts = users.map((u) => ({ id: u.id, name: senderName(u) }));
  chatView(ctx).contacts = contacts;
  return contacts;
}

export function inboxText(ctx: BotContext): string {
  const items = chatView(ctx).inbox ?? [];
  if (items.length === 0) return ctx.t('chat-inbox-empty');
  const zone = ctx.profile.timezone;
  const head = [ctx.t('chat-inbox-title', { count: items.length, timezone: zone }), ''];
  return fitText(head, (budget) => items.map((m, i) => `${i + 1}. ${messageLine(ctx, m, zone, budget)}`), '\n\n');
}

export function historyText(ctx: BotContext): string {
  const h = chatView(ctx).history;
  if (!h) return '';
  const blocked = h.blocked ? [ctx.t('chat-history-blocked', { handle: h.handle })] : [];
  if (h.items.length === 0) return [ctx.t('chat-history-empty', { handle: h.handle }), ...blocked].join('\n\n');
  const zone = ctx.profile.timezone;
  const head = [
    ctx.t('chat-history-title', { handle: h.handle, page: h.page + 1 }),
    ctx.t('chat-history-hint', { timezone: zone }),
    ...blocked,
    '',
  ];
  return fitText(head, (budget) => h.items.map((m) => messageLine(ctx, m, zone, budget)), '\n\n');
}

/**
 * "➡️ name · today 18:00: text" (sent by the user) or "⬅️ …" (received): the time in the reader's
 * zone and words ("yesterday 09:15", "Fri, Dec 11, 18:00"), as task due dates are shown.
 */
function messageLine(ctx: BotContext, m: MessageView, zone: string, budget: number): string {
  return ctx.t(m.from.id === ctx.profile.id ? 'chat-line-out' : 'chat-line-in', {
    name: clip(nameOf(ctx, m.from), 64),
    time: formatDue(m.sentAt, zone, ctx.t, ctx.profile.language),
    text: clip(contentText(ctx, m), budget),
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
