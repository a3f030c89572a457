import { type Job, UnrecoverableError } from 'bullmq';
import { GrammyError, HttpError, type InlineKeyboard } from 'grammy';
import { pmReplyKeyboard } from '../bot/keyboards/chat.js';
import { splitText } from '../bot/ui/html.js';
import { chatKeys } from '../chat/keys.js';
import { Presence } from '../chat/presence.js';
import { isRoomMember, leaveRoom, roomMembers } from '../chat/room.js';
import { Message, User } from '../db/entities/index.js';
import { setBotBlocked, visibleName } from '../domain/users.js';
import type { Services } from '../services.js';
import { type TelegramBudget, telegramBudget } from '../telegram-budget.js';

/**
 * Chat messages that go out through Telegram (SPEC §2.3): private messages to people without a
 * live WebSocket, the "N new messages" notice that stands for a burst of them, and the room
 * fan-out to Telegram users in room mode. Every send draws from the shared bulk budget
 * (MAILING_RATE per second for the whole bot) and runs here, in the worker role, never inside a
 * request or update handler.
 */
export const CHAT_DELIVERY_QUEUE = 'chat-delivery';

export type ChatDeliveryJob =
  /** A private message in full ("💬 @sender: text" with a Reply button). */
  | { type: 'pm'; messageId: string }
  /** At the end of a notice window: "📨 N new messages from @x — /inbox" if N > 0. */
  | { type: 'pm-notice'; recipientId: string; senderId: string; window: string }
  /** A room message: finds the Telegram members to send it to, one `room-send` job each. */
  | { type: 'room'; messageId: string }
  | { type: 'room-send'; messageId: string; userId: string };

/** The key counting PMs held back in one notice window (KEYS of the burst script + window start). */
export const burstCountKey = (keyPrefix: string, recipientId: string, senderId: string, window: string) =>
  `${chatKeys(keyPrefix).burst(recipientId, senderId)}:${window}`;

/** Enqueues chat deliveries (any role). Job ids make a repeated enqueue a no-op. */
export class ChatJobs {
  constructor(private readonly services: Pick<Services, 'jobs'>) {}

  private get queue() {
    return this.services.jobs.queue<ChatDeliveryJob>(CHAT_DELIVERY_QUEUE, {
      defaultJobOptions: {
        attempts: 5,
        backoff: { type: 'exponential', delay: 1_000 },
        removeOnComplete: 1000,
        removeOnFail: 5000,
      },
    });
  }

  async pm(messageId: string): Promise<void> {
    await this.queue.add('pm', { type: 'pm', messageId }, { jobId: `pm-${messageId}` });
  }

  /** One notice job per window: every PM counted in it enqueues the same job id. */
  async notice(recipientId: string, senderId: string, window: string, delayMs: number): Promise<void> {
    await this.queue.add(
      'pm-notice',
      { type: 'pm-notice', recipientId, senderId, window },
      { jobId: `pm-notice-${recipientId}-${senderId}-${window}`, delay: Math.max(0, delayMs) },
    );
  }

  async room(messageId: string): Promise<void> {
    await this.queue.add('room', { type: 'room', messageId }, { jobId: `room-${messageId}` });
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
  const budget = telegramBudget(services);
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
  budget: TelegramBudget = telegramBudget(services),
): Promise<ChatDeliveryOutcome> {
  const data = job.data;
  const em = services.orm.em.fork();
  switch (data.type) {
    case 'pm': {
      const message = await em.findOne(Message, { id: data.messageId, kind: 'pm' }, { populate: ['from', 'to'] });
      const recipient = message?.to;
      if (!message || !recipient || !reachable(recipient)) return 'skipped';
      const t = services.translator.forLocale(recipient.language);
      const text = t('chat-pm-incoming', { sender: handleOf(message.from), text: message.text });
      return send(services, budget, recipient, text, pmReplyKeyboard(t, message.from.id));
    }
    case 'pm-notice': {
      const count = Number(
        await services.redis.getdel(burstCountKey(services.keyPrefix, data.recipientId, data.senderId, data.window)),
      );
      if (!(count > 0)) return 'skipped';
      const [recipient, sender] = await Promise.all([
        em.findOne(User, { id: data.recipientId }),
        em.findOne(User, { id: data.senderId }),
      ]);
      if (!recipient || !sender || !reachable(recipient)) return 'skipped';
      const t = services.translator.forLocale(recipient.language);
      const text = t('chat-pm-notice', { count, sender: handleOf(sender) });
      return send(services, budget, recipient, text, pmReplyKeyboard(t, sender.id));
    }
    case 'room': {
      const message = await em.findOne(Message, { id: data.messageId, kind: 'room' }, { populate: ['from'] });
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
    }
    case 'room-send': {
      const [message, user] = await Promise.all([
        em.findOne(Message, { id: data.messageId, kind: 'room' }, { populate: ['from'] }),
        em.findOne(User, { id: data.userId }),
      ]);
      // Left the room since the fan-out was planned: nothing more for them.
      if (!message || !user || !reachable(user) || !(await isRoomMember(services, user.id))) return 'skipped';
      const t = services.translator.forLocale(user.language);
      const outcome = await send(
        services,
        budget,
        user,
        t('chat-room-line', { name: visibleName(message.from), text: message.text }),
      );
      if (outcome === 'blocked') await leaveRoom(services, user.id);
      return outcome;
    }
  }
}

/** How a sender is named in Telegram: @username when they have one, else their visible name. */
export function handleOf(user: User): string {
  const username = user.username ?? user.telegramUsername;
  return username ? `@${username}` : visibleName(user);
}

function reachable(user: User): user is User & { telegramId: number } {
  return user.telegramId != null && !user.botBlocked && user.status === 'active';
}

/**
 * Sends a text (split at 4096, the keyboard on the last part), each part under the shared budget.
 * 403: the user blocked the bot — marked, nothing more. 429: the whole budget pauses for
 * `retry_after` and the job is retried. A network error may hide a delivered message, so the
 * job stops instead of risking a duplicate.
 */
async function send(
  services: Services,
  budget: TelegramBudget,
  user: User & { telegramId: number },
  text: string,
  keyboard?: InlineKeyboard,
): Promise<ChatDeliveryOutcome> {
  const parts = splitText(text);
  for (const [index, part] of parts.entries()) {
    await budget.acquire();
    try {
      const last = index === parts.length - 1;
      await services.telegram.sendMessage(user.telegramId, part, last && keyboard ? { reply_markup: keyboard } : {});
    } catch (err) {
      if (err instanceof GrammyError && err.error_code === 403) {
        await setBotBlocked(services.orm.em.fork(), user.telegramId, true);
        return 'blocked';
      }
      if (err instanceof GrammyError && err.error_code === 429) {
        await budget.pause(err.parameters.retry_after ?? 1);
        throw err;
      }
      if (err instanceof HttpError) {
        throw new UnrecoverableError(`network error while sending; not resent to avoid a duplicate: ${err.message}`);
      }
      throw err;
    }
  }
  return 'sent';
}
