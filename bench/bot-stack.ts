import type { AsyncLocalStorage } from 'node:async_hooks';
import { createGramdeskBot as createBot } from '../src/bot.js';
import { entities } from '../src/entities.js';
import { createCommentCache } from '../src/features/tasks/jobs/reminders.js';
import type { TaskEffects } from '../src/features/tasks/tasks.js';
import { attachUserCache } from '../src/features/users/user-cache.js';
import { createOrm } from '../src/platform/db/orm.js';
import { createTranslator } from '../src/platform/i18n/translator.js';
import { createLogger } from '../src/platform/logger.js';
import { Outages } from '../src/platform/outages.js';
import { RateLimiter } from '../src/platform/rate-limit.js';
import { connectRedis, createRedis, type Redis } from '../src/platform/redis.js';
import { RedisFollowUps } from '../src/platform/redis-follow-ups.js';
import { FakeBotApi, TEST_BOT_INFO } from '../test/helpers/fake-bot-api.js';
import type { BenchEnv } from './harness.js';

/** What one update cost, counted while the update is handled (the probe is the AsyncLocalStorage store). */
export interface BotProbe {
  /** Statements seen by createOrm's onQuery hook (what the app's query metric counts). */
  sql: number;
  /** Transactions MikroORM opened: each adds BEGIN and COMMIT round trips that onQuery does not see. */
  tx: number;
  redis: number;
  api: number;
  answers?: number;
  statements?: string[];
}

/**
 * Counts the commands the bot's Redis client is asked for: every built-in command (a room
 * membership check is a SISMEMBER) and MULTI, which stands for its whole transaction.
 */
function countRedisCommands(redis: Redis, probes: AsyncLocalStorage<BotProbe>): void {
  const target = redis as unknown as Record<string, (...args: unknown[]) => unknown>;
  const names = new Set(redis.getBuiltinCommands().filter((name) => name !== 'exec' && name !== 'multi'));
  names.add('multi');
  for (const name of names) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    target[name] = function (this: unknown, ...args: unknown[]) {
      const probe = probes.getStore();
      if (probe) probe.redis++;
      return original.apply(this, args);
    };
  }
}

/**
 * The full Gramdesk bot over the bench database and Redis, with a fake Bot API, where every
 * SQL statement, transaction, Redis command and Bot API call is charged to the update whose
 * probe is current. Errors are kept in memory and reported after the run.
 */
export async function openProbedBot(
  env: BenchEnv,
  probes: AsyncLocalStorage<BotProbe>,
  options: { name: string; taskEffects?: (redis: Redis) => TaskEffects },
) {
  let unattributed = 0;
  const orm = await createOrm({
    entities,
    databaseUrl: env.databaseUrl,
    pgliteDir: '',
    onQuery: (sql) => {
      const probe = probes.getStore();
      if (!probe) {
        unattributed++;
        return;
      }
      probe.sql++;
      probe.statements?.push(sql);
    },
  });
  // BEGIN/COMMIT bypass onQuery; the transaction events show them.
  orm.em.getEventManager().registerSubscriber({
    afterTransactionStart: () => {
      const probe = probes.getStore();
      if (probe) probe.tx++;
    },
  });
  const redis = createRedis(env.redisUrl, { connectionName: `gramdesk:bench-${options.name}` });
  await connectRedis(redis, env.redisUrl);
  countRedisCommands(redis, probes);
  const errors: string[] = [];
  const sink = {
    write(json: string) {
      const line = JSON.parse(json) as { msg?: string; err?: { message?: string } };
      errors.push(`${line.msg ?? 'error'}: ${line.err?.message ?? ''}`);
    },
  };
  const api = new FakeBotApi({ botInfo: TEST_BOT_INFO, recordCalls: false, keepPerChat: 4 });
  api.onCall = (method) => {
    const probe = probes.getStore();
    if (!probe) return;
    probe.api++;
    if (method === 'answerCallbackQuery' && probe.answers !== undefined) probe.answers++;
  };
  const log = createLogger('error', { destination: sink });
  const followUps = new RedisFollowUps(new Outages({ log }), log);
  const bot = createBot(
    {
      config: {
        botToken: `${TEST_BOT_INFO.id}:BENCH-token`,
        telegramApiRoot: 'http://telegram.invalid',
        adminTelegramIds: [],
        publicUrl: 'http://localhost:3000',
      },
      log,
      orm,
      redis,
      taskEffects: options.taskEffects?.(redis) ?? {
        changed: async () => undefined,
        reminders: async () => undefined,
        notify: async () => 'none' as const,
      },
      commentCache: createCommentCache({ redis, keyPrefix: env.keyPrefix, followUps }),
      userCache: attachUserCache(orm, redis, env.keyPrefix),
      translator: createTranslator(),
      keyPrefix: env.keyPrefix,
      // These workloads send no chat messages.
      chat: {
        deliverPrivate: async () => 'stored',
        deliverRoom: async () => undefined,
        roomActivity: async () => undefined,
      },
      limiter: new RateLimiter(redis, env.keyPrefix),
    },
    { mode: 'polling', botInfo: TEST_BOT_INFO, fetch: api.fetch as never },
  );
  return {
    orm,
    api,
    bot,
    errors,
    unattributed: () => unattributed,
    async close() {
      await orm.close(true);
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
