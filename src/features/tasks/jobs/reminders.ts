import { type Job, UnrecoverableError } from 'bullmq';
import { InlineKeyboard } from 'grammy';
import type { RedisFollowUps } from '../../../platform/redis-follow-ups.js';
import type { Services } from '../../../platform/services.js';
import { chatBudget } from '../../../platform/telegram/budget.js';
import { sendOnce } from '../../../platform/telegram/send-outcome.js';
import { formatDateTime } from '../../../platform/time/local-dates.js';
import { markBlocked, type User } from '../../users/index.js';
import type { CommentCache, CommentView } from '../comments.js';
import { type RemindBefore, Task } from '../task.entities.js';
import { type ReminderPlan, refusesTasksFrom, type TaskEffects } from '../tasks.js';
import { recordNotice } from './notices.js';

/**
 * Reminders (SPEC §2.2): at the due time, optionally an advance one (1 h or 1 day before), and a
 * snoozed one. PostgreSQL holds what was sent (`reminded_at`, `advance_reminded_at`) and what is
 * snoozed (`snoozed_until`); the BullMQ jobs are derived from the task (one per kind, moved with
 * it), and each claims its marker in one UPDATE before sending, so every due time, advance and
 * snooze is reminded exactly once, whatever happened meanwhile.
 */
export const REMINDERS_QUEUE = 'reminders';

export type ReminderKind = 'due' | 'advance' | 'snooze';

export interface ReminderJob {
  taskId: string;
  /** The time this job was made for: the due time (also of an advance), or the snoozed time; older ones do nothing. */
  dueAt: string;
  /** Default 'due'. */
  kind?: ReminderKind;
  /** Of an advance reminder: the advance it was scheduled for. */
  before?: RemindBefore;
}

const reminderJobId = (taskId: string, kind: ReminderKind = 'due') =>
  kind === 'due' ? `reminder-${taskId}` : `reminder-${taskId}-${kind}`;
/** Callback data of the Open button of reminders sent before issue 12 (handled by the bot's tasks feature). */
export const openTaskCallback = (taskId: string) => `task:${taskId}`;

/** What a reminder's buttons do: done, open, snooze 15 min, 1 h, until tomorrow 9:00. */
export const REMINDER_ACTIONS = ['d', 'o', 'z15', 'z60', 'zt'] as const;
export type ReminderAction = (typeof REMINDER_ACTIONS)[number];
/** Callback data of a reminder's buttons: `rm:<taskId>:<action>`. */
export const reminderCallback = (taskId: string, action: ReminderAction) => `rm:${taskId}:${action}`;
export const REMINDER_CALLBACK = /^rm:(\d{1,19}):(d|o|z15|z60|zt)$/;

type T = (key: string, args?: Record<string, string | number>) => string;

/** Whom a reminder is for: the zone and language its date is written in. */
export interface ReminderReader {
  timezone: string;
  locale: string;
}

/**
 * The reminder's text (HTML); the bot edits it in place with a line saying what was done. The
 * message stays in the chat, so the due time is a date in words that stays true ("Mon, Dec 7,
 * 15:00", as the card writes a day that is not near), not "today", which is wrong tomorrow.
 */
export function reminderText(
  t: T,
  task: { title: string; dueAt: Date | null },
  reader: ReminderReader,
  kind: ReminderKind = 'due',
  before?: RemindBefore | null,
  now = new Date(),
): string {
  const due = task.dueAt ? formatDateTime(task.dueAt, reader.timezone, t, reader.locale, now) : t('not-set');
  if (kind === 'advance' && before) {
    return t('task-reminder-advance', { title: task.title, due, before: before === 'PT1H' ? 'hour' : 'day' });
  }
  return t('task-reminder', { title: task.title, due });
}

/** The reminder's buttons: ✅ Done · 📂 Open, then the snoozes (only Open once the task is done). */
export function reminderKeyboard(t: T, taskId: string, state: 'open' | 'done' = 'open'): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (state === 'done') return keyboard.text(t('task-reminder-open'), reminderCallback(taskId, 'o'));
  return keyboard
    .text(t('task-reminder-done'), reminderCallback(taskId, 'd'))
    .text(t('task-reminder-open'), reminderCallback(taskId, 'o'))
    .row()
    .text(t('task-reminder-snooze-15m'), reminderCallback(taskId, 'z15'))
    .text(t('task-reminder-snooze-1h'), reminderCallback(taskId, 'z60'))
    .text(t('task-reminder-snooze-tomorrow'), reminderCallback(taskId, 'zt'));
}

/** The Redis key whose value changes whenever a user's tasks change (the bot's list snapshot checks it). */
export const tasksVersionKey = (keyPrefix: string, ownerId: string) => `${keyPrefix}tasks:ver:${ownerId}`;

