/**
 * The program under soak: `startGramdesk` with every role (bot by long polling, API with the chat
 * gateway on a real port, worker with the mailing engine, reminders, sweeps) in this process,
 * exactly as `npm start` composes it — over the run's database and Redis key prefix. Telegram is
 * the tests' fake, twice: the bot's calls go in-process to one that keeps each chat's last few
 * messages (the bot users press their buttons); the mailing engine's go over HTTP, as in
 * production, to one that keeps nothing per chat — else every recipient's chat would grow in the
 * measured heap for the first mailings, a harness's warm-up read as the program's.
 */
import type { Update } from 'grammy/types';
import { ALL_ROLES, type Gramdesk, startGramdesk } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { SigningKeys } from '../../src/platform/auth/keys.js';
import { createLogger } from '../../src/platform/logger.js';
import { FakeBotApi, TEST_BOT_INFO } from '../../test/helpers/fake-bot-api.js';
import type { BenchEnv } from '../harness.js';

/** Warnings and errors the program logged: counted by level, the first few kept for the report. */
export class LogTally {
  warnings = 0;
  errors = 0;
  readonly firstMessages: string[] = [];

  readonly sink = {
    write: (json: string) => {
      const line = JSON.parse(json) as { level?: number; msg?: string; err?: { message?: string } | string };
      if ((line.level ?? 0) >= 50) this.errors++;
      else this.warnings++;
      const detail = typeof line.err === 'string' ? line.err : (line.err?.message ?? '');
      const text = `${line.msg ?? '?'}${detail ? `: ${detail}` : ''}`;
      if (this.firstMessages.length < 5 && !this.firstMessages.includes(text)) this.firstMessages.push(text);
    },
  };
}

export interface SoakProgram {
  app: Gramdesk;
  /** The bot's Telegram (in-process door). */
  telegram: FakeBotApi;
  /** The mailing engine's Telegram (HTTP door, TELEGRAM_API_ROOT). */
  mailingTelegram: FakeBotApi;
  keys: SigningKeys;
  issuer: string;
  apiUrl: string;
  wsUrl: string;
  logs: LogTally;
  /** Resolves when the intake has handled the update (the bot answered), rejects if it threw. */
  handled(updateId: number, timeoutMs: number): Promise<void>;
  /** Empties what the fake Telegrams keep for tests' assertions (see forgetTelegramRecords). */
  forgetTelegramRecords(): void;
  stop(): Promise<void>;
}

export async function startSoakProgram(env: BenchEnv, mailingRate: number): Promise<SoakProgram> {
  // keepPerChat: the bot users click buttons of their last messages; older ones may go.
  const telegram = new FakeBotApi({ botInfo: TEST_BOT_INFO, recordCalls: false, keepPerChat: 4 });
  const mailingTelegram = new FakeBotApi({ botInfo: TEST_BOT_INFO, recordCalls: false, keepPerChat: 0 });
  const apiRoot = await mailingTelegram.listen();
  const closeTelegrams = () => Promise.all([telegram.close(), mailingTelegram.close()]);
  const logs = new LogTally();
  const config = {
    ...loadConfig({
      BOT_TOKEN: `${TEST_BOT_INFO.id}:SOAK-token`,
      TELEGRAM_API_ROOT: apiRoot,
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: env.redisUrl,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      MAILING_RATE: String(mailingRate),
      MAILING_PAID_BROADCAST: mailingRate > 30 ? 'true' : 'false',
    }),
    // PORT must be 1-65535 for operators; the soak takes any free port.
    port: 0,
  };
  let app: Gramdesk;
  try {
    app = await startGramdesk(config, {
      roles: ALL_ROLES,
      log: createLogger('warn', { destination: logs.sink }),
      botInfo: TEST_BOT_INFO,
      fetch: telegram.fetch as never,
      keyPrefix: env.keyPrefix,
    });
  } catch (err) {
    await closeTelegrams();
    throw err;
  }
  const port = app.http?.port;
  const { bot } = app;
  if (!port || !bot) {
    await app.stop();
    await closeTelegrams();
    throw new Error('the program started without its API or its bot');
  }
  // The same keys the API verifies with (generated at its start and stored), to sign the clients' tokens.
  const keys = await SigningKeys.load(() => app.orm.em.fork(), config.jwtPrivateKey);
  const handled = watchHandledUpdates(bot);
  return {
    app,
    telegram,
    mailingTelegram,
    keys,
    issuer: config.publicUrl,
    apiUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    logs,
    handled,
    forgetTelegramRecords: () => {
      forgetTelegramRecords(telegram);
      forgetTelegramRecords(mailingTelegram);
    },
    async stop() {
      await app.stop();
      await closeTelegrams();
    },
  };
}

/**
 * The intake (@grammyjs/runner) looks `bot.handleUpdate` up for every update it consumes, so a
 * wrapper on the instance sees each update of the real polling path finish. That tells a bot
 * user when its answer is complete without guessing from Telegram calls.
 */
function watchHandledUpdates(bot: NonNullable<Gramdesk['bot']>): SoakProgram['handled'] {
  const waiting = new Map<number, (error?: unknown) => void>();
  const original = bot.handleUpdate.bind(bot);
  bot.handleUpdate = async (update: Update, ...rest) => {
    try {
      await original(update, ...rest);
      waiting.get(update.update_id)?.();
    } catch (err) {
      waiting.get(update.update_id)?.(err ?? new Error('update failed'));
      throw err;
    }
  };
  return (updateId, timeoutMs) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(updateId);
        reject(new Error('timeout'));
      }, timeoutMs);
      waiting.set(updateId, (error) => {
        clearTimeout(timer);
        waiting.delete(updateId);
        if (error === undefined) resolve();
        else reject(error);
      });
    });
}

/** The fake's records that grow with every call (it keeps them for tests' assertions). */
interface TelegramRecords {
  sends: unknown[];
  arrivals: unknown[];
  floodWindows: unknown[];
  seen: Map<string, number>;
  answeredQueries: Set<string>;
  edited: Set<number>;
}

/**
 * The fake Telegram lives in the measured process and records every send, arrival and answered
 * callback query for tests; over half an hour that is megabytes of the harness's own heap, which
 * would read as a leak of the program. The sampler empties them before every measurement. (Some
 * are private to the stand-in: it has no switch for this and it is src/, not the bench's to change.)
 */
function forgetTelegramRecords(telegram: FakeBotApi): void {
  const records = telegram as unknown as TelegramRecords;
  records.sends.length = 0;
  records.arrivals.length = 0;
  records.floodWindows.length = 0;
  records.seen.clear();
  records.answeredQueries.clear();
  records.edited.clear();
}
