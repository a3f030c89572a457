import { execute } from '../../../platform/db/orm.js';
import { ensureJob, SWEEP_INTERVAL_MS, type Sweeper, startSweeper } from '../../../platform/queue/sweep.js';
import type { Services } from '../../../platform/services.js';
import { NOTICE_WINDOW_MS } from '../delivery.js';
import { Message } from '../message.entity.js';
import { RoomSend } from '../room-send.entity.js';
import { CHAT_DELIVERY_QUEUE, type ChatDeliveryJob, chatDeliveryJobOptions, roomSendJobId } from './delivery.js';

/**
 * Chat deliveries re-derived from PostgreSQL (issue 18). A message records what it still owes
 * (`messages.delivery`, ../message.entity.ts): its Telegram delivery (a PM in full, an echo, a
 * room fan-out) or its place in a folded-PM notice; a planned room fan-out owes each member's copy
 * in `room_sends` (../room-send.entity.ts). The BullMQ job is a cache of that: an empty Redis
 * loses it, a request cannot queue it while Redis is away (it answers 201 all the same: the
 * message is stored, and a client retry would store it twice), and a long Telegram outage uses up
 * its retries (its claim given back). Every sweep queues the job of each thing still owed after
 * DELIVERY_GRACE_MS, unless it is waiting already; the job's claim (one UPDATE) makes a second
 * copy a no-op.
 */
export const DELIVERY_SWEEP_BATCH = 1000;
/**
 * Left to the request that stored the message: it hands a PM to a WebSocket, or folds it, and
 * only then says it is not owed in full (a sweep before that would send it to Telegram too).
 */
export const DELIVERY_GRACE_MS = 60_000;
/**
 * An echo or a room line (or a member's copy of it) still owed this long after it was written
 * (planned) is stale news: given up, not sent. A PM is never given up: someone wrote it to this
 * person, so it (or its folded notice) still goes out, however late.
 */
export const DELIVERY_MAX_AGE_MS = 24 * 3_600_000;

/**
 * Drops the members' room copies owed longer than DELIVERY_MAX_AGE_MS (claimed ones too: a worker
 * that died mid-send left them) and marks their lines 'given_up'; returns how many copies.
 */
const GIVE_UP_ROOM_SENDS = `
with gone as (delete from room_sends where created_at <= ? returning message_id),
marked as (
  update messages set delivery = 'given_up'
   where id in (select message_id from gone) and delivery is null
)
select count(*)::int as n from gone`;

export async function sweepChatDeliveries(
  services: Pick<Services, 'orm' | 'jobs'> & Partial<Pick<Services, 'log'>>,
  { now = new Date() }: { now?: Date } = {},
): Promise<number> {
  const em = services.orm.em.fork();
  const oldest = new Date(now.getTime() - DELIVERY_MAX_AGE_MS);
  const settled = new Date(now.getTime() - DELIVERY_GRACE_MS);
  // Stale news first, so it leaves the partial index before the owed ones are read.
  const lines = await em.nativeUpdate(
    Message,
    { delivery: 'owed', kind: { $in: ['echo', 'room'] }, sentAt: { $lte: oldest } },
    { delivery: 'given_up' },
  );
  const [copies] = await execute<Array<{ n: number }>>(em, GIVE_UP_ROOM_SENDS, [oldest]);
  const memberCopies = copies?.n ?? 0;
  if (lines + memberCopies > 0) {
    services.log?.info(
      { echoesAndRoomLines: lines, memberCopies },
      'chat deliveries owed for over a day given up as stale',
    );
  }
  const owed = await em.find(
    Message,
    { delivery: 'owed', sentAt: { $lt: settled } },
    { fields: ['id', 'kind'], orderBy: { sentAt: 'asc' }, limit: DELIVERY_SWEEP_BATCH },
  );
  // A folded PM waits for its window's notice (at the window's end); after that it is the sweep's.
  const folded = await em.find(
    Message,
    { delivery: 'folded', kind: 'pm', sentAt: { $lt: new Date(now.getTime() - NOTICE_WINDOW_MS - DELIVERY_GRACE_MS) } },
    { fields: ['id', 'to'], orderBy: { sentAt: 'asc' }, limit: DELIVERY_SWEEP_BATCH },
  );
  const memberSends = await em.find(
    RoomSend,
    { claimed: false, createdAt: { $lt: settled } },
    { fields: ['message', 'user'], orderBy: { createdAt: 'asc' }, limit: DELIVERY_SWEEP_BATCH },
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
  for (const send of memberSends) {
    const data: ChatDeliveryJob = { type: 'room-send', messageId: send.message.id, userId: send.user.id };
    if (await ensureJob(queue, 'room-send', data, { jobId: roomSendJobId(data.messageId, data.userId) })) queued += 1;
  }
  return queued;
}

/** The worker's chat delivery sweep: at start-up, then every minute. */
export function startChatDeliverySweep(services: Services, intervalMs = SWEEP_INTERVAL_MS): Sweeper {
  return startSweeper('chat-delivery', () => sweepChatDeliveries(services), services.log, intervalMs);
}
