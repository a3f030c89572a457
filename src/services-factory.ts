import type { UserFromGetMe } from 'grammy/types';
import type { SigningKeys } from './auth/keys.js';
import { createTranslator } from './bot/i18n.js';
import { createChatDelivery } from './chat/delivery.js';
import type { Config } from './config.js';
import type { Orm } from './db/orm.js';
import { attachUserCache } from './db/user-cache.js';
import { createCommentCache, createTaskEffects } from './jobs/reminders.js';
import { JobRuntime } from './jobs/runtime.js';
import type { Logger } from './logger.js';
import { RateLimiter } from './rate-limit.js';
import type { Redis } from './redis.js';
import type { Services } from './services.js';
import { BotIdentity, createTelegramApi, type TelegramFetch } from './telegram.js';

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
}

/**
 * Builds the Services every role shares from the connected ORM, Redis and signing keys, the
 * one way production (startGramdesk), tests and benchmarks assemble them. It also registers
 * the user cache's invalidation on the ORM, so user writes from any part reach the bot.
 */
export function createServices(base: ServiceBase): Services {
  const { config, log, orm, redis, keys, keyPrefix } = base;
  const jobs = new JobRuntime(config.redisUrl, log, `${keyPrefix}bull`);
  const telegram = createTelegramApi(config, base.fetch);
  attachUserCache(orm, redis, keyPrefix);
  return {
    config,
    log,
    orm,
    redis,
    keys,
    jobs,
    translator: createTranslator(),
    telegram,
    bot: new BotIdentity(telegram, base.botInfo),
    keyPrefix,
    taskEffects: createTaskEffects({ redis, jobs, keyPrefix }),
    commentCache: createCommentCache({ redis, keyPrefix }),
    chat: createChatDelivery({ orm, redis, jobs, keyPrefix }),
    limiter: base.limiter ?? new RateLimiter(redis, keyPrefix),
  };
}
