import type { Job } from 'bullmq';
import type { Translate } from '../../../platform/i18n/translator.js';
import type { Services } from '../../../platform/services.js';
import { sendOnce } from '../../../platform/telegram/send-outcome.js';
import { localTime } from '../../../platform/time/timezone.js';
import { markBlocked } from '../../users/index.js';
import { registrationKeyboard } from '../bot/keyboards.js';
import {
  type DecisionOutcome,
  decideRegistration,
  type PendingConfirmation,
  pendingConfirmation,
  setConfirmationMessage,
} from '../registration.js';

/**
 * Messages to a user's Telegram that do not answer an update: registration confirmations and
 * their expiry. They run in the worker, never in a
 * request handler, so a slow or unreachable Telegram does not slow the API down.
 */
export const NOTIFICATIONS_QUEUE = 'notifications';

export type NotificationJob =
  | { type: 'registration-confirm'; registrationId: string }
  | { type: 'registration-expire'; registrationId: string };

/** The notifications queue (one set of job options, for the API side and the expiry sweep). */
export const notificationsQueue = (jobs: Services['jobs']) =>
  jobs.queue<NotificationJob>(NOTIFICATIONS_QUEUE, {
    defaultJobOptions: {
      // Telegram down or in a 429 storm: retried 1, 2, 4 … 512 s apart (about 17 minutes in all).
      attempts: 10,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: 1000,
      removeOnFail: 5000,
    },
  });

/** Enqueues from the API side. Expiry jobs are delayed and keyed by registration, so they run once. */
export class Notifications {
  constructor(private readonly services: Pick<Services, 'jobs'>) {}

  private get queue() {
    return notificationsQueue(this.services.jobs);
  }

  async registrationCreated(registrationId: string, expiresAt: Date): Promise<void> {
    await this.queue.add(
      'registration-confirm',
      { type: 'registration-confirm', registrationId },
      {
        jobId: `registration-confirm-${registrationId}`,
      },
    );
    await this.queue.add(
      'registration-expire',
      { type: 'registration-expire', registrationId },
      {
        jobId: `registration-expire-${registrationId}`,
        delay: Math.max(0, expiresAt.getTime() - Date.now()),
      },
    );
  }
}

/** Starts the worker that sends these notifications. */
export function startNotificationsWorker(services: Services) {
  return services.jobs.worker<NotificationJob>(NOTIFICATIONS_QUEUE, (job) => handleNotification(services, job), {
    concurrency: 8,
  });
}

export async function handleNotification(services: Services, job: Pick<Job<NotificationJob>, 'data'>): Promise<void> {
  const data = job.data;
  const em = services.orm.em.fork();
  switch (data.type) {
    case 'registration-confirm': {
      const pending = await pendingConfirmation(em, data.registrationId);
      if (!pending) return; // already decided or gone
      const t = services.translator.forLocale(pending.language);
      // A repeated confirmation request is harmless, so network errors are retried here.
      const sent = await sendOnce(
        { chatId: pending.telegramId, onBlocked: markBlocked(services), resendAfterNetworkError: true },
        () => {
          const request = confirmationRequest(t, pending);
          return services.telegram.sendMessage(pending.telegramId, request.text, { reply_markup: request.keyboard });
        },
      );
      if (sent) await setConfirmationMessage(em, pending.registrationId, sent.message_id);
      return;
    }
    case 'registration-expire': {
      const outcome = await decideRegistration(em, data.registrationId, 'expire', null).catch(() => null);
      if (outcome?.changed) await showOutcome(services, outcome);
      return;
    }
  }
}

/**
 * The confirmation request: who asks for which account, what confirming grants (admin rights
 * named), by when (the request's own deadline in the person's zone: the message may arrive late,
 * or be shown again minutes later, so a fixed "within 15 minutes" would be wrong), and its buttons.
 */
export function confirmationRequest(t: Translate, pending: PendingConfirmation) {
  const admin = pending.role === 'admin';
  return {
    text: t('registration-confirm-request', {
      username: pending.username,
      admin: admin ? 'yes' : 'no',
      deadline: localTime(pending.timezone, pending.expiresAt),
    }),
    keyboard: registrationKeyboard(t, pending.registrationId, admin),
  };
}

/** Writes the outcome of a registration into its confirmation message (and removes the buttons). */
export async function showOutcome(
  services: Pick<Services, 'telegram' | 'translator' | 'log'>,
  outcome: DecisionOutcome,
) {
  if (outcome.telegramId == null || outcome.messageId == null) return;
  const t = services.translator.forLocale(outcome.language);
  const key =
    outcome.status === 'confirmed'
      ? 'registration-confirmed'
      : outcome.status === 'declined'
        ? 'registration-declined'
        : 'registration-expired';
  await services.telegram
    .editMessageText(outcome.telegramId, outcome.messageId, t(key, { username: outcome.username }))
    .catch((err: unknown) => services.log.warn({ err: String(err) }, 'could not edit the confirmation message'));
}
