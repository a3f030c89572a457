import { type Job, UnrecoverableError } from 'bullmq';
import { GrammyError, HttpError, InlineKeyboard } from 'grammy';
import { Task } from '../db/entities/index.js';
import type { CommentCache, CommentView } from '../domain/tasks/comments.js';
import { formatLocal } from '../domain/tasks/due-date.js';
import type { TaskEffects } from '../domain/tasks/tasks.js';
import { setBotBlocked } from '../domain/users.js';
import type { Services } from '../services.js';

/** Reminders at the due time (SPEC §2.2): one delayed BullMQ job per task, moved with the due date. */
export const REMINDERS_QUEUE = 'reminders';

export interface ReminderJob {
  taskId: string;
  /** The due date this job was scheduled for; a job for an older date does nothing. */
  dueAt: string;
}

const reminderJobId = (taskId: string) => `reminder-${taskId}`;
/** Callback data of the reminder's Open button, handled by the bot's tasks feature. */
export const openTaskCallback = (taskId: string) => `task:${taskId}`;

/** The Redis key whose value changes whenever a user's tasks change (the bot's list snapshot checks it). */
export const tasksVersionKey = (keyPrefix: string, ownerId: string) => `${keyPrefix}tasks:ver:${ownerId}`;

/** What follows task changes: list version bump and reminder (re)scheduling. */
export function createTaskEffects(services: Pick<Services, 'redis' | 'jobs' | 'keyPrefix'>): TaskEffects {
  const queue = () =>
    services.jobs.queue<ReminderJob>(REMINDERS_QUEUE, {
      defaultJobOptions: {
        attempts: 5,
        backoff: { type: 'exponential', delay: 2_000 },
        removeOnComplete: true,
        removeOnFail: 1000,
      },
    });
  return {
    async changed(ownerId) {
      await services.redis.incr(tasksVersionKey(services.keyPrefix, ownerId));
    },
    async reminder(taskId, dueAt) {
      const q = queue();
      // One job per task: the old one goes, whatever its state (a running job re-checks the task anyway).
      await q.remove(reminderJobId(taskId)).catch(() => 0);
      if (!dueAt) return;
      await q.add(
        'remind',
        { taskId, dueAt: dueAt.toISOString() },
        { jobId: reminderJobId(taskId), delay: Math.max(0, dueAt.getTime() - Date.now()) },
      );
    },
  };
}

/** Comment lists per task in Redis, invalidated by the comment use cases on every change. */
export function createCommentCache(services: Pick<Services, 'redis' | 'keyPrefix'>, ttlSeconds = 3600): CommentCache {
  const key = (taskId: string) => `${services.keyPrefix}comments:${taskId}`;
  return {
    async get(taskId) {
      const raw = await services.redis.get(key(taskId));
      if (!raw) return null;
      const parsed = JSON.parse(raw) as Array<
        Omit<CommentView, 'createdAt' | 'editedAt'> & { createdAt: string; editedAt: string | null }
      >;
      return parsed.map((c) => ({
        ...c,
        createdAt: new Date(c.createdAt),
        editedAt: c.editedAt ? new Date(c.editedAt) : null,
      }));
    },
    async set(taskId, comments) {
      await services.redis.set(key(taskId), JSON.stringify(comments), 'EX', ttlSeconds);
    },
    async invalidate(taskId) {
      await services.redis.del(key(taskId));
    },
  };
}

export function startReminderWorker(services: Services) {
  return services.jobs.worker<ReminderJob>(REMINDERS_QUEUE, (job) => handleReminder(services, job), { concurrency: 8 });
}

/**
 * Sends a reminder once: the task must still exist, not be done, still be due at the time
 * this job was made for, and not have been reminded; claiming `remindedAt` in one UPDATE makes
 * a duplicate job (or a second worker) a no-op. Owners with notifications off get nothing.
 */
export async function handleReminder(
  services: Services,
  job: Pick<Job<ReminderJob>, 'data'>,
): Promise<'sent' | 'skipped'> {
  const em = services.orm.em.fork();
  const dueAt = new Date(job.data.dueAt);
  const claimed = await em.nativeUpdate(
    Task,
    { id: job.data.taskId, dueAt, remindedAt: null, status: { $ne: 'done' } },
    { remindedAt: new Date() },
  );
  if (claimed === 0) return 'skipped';
  const task = await em.findOne(Task, { id: job.data.taskId }, { populate: ['owner'] });
  const owner = task?.owner;
  if (!task || !owner || owner.telegramId == null || !owner.notifications || owner.botBlocked) return 'skipped';
  const t = services.translator.forLocale(owner.language);
  try {
    await services.telegram.sendMessage(
      owner.telegramId,
      t('task-reminder', { title: task.title, due: formatLocal(dueAt, owner.timezone) }),
      { reply_markup: new InlineKeyboard().text(t('task-reminder-open'), openTaskCallback(task.id)) },
    );
  } catch (err) {
    if (err instanceof GrammyError && err.error_code === 403) {
      await setBotBlocked(em, owner.telegramId, true);
      return 'skipped';
    }
    // A network error may hide a delivered reminder: keep the claim rather than risk a second one.
    if (err instanceof HttpError) throw new UnrecoverableError(`reminder not confirmed by Telegram: ${err.message}`);
    // Telegram answered with an error (429, 5xx): nothing was sent, so give the claim back and retry.
    await em.nativeUpdate(Task, { id: task.id, dueAt }, { remindedAt: null });
    throw err;
  }
  return 'sent';
}
