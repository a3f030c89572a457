import type { Conversation, ConversationFlavor } from '@grammyjs/conversations';
import type { Context, LazySessionFlavor } from 'grammy';
import type { ChatDelivery } from '../chat/types.js';
import type { Config } from '../config.js';
import type { Language, User } from '../db/entities/index.js';
import type { Em, Orm } from '../db/orm.js';
import type { UserCache } from '../db/user-cache.js';
import type { CommentCache } from '../domain/tasks/comments.js';
import type { TaskEffects, TaskSummary } from '../domain/tasks/tasks.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { RateLimiter } from '../rate-limit.js';
import type { Redis } from '../redis.js';
import type { Translate, Translator } from './i18n.js';

/**
 * UI state only (ARCHITECTURE rule 6): what a user is looking at, never data another user or
 * process may change. Bump SESSION_VERSION when the shape changes; old sessions are then
 * simply not found (they live under the old key prefix and expire).
 */
export const SESSION_VERSION = 2;
export interface SessionData {
  /** Set while the "share phone" reply keyboard is shown, so its Cancel button is understood. */
  awaitingContact?: boolean;
  /** The task list being browsed, with the snapshot it pages through (see features/tasks-actions.ts). */
  tasks?: TasksSnapshot;
  /** The comments page being browsed. */
  comments?: { taskId: string; page: number };
  /**
   * Set on /room, cleared on /leave: only to tell a user who was taken out of the room elsewhere
   * (WebSocket leave, blocked bot) why their texts no longer go there. Membership itself is the
   * Redis set of src/chat/room.ts.
   */
  inRoom?: boolean;
  /**
   * The conversation being paged with /history: the other user and the cursor of each page seen
   * so far (`cursors[0]` is '' for the newest page), so ◀️ goes back without recounting.
   */
  history?: { otherId: string; cursors: string[] };
  /** The admin's last user search (Admin → Users) and the page of its results being browsed. */
  adminSearch?: { query: string; page: number };
}

export type TaskFilter = 'open' | 'done' | 'all';

/**
 * The user's tasks as last loaded (newest first, capped), so paging and filtering need no query.
 * `version` is `<userId>:<counter>`, the counter being the user's tasks version key in Redis when
 * the list was loaded: every task change (bot, API, worker) bumps that key, and a list render
 * reloads when it differs.
 */
export interface TasksSnapshot {
  version: string;
  filter: TaskFilter;
  page: number;
  items: TaskSummary[];
}

export interface BotDeps {
  config: Pick<Config, 'botToken' | 'telegramApiRoot' | 'adminTelegramIds' | 'publicUrl'>;
  log: Logger;
  orm: Orm;
  redis: Redis;
  translator: Translator;
  metrics?: Metrics;
  /** Prefix of every Redis key the bot writes (sessions, conversations, de-duplication). */
  keyPrefix?: string;
  taskEffects: TaskEffects;
  commentCache: CommentCache;
  /** Makes loading the sender a Redis read instead of a query (see db/user-cache.ts). */
  userCache?: UserCache;
  /** Delivers stored PMs and room messages (WebSocket or, through the worker, Telegram). */
  chat: ChatDelivery;
  /** Per-sender limits shared by every process (PMs, room messages). */
  limiter: RateLimiter;
}

interface AppFlavor {
  deps: BotDeps;
  log: Logger;
  /** Forked per update (ARCHITECTURE rule 1). */
  em: Em;
  /** The sender; set by the user loader for every update that has one. */
  user: User;
  /** True when this update created the user. */
  userCreated: boolean;
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
