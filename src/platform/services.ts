import type { Api } from 'grammy';
import type { Config } from '../config.js';
import type { SigningKeys } from './auth/keys.js';
import type { Orm } from './db/orm.js';
import type { Translator } from './i18n/translator.js';
import type { Logger } from './logger.js';
import type { Outages } from './outages.js';
import type { JobRuntime } from './queue/runtime.js';
import type { RateLimiter } from './rate-limit.js';
import type { Redis } from './redis.js';
import type { BotIdentity } from './telegram/api.js';

/**
 * What the API routes, bot features and jobs share, built once by `createServices` (src/services.ts)
 * for production, tests and benchmarks. Passed explicitly, never imported as a singleton. Features
 * that bring a shared service declare it by augmenting this interface (their `bot/session.ts`).
 */
export interface Services {
  config: Config;
  log: Logger;
  orm: Orm;
  redis: Redis;
  keys: SigningKeys;
  jobs: JobRuntime;
  translator: Translator;
  /** Bot API client for messages sent outside an update (jobs, notifications). */
  telegram: Api;
  bot: BotIdentity;
  /** Fixed-window rate limits in Redis shared by every process (PMs, room messages, ...). */
  limiter: RateLimiter;
  /** This process's view of PostgreSQL and Redis outages: logged once, in /metrics, recovery listeners. */
  outages: Outages;
  /** Prefix of every Redis key written by this deployment (tests give each file its own). */
  keyPrefix: string;
}
