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
import { firstNameOf, markBlocked, User, visibleName } from '../../users/index.js';
import { pmReplyKeyboard } from '../bot/keyboards.js';
import { CAPTION_MAX } from '../chat.js';
import { Message, type MessageKind, type StoredMedia } from '../message.entity.js';
import { handleOf, senderName } from '../names.js';
import { Presence } from '../presence.js';
import { isRoomMember, leaveRoom, ROOM_IDLE_MS, roomActiveFor, roomMembers } from '../room.js';

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
  /** A room message: finds the Telegram members to send it to, one `room-send` job each. */
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
    // was given back and the sweep (./delivery-sweep.ts) queues them again.
    attempts: 10,
    backoff: { type: 'exponential' as const, delay: 1_000 },
    removeOnComplete: 1000,
    removeOnFail: 5000,
  },
};

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
          opts: { jobId: `room-send-${messageId}-${userId}` },
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
  job: Pick<Job<ChatDeliveryJob>, 'data'> & Progress,
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
        return (await send(services, budget, author, text, undefined, job)).outcome;
      });
    case 'pm':
      return owed(em, data.messageId, 'pm', async () => {
        const message = await em.findOne(Message, { id: data.messageId }, { populate: ['from', 'to'] });
        const recipient = message?.to;
        if (!message || !recipient || !reachable(recipient)) return 'skipped';
        const t = services.translator.forLocale(recipient.language);
        const sender = senderName(message.from);
        const sent = await relay(services, budget, recipient, {
          header: (text) => (text ? t('chat-pm-incoming', { sender, text }) : t('chat-pm-incoming-media', { sender })),
          text: message.text,
          entities: message.entities,
          media: message.media,
          keyboard: pmReplyKeyboard(t, message.from.id),
        });
        if (sent.outcome === 'sent' && sent.messageId !== undefined) {
          // The copy a swipe-reply will point at (src/features/chat/bot/commands.ts maps it back).
          await em.nativeUpdate(Message, { id: message.id }, { telegramMessageId: sent.messageId });
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
    case 'room':
      return owed(em, data.messageId, 'room', async () => {
        const message = await em.findOne(Message, { id: data.messageId }, { populate: ['from'] });
        if (!message) return 'skipped';
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
        await new ChatJobs(services).roomSends(message.id, recipients);
        return 'queued';
      });
    case 'room-send': {
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
      });
      if (outcome === 'blocked') await leaveRoom(services, user.id);
      return outcome;
    }
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
      if (!user || !reachable(user)) return 'skipped';
      const t = services.translator.forLocale(user.language);
      return (await send(services, budget, user, t('chat-room-idle-left', { minutes: ROOM_IDLE_MS / 60_000 }))).outcome;
    }
  }
}

