import { Api } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Config } from '../../config.js';
import { htmlParseMode } from './api-defaults.js';

export type TelegramFetch = NonNullable<NonNullable<ConstructorParameters<typeof Api>[1]>['fetch']>;

/**
 * How long a job waits for the Bot API's answer. grammY's default (500 s) would hold a worker slot
 * for minutes when Telegram stalls; after this the send counts as a network error after the
 * request was written (send-outcome.ts: not resent unless harmless).
 */
export const TELEGRAM_JOB_TIMEOUT_SECONDS = 30;

/**
 * A Bot API client for messages sent outside an update (confirmations, echoes, reminders).
 * No auto-retry: the jobs that use it decide what is safe to resend (ARCHITECTURE rule 7).
 */
export function createTelegramApi(config: Pick<Config, 'botToken' | 'telegramApiRoot'>, fetch?: TelegramFetch): Api {
  const api = new Api(config.botToken, {
    apiRoot: config.telegramApiRoot,
    timeoutSeconds: TELEGRAM_JOB_TIMEOUT_SECONDS,
    ...(fetch ? { fetch } : {}),
  });
  api.config.use(htmlParseMode);
  return api;
}

/** The bot's own username (for t.me links), fetched once with getMe and remembered. */
export class BotIdentity {
  private me: Promise<UserFromGetMe> | undefined;

  constructor(
    private readonly api: Api,
    known?: UserFromGetMe,
  ) {
    if (known) this.me = Promise.resolve(known);
  }

  async username(): Promise<string> {
    this.me ??= this.api.getMe().catch((err: unknown) => {
      this.me = undefined;
      throw err;
    });
    return (await this.me).username;
  }

  async link(payload: string): Promise<string> {
    const base = `https://t.me/${await this.username()}`;
    return payload ? `${base}?start=${payload}` : base;
  }
}
