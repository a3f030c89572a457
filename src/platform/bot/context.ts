import type { Conversation, ConversationFlavor } from '@grammyjs/conversations';
import type { Context, LazySessionFlavor } from 'grammy';
import type { Config } from '../../config.js';
import type { Em, Orm } from '../db/orm.js';
import type { Language } from '../i18n/languages.js';
import type { Translate, Translator } from '../i18n/translator.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Outages } from '../outages.js';
import type { RateLimiter } from '../rate-limit.js';
import type { Redis } from '../redis.js';

/**
 * UI state only (ARCHITECTURE rule 6): what a user is looking at, never data another user or
 * process may change. Each feature declares its own fields by augmenting this interface in its
 * `bot/session.ts` (TypeScript module augmentation), so the platform names no feature. Bump
 * SESSION_VERSION when a shape changes; old sessions are then simply not found (they live under
 * the old key prefix and expire).
 */
export const SESSION_VERSION = 2;
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the features (module augmentation)
export interface SessionData {}

/**
 * What every handler may use. Features add the services they bring by augmenting this
 * interface in their `bot/session.ts`; the composition root (src/app.ts) provides them all.
 */
export interface BotDeps {
  config: Pick<Config, 'botToken' | 'telegramApiRoot' | 'adminTelegramIds' | 'publicUrl'>;
  log: Logger;
  orm: Orm;
  redis: Redis;
  translator: Translator;
  metrics?: Metrics;
  /** Prefix of every Redis key the bot writes (sessions, conversations, de-duplication). */
  keyPrefix?: string;
  /** Per-sender limits shared by every process (PMs, room messages). */
  limiter: RateLimiter;
  /** The process's outage view (PostgreSQL, Redis); without one the bot keeps its own. */
  outages?: Outages;
}

/** What the platform's middlewares put on every context; the users feature adds `user`. */
export interface AppFlavor {
  deps: BotDeps;
  log: Logger;
  /** Forked per update (ARCHITECTURE rule 1). */
  em: Em;
  locale: Language;
  t: Translate;
  /** Set once the pressed button's callback query is answered; Telegram accepts one answer. */
  callbackAnswered?: boolean;
}

export type BaseContext = Context & AppFlavor & LazySessionFlavor<SessionData>;
export type BotContext = ConversationFlavor<BaseContext>;
/** Inside conversations the context is a plain one: state comes through `conversation.external`. */
export type ConvContext = Context;
export type BotConversation = Conversation<BotContext, ConvContext>;
