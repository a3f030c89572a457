import { Message } from '../db/entities/index.js';
import { toMessageView } from '../domain/messages.js';
import { ChatJobs } from '../jobs/chat-delivery.js';
import type { Services } from '../services.js';
import { messageFrame } from './frames.js';
import { chatKeys } from './keys.js';
import { Presence } from './presence.js';
import { publishToRoom, publishToUser } from './pubsub.js';
import type { ChatDelivery, DeliveryOptions } from './types.js';

/** Telegram notices for a burst of PMs: at most one per (recipient, sender) per window. */
export const NOTICE_WINDOW_MS = 60_000;
/** The notice job runs this long after the window's end, so a PM counted at the very end is in it. */
const NOTICE_MARGIN_MS = 250;

/**
 * Opens or joins the notice window of (recipient, sender) on Redis's clock. The first PM of a
 * window returns 0 (deliver it in full); each later one is counted and returns
 * {count, window start, ms until the window ends}. The counter outlives the window so the
 * notice job can read it once (GETDEL). KEYS[1] = window key; ARGV = window ms, counter ttl ms.
 */
const BURST = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = redis.call('GET', KEYS[1])
if not window then
  redis.call('SET', KEYS[1], now, 'PX', tonumber(ARGV[1]))
  return {0, now, 0}
end
local countKey = KEYS[1] .. ':' .. window
local n = redis.call('INCR', countKey)
if n == 1 then redis.call('PEXPIRE', countKey, tonumber(ARGV[2])) end
return {n, tonumber(window), tonumber(window) + tonumber(ARGV[1]) - now}`;

export interface ChatDeliveryOptions {
  /** Length of a notice window (tests shorten it). */
  noticeWindowMs?: number;
}

/**
 * How stored chat messages reach people (src/chat/types.ts). Works in every role: it only
 * reads presence, publishes to Redis and enqueues jobs; the sockets live in the API processes
 * (src/chat/websocket.ts) and the Telegram sends in the worker (src/jobs/chat-delivery.ts).
 */
export function createChatDelivery(
  services: Pick<Services, 'orm' | 'redis' | 'jobs' | 'keyPrefix'>,
  options: ChatDeliveryOptions = {},
): ChatDelivery {
  const presence = new Presence(services.redis, services.keyPrefix);
  const jobs = new ChatJobs(services);
  const windowMs = options.noticeWindowMs ?? NOTICE_WINDOW_MS;
  const keys = chatKeys(services.keyPrefix);

  async function toTelegram(recipientId: string, senderId: string, messageId: string): Promise<void> {
    const [count, window, remainingMs] = (await services.redis.eval(
      BURST,
      1,
      keys.burst(recipientId, senderId),
      windowMs,
      windowMs * 10,
    )) as [number, number, number];
    if (Number(count) === 0) await jobs.pm(messageId);
    else await jobs.notice(recipientId, senderId, String(window), Number(remainingMs) + NOTICE_MARGIN_MS);
  }

  return {
    async deliverPrivate(messageId: string, deliveryOptions: DeliveryOptions = {}) {
      const em = services.orm.em.fork();
      const message = await em.findOne(Message, { id: messageId, kind: 'pm' }, { populate: ['from', 'to'] });
      if (!message?.to) return 'stored';
      const recipient = message.to;
      const envelope = { frame: messageFrame(toMessageView(message)) };
      // The sender's other connections see what they sent (the one that sent it had the echo).
      const senderSync = publishToUser(services.redis, services.keyPrefix, message.from.id, {
        ...envelope,
        ...(deliveryOptions.exceptConnection ? { except: deliveryOptions.exceptConnection } : {}),
      });
      // Live presence (heartbeat-refreshed, expires with a dead process) and a process that
      // actually received the frame: both, or the recipient is treated as offline.
      let delivered = false;
      if (await presence.isOnline(recipient.id)) {
        delivered = (await publishToUser(services.redis, services.keyPrefix, recipient.id, envelope)) > 0;
      }
      await senderSync;
      if (delivered) return 'websocket';
      if (recipient.telegramId == null || recipient.botBlocked || recipient.status !== 'active') return 'stored';
      await toTelegram(recipient.id, message.from.id, message.id);
      return 'telegram';
    },

    async deliverRoom(messageId: string, deliveryOptions: DeliveryOptions = {}) {
      const em = services.orm.em.fork();
      const message = await em.findOne(Message, { id: messageId, kind: 'room' }, { populate: ['from'] });
      if (!message) return;
      // One publish: each API process hands the frame to its own sockets of room members.
      await publishToRoom(services.redis, services.keyPrefix, {
        frame: messageFrame(toMessageView(message)),
        ...(deliveryOptions.exceptConnection ? { except: deliveryOptions.exceptConnection } : {}),
      });
      // Telegram members: found and sent to by the worker, under the shared budget.
      await jobs.room(message.id);
    },
  };
}
