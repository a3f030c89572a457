import { ensureJob, SWEEP_INTERVAL_MS, type Sweeper, startSweeper } from '../../../platform/queue/sweep.js';
import type { Services } from '../../../platform/services.js';
import { Registration } from '../account.entities.js';
import { notificationsQueue } from './notifications.js';

/**
 * Pending-registration expiry re-derived from PostgreSQL (issue 18): the registration's status
 * and expires_at are the record; the delayed expiry job is a cache an empty Redis loses (and a job
 * that ran while the database was away completes without expiring anything). Every sweep queues
 * the expiry of each registration still pending and expiring up to a little ahead, unless it is
 * already queued; decideRegistration's row lock and status check make a second run a no-op.
 */
export const EXPIRY_SWEEP_BATCH = 1000;

export async function sweepRegistrationExpiry(
  services: Pick<Services, 'orm' | 'jobs'>,
  { now = new Date(), lookaheadMs = 2 * SWEEP_INTERVAL_MS }: { now?: Date; lookaheadMs?: number } = {},
): Promise<number> {
  const horizon = new Date(now.getTime() + lookaheadMs);
  const pending = await services.orm.em
    .fork()
    .find(
      Registration,
      { status: 'pending', expiresAt: { $lte: horizon } },
      { fields: ['id', 'expiresAt'], orderBy: { expiresAt: 'asc' }, limit: EXPIRY_SWEEP_BATCH },
    );
  const queue = notificationsQueue(services.jobs);
  let queued = 0;
  for (const registration of pending) {
    const registrationId = registration.id;
    const added = await ensureJob(
      queue,
      'registration-expire',
      { type: 'registration-expire', registrationId },
      {
        jobId: `registration-expire-${registrationId}`,
        delay: Math.max(0, registration.expiresAt.getTime() - Date.now()),
      },
    );
    if (added) queued += 1;
  }
  return queued;
}

/** The worker's expiry sweep: at start-up, then every minute. */
export function startRegistrationExpirySweep(services: Services, intervalMs = SWEEP_INTERVAL_MS): Sweeper {
  return startSweeper('registration-expiry', () => sweepRegistrationExpiry(services), services.log, intervalMs);
}
