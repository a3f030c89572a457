import type { UserFromGetMe } from 'grammy/types';
import type { Config } from './config.js';
import { createChatDelivery } from './features/chat/index.js';
import { createCommentCache, createTaskEffects } from './features/tasks/index.js';
import { attachUserCache } from './features/users/index.js';
import type { SigningKeys } from './platform/auth/keys.js';
import type { Orm } from './platform/db/orm.js';
import { createTranslator } from './platform/i18n/translator.js';
import type { Logger } from './platform/logger.js';
import { JobRuntime } from './platform/queue/runtime.js';
import { RateLimiter } from './platform/rate-limit.js';
import type { Redis } from './platform/redis.js';
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
  const translator = createTranslator();
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
    taskEffects: createTaskEffects({ redis, jobs, keyPrefix, telegram, translator, orm, log }),
    commentCache: createCommentCache({ redis, keyPrefix }),
    chat: createChatDelivery({ orm, redis, jobs, keyPrefix }),
    limiter: base.limiter ?? new RateLimiter(redis, keyPrefix),
  };
}
