import { type RunnerHandle, run } from '@grammyjs/runner';
import { webhookCallback } from 'grammy';
import type { Logger } from '../logger.js';
import type { GramdeskBot } from './index.js';

/** The update types Gramdesk handles; Telegram sends nothing else. */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;

export interface Intake {
  /** Stops taking new updates and waits for the ones in flight. */
  stop(): Promise<void>;
}

/** Long polling through @grammyjs/runner: updates of different chats run concurrently. */
export async function startPolling(bot: GramdeskBot, log: Logger): Promise<Intake> {
  // getUpdates is refused while a webhook is set; polling mode owns the bot.
  await bot.api.deleteWebhook();
  const handle: RunnerHandle = run(bot, {
    runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES], timeout: 30 }, retryInterval: 'exponential' },
  });
  log.info({ mode: 'polling' }, 'bot is receiving updates');
  return {
    async stop() {
      if (handle.isRunning()) await handle.stop();
    },
  };
}

/** Registers the webhook with Telegram, with the secret Telegram will send back on every call. */
export async function registerWebhook(bot: GramdeskBot, url: string, secret: string, log: Logger): Promise<void> {
  await bot.api.setWebhook(url, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] });
  log.info({ mode: 'webhook', url }, 'webhook registered');
}

/**
 * The handler the API mounts at the webhook path. grammY answers 401 when the secret header
 * is missing or wrong, before anything is processed. Answering Telegram must stay well under
 * its timeout, so slow work belongs in the worker.
 */
export function webhookHandler(bot: GramdeskBot, secret: string) {
  return webhookCallback(bot, 'hono', { secretToken: secret, onTimeout: 'return', timeoutMilliseconds: 9_000 });
}
