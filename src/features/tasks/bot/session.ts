import type { CommentCache } from '../comments.js';
import type { TaskScope, TaskSummary } from '../lists.js';
import type { TaskEffects } from '../tasks.js';

export type TaskFilter = 'open' | 'done' | 'all';

/** A search by words of the title: its results as of `version` (see TasksSnapshot), paged like the list. */
export interface TasksSearch {
  query: string;
  version: string;
  /** When the results were read (epoch ms); trusted for SNAPSHOT_TTL_MS at most (list.ts). */
  loadedAt?: number;
  page: number;
  items: TaskSummary[];
}

/**
 * The user's tasks as last loaded (in list order, capped), so paging and filtering need no query.
 * `version` is `<userId>:<counter>`, the counter being the user's tasks version key in Redis when
 * the list was loaded: every task change (bot, API, worker) bumps that key, and a list render
 * reloads when it differs, or when the snapshot is older than SNAPSHOT_TTL_MS (a bump lost to a
 * Redis outage, see list.ts).
 */
export interface TasksSnapshot {
  version: string;
  /** When the items were read (epoch ms; absent in sessions from before it: reloaded). */
  loadedAt?: number;
  filter: TaskFilter;
  /** Whose tasks (absent in sessions from before issue 13: all). */
  scope?: TaskScope;
  page: number;
  items: TaskSummary[];
  /** The search being browsed; the list shows its results until it is cleared. */
  search?: TasksSearch;
}

declare module '../../../platform/bot/context.js' {
  interface SessionData {
    /** The task list being browsed, with the snapshot it pages through (see list.ts). */
    tasks?: TasksSnapshot;
    /** The comments page being browsed. */
    comments?: { taskId: string; page: number };
  }
  interface BotDeps {
    /** What follows task changes (list version, reminders). */
    taskEffects: TaskEffects;
    /** The comment lists cached per task. */
    commentCache: CommentCache;
  }
}

declare module '../../../platform/services.js' {
  interface Services {
    /** What follows task changes (list version, reminders) and the comment list cache. */
    taskEffects: TaskEffects;
    commentCache: CommentCache;
  }
}
