import type { UserFromGetMe } from 'grammy/types';
import type { Config } from './config.js';
import { createChatDelivery } from './features/chat/index.js';
import { createCommentCache, createTaskEffects } from './features/tasks/index.js';
import { attachUserCache } from './features/users/index.js';
import type { SigningKeys } from './platform/auth/keys.js';
import type { Orm } from './platform/db/orm.js';
import { createTranslator } from './platform/i18n/translator.js';
import type { Logger } from './platform/logger.js';
import type { Metrics } from './platform/metrics.js';
import { Outages } from './platform/outages.js';
import { JobRuntime } from './platform/queue/runtime.js';
import { RateLimiter } from './platform/rate-limit.js';
import type { Redis } from './platform/redis.js';
import { RedisFollowUps } from './platform/redis-follow-ups.js';
import type { Services } from './platform/services.js';
import { BotIdentity, createTelegramApi, type TelegramFetch } from './platform/telegram/api.js';

export interface ServiceBase {
  config: Config;
  log: Logger;
  orm: Orm;
  redis: Redis;
  keys: SigningKeys;
  keyPrefix: string;
  /** Test and benchmark hooks: a fake Bot API and the bot's known identity. */
  fetch?: TelegramFetch | undefined;
  botInfo?: UserFromGetMe | undefined;
  /** Replaces the Redis rate limiter (benchmarks measure without limits). */
  limiter?: RateLimiter;
  /** Where outages are shown (dependency_up and friends); tests and benchmarks may leave it out. */
  metrics?: Metrics;
}

/**
 * Builds the Services every role shares from the connected ORM, Redis and signing keys, the
 * one way production (startGramdesk), tests and benchmarks assemble them. It also registers
 * the user cache's invalidation on the ORM, so user writes from any part reach the bot.
 */
export function createServices(base: ServiceBase): Services {
  const { config, log, orm, redis, keys, keyPrefix } = base;
  const outages = new Outages({
    log,
    metrics: base.metrics,
    // While one is down, these are asked every second whether it is back.
    checks: {
      postgres: () => orm.em.fork().getConnection().execute('select 1'),
      // Both connections requests use: the main one and the job producer's (each reconnects on its own).
      redis: async () => {
        await redis.ping();
        await jobs.ping();
      },
    },
  });
  // A Redis restarted too quickly for any command to fail is still noticed (it may be empty now).
  outages.watchRedisServer(redis, 'main');
  const jobs = new JobRuntime(config.redisUrl, log, `${keyPrefix}bull`, outages);
  const telegram = createTelegramApi(config, base.fetch);
  attachUserCache(orm, redis, keyPrefix);
  const translator = createTranslator();
  // Redis writes after a committed change: Redis away does not fail the change (issue 18).
  const followUps = new RedisFollowUps(outages, log);
  return {
    config,
    log,
    orm,
    redis,
    keys,
    jobs,
    translator,
    telegram,
    bot: new BotIdentity(telegram, base.botInfo),
    keyPrefix,
    outages,
    taskEffects: createTaskEffects({ redis, jobs, keyPrefix, telegram, translator, orm, log, followUps }),
    commentCache: createCommentCache({ redis, keyPrefix, followUps }),
    chat: createChatDelivery({ orm, redis, jobs, keyPrefix }),
    limiter: base.limiter ?? new RateLimiter(redis, keyPrefix),
  };
}
