import {
  type ConversationBuilder,
  type ConversationData,
  conversations,
  type VersionedState,
} from '@grammyjs/conversations';
import { sequentialize } from '@grammyjs/runner';
import { RedisAdapter } from '@grammyjs/storage-redis';
import { Bot, type BotConfig, lazySession, type Middleware } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { Outages, unavailableDependency } from '../outages.js';
import { htmlParseMode, interactiveRetry } from '../telegram/api-defaults.js';
import { contextClass, countUpdates } from './app-context.js';
import { sequence } from './composer.js';
import { type BotContext, type BotDeps, type ConvContext, SESSION_VERSION, type SessionData } from './context.js';
import { prefetchedConversationStorage } from './conversation-storage.js';
import { dedupeUpdates } from './dedupe.js';
import { dialogs } from './dialogs.js';
import { answerCallback } from './ui/answer.js';
import { answerUnavailable, UnavailableNotices } from './unavailable.js';

/** Sessions of users who have not written for this long are forgotten (they hold UI state only). */
const SESSION_TTL_SECONDS = 30 * 24 * 60 * 60;
/** Unfinished dialogs older than this are dropped. */
const CONVERSATION_TTL_SECONDS = 7 * 24 * 60 * 60;
/** Bump when the steps of any conversation change: old replay logs would not fit the new code. */
const CONVERSATION_VERSION = 11;

export interface CreateBotOptions {
  /** Skips the getMe call (tests, benchmarks); in production `bot.init()` fetches it. */
  botInfo?: UserFromGetMe;
  /** Replaces the HTTP client, e.g. a fake Bot API in tests. Reaches conversations too. */
  fetch?: NonNullable<BotConfig<BotContext>['client']>['fetch'];
  /** Polling serialises updates per chat; webhook mode de-duplicates redelivered update ids. */
  mode: 'polling' | 'webhook';
}

export type GramdeskBot = Bot<BotContext>;

/**
 * What the features bring to the bot, in the slots of the one middleware order below. The
 * composition root (src/bot.ts) fills them; the platform names no feature.
 */
export interface BotParts {
  /** Updates without a chat message (membership changes), before the session is touched. */
  beforeSession: Middleware<BotContext>[];
  /** Accessors the features add to every update's context, defined once on its class. */
  contextProperties?: PropertyDescriptorMap;
  /** Sets `ctx.user` (and answers banned users); everything after it may rely on the sender. */
  loadUser: Middleware<BotContext>;
  /** Right after `conversations()`, before any dialog is entered (e.g. /cancel leaves them). */
  beforeDialogs: Middleware<BotContext>[];
  /** Every dialog, by the name `ctx.conversation.enter` uses. */
  dialogs: Record<string, ConversationBuilder<BotContext, ConvContext>>;
  /** The root menu: installing it installs the click handling of every registered submenu. */
  menu: Middleware<BotContext>;
  /** The features' composers in priority order; the last one answers whatever is left. */
  features: Middleware<BotContext>[];
}

