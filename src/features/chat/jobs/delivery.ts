import { type Job, UnrecoverableError } from 'bullmq';
import type { InlineKeyboard } from 'grammy';
import type { Message as TelegramMessage } from 'grammy/types';
import { type Em, execute } from '../../../platform/db/orm.js';
import type { Services } from '../../../platform/services.js';
import { chatBudget, type TelegramBudget } from '../../../platform/telegram/budget.js';
import {
  characterCount,
  type Formatted,
  formatAround,
  messageEntities,
  type TextEntity,
} from '../../../platform/telegram/entities.js';
import { escapeHtml, splitText, TELEGRAM_TEXT_LIMIT } from '../../../platform/telegram/html.js';
import { sendOnce } from '../../../platform/telegram/send-outcome.js';
import {
  blockedAmong,
  blocks,
  firstNameOf,
  handleOf,
  markBlocked,
  senderName,
  User,
  visibleName,
} from '../../users/index.js';
import { pmReplyKeyboard } from '../bot/keyboards.js';
import { CAPTION_MAX } from '../chat.js';
import { Message, type MessageKind, type StoredMedia } from '../message.entity.js';
import { Presence } from '../presence.js';
import { isRoomMember, leaveRoom, ROOM_IDLE_MS, roomActiveFor, roomMembers } from '../room.js';
import { RoomSend } from '../room-send.entity.js';

/**
 * Chat messages that go out through Telegram (SPEC §2.3): private messages to people without a
 * live WebSocket, the "N new messages" notice that stands for a burst of them, the room
 * fan-out to Telegram users in room mode, and the echo of a message POSTed without a recipient. Every send draws from the chat lane of the send budget
 * (chatSendRate: what Telegram's global limit leaves beside MAILING_RATE, src/platform/telegram/budget.ts),
 * so a chatty room never slows a running mailing, and runs here, in the worker role, never inside
 * a request or update handler.
 */
export const CHAT_DELIVERY_QUEUE = 'chat-delivery';

export type ChatDeliveryJob =
  /** A private message in full ("💬 @sender: text" with a Reply button). */
  | { type: 'pm'; messageId: string }
  /** At the end of a notice window: "📨 N new messages from @x — /inbox" for the PMs folded in it. */
  | { type: 'pm-notice'; recipientId: string; window: string }
  /**
   * A room message: finds the Telegram members to send it to, records each one's copy as owed
   * (`room_sends`) and queues one `room-send` job each.
   */
  | { type: 'room'; messageId: string }
  | { type: 'room-send'; messageId: string; userId: string }
  /** A message POSTed over HTTP without a recipient comes back to its author's Telegram (seed 000). */
  | { type: 'echo'; messageId: string }
  /**
   * ROOM_IDLE_MS after a Telegram user entered room mode: if they have not written to the room
   * since (the activity key of ../room.ts expired), they leave it and are told once; otherwise
   * the check runs again when the key would expire.
   */
  | { type: 'room-idle'; userId: string };

/** Senders named in a notice; the rest are counted ("and 2 others"). */
export const NOTICE_NAMED_SENDERS = 3;

/**
 * Claims the folded PMs of a recipient not yet in a notice (one UPDATE; whoever runs first gets
 * them, so a notice job run twice, or beside the sweep's, sends once); oldest first.
 */
const TAKE_FOLDED = `
update messages set delivery = null
 where to_id = ? and kind = 'pm' and delivery = 'folded'
returning id, from_id`;

/** The chat delivery queue's options (ChatJobs and the sweep). */
export const chatDeliveryJobOptions = {
  defaultJobOptions: {
    // Telegram down or in a 429 storm: retried 1, 2, 4 … 512 s apart (about 17 minutes in all),
    // so an outage delays these messages instead of losing them (issue 18); after that the claim
    // (the message's, or a member's `room_sends` row) was given back and the sweep
    // (./delivery-sweep.ts) queues them again.
    attempts: 10,
    backoff: { type: 'exponential' as const, delay: 1_000 },
    removeOnComplete: 1000,
    removeOnFail: 5000,
  },
};

export const roomSendJobId = (messageId: string, userId: string) => `room-send-${messageId}-${userId}`;

/** Enqueues chat deliveries (any role). Job ids make a repeated enqueue a no-op. */
export class ChatJobs {
  constructor(private readonly services: Pick<Services, 'jobs'>) {}

