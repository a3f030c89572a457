import { type RunnerHandle, run } from '@grammyjs/runner';
import { webhookCallback } from 'grammy';
import type { Logger } from '../logger.js';
import type { GramdeskBot } from './create-bot.js';

/** The update types Gramdesk handles; Telegram sends nothing else. */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;

export interface Intake {
  /** Stops taking new updates and waits for the ones in flight. */
  stop(): Promise<void>;
}

/** Long polling through @grammyjs/runner: updates of different chats run concurrently. */
export function startPolling(bot: GramdeskBot, log: Logger): Intake {
  let handle: RunnerHandle | undefined;
  let stopped = false;
  let wake: (() => void) | undefined;
  // Telegram (or a local Bot API server) may be unreachable at start; the rest of the program
  // (API, worker) must come up anyway, so connecting happens here, in the background, with backoff.
  const started = (async () => {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        // getUpdates is refused while a webhook is set; polling mode owns the bot. This call
        // also tells us whether the Bot API is reachable (bot.init retries getMe forever, silently).
        await bot.api.deleteWebhook();
        await bot.init();
        break;
      } catch (err) {
        const delay = Math.min(1_000 * 2 ** (attempt - 1), 30_000);
        log.warn(
          { err: err instanceof Error ? err.message : String(err), retry_in_ms: delay },
          'cannot reach the Bot API',
        );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
    if (stopped) return;
    handle = run(bot, {
      runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES], timeout: 30 }, retryInterval: 'exponential' },
    });
    log.info({ mode: 'polling', bot: bot.botInfo.username }, 'bot is receiving updates');
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await started;
      if (handle?.isRunning()) await handle.stop();
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