// The notices' texts, buttons and fold window live with their job; the bot imports them from here.
export {
  ASSIGNED_LIST_CALLBACK,
  NOTICE_CALLBACK,
  NOTICE_FOLD_MS,
  noticeCallback,
  noticeKeyboard,
  noticeText,
  participantName,
} from './notices.js';

/** The reminders queue (one set of job options, for the task effects and the sweep). */
export const remindersQueue = (jobs: Services['jobs']) =>
  jobs.queue<ReminderJob>(REMINDERS_QUEUE, {
    defaultJobOptions: {
      // Telegram down or in a 429 storm: retried 2, 4 … 256 s apart (about 8 minutes); after that
      // the sweep queues it again (the claim was given back), so a longer outage delays it too.
      attempts: 8,
      backoff: { type: 'exponential', delay: 2_000 },
      removeOnComplete: true,
      removeOnFail: 1000,
    },
  });

/** The jobs a plan makes, one per kind (null `at` and `data`: that kind has none). */
export function reminderJobsOf(
  plan: ReminderPlan,
): Array<{ kind: ReminderKind; jobId: string; at: Date | null; data: ReminderJob | null }> {
  const { taskId } = plan;
  const { advance, dueAt, snoozedUntil } = plan;
  return [
    {
      kind: 'due',
      jobId: reminderJobId(taskId, 'due'),
      at: dueAt,
      data: dueAt ? { taskId, dueAt: dueAt.toISOString() } : null,
    },
    {
      kind: 'advance',
      jobId: reminderJobId(taskId, 'advance'),
      at: advance?.at ?? null,
      data: advance ? { taskId, dueAt: advance.dueAt.toISOString(), kind: 'advance', before: advance.before } : null,
    },
    {
      kind: 'snooze',
      jobId: reminderJobId(taskId, 'snooze'),
      at: snoozedUntil,
      data: snoozedUntil ? { taskId, dueAt: snoozedUntil.toISOString(), kind: 'snooze' } : null,
    },
  ];
}

type EffectServices = Pick<Services, 'redis' | 'jobs' | 'keyPrefix'> &
  Partial<Pick<Services, 'telegram' | 'translator' | 'orm' | 'log'>> & { followUps: RedisFollowUps };

/**
 * What follows task changes: list version bump, reminder (re)scheduling, notices to participants.
 * The change is committed when these run, so none of them fails it because Redis is away
 * (RedisFollowUps): a lost version bump is made again when Redis is back (and the bot's snapshot
 * expires anyway, see list.ts), lost reminder jobs are re-queued by the reminder sweep from the
 * task's markers, and a notice is recorded in PostgreSQL whatever Redis does (recordNotice).
 */