  private get queue() {
    return this.services.jobs.queue<ChatDeliveryJob>(CHAT_DELIVERY_QUEUE, chatDeliveryJobOptions);
  }

  async pm(messageId: string): Promise<void> {
    await this.queue.add('pm', { type: 'pm', messageId }, { jobId: `pm-${messageId}` });
  }

  /** One notice job per recipient and window: every PM folded in it enqueues the same job id. */
  async notice(recipientId: string, window: string, delayMs: number): Promise<void> {
    await this.queue.add(
      'pm-notice',
      { type: 'pm-notice', recipientId, window },
      { jobId: `pm-notice-${recipientId}-${window}`, delay: Math.max(0, delayMs) },
    );
  }

  async echo(messageId: string): Promise<void> {
    await this.queue.add('echo', { type: 'echo', messageId }, { jobId: `echo-${messageId}` });
  }

  async room(messageId: string): Promise<void> {
    await this.queue.add('room', { type: 'room', messageId }, { jobId: `room-${messageId}` });
  }

  /** Schedules the idle check of a Telegram user's room mode, `delayMs` from now. */
  async roomIdle(userId: string, delayMs: number): Promise<void> {
    await this.queue.add(
      'room-idle',
      { type: 'room-idle', userId },
      { jobId: `room-idle-${userId}-${Date.now()}`, delay: Math.max(0, delayMs) },
    );
  }

  async roomSends(messageId: string, userIds: readonly string[]): Promise<void> {
    for (let i = 0; i < userIds.length; i += 500) {
      await this.queue.addBulk(
        userIds.slice(i, i + 500).map((userId) => ({
          name: 'room-send',
          data: { type: 'room-send' as const, messageId, userId },
          opts: { jobId: roomSendJobId(messageId, userId) },
        })),
      );
    }
  }
}

export function startChatDeliveryWorker(services: Services) {
  const budget = chatBudget(services);
  return services.jobs.worker<ChatDeliveryJob>(
    CHAT_DELIVERY_QUEUE,
    (job) => handleChatDelivery(services, job, budget),
    { concurrency: 8 },
  );
}

export type ChatDeliveryOutcome = 'sent' | 'skipped' | 'blocked' | 'queued';

