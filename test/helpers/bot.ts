import { createGramdeskBot as createBot } from '../../src/bot.js';
import { createChatDelivery } from '../../src/features/chat/delivery.js';
import type { ChatDelivery } from '../../src/features/chat/types.js';
import { createCommentCache, createTaskEffects } from '../../src/features/tasks/jobs/reminders.js';
import type { TaskEffects } from '../../src/features/tasks/tasks.js';
import { attachUserCache } from '../../src/features/users/user-cache.js';
import type { GramdeskBot } from '../../src/platform/bot/create-bot.js';
import { createTranslator } from '../../src/platform/i18n/translator.js';
import { createLogger, type Logger } from '../../src/platform/logger.js';
import { Outages } from '../../src/platform/outages.js';
import { JobRuntime } from '../../src/platform/queue/runtime.js';
import { RateLimiter } from '../../src/platform/rate-limit.js';
import { RedisFollowUps } from '../../src/platform/redis-follow-ups.js';
import { BotClient, type TelegramUserProfile } from './bot-client.js';
import type { TestDatabase } from './db.js';
import { REDIS_URL } from './env.js';
import { FakeBotApi } from './fake-bot-api.js';
import type { TestRedis } from './redis.js';

export const TEST_BOT_TOKEN = '7000000001:TEST-token_for-gramdesk';

export interface TestBotOptions {
  db: TestDatabase;
  redis: TestRedis;
  telegram?: FakeBotApi;
  mode?: 'polling' | 'webhook';
  adminTelegramIds?: number[];
  /** PUBLIC_URL as the bot sees it (default http://localhost:3000). */
  publicUrl?: string;
  /**
   * Where task changes go (reminders, list version). Defaults to a job runtime of the bot's own
   * under the test Redis prefix; its connections open only if a reminder is scheduled.
   */
  jobs?: JobRuntime;
  /** What follows task changes; the environment passes its services' (which send notices through the fake Bot API). */
  taskEffects?: TaskEffects;
  /** How stored chat messages are delivered; defaults to the real delivery over `jobs` and the test Redis. */
  chat?: ChatDelivery;
  /** Per-sender limits; defaults to the real limiter under the test Redis prefix. */
  limiter?: RateLimiter;
  /** The bot's logger (e.g. one that records error lines: the error boundary logs every crashed handler). */
  log?: Logger;
}

export interface TestBot {
  bot: GramdeskBot;
  telegram: FakeBotApi;
  /** A Telegram user of this bot; updates go through bot.handleUpdate like in production. */
  client(user: TelegramUserProfile): BotClient;
}

/** Builds the real bot (real PostgreSQL, Redis, middleware) with a fake Bot API behind client.fetch. */
export function createTestBot(options: TestBotOptions): TestBot {
  const telegram = options.telegram ?? new FakeBotApi();
  const jobs = options.jobs ?? new JobRuntime(REDIS_URL, createLogger('silent'), `${options.redis.keyPrefix}bull`);
  const log = options.log ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  // As createServices makes them: Redis writes after a committed change, replayed when Redis is back.
  const outages = new Outages({ log, checks: { redis: () => options.redis.redis.ping() } });
  const followUps = new RedisFollowUps(outages, log);
  const bot = createBot(
    {
      config: {
        botToken: TEST_BOT_TOKEN,
        telegramApiRoot: 'http://telegram.invalid',
        adminTelegramIds: options.adminTelegramIds ?? [],
        publicUrl: options.publicUrl ?? 'http://localhost:3000',
      },
      log,
      orm: options.db.orm,
      redis: options.redis.redis,
      translator: createTranslator(),
      keyPrefix: options.redis.keyPrefix,
      taskEffects:
        options.taskEffects ??
        createTaskEffects({ redis: options.redis.redis, jobs, keyPrefix: options.redis.keyPrefix, followUps }),
      commentCache: createCommentCache({ redis: options.redis.redis, keyPrefix: options.redis.keyPrefix, followUps }),
      userCache: attachUserCache(options.db.orm, options.redis.redis, options.redis.keyPrefix),
      chat:
        options.chat ??
        createChatDelivery({
          orm: options.db.orm,
          redis: options.redis.redis,
          jobs,
          keyPrefix: options.redis.keyPrefix,
        }),
      limiter: options.limiter ?? new RateLimiter(options.redis.redis, options.redis.keyPrefix),
    },
    { mode: options.mode ?? 'polling', botInfo: telegram.botInfo, fetch: telegram.fetch as never },
  );
  return {
    bot,
    telegram,
    client: (user) => new BotClient(telegram, user, (update) => bot.handleUpdate(update)),
  };
}