export function createTaskEffects(services: EffectServices): TaskEffects {
  const { followUps } = services;
  const queue = () => remindersQueue(services.jobs);

  /** One job per task and kind: the old one goes, whatever its state; a new one comes for `at`, if any. */
  async function place(taskId: string, kind: ReminderKind, at: Date | null, data: ReminderJob | null) {
    const q = queue();
    const id = reminderJobId(taskId, kind);
    const removed = await q.remove(id).catch(() => 0);
    if (!at || !data) return;
    // BullMQ cannot remove a job while it runs, and would ignore a new job with its id. A running
    // job is for the old time (it re-checks the task and does nothing), so the new time gets a
    // job id of its own instead of being dropped. Stale jobs left behind that way are no-ops.
    const running = removed !== 1 && (await q.getJob(id)) !== undefined;
    await q.add('remind', data, {
      jobId: running ? `${id}-${at.getTime()}` : id,
      delay: Math.max(0, at.getTime() - Date.now()),
    });
  }

  return {
    async changed(...userIds) {
      const ids = [...new Set(userIds.filter((id): id is string => !!id))];
      if (ids.length === 0) return;
      // One write per user, so that each user's bump is owed (and replayed) on its own.
      await Promise.all(
        ids.map((id) =>
          followUps.run(() => services.redis.incr(tasksVersionKey(services.keyPrefix, id)), {
            owed: `tasks-version:${id}`,
            context: { effect: 'tasks version', userId: id },
          }),
        ),
      );
    },
    notify: (notice) => recordNotice(services, notice),
    async reminders(plan) {
      // Not owed: the sweep derives the jobs from the task (reminder-sweep.ts), newer than any plan kept here.
      await followUps.run(
        async () => {
          for (const { kind, at, data } of reminderJobsOf(plan)) await place(plan.taskId, kind, at, data);
        },
        { context: { effect: 'reminders', taskId: plan.taskId } },
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
export function createCommentCache(
  services: Pick<Services, 'redis' | 'keyPrefix'> & { followUps: RedisFollowUps },
  ttlSeconds = 3600,
): CommentCache {
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
      // After a committed change: with Redis away it is owed and made when Redis is back (the
      // list is stale meanwhile, at most until its TTL if this process stops first).
      await services.followUps.run(
        () =>
          // The counter outlives any list stored under an older stamp (both expire after the TTL).
          services.redis
            .multi()
            .incr(counterKey(taskId))
            .expire(counterKey(taskId), ttlSeconds * 2)
            .del(key(taskId))
            .exec(),
        { owed: `comments:${taskId}`, context: { effect: 'comment cache', taskId } },
      );
    },
  };
}

export function startReminderWorker(services: Services) {
  return services.jobs.worker<ReminderJob>(REMINDERS_QUEUE, (job) => handleReminder(services, job), { concurrency: 8 });
}

/** The claim of a reminder's marker (one UPDATE) and how to give it back when nothing was sent. */
function claimOf(data: ReminderJob, now: Date) {
  const at = new Date(data.dueAt);
  const open = { id: data.taskId, status: { $ne: 'done' as const } };
  switch (data.kind ?? 'due') {
    case 'advance':
      // Only while the due time is still ahead: after it, the due reminder says it all.
      return {
        where: { ...open, dueAt: { $eq: at, $gt: now }, remindBefore: data.before ?? null, advanceRemindedAt: null },
        set: { advanceRemindedAt: now },
        undo: { where: { id: data.taskId, dueAt: at }, set: { advanceRemindedAt: null } },
      };
    case 'snooze':
      return {
        where: { ...open, snoozedUntil: at },
        set: { snoozedUntil: null },
        undo: { where: { id: data.taskId, snoozedUntil: null }, set: { snoozedUntil: at } },
      };
    default:
      return {
        where: { ...open, dueAt: at, remindedAt: null },
        set: { remindedAt: now },
        undo: { where: { id: data.taskId, dueAt: at }, set: { remindedAt: null } },
      };
  }
}

/**
 * Sends a reminder once: the task must still exist, not be done, still be due (or snoozed) at the
 * time this job was made for, and not have been reminded for it; claiming its marker in one
 * UPDATE makes a duplicate job (or a second worker) a no-op. Owners with notifications off get
 * nothing. The message carries ✅ Done, 📂 Open and the snoozes (handled by the bot).
 */
export async function handleReminder(
  services: Services,
  job: Pick<Job<ReminderJob>, 'data'>,
): Promise<'sent' | 'skipped'> {
  const em = services.orm.em.fork();
  const kind = job.data.kind ?? 'due';
  const claim = claimOf(job.data, new Date());
  const claimed = await em.nativeUpdate(Task, claim.where, claim.set);
  if (claimed === 0) return 'skipped';
  const task = await em.findOne(Task, { id: job.data.taskId }, { populate: ['owner', 'assignee'] });
  if (!task) return 'skipped';
  // The owner and the assignee (SPEC §2.2.1), each in their own language and zone, if they can be
  // reached — the assignee unless they blocked the owner (refusesTasksFrom says why).
  const assignee =
    task.assignee && !(await refusesTasksFrom(em, task.assignee.id, task.owner.id)) ? task.assignee : null;
  const recipients = [task.owner, assignee].filter(
    (user): user is User => !!user && user.telegramId != null && user.notifications && !user.botBlocked,
  );
  const dueAt = kind === 'snooze' ? (task.dueAt ?? null) : new Date(job.data.dueAt);
  // Reminders go out in the chat lane of the bot's send budget: they wait out a 429 in force, and
  // one they hear pauses all sending (SPEC §2.5).
  const budget = chatBudget(services);
  let sentAny = false;
  for (const user of recipients) {
    const t = services.translator.forLocale(user.language);
    const chatId = user.telegramId as number;
    try {
      await budget.acquire();
      // The one send rule (sendOnce): 403 marks the user (null), a network error is not resent.
      const sent = await sendOnce({ chatId, onBlocked: markBlocked(services), budget }, () =>
        services.telegram.sendMessage(
          chatId,
          reminderText(
            t,
            { title: task.title, dueAt },
            { timezone: user.timezone, locale: user.language },
            kind,
            job.data.before,
          ),
          { reply_markup: reminderKeyboard(t, task.id) },
        ),
      );
      if (sent !== null) sentAny = true;
    } catch (err) {
      // Someone already got it: keep the claim (a retry would remind them twice); this one misses it.
      if (sentAny) {
        services.log.warn({ err, taskId: task.id, userId: user.id }, 'reminder not sent to a participant');
        continue;
      }
      // A network error may hide a delivered reminder (sendOnce made it unrecoverable): keep the
      // claim rather than risk a second one.
      if (err instanceof UnrecoverableError) throw err;
      // Telegram answered with an error (429, 5xx): nothing was sent, so give the claim back and retry.
      await em.nativeUpdate(Task, claim.undo.where, claim.undo.set);
      throw err;
    }
  }
  // Nobody to remind (403, notifications off): the claim stays.
  return sentAny ? 'sent' : 'skipped';
}