export async function handleChatDelivery(
  services: Services,
  job: Pick<Job<ChatDeliveryJob>, 'data'>,
  budget: TelegramBudget = chatBudget(services),
): Promise<ChatDeliveryOutcome> {
  const data = job.data;
  const em = services.orm.em.fork();
  switch (data.type) {
    case 'echo':
      return owed(em, data.messageId, 'echo', async () => {
        const message = await em.findOne(Message, { id: data.messageId }, { populate: ['from'] });
        const author = message?.from;
        if (!message || !author || !reachable(author)) return 'skipped';
        const t = services.translator.forLocale(author.language);
        const text = t('echo', { firstName: firstNameOf(author), text: message.text });
        return (await send(services, budget, author, text, undefined, messageProgress(em, message))).outcome;
      });
    case 'pm':
      return owed(em, data.messageId, 'pm', async () => {
        const message = await em.findOne(Message, { id: data.messageId }, { populate: ['from', 'to'] });
        const recipient = message?.to;
        if (!message || !recipient || !reachable(recipient)) return 'skipped';
        // Blocked between the send and now: the blocker gets nothing more from them (it stays stored).
        if (await blocks(em, recipient.id, message.from.id)) return 'skipped';
        const t = services.translator.forLocale(recipient.language);
        const sender = senderName(message.from);
        const sent = await relay(services, budget, recipient, {
          header: (text) => (text ? t('chat-pm-incoming', { sender, text }) : t('chat-pm-incoming-media', { sender })),
          text: message.text,
          entities: message.entities,
          media: message.media,
          keyboard: pmReplyKeyboard(t, message.from.id),
          progress: messageProgress(em, message),
        });
        if (sent.outcome === 'sent' && sent.messageId !== undefined) {
          // The copy a swipe-reply will point at (src/features/chat/bot/commands.ts maps it back).
          await em.nativeUpdate(
            Message,
            { id: message.id },
            { telegramMessageId: sent.messageId, telegramOtherPartId: sent.otherId ?? null },
          );
        }
        return sent.outcome;
      });
    case 'pm-notice': {
      const rows = await execute<Array<{ id: string | number; from_id: string | number }>>(em, TAKE_FOLDED, [
        data.recipientId,
      ]);
      if (rows.length === 0) return 'skipped';
      const claimed = rows.map((r) => String(r.id));
      try {
        return await foldedNotice(services, em, budget, data.recipientId, rows);
      } catch (err) {
        // Nothing reached them: folded again, for the retry (or the sweep). A network error after
        // the request was written may hide a delivered notice: then they stay claimed.
        if (!(err instanceof UnrecoverableError)) {
          await em.nativeUpdate(Message, { id: { $in: claimed }, delivery: null }, { delivery: 'folded' });
        }
        throw err;
      }
    }
    case 'room': {
      const message = await em.findOne(Message, { id: data.messageId, kind: 'room' }, { populate: ['from'] });
      if (message?.delivery !== 'owed') return 'skipped';
      const members = (await roomMembers(services)).filter((id) => id !== message.from.id && /^\d{1,19}$/.test(id));
      const presence = new Presence(services.redis, services.keyPrefix);
      const recipients: string[] = [];
      for (let i = 0; i < members.length; i += 1000) {
        const users = await em.find(
          User,
          { id: { $in: members.slice(i, i + 1000) }, telegramId: { $ne: null }, botBlocked: false, status: 'active' },
          { fields: ['id'] },
        );
        const online = await presence.online(users.map((u) => u.id));
        recipients.push(...users.map((u) => u.id).filter((id) => !online.has(id)));
      }
      // The claim and the plan in one transaction: from here on each member's copy is owed in
      // `room_sends` (a job lost or out of retries is queued again by the sweep), never planned twice.
      const planned = await em.transactional(async (tx) => {
        const claimed = await tx.nativeUpdate(
          Message,
          { id: message.id, kind: 'room', delivery: 'owed' },
          { delivery: null },
        );
        if (claimed === 0) return false;
        const createdAt = new Date();
        for (let i = 0; i < recipients.length; i += 1000) {
          await tx.insertMany(
            RoomSend,
            recipients.slice(i, i + 1000).map((user) => ({
              message: message.id,
              user,
              claimed: false,
              partsSent: 0,
              firstPartId: null,
              createdAt,
            })),
          );
        }
        return true;
      });
      if (!planned) return 'skipped';
      // If Redis refuses these, the rows stay owed and the sweep queues them.
      await new ChatJobs(services).roomSends(message.id, recipients);
      return 'queued';
    }
    case 'room-send':
      return owedToMember(em, data.messageId, data.userId, async (progress) => {
        const [message, user] = await Promise.all([
          em.findOne(Message, { id: data.messageId, kind: 'room' }, { populate: ['from'] }),
          em.findOne(User, { id: data.userId }),
        ]);
        // Left the room since the fan-out was planned: nothing more for them.
        if (!message || !user || !reachable(user) || !(await isRoomMember(services, user.id))) return 'skipped';
        const t = services.translator.forLocale(user.language);
        const name = visibleName(message.from);
        const { outcome } = await relay(services, budget, user, {
          header: (text) => (text ? t('chat-room-line', { name, text }) : t('chat-room-line-media', { name })),
          text: message.text,
          entities: message.entities,
          media: message.media,
          progress,
        });
        if (outcome === 'blocked') await leaveRoom(services, user.id);
        return outcome;
      });
    case 'room-idle': {
      if (!(await isRoomMember(services, data.userId))) return 'skipped';
      const remaining = await roomActiveFor(services, data.userId);
      if (remaining > 0) {
        await new ChatJobs(services).roomIdle(data.userId, remaining + 1_000);
        return 'queued';
      }
      // Whoever removes the member tells them (the bot does the same on their next text): once.
      if (!(await leaveRoom(services, data.userId))) return 'skipped';
      const user = await em.findOne(User, { id: data.userId });
      if (!user) return 'skipped';
      if (user.inRoomSince) {
        // Told here: the bot must not tell them again that their room session ended.
        user.inRoomSince = null;
        await em.flush();
      }
      if (!reachable(user)) return 'skipped';
      const t = services.translator.forLocale(user.language);
      return (await send(services, budget, user, t('chat-room-idle-left', { minutes: ROOM_IDLE_MS / 60_000 }))).outcome;
    }
  }
}

