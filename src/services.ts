import type { Api } from 'grammy';
import type { SigningKeys } from './auth/keys.js';
import type { Translator } from './bot/i18n.js';
import type { ChatDelivery } from './chat/types.js';
import type { Config } from './config.js';
import type { Orm } from './db/orm.js';
import type { CommentCache } from './domain/tasks/comments.js';
import type { TaskEffects } from './domain/tasks/tasks.js';
import type { JobRuntime } from './jobs/runtime.js';
import type { Logger } from './logger.js';
import type { RateLimiter } from './rate-limit.js';
import type { Redis } from './redis.js';
import type { BotIdentity } from './telegram.js';

/**
 * What the API routes, bot features and jobs share, built once in `startGramdesk` (or by tests).
 * Passed explicitly, never imported as a singleton.
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
  /** What follows task changes (list version, reminders) and the comment list cache. */
  taskEffects: TaskEffects;
  commentCache: CommentCache;
  /** Delivers stored PMs and room messages: WebSocket if connected, else Telegram (src/chat/delivery.ts). */
  chat: ChatDelivery;
  /** Fixed-window rate limits in Redis shared by every process (PMs, room messages, ...). */
  limiter: RateLimiter;
  /** Prefix of every Redis key written by this deployment (tests give each file its own). */
  keyPrefix: string;
}