/**
 * Runs the delivery a message owes (`messages.delivery = 'owed'`, see ../message.entity.ts) once:
 * claims it in one UPDATE first, so a second job, a retry after the send, or the sweep's copy
 * does nothing. When Telegram answered with an error (5xx, 429: nothing was sent) or the fan-out
 * could not be queued, the claim is given back for the retry (or, after the last, the sweep); a
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

/** "📨 N new messages from @x" for the folded PMs just claimed (ids ascending: first sender first). */
async function foldedNotice(
  services: Services,
  em: Em,
  budget: TelegramBudget,
  recipientId: string,
  rows: Array<{ id: string | number; from_id: string | number }>,
): Promise<ChatDeliveryOutcome> {
  const ordered = [...rows].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  const senderIds = [...new Set(ordered.map((r) => String(r.from_id)))];
  const count = ordered.length;
  const recipient = await em.findOne(User, { id: recipientId });
  if (!recipient || !reachable(recipient)) return 'skipped';
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

/** What a relayed message is: its text (or caption), its media, and how its first line names the sender. */
interface Relayed {
  /** The HTML the recipient reads: "💬 @ann: text", or just "💬 @ann" for media without a caption. */
  header: (textOrEmpty: string) => string;
  text: string;
  /** The formatting of `text` as its sender wrote it (UTF-16 offsets into `text`). */
  entities: readonly TextEntity[] | null | undefined;
  media: StoredMedia | null | undefined;
  keyboard?: InlineKeyboard;
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
 * Sends a message (a text, or a media message with its caption, relayed by file id: a copy,
 * not a forward) and returns the id of the message that carries the keyboard. A caption that
 * would not fit Telegram's 1024 with the sender's name in front goes in a text right after the
 * media, so nothing is cut. A sticker has no caption: the name comes first, as a text.
 * A text or caption the sender formatted keeps its formatting (formattedLine).
 */
async function relay(
  services: Services,
  budget: TelegramBudget,
  user: User & { telegramId: number },
  message: Relayed,
): Promise<{ outcome: ChatDeliveryOutcome; messageId?: number }> {
  const once = <T>(call: () => Promise<T>) =>
    budget.acquire().then(() => sendOnce({ chatId: user.telegramId, onBlocked: markBlocked(services), budget }, call));
  const markup = message.keyboard ? { reply_markup: message.keyboard } : {};
  const api = services.telegram;
  const chatId = user.telegramId;
  const media = message.media;
  const line = formattedLine(message);
  if (!media) {
    if (!line || characterCount(line.text) > TELEGRAM_TEXT_LIMIT) {
      return send(services, budget, user, message.header(message.text), message.keyboard);
    }
    const sent = await once(() =>
      api.sendMessage(chatId, line.text, { entities: messageEntities(line.entities), ...markup }),
    );
    return sent ? { outcome: 'sent', messageId: sent.message_id } : { outcome: 'blocked' };
  }
  if (media.type === 'sticker') {
    const head = await once(() => api.sendMessage(chatId, message.header(message.text)));
    if (!head) return { outcome: 'blocked' };
    const sticker = await once(() => api.sendSticker(chatId, media.fileId, markup));
    return sticker ? { outcome: 'sent', messageId: sticker.message_id } : { outcome: 'blocked' };
  }
  const full = message.header(message.text);
  const fits = line ? characterCount(line.text) <= CAPTION_MAX : visibleLength(full) <= CAPTION_MAX;
  const caption =
    fits && line
      ? { caption: line.text, caption_entities: messageEntities(line.entities) }
      : { caption: fits ? full : message.header('') };
  const options = { ...caption, ...(fits ? markup : {}) };
  let sent: TelegramMessage | null;
  switch (media.type) {
    case 'photo':
      sent = await once(() => api.sendPhoto(chatId, media.fileId, options));
      break;
    case 'document':
      sent = await once(() => api.sendDocument(chatId, media.fileId, options));
      break;
    case 'video':
      sent = await once(() => api.sendVideo(chatId, media.fileId, options));
      break;
    case 'voice':
      sent = await once(() => api.sendVoice(chatId, media.fileId, options));
      break;
  }
  if (!sent) return { outcome: 'blocked' };
  if (fits) return { outcome: 'sent', messageId: sent.message_id };
  // The caption in full (with its formatting), as a reply to the media it belongs to, with the keyboard.
  const replyTo = { reply_parameters: { message_id: sent.message_id, allow_sending_without_reply: true }, ...markup };
  const rest = await once(() =>
    message.entities?.length
      ? api.sendMessage(chatId, message.text, {
          entities: messageEntities(message.entities),
          ...replyTo,
        })
      : api.sendMessage(chatId, escapeHtml(message.text), replyTo),
  );
  return rest ? { outcome: 'sent', messageId: sent.message_id } : { outcome: 'blocked' };
}

function reachable(user: User): user is User & { telegramId: number } {
  return user.telegramId != null && !user.botBlocked && user.status === 'active';
}

/** A job's progress: how many parts of a split text were sent (kept across BullMQ's retries). */
type Progress = Partial<Pick<Job<ChatDeliveryJob>, 'progress' | 'updateProgress'>>;

/**
 * Sends a text (split at 4096, the keyboard on the last part), each part under the chat lane of
 * the budget, with the one send rule of sendOnce (403 marks the user, 429 pauses the lane, a
 * network error is never resent).
 */
async function send(
  services: Services,
  budget: TelegramBudget,
  user: User & { telegramId: number },
  text: string,
  keyboard?: InlineKeyboard,
  job?: Progress,
): Promise<{ outcome: ChatDeliveryOutcome; messageId?: number }> {
  const parts = splitText(text);
  // A retry after a failed later part goes on from there: the parts before it arrived already.
  const done = typeof job?.progress === 'number' ? job.progress : 0;
  let messageId: number | undefined;
  for (const [index, part] of parts.entries()) {
    if (index < done) continue;
    await budget.acquire();
    const last = index === parts.length - 1;
    const sent = await sendOnce({ chatId: user.telegramId, onBlocked: markBlocked(services), budget }, () =>
      services.telegram.sendMessage(user.telegramId, part, last && keyboard ? { reply_markup: keyboard } : {}),
    );
    if (!sent) return { outcome: 'blocked' };
    messageId = sent.message_id;
    if (!last) await job?.updateProgress?.(index + 1);
  }
  return { outcome: 'sent', ...(messageId !== undefined ? { messageId } : {}) };
}