/**
 * Runs the delivery a message owes (`messages.delivery = 'owed'`, see ../message.entity.ts) once:
 * claims it in one UPDATE first, so a second job, a retry after the send, or the sweep's copy
 * does nothing. When Telegram answered with an error (5xx, 429: nothing was sent), the claim is
 * given back for the retry (or, after the last, the sweep), the parts already sent recorded; a
 * network error after the request was written may hide a delivered message: the claim stays.
 */
async function owed(
  em: Em,
  messageId: string,
  kind: MessageKind,
  deliver: () => Promise<ChatDeliveryOutcome>,
): Promise<ChatDeliveryOutcome> {
  const claimed = await em.nativeUpdate(Message, { id: messageId, kind, delivery: 'owed' }, { delivery: null });
  if (claimed === 0) return 'skipped';
  try {
    return await deliver();
  } catch (err) {
    if (!(err instanceof UnrecoverableError)) {
      await em.nativeUpdate(Message, { id: messageId, delivery: null }, { delivery: 'owed' });
    }
    throw err;
  }
}

/**
 * Runs a member's owed copy of a room line (a `room_sends` row) once: claims the row in one
 * UPDATE, so a second job or the sweep's copy does nothing; deletes it once done. When Telegram
 * answered with an error (nothing was sent) it is given back for the retry or, after the last,
 * the sweep; a network error after the request was written may hide a delivered copy: it is
 * dropped, never sent again.
 */
async function owedToMember(
  em: Em,
  messageId: string,
  userId: string,
  deliver: (progress: CopyProgress) => Promise<ChatDeliveryOutcome>,
): Promise<ChatDeliveryOutcome> {
  const rows = await execute<Array<{ parts_sent: number; first_part_id: string | number | null }>>(
    em,
    'update room_sends set claimed = true where message_id = ? and user_id = ? and not claimed returning parts_sent, first_part_id',
    [messageId, userId],
  );
  const row = rows[0];
  if (!row) return 'skipped';
  const where = { message: messageId, user: userId };
  const done = () => em.nativeDelete(RoomSend, where);
  try {
    const outcome = await deliver({
      partsSent: row.parts_sent,
      firstPartId: row.first_part_id == null ? null : Number(row.first_part_id),
      record: async (partsSent, firstPartId) => {
        await em.nativeUpdate(RoomSend, where, { partsSent, firstPartId });
      },
    });
    await done();
    return outcome;
  } catch (err) {
    if (err instanceof UnrecoverableError) await done();
    else await em.nativeUpdate(RoomSend, where, { claimed: false });
    throw err;
  }
}

/** "📨 N new messages from @x" for the folded PMs just claimed (ids ascending: first sender first). */
async function foldedNotice(
  services: Services,
  em: Em,
  budget: TelegramBudget,
  recipientId: string,
  rows: Array<{ id: string | number; from_id: string | number }>,
): Promise<ChatDeliveryOutcome> {
  const recipient = await em.findOne(User, { id: recipientId });
  if (!recipient || !reachable(recipient)) return 'skipped';
  // Senders the recipient blocked since their PMs were folded are neither counted nor named.
  const blocked = await blockedAmong(em, recipientId, [...new Set(rows.map((r) => String(r.from_id)))]);
  const ordered = rows
    .filter((r) => !blocked.has(String(r.from_id)))
    .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  if (ordered.length === 0) return 'skipped';
  const senderIds = [...new Set(ordered.map((r) => String(r.from_id)))];
  const count = ordered.length;
  const named = await em.find(User, { id: { $in: senderIds.slice(0, NOTICE_NAMED_SENDERS) } });
  const byId = new Map(named.map((u) => [u.id, u]));
  const handles = senderIds.flatMap((id) => {
    const user = byId.get(id);
    return user ? [handleOf(user)] : [];
  });
  const t = services.translator.forLocale(recipient.language);
  const others = senderIds.length - handles.length;
  const list = others > 0 ? [...handles, t('chat-pm-notice-others', { count: others })] : handles;
  const senders = new Intl.ListFormat(recipient.language, { type: 'conjunction' }).format(list);
  const text = t('chat-pm-notice', { count, sender: senders });
  // One sender: the notice answers them like a PM would; several: /inbox lists them all.
  const only = senderIds.length === 1 ? byId.get(senderIds[0] as string) : undefined;
  return (await send(services, budget, recipient, text, only ? pmReplyKeyboard(t, only.id) : undefined)).outcome;
}

