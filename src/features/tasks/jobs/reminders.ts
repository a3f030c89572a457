import { type Job, UnrecoverableError } from 'bullmq';
import { InlineKeyboard } from 'grammy';
import type { Services } from '../../../platform/services.js';
import { sendOnce } from '../../../platform/telegram/send-outcome.js';
import { formatLocal } from '../../../platform/time/local-dates.js';
import { markBlocked } from '../../users/index.js';
import type { CommentCache, CommentView } from '../comments.js';
import { Task } from '../task.entities.js';
import type { TaskEffects } from '../tasks.js';

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
      const id = reminderJobId(taskId);
      // One job per task: the old one goes, whatever its state.
      const removed = await q.remove(id).catch(() => 0);
      if (!dueAt) return;
      // BullMQ cannot remove a job while it runs, and would ignore a new job with its id. A running
      // job is for the old date (it re-checks the task and does nothing), so the new date gets a
      // job id of its own instead of being dropped. Stale jobs left behind that way are no-ops.
      const running = removed !== 1 && (await q.getJob(id)) !== undefined;
      await q.add(
        'remind',
        { taskId, dueAt: dueAt.toISOString() },
        { jobId: running ? `${id}-${dueAt.getTime()}` : id, delay: Math.max(0, dueAt.getTime() - Date.now()) },
      );
    },
  };
}

/**
 * Sets the list only if the task's change counter still has the value the reader saw before
 * reading the database (KEYS: list, counter; ARGV: stamp, list JSON, ttl seconds).
 */
const SET_IF_UNCHANGED = `
local current = redis.call('GET', KEYS[2]) or '0'
if current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3]))
return 1`;

/**
 * Comment lists per task in Redis, invalidated by the comment use cases on every change.
 * Each invalidation also bumps a per-task counter; a list read from the database is stored only
 * if the counter did not move meanwhile (see CommentCache.set), so a slow reader cannot put back
 * a list that a writer has just replaced.
 */
export function createCommentCache(services: Pick<Services, 'redis' | 'keyPrefix'>, ttlSeconds = 3600): CommentCache {
  const key = (taskId: string) => `${services.keyPrefix}comments:${taskId}`;
  const counterKey = (taskId: string) => `${services.keyPrefix}comments:${taskId}:ver`;
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
    async stamp(taskId) {
      return (await services.redis.get(counterKey(taskId))) ?? '0';
    },
    async set(taskId, comments, stamp) {
      const json = JSON.stringify(comments);
      if (stamp === undefined) await services.redis.set(key(taskId), json, 'EX', ttlSeconds);
      else await services.redis.eval(SET_IF_UNCHANGED, 2, key(taskId), counterKey(taskId), stamp, json, ttlSeconds);
    },
    async invalidate(taskId) {
      // The counter outlives any list stored under an older stamp (both expire after the TTL).
      await services.redis
        .multi()
        .incr(counterKey(taskId))
        .expire(counterKey(taskId), ttlSeconds * 2)
        .del(key(taskId))
        .exec();
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
  const chatId = owner.telegramId;
  let blocked: boolean;
  try {
    // The one send rule (sendOnce): 403 marks the owner (null), a network error is not resent.
    const sent = await sendOnce({ chatId, onBlocked: markBlocked(services) }, () =>
      services.telegram.sendMessage(
        chatId,
        t('task-reminder', { title: task.title, due: formatLocal(dueAt, owner.timezone) }),
        { reply_markup: new InlineKeyboard().text(t('task-reminder-open'), openTaskCallback(task.id)) },
      ),
    );
    blocked = sent === null;
  } catch (err) {
    // A network error may hide a delivered reminder (sendOnce made it unrecoverable): keep the
    // claim rather than risk a second one.
    if (err instanceof UnrecoverableError) throw err;
    // Telegram answered with an error (429, 5xx): nothing was sent, so give the claim back and retry.
    await em.nativeUpdate(Task, { id: task.id, dueAt }, { remindedAt: null });
    throw err;
  }
  // 403: the owner blocked the bot; the claim stays, there is no one to remind.
  return blocked ? 'skipped' : 'sent';
}