export function createBot(deps: BotDeps, options: CreateBotOptions, parts: BotParts): GramdeskBot {
  const keyPrefix = deps.keyPrefix ?? '';
  const bot = new Bot<BotContext>(deps.config.botToken, {
    // 2. Context: dependencies, a logger with the update id, and 3. the ORM context (a forked EM).
    ContextConstructor: contextClass(deps, parts.contextProperties),
    botInfo: options.botInfo,
    client: { apiRoot: deps.config.telegramApiRoot, ...(options.fetch ? { fetch: options.fetch } : {}) },
  });
  bot.api.config.use(htmlParseMode);
  bot.api.config.use(interactiveRetry());

  const redisStorage = <T>(ttlSeconds: number) =>
    new RedisAdapter<T>({ instance: deps.redis, ttl: ttlSeconds, autoParseDates: false });

  const outages = deps.outages ?? new Outages({ log: deps.log, metrics: deps.metrics });
  const unavailableNotices = new UnavailableNotices();

  // The one middleware order (ARCHITECTURE rule 3). Each step relies on the ones before it.
  // 1. Error boundary: a failing handler answers with an apology, is logged, and the bot goes on.
  const app = bot.errorBoundary(async (err) => {
    const ctx = err.ctx;
    // PostgreSQL or Redis away (issue 18): logged once per outage. A webhook answers 503 (the error
    // goes on to the HTTP error handler), so Telegram delivers the update again later; polling
    // cannot give an update back, so the user hears "temporarily unavailable" instead.
    const dependency = unavailableDependency(err.error);
    if (dependency) {
      outages.down(dependency, err.error, { update_id: ctx.update.update_id });
      if (options.mode === 'webhook') throw err.error;
      outages.answered(dependency, 'bot');
      await answerUnavailable(ctx, deps, unavailableNotices, dependency);
      return;
    }
    deps.metrics?.botErrors.inc();
    (ctx.log ?? deps.log).error({ err: err.error, update_id: ctx.update.update_id }, 'update handler failed');
    try {
      await answerCallback(ctx).catch(() => undefined);
      const t = ctx.t ?? deps.translator.forLocale('en');
      if (ctx.chat) await ctx.api.sendMessage(ctx.chat.id, t('apology'));
    } catch (replyError) {
      deps.log.warn({ err: replyError, update_id: ctx.update.update_id }, 'could not send the apology');
    }
  });
  // The steps run as one sequence (composer.ts): one call per step, where a `use` each would
  // wrap every step in two more async closures.
  const steps: Array<Middleware<BotContext>> = [countUpdates(deps)];
  // 4. One update at a time per chat (polling runs updates concurrently across chats).
  if (options.mode === 'polling') steps.push(sequentialize((ctx: BotContext) => ctx.chat?.id.toString()));
  // 5. Webhook: Telegram may deliver an update twice; handle it once.
  if (options.mode === 'webhook') steps.push(dedupeUpdates(keyPrefix));
  // Membership changes (the user blocked/unblocked the bot) come without a chat message.
  steps.push(...parts.beforeSession);
  // 6. Session: lazy (Redis is read only by handlers that need it), versioned key, TTL.
  steps.push(
    lazySession<SessionData, BotContext>({
      initial: () => ({}),
      storage: redisStorage<SessionData>(SESSION_TTL_SECONDS),
      prefix: `${keyPrefix}session:v${SESSION_VERSION}:`,
      getSessionKey: (ctx) => ctx.chat?.id.toString(),
    }),
  );
  // Conversations' state in Redis, so a restart does not lose a half-finished dialog; its read
  // starts here so that it shares a round trip with the user loader's.
  const conversationState = prefetchedConversationStorage({
    adapter: redisStorage<VersionedState<ConversationData>>(CONVERSATION_TTL_SECONDS),
    prefix: `${keyPrefix}conv:`,
    version: CONVERSATION_VERSION,
  });
  steps.push(conversationState.prefetch);
  // 7. User loader (with the banned check) and 8. the language every later text uses.
  steps.push(parts.loadUser);
  // 9. Conversations.
  steps.push(
    conversations<BotContext, BotContext>({
      storage: conversationState.storage,
      // Conversations build a fresh Api per replay; give it the same HTML default and retries.
      plugins: [
        async (ctx, next) => {
          ctx.api.config.use(htmlParseMode);
          ctx.api.config.use(interactiveRetry());
          await next();
        },
      ],
    }),
  );
  steps.push(...parts.beforeDialogs);
  steps.push(dialogs(parts.dialogs));
  // 10. Menus (click handling for every registered submenu).
  steps.push(parts.menu);
  // 11. Features, one composer each, in priority order; 12. the last answers whatever is left.
  steps.push(...parts.features);
  app.use(sequence(steps));

  bot.catch((err) => deps.log.error({ err: err.error, update_id: err.ctx.update.update_id }, 'unhandled bot error'));
  return bot;
}