/**
 * How far a copy made of several Telegram messages got, kept in PostgreSQL (the message's
 * `parts_sent`, or its `room_sends` row): a retry or the sweep's job goes on from the next part,
 * so a long outage between two parts never sends the first one twice.
 */
interface CopyProgress {
  partsSent: number;
  /** The first part's Telegram message id (the rest may reply to it); null before it is sent. */
  firstPartId: number | null;
  /** Called after each part but the last. */
  record(partsSent: number, firstPartId: number): Promise<void>;
}

/** A PM's or echo's copy progress, kept on the message (`parts_sent`; the first part's id in `telegram_message_id`). */
function messageProgress(em: Em, message: Message): CopyProgress {
  return {
    partsSent: message.partsSent,
    firstPartId: message.partsSent > 0 ? (message.telegramMessageId ?? null) : null,
    record: async (partsSent, firstPartId) => {
      await em.nativeUpdate(Message, { id: message.id }, { partsSent, telegramMessageId: firstPartId });
    },
  };
}

/** What a relayed message is: its text (or caption), its media, and how its first line names the sender. */
interface Relayed {
  /** The HTML the recipient reads: "💬 @ann: text", or just "💬 @ann" for media without a caption. */
  header: (textOrEmpty: string) => string;
  text: string;
  /** The formatting of `text` as its sender wrote it (UTF-16 offsets into `text`). */
  entities: readonly TextEntity[] | null | undefined;
  media: StoredMedia | null | undefined;
  keyboard?: InlineKeyboard;
  progress?: CopyProgress;
}

