import { QueryOrder } from '@mikro-orm/core';
import { ensureJob, SWEEP_INTERVAL_MS, type Sweeper, startSweeper } from '../../../platform/queue/sweep.js';
import type { Services } from '../../../platform/services.js';
import { REMIND_BEFORE_MS, Task } from '../task.entities.js';
import { reminderPlan } from '../tasks.js';
import { reminderJobsOf, remindersQueue } from './reminders.js';

/**
 * Reminders re-derived from PostgreSQL (issue 18). The task's markers are the record
 * (`reminded_at`, `advance_reminded_at`, `snoozed_until`); the delayed BullMQ jobs are a cache of
 * them that an empty Redis loses. Every sweep queues, for every open task whose reminder is owed
 * up to a little ahead (`lookaheadMs`), the job its plan makes, unless that job is already
 * there; the job's claim of the marker (one UPDATE) makes a second copy, or a sweep that races
 * the job, a no-op. Later reminders are queued by a later sweep, so one sweep reads few rows
 * (the open-task indexes on due_at / snoozed_until).
 */
export const REMINDER_SWEEP_BATCH = 1000;

export async function sweepReminders(
  services: Pick<Services, 'orm' | 'jobs'>,
  { now = new Date(), lookaheadMs = 2 * SWEEP_INTERVAL_MS }: { now?: Date; lookaheadMs?: number } = {},
): Promise<number> {
  const horizon = new Date(now.getTime() + lookaheadMs);
  const longestAdvance = Math.max(...Object.values(REMIND_BEFORE_MS));
  const em = services.orm.em.fork();
  const tasks = await em.find(
    Task,
    {
      status: { $ne: 'done' },
      $or: [
        { dueAt: { $lte: horizon }, remindedAt: null },
        { snoozedUntil: { $lte: horizon } },
        {
          remindBefore: { $ne: null },
          advanceRemindedAt: null,
          dueAt: { $gt: now, $lte: new Date(horizon.getTime() + longestAdvance) },
        },
      ],
    },
    { orderBy: { dueAt: QueryOrder.ASC_NULLS_LAST, id: QueryOrder.ASC }, limit: REMINDER_SWEEP_BATCH },
  );
  const queue = remindersQueue(services.jobs);
  let queued = 0;
  for (const task of tasks) {
    for (const { jobId, at, data } of reminderJobsOf(reminderPlan(task, now.getTime()))) {
      if (!at || !data || at.getTime() > horizon.getTime()) continue;
      const delay = Math.max(0, at.getTime() - Date.now());
      if (await ensureJob(queue, 'remind', data, { jobId, delay })) queued += 1;
    }
  }
  return queued;
}

/** The worker's reminder sweep: at start-up, then every minute. */
export function startReminderSweep(services: Services, intervalMs = SWEEP_INTERVAL_MS): Sweeper {
  return startSweeper('reminders', () => sweepReminders(services), services.log, intervalMs);
}
