import { ensureJob, SWEEP_INTERVAL_MS, type Sweeper, startSweeper } from '../../../platform/queue/sweep.js';
import type { Services } from '../../../platform/services.js';
import { NOTICE_WINDOW_MS } from '../delivery.js';
import { Message } from '../message.entity.js';
import { CHAT_DELIVERY_QUEUE, type ChatDeliveryJob, chatDeliveryJobOptions } from './delivery.js';

/**
 * Chat deliveries re-derived from PostgreSQL (issue 18). A message records what it still owes
 * (`messages.delivery`, ../message.entity.ts): its Telegram delivery (a PM in full, an echo, a
 * room fan-out) or its place in a folded-PM notice. The BullMQ job is a cache of that: an empty
 * Redis loses it, a request cannot queue it while Redis is away (it answers 201 all the same: the
 * message is stored, and a client retry would store it twice), and a long Telegram outage uses up
 * its retries (its claim given back). Every sweep queues the job of each message that still owes
 * something after DELIVERY_GRACE_MS, unless it is waiting already; the job's claim (one UPDATE)
 * makes a second copy a no-op.
 */
export const DELIVERY_SWEEP_BATCH = 1000;
/**
 * Left to the request that stored the message: it hands a PM to a WebSocket, or folds it, and
 * only then says it is not owed in full (a sweep before that would send it to Telegram too).
 */
export const DELIVERY_GRACE_MS = 60_000;
/** A message owed for longer than this is news no more: left undelivered. */
export const DELIVERY_MAX_AGE_MS = 24 * 3_600_000;

export async function sweepChatDeliveries(
  services: Pick<Services, 'orm' | 'jobs'>,
  { now = new Date() }: { now?: Date } = {},
): Promise<number> {
  const em = services.orm.em.fork();
  const oldest = new Date(now.getTime() - DELIVERY_MAX_AGE_MS);
  const owed = await em.find(
    Message,
    { delivery: 'owed', sentAt: { $gt: oldest, $lt: new Date(now.getTime() - DELIVERY_GRACE_MS) } },
    { fields: ['id', 'kind'], orderBy: { sentAt: 'asc' }, limit: DELIVERY_SWEEP_BATCH },
  );
  // A folded PM waits for its window's notice (at the window's end); after that it is the sweep's.
  const folded = await em.find(
    Message,
    {
      delivery: 'folded',
      kind: 'pm',
      sentAt: { $gt: oldest, $lt: new Date(now.getTime() - NOTICE_WINDOW_MS - DELIVERY_GRACE_MS) },
    },
    { fields: ['id', 'to'], orderBy: { sentAt: 'asc' }, limit: DELIVERY_SWEEP_BATCH },
  );
  const queue = services.jobs.queue<ChatDeliveryJob>(CHAT_DELIVERY_QUEUE, chatDeliveryJobOptions);
  let queued = 0;
  for (const { id, kind } of owed) {
    const data: ChatDeliveryJob = { type: kind, messageId: id };
    if (await ensureJob(queue, kind, data, { jobId: `${kind}-${id}` })) queued += 1;
  }
  const recipients = new Set(folded.flatMap((m) => (m.to ? [m.to.id] : [])));
  for (const recipientId of recipients) {
    // The sweep's own notice job: it claims whatever is folded for them, as the window's would.
    const data: ChatDeliveryJob = { type: 'pm-notice', recipientId, window: 'sweep' };
    if (await ensureJob(queue, 'pm-notice', data, { jobId: `pm-notice-${recipientId}-sweep` })) queued += 1;
  }
  return queued;
}

/** The worker's chat delivery sweep: at start-up, then every minute. */
export function startChatDeliverySweep(services: Services, intervalMs = SWEEP_INTERVAL_MS): Sweeper {
  return startSweeper('chat-delivery', () => sweepChatDeliveries(services), services.log, intervalMs);
}