/** Characters Telegram counts in an HTML text: tags dropped, entities decoded. */
const visibleLength = (html: string) =>
  [...html.replace(/<[^>]+>/g, '').replace(/&(lt|gt|amp|quot|#39);/g, '_')].length;

/** Private-use characters no name or locale text carries: where the text goes in the rendered line. */
const TEXT_MARKER = '\uE000\uE001\uE000';

/**
 * The sender's line around a formatted text as plain text and entities (Telegram takes entities
 * or parse_mode, not both): the line's own bold name and the sender's formatting, moved by the
 * UTF-16 length of the line before the text. Null for a text without formatting, or a line that
 * does not come apart (then the HTML line is sent, unformatted).
 */
function formattedLine(message: Relayed): Formatted | null {
  if (!message.entities?.length) return null;
  return formatAround(message.header(TEXT_MARKER), TEXT_MARKER, {
    text: message.text,
    entities: [...message.entities],
  });
}

/**
 * A copy as the Telegram messages it is sent as, in order (each given the first part's id, for a
 * reply to it), and which of them carries the keyboard and is the copy's id ('first' or 'last').
 */
interface Parts {
  parts: Array<(firstPartId: number | undefined) => Promise<TelegramMessage>>;
  carrier: 'first' | 'last';
}

/** An HTML text split at 4096, the keyboard on the last part. */
function textParts(services: Services, chatId: number, text: string, keyboard?: InlineKeyboard): Parts {
  const chunks = splitText(text);
  return {
    parts: chunks.map(
      (chunk, index) => () =>
        services.telegram.sendMessage(
          chatId,
          chunk,
          index === chunks.length - 1 && keyboard ? { reply_markup: keyboard } : {},
        ),
    ),
    carrier: 'last',
  };
}

/**
 * A relayed message (a text, or a media message with its caption, relayed by file id: a copy,
 * not a forward). A caption that would not fit Telegram's 1024 with the sender's name in front
 * goes in a text right after the media, as a reply to it, so nothing is cut. A sticker has no
 * caption: the name comes first, as a text. A text or caption the sender formatted keeps its
 * formatting (formattedLine).
 */
function relayParts(services: Services, chatId: number, message: Relayed): Parts {
  const markup = message.keyboard ? { reply_markup: message.keyboard } : {};
  const api = services.telegram;
  const media = message.media;
  const line = formattedLine(message);
  if (!media) {
    if (!line || characterCount(line.text) > TELEGRAM_TEXT_LIMIT) {
      return textParts(services, chatId, message.header(message.text), message.keyboard);
    }
    return {
      parts: [() => api.sendMessage(chatId, line.text, { entities: messageEntities(line.entities), ...markup })],
      carrier: 'first',
    };
  }
  if (media.type === 'sticker') {
    return {
      parts: [
        () => api.sendMessage(chatId, message.header(message.text)),
        () => api.sendSticker(chatId, media.fileId, markup),
      ],
      carrier: 'last',
    };
  }
  const full = message.header(message.text);
  const fits = line ? characterCount(line.text) <= CAPTION_MAX : visibleLength(full) <= CAPTION_MAX;
  const caption =
    fits && line
      ? { caption: line.text, caption_entities: messageEntities(line.entities) }
      : { caption: fits ? full : message.header('') };
  const options = { ...caption, ...(fits ? markup : {}) };
  const type = media.type;
  const sendMedia = (): Promise<TelegramMessage> => {
    switch (type) {
      case 'photo':
        return api.sendPhoto(chatId, media.fileId, options);
      case 'document':
        return api.sendDocument(chatId, media.fileId, options);
      case 'video':
        return api.sendVideo(chatId, media.fileId, options);
      case 'voice':
        return api.sendVoice(chatId, media.fileId, options);
    }
  };
  if (fits) return { parts: [sendMedia], carrier: 'first' };
  // The caption in full (with its formatting), as a reply to the media it belongs to, with the keyboard.
  const rest = (mediaId: number | undefined) => {
    const replyTo = {
      ...(mediaId !== undefined
        ? { reply_parameters: { message_id: mediaId, allow_sending_without_reply: true } }
        : {}),
      ...markup,
    };
    return message.entities?.length
      ? api.sendMessage(chatId, message.text, { entities: messageEntities(message.entities), ...replyTo })
      : api.sendMessage(chatId, escapeHtml(message.text), replyTo);
  };
  return { parts: [sendMedia, rest], carrier: 'first' };
}

/** How a copy went: the message with the keyboard (`messageId`) and, of a two-message copy, the other one. */
interface CopySent {
  outcome: ChatDeliveryOutcome;
  messageId?: number;
  otherId?: number;
}

/**
 * Sends a copy's parts from where its progress left off, each under the chat lane of the budget
 * with the one send rule of sendOnce (403 marks the user, 429 pauses the lane, a network error is
 * never resent), recording each part but the last before the next. Returns the id of the message
 * that carries the keyboard.
 */
async function sendParts(
  services: Services,
  budget: TelegramBudget,
  user: User & { telegramId: number },
  { parts, carrier }: Parts,
  progress?: CopyProgress,
): Promise<CopySent> {
  let first = progress?.firstPartId ?? undefined;
  let last: number | undefined;
  for (let index = progress?.partsSent ?? 0; index < parts.length; index++) {
    const part = parts[index] as Parts['parts'][number];
    await budget.acquire();
    const sent = await sendOnce({ chatId: user.telegramId, onBlocked: markBlocked(services), budget }, () =>
      part(first),
    );
    if (!sent) return { outcome: 'blocked' };
    if (index === 0) first = sent.message_id;
    last = sent.message_id;
    if (index < parts.length - 1) await progress?.record(index + 1, first ?? sent.message_id);
  }
  const messageId = carrier === 'first' ? first : last;
  // A copy of two messages: the one without the keyboard, which a swipe-reply may point at too.
  const otherId = parts.length > 1 ? (carrier === 'first' ? last : first) : undefined;
  return {
    outcome: 'sent',
    ...(messageId !== undefined ? { messageId } : {}),
    ...(otherId !== undefined && otherId !== messageId ? { otherId } : {}),
  };
}

function relay(
  services: Services,
  budget: TelegramBudget,
  user: User & { telegramId: number },
  message: Relayed,
): Promise<CopySent> {
  return sendParts(services, budget, user, relayParts(services, user.telegramId, message), message.progress);
}

function reachable(user: User): user is User & { telegramId: number } {
  return user.telegramId != null && !user.botBlocked && user.status === 'active';
}

/** Sends an HTML text (split at 4096, the keyboard on the last part); see sendParts. */
function send(
  services: Services,
  budget: TelegramBudget,
  user: User & { telegramId: number },
  text: string,
  keyboard?: InlineKeyboard,
  progress?: CopyProgress,
): Promise<CopySent> {
  return sendParts(services, budget, user, textParts(services, user.telegramId, text, keyboard), progress);
}
