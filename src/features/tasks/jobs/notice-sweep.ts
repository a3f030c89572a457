import { ensureJob, SWEEP_INTERVAL_MS, type Sweeper, startSweeper } from '../../../platform/queue/sweep.js';
import type { Services } from '../../../platform/services.js';
import { TaskNotice } from '../task.entities.js';
import { ASSIGNMENT_WINDOW_MS, summaryJobId, taskNoticeJobId, taskNoticesQueue } from './notices.js';

/**
 * Shared-task notices re-derived from PostgreSQL (issue 18): a notice whose `sent_at` is null is
 * owed (on its own, or in a burst's summary when `folded`); its job is a cache that an empty Redis loses, that a request could not queue while Redis
 * was away, or that ran out of retries in a long Telegram outage (its claim given back). Every
 * sweep first gives up the notices owed for over NOTICE_MAX_AGE_MS, then queues the job of each
 * one still owed, unless it is already waiting; the job's claim of `sent_at` makes a second copy a
 * no-op.
 */
export const NOTICE_SWEEP_BATCH = 1000;
/**
 * A notice still unsent this long after the change is stale news (the task has likely moved on):
 * marked given up (`given_up_at`), never sent.
 */
export const NOTICE_MAX_AGE_MS = 24 * 3_600_000;
/**
 * A folded (un)assignment waits for its burst's summary, due at the window's end; this long after
 * the notice was recorded, that job is overdue and the sweep's own summary claims it instead.
 */
export const SUMMARY_GRACE_MS = ASSIGNMENT_WINDOW_MS + 60_000;

export async function sweepTaskNotices(
  services: Pick<Services, 'orm' | 'jobs'> & Partial<Pick<Services, 'log'>>,
  { now = new Date() }: { now?: Date } = {},
): Promise<number> {
  const em = services.orm.em.fork();
  const stale = await em.nativeUpdate(
    TaskNotice,
    { sentAt: null, givenUpAt: null, createdAt: { $lte: new Date(now.getTime() - NOTICE_MAX_AGE_MS) } },
    { givenUpAt: now },
  );
  if (stale > 0) services.log?.info({ notices: stale }, 'task notices owed for over a day given up as stale');
  const owed = await em.find(
    TaskNotice,
    { sentAt: null, givenUpAt: null, folded: false },
    { fields: ['id'], orderBy: { createdAt: 'asc' }, limit: NOTICE_SWEEP_BATCH },
  );
  const folded = await em.find(
    TaskNotice,
    { sentAt: null, givenUpAt: null, folded: true, createdAt: { $lt: new Date(now.getTime() - SUMMARY_GRACE_MS) } },
    { fields: ['recipient', 'by'], orderBy: { createdAt: 'asc' }, limit: NOTICE_SWEEP_BATCH },
  );
  const queue = taskNoticesQueue(services.jobs);
  let queued = 0;
  for (const { id } of owed) {
    if (await ensureJob(queue, 'notice', { noticeId: id }, { jobId: taskNoticeJobId(id) })) queued += 1;
  }
  const pairs = new Map(folded.map((n) => [`${n.recipient.id}-${n.by.id}`, n]));
  for (const n of pairs.values()) {
    // The sweep's own summary job: it claims whatever is folded from them to this recipient.
    const summary = { recipientId: n.recipient.id, byId: n.by.id, window: 'sweep' };
    if (await ensureJob(queue, 'summary', { summary }, { jobId: summaryJobId(summary) })) queued += 1;
  }
  return queued;
}

/** The worker's notice sweep: at start-up, then every minute. */
export function startTaskNoticeSweep(services: Services, intervalMs = SWEEP_INTERVAL_MS): Sweeper {
  return startSweeper('task-notices', () => sweepTaskNotices(services), services.log, intervalMs);
}
