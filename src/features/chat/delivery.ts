import { countInBurst } from '../../platform/burst-window.js';
import type { Services } from '../../platform/services.js';
import { loadStoredPm, type StoredPm } from './chat.js';
import { ChatJobs } from './jobs/delivery.js';
import { type ChatKeys, chatKeys } from './keys.js';
import { Message } from './message.entity.js';
import { toMessageView } from './messages.js';
import { luaLiveConnections } from './presence.js';
import { type Envelope, publishToRoom } from './pubsub.js';
import { ROOM_IDLE_MS, touchRoom } from './room.js';
import type { ChatDelivery, DeliveryOptions } from './types.js';
import { messageFrame } from './ws/frames.js';

/**
 * SPEC §2.3: a conversation works like a chat, so the first PMS_IN_FULL PMs to an offline
 * recipient within a notice window arrive in Telegram in full; only the ones beyond that are
 * folded into one "N new messages from @x" notice per recipient per window. Counted per
 * recipient, not per sender: the notice protects the recipient from a flood by anyone.
 */
export const PMS_IN_FULL = 5;
export const NOTICE_WINDOW_MS = 60_000;
/** The notice job runs this long after the window's end, so a PM counted at the very end is in it. */
const NOTICE_MARGIN_MS = 250;

/**
 * Publishes the sender's copy, and the recipient's if they have a live connection (presence is
 * heartbeat-refreshed and expires with a dead process); returns how many processes received the
 * recipient's copy. Both a live presence and a receiving process, or the recipient is treated as
 * offline. KEYS[1] = recipient presence, KEYS[2] = recipient channel, KEYS[3] = sender channel;
 * ARGV = recipient envelope, sender envelope.
 */
const HAND_OVER = `
redis.call('PUBLISH', KEYS[3], ARGV[2])
if ${luaLiveConnections('KEYS[1]')} == 0 then return 0 end
return redis.call('PUBLISH', KEYS[2], ARGV[1])`;

async function handOver(
  redis: Services['redis'],
  keys: ChatKeys,
  senderId: string,
  recipientId: string,
  senderCopy: Envelope,
  recipientCopy: Envelope,
): Promise<boolean> {
  const received = await redis.eval(
    HAND_OVER,
    3,
    keys.presence(recipientId),
    keys.userChannel(recipientId),
    keys.userChannel(senderId),
    JSON.stringify(recipientCopy),
    JSON.stringify(senderCopy),
  );
  return Number(received) > 0;
}

export interface ChatDeliveryOptions {
  /** Length of a notice window (tests shorten it). */
  noticeWindowMs?: number;
  /** PMs to one recipient per window that arrive in full (tests may change it). */
  pmsInFull?: number;
  /** How long room mode lasts without writing to the room (tests shorten it). */
  roomIdleMs?: number;
}

/**
 * How stored chat messages reach people (src/features/chat/types.ts). Works in every role: it only
 * reads presence, publishes to Redis and enqueues jobs; the sockets live in the API processes
 * (src/features/chat/ws/gateway.ts) and the Telegram sends in the worker (src/features/chat/jobs/delivery.ts).
 */
export function createChatDelivery(
  services: Pick<Services, 'orm' | 'redis' | 'jobs' | 'keyPrefix'>,
  options: ChatDeliveryOptions = {},
): ChatDelivery {
  const jobs = new ChatJobs(services);
  const windowMs = options.noticeWindowMs ?? NOTICE_WINDOW_MS;
  const inFull = options.pmsInFull ?? PMS_IN_FULL;
  const keys = chatKeys(services.keyPrefix);

  async function toTelegram(recipientId: string, messageId: string): Promise<void> {
    // Past the first PMs of the recipient's window, a PM is folded into the window's notice (which
    // PMs were folded is recorded in PostgreSQL, `messages.delivery = 'folded'`).
    const burst = await countInBurst(services.redis, keys.burst(recipientId), windowMs, inFull);
    if (!burst.folded) {
      await jobs.pm(messageId);
      return;
    }
    // Recorded first, so the notice (or the sweep, if Redis loses it) counts this PM.
    await settle(messageId, 'folded');
    // Every folded PM of the window enqueues the same job id: one notice per recipient per window.
    await jobs.notice(recipientId, burst.window, burst.remainingMs + NOTICE_MARGIN_MS);
  }

  /** The PM's Telegram delivery is no longer owed: handed to a WebSocket (null) or folded. */
  async function settle(messageId: string, to: 'folded' | null): Promise<void> {
    await services.orm.em.fork().nativeUpdate(Message, { id: messageId, delivery: 'owed' }, { delivery: to });
  }

  const roomIdleMs = options.roomIdleMs ?? ROOM_IDLE_MS;

  return {
    async roomActivity(userId: string, entered: boolean) {
      await touchRoom(services, userId, roomIdleMs);
      // One check per entry; it re-schedules itself while the user keeps writing.
      if (entered) await jobs.roomIdle(userId, roomIdleMs + 1_000);
    },

    async deliverPrivate(pm: StoredPm | string, deliveryOptions: DeliveryOptions = {}) {
      const stored = typeof pm === 'string' ? await loadStoredPm(services.orm.em.fork(), pm) : pm;
      if (!stored) return 'stored';
      const { message, recipient } = stored;
      const frame = messageFrame(message);
      // One round trip: the sender's other connections see what they sent (the one that sent it
      // had the echo), and the recipient gets the frame if they have a live connection.
      const delivered = await handOver(
        services.redis,
        keys,
        message.from.id,
        recipient.id,
        { frame, ...(deliveryOptions.exceptConnection ? { except: deliveryOptions.exceptConnection } : {}) },
        { frame },
      );
      const telegram = recipient.telegramId != null && !recipient.botBlocked && recipient.status === 'active';
      if (delivered) {
        // Stored as owed to their Telegram (chat.ts): not any more, or the sweep would send it too.
        if (telegram) await settle(message.id, null);
        return 'websocket';
      }
      if (!telegram) return 'stored';
      await toTelegram(recipient.id, message.id);
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
      // Telegram members: found and sent to by the worker, under the chat lane of the send
      // budget (not the mailing lane).
      await jobs.room(message.id);
    },
  };
}
