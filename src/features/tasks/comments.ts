import { raw } from '@mikro-orm/core';
import type { Em } from '../../platform/db/orm.js';
import { isRowId } from '../../platform/db/row-id.js';
import { DomainError } from '../../platform/errors.js';
import { characterCount } from '../../platform/telegram/entities.js';
import { chosenName, type User } from '../users/index.js';
import { COMMENT_TEXT_MAX, Comment, Task } from './task.entities.js';
import {
  countWrite,
  FORBIDDEN_IN_TEXT,
  getVisibleTask,
  noticeComment,
  participants,
  type TaskEffects,
  type WriteLimiter,
} from './tasks.js';

export interface CommentView {
  id: string;
  taskId: string;
  author: { id: string; username: string | null; firstName: string | null };
  text: string;
  createdAt: Date;
  editedAt: Date | null;
}

/** Comment lists cached per task (SPEC §2.2); every change drops the task's entry. */
export interface CommentCache {
  get(taskId: string): Promise<CommentView[] | null>;
  /**
   * Stores a list read from the database. With `stamp` (taken by `stamp()` before that read),
   * only if the task's comments have not changed since: otherwise a reader that raced a writer
   * would put back the list the writer's `invalidate` had just dropped.
   */
  set(taskId: string, comments: CommentView[], stamp?: string): Promise<void>;
  /** After a committed change; with Redis away it is made when Redis is back, not failed (createCommentCache). */
  invalidate(taskId: string): Promise<void>;
  /** The current change count of the task's comments, to pass to `set`. */
  stamp?(taskId: string): Promise<string>;
}

export function toCommentView(comment: Comment): CommentView {
  const author = comment.author;
  return {
    id: comment.id,
    taskId: typeof comment.task === 'object' ? comment.task.id : String(comment.task),
    author: {
      id: author.id,
      username: author.username ?? author.telegramUsername ?? null,
      firstName: chosenName(author),
    },
    text: comment.text,
    createdAt: comment.createdAt,
    editedAt: comment.editedAt ?? null,
  };
}

export function parseCommentText(input: string): string {
  const text = input.normalize('NFC').trim();
  if (!text) throw new DomainError('text_invalid', 'The comment is empty', { field: 'text', reason: 'empty' });
  const length = characterCount(text);
  if (length > COMMENT_TEXT_MAX) {
    throw new DomainError('text_invalid', `The comment is longer than ${COMMENT_TEXT_MAX} characters`, {
      field: 'text',
      reason: 'too_long',
      max: COMMENT_TEXT_MAX,
      length,
    });
  }
  if (FORBIDDEN_IN_TEXT.test(text)) {
    throw new DomainError('text_invalid', 'The comment contains control characters', {
      field: 'text',
      reason: 'control',
    });
  }
  return text;
}

/**
 * All comments of a task the user may see (its owner and its assignee), oldest first, from
 * the cache when it has them. Reading comments costs one query for the ownership check only.
 * The bot's comment screens page this whole, cached list (SPEC §2.2); the API pages in SQL
 * instead (pageComments), so that `?limit=1` does not read every comment of a long thread.
 */
export async function listComments(
  em: Em,
  cache: CommentCache,
  viewer: Pick<User, 'id'>,
  taskId: string,
): Promise<CommentView[]> {
  await getVisibleTask(em, viewer, taskId);
  const cached = await cache.get(taskId);
  if (cached) return cached;
  const stamp = await cache.stamp?.(taskId);
  const rows = await em.find(Comment, { task: taskId }, { orderBy: { id: 'asc' }, populate: ['author'] });
  const views = rows.map(toCommentView);
  await cache.set(taskId, views, stamp);
  return views;
}

export interface CommentPage {
  items: CommentView[];
  /** The id of the last item when more follow (the next page's `cursor`), else null. */
  nextCursor: string | null;
}

/**
 * One page of a task's comments, oldest first, keyset-paginated by id: reads `limit + 1` rows at
 * most (the extra row only tells whether a next page exists) and never the cache, whose entry is
 * the whole list.
 */
export async function pageComments(
  em: Em,
  viewer: Pick<User, 'id'>,
  taskId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<CommentPage> {
  const task = await getVisibleTask(em, viewer, taskId);
  const rows = await em.find(
    Comment,
    { task, ...(page.cursor !== undefined ? { id: { $gt: page.cursor } } : {}) },
    { orderBy: { id: 'asc' }, limit: page.limit + 1, populate: ['author'] },
  );
  const items = rows.slice(0, page.limit).map(toCommentView);
  return { items, nextCursor: rows.length > page.limit ? (items[items.length - 1]?.id ?? null) : null };
}

export interface CommentDeps {
  cache: CommentCache;
  effects: TaskEffects;
}

/**
 * A new comment on a task the author sees. New comments are counted per author (WRITE_LIMITS,
 * 429 rate_limited); the count comes after the checks, so a refused text or an unknown task
 * uses none of it.
 */
export async function addComment(
  em: Em,
  deps: CommentDeps & { limiter: WriteLimiter },
  author: User,
  taskId: string,
  text: string,
): Promise<Comment> {
  const task = await getVisibleTask(em, author, taskId);
  const checked = parseCommentText(text);
  await countWrite(deps.limiter, 'comment', author.id);
  const comment = em.create(Comment, { task, author, text: checked });
  // Raised in SQL (`comment_count + 1`, read back after the flush), not from the loaded value:
  // two comments added at the same time (bot and API) would otherwise count as one.
  task.commentCount = raw('comment_count + 1');
  await em.flush();
  await deps.cache.invalidate(taskId);
  // Both lists show the comment count; the other participant hears of it (folded).
  await deps.effects.changed(...participants(task));
  await noticeComment(em, deps.effects, task, author, comment.text);
  return comment;
}

/** The comment, if it is on this task, the user sees the task, and the user wrote it. */
async function ownComment(em: Em, user: User, taskId: string, commentId: string): Promise<Comment> {
  const task = await getVisibleTask(em, user, taskId);
  const comment = isRowId(commentId)
    ? await em.findOne(Comment, { id: commentId, task, author: user }, { populate: ['author'] })
    : null;
  if (!comment) throw new DomainError('not_found', 'No such comment');
  return comment;
}

export async function editComment(
  em: Em,
  deps: CommentDeps,
  user: User,
  taskId: string,
  commentId: string,
  text: string,
): Promise<Comment> {
  const comment = await ownComment(em, user, taskId, commentId);
  comment.text = parseCommentText(text);
  comment.editedAt = new Date();
  await em.flush();
  await deps.cache.invalidate(taskId);
  return comment;
}

export async function deleteComment(
  em: Em,
  deps: CommentDeps,
  user: User,
  taskId: string,
  commentId: string,
): Promise<void> {
  const comment = await ownComment(em, user, taskId, commentId);
  await em.transactional(async (tx) => {
    await tx.nativeDelete(Comment, { id: comment.id });
    await tx.nativeUpdate(Task, { id: taskId }, { commentCount: raw('greatest(comment_count - 1, 0)') });
  });
  await deps.cache.invalidate(taskId);
  await deps.effects.changed(...participants(comment.task));
}
