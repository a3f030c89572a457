import { type Job, UnrecoverableError } from 'bullmq';
import { GrammyError, HttpError } from 'grammy';
import { registrationKeyboard } from '../bot/keyboards/registration.js';
import { splitText } from '../bot/ui/html.js';
import { Message } from '../db/entities/index.js';
import {
  type DecisionOutcome,
  decideRegistration,
  pendingConfirmation,
  setConfirmationMessage,
} from '../domain/accounts/registration.js';
import { firstNameOf, setBotBlocked } from '../domain/users.js';
import type { Services } from '../services.js';
import { chatBudget, type TelegramBudget } from '../telegram-budget.js';

/**
 * Messages to a user's Telegram that do not answer an update: registration confirmations and
 * their expiry, and the echo of messages posted over HTTP. They run in the worker, never in a
 * request handler, so a slow or unreachable Telegram does not slow the API down.
 */
export const NOTIFICATIONS_QUEUE = 'notifications';

export type NotificationJob =
  | { type: 'registration-confirm'; registrationId: string }
  | { type: 'registration-expire'; registrationId: string }
  | { type: 'echo'; messageId: string };

/** Enqueues from the API side. Expiry jobs are delayed and keyed by registration, so they run once. */
export class Notifications {
  constructor(private readonly services: Pick<Services, 'jobs'>) {}

  private get queue() {
    return this.services.jobs.queue<NotificationJob>(NOTIFICATIONS_QUEUE, {
      defaultJobOptions: {
        attempts: 5,
        backoff: { type: 'exponential', delay: 1_000 },
        removeOnComplete: 1000,
        removeOnFail: 5000,
      },
    });
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

  async echo(messageId: string): Promise<void> {
    await this.queue.add('echo', { type: 'echo', messageId }, { jobId: `echo-${messageId}` });
  }
}

/** Starts the worker that sends these notifications. */
export function startNotificationsWorker(services: Services) {
  const budget = chatBudget(services);
  return services.jobs.worker<NotificationJob>(
    NOTIFICATIONS_QUEUE,
    (job) => handleNotification(services, job, budget),
    { concurrency: 8 },
  );
}

/**
 * `budget`: the echo is a background send anyone with an account can trigger, so each of its
 * parts waits for a slot of the chat lane of the bot's send budget (src/telegram-budget.ts).
 */
export async function handleNotification(
  services: Services,
  job: Pick<Job<NotificationJob>, 'data'>,
  budget: TelegramBudget = chatBudget(services),
): Promise<void> {
  const data = job.data;
  const em = services.orm.em.fork();
  switch (data.type) {
    case 'registration-confirm': {
      const pending = await pendingConfirmation(em, data.registrationId);
      if (!pending) return; // already decided or gone
      const t = services.translator.forLocale(pending.language);
      // A repeated confirmation request is harmless, so network errors are retried here.
      const sent = await deliver(services, pending.telegramId, { resendAfterNetworkError: true }, () =>
        services.telegram.sendMessage(
          pending.telegramId,
          t('registration-confirm-request', {
            username: pending.username,
            admin: pending.role === 'admin' ? 'yes' : 'no',
          }),
          {
            reply_markup: registrationKeyboard(t, pending.registrationId),
          },
        ),
      );
      if (sent) await setConfirmationMessage(em, pending.registrationId, sent.message_id);
      return;
    }
    case 'registration-expire': {
      const outcome = await decideRegistration(em, data.registrationId, 'expire', null).catch(() => null);
      if (outcome?.changed) await showOutcome(services, outcome);
      return;
    }
    case 'echo': {
      const message = await em.findOne(Message, { id: data.messageId }, { populate: ['from'] });
      const chatId = message?.from.telegramId;
      if (!message || chatId == null) return;
      const t = services.translator.forLocale(message.from.language);
      const text = t('echo', { firstName: firstNameOf(message.from), text: message.text });
      for (const part of splitText(text)) {
        await budget.acquire();
        const ok = await deliver(services, chatId, { resendAfterNetworkError: false, budget }, () =>
          services.telegram.sendMessage(chatId, part),
        );
        if (!ok) return;
      }
      return;
    }
  }
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

/**
 * Sends one message. A user who blocked the bot (403) is marked and skipped. Other answers
 * from Telegram (429, 5xx) mean nothing was delivered, so the job is retried with backoff.
 * A network error may hide a delivered message: unless a repeat is harmless, the job then
 * stops rather than risk sending the message twice.
 */
async function deliver<T>(
  services: Services,
  chatId: number,
  /** budget: the send drew from it; a 429 pauses it for retry_after. */
  options: { resendAfterNetworkError: boolean; budget?: TelegramBudget },
  send: () => Promise<T>,
): Promise<T | null> {
  try {
    return await send();
  } catch (err) {
    if (err instanceof GrammyError && err.error_code === 403) {
      await setBotBlocked(services.orm.em.fork(), chatId, true);
      return null;
    }
    if (err instanceof GrammyError && err.error_code === 429) {
      await options.budget?.pause(err.parameters.retry_after ?? 1);
    }
    if (err instanceof HttpError && !options.resendAfterNetworkError) {
      throw new UnrecoverableError(`network error while sending; not resent to avoid a duplicate: ${err.message}`);
    }
    throw err;
  }
}
