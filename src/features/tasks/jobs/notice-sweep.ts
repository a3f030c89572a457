import { ensureJob, SWEEP_INTERVAL_MS, type Sweeper, startSweeper } from '../../../platform/queue/sweep.js';
import type { Services } from '../../../platform/services.js';
import { TaskNotice } from '../task.entities.js';
import { taskNoticeJobId, taskNoticesQueue } from './notices.js';

/**
 * Shared-task notices re-derived from PostgreSQL (issue 18): a notice whose `sent_at` is null is
 * owed; its job is a cache that an empty Redis loses, that a request could not queue while Redis
 * was away, or that ran out of retries in a long Telegram outage (its claim given back). Every
 * sweep queues the job of each owed notice not older than NOTICE_MAX_AGE_MS, unless it is already
 * waiting; the job's claim of `sent_at` makes a second copy a no-op.
 */
export const NOTICE_SWEEP_BATCH = 1000;
/** A notice owed for longer than this is news no more: left unsent. */
export const NOTICE_MAX_AGE_MS = 24 * 3_600_000;

export async function sweepTaskNotices(
  services: Pick<Services, 'orm' | 'jobs'>,
  { now = new Date() }: { now?: Date } = {},
): Promise<number> {
  const owed = await services.orm.em
    .fork()
    .find(
      TaskNotice,
      { sentAt: null, createdAt: { $gt: new Date(now.getTime() - NOTICE_MAX_AGE_MS) } },
      { fields: ['id'], orderBy: { createdAt: 'asc' }, limit: NOTICE_SWEEP_BATCH },
    );
  const queue = taskNoticesQueue(services.jobs);
  let queued = 0;
  for (const { id } of owed) {
    if (await ensureJob(queue, 'notice', { noticeId: id }, { jobId: taskNoticeJobId(id) })) queued += 1;
  }
  return queued;
}

/** The worker's notice sweep: at start-up, then every minute. */
export function startTaskNoticeSweep(services: Services, intervalMs = SWEEP_INTERVAL_MS): Sweeper {
  return startSweeper('task-notices', () => sweepTaskNotices(services), services.log, intervalMs);
}
