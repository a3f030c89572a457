import { type Job, UnrecoverableError } from 'bullmq';
import { InlineKeyboard } from 'grammy';
import type { RedisFollowUps } from '../../../platform/redis-follow-ups.js';
import type { Services } from '../../../platform/services.js';
import { chatBudget, type TelegramBudget } from '../../../platform/telegram/budget.js';
import { sendOnce } from '../../../platform/telegram/send-outcome.js';
import { publishNotice } from '../../chat/index.js';
import { chosenName, markBlocked, shownName, type User } from '../../users/index.js';
import { TaskNotice as TaskNoticeRow } from '../task.entities.js';
import type { TaskNotice, TaskNoticeOutcome } from '../tasks.js';

/**
 * Shared-task notices (SPEC §2.2.1): when one participant assigns, accepts, moves or comments on a
 * task, the other is told — over the WebSocket when connected, else in Telegram. The Telegram
 * ones are owed in PostgreSQL (`task_notices`) and sent by the worker (issue 18): a Telegram
 * outage or 429 storm delays them (retries with backoff, then the sweep of ./notice-sweep.ts),
 * a Redis that lost the job gets it back from the sweep, and the claim of `sent_at` in one UPDATE
 * before the send makes a second job, retry or worker a no-op — never a second notice.
 */
export const TASK_NOTICES_QUEUE = 'task-notices';

export interface TaskNoticeJob {
  noticeId: string;
}

type T = (key: string, args?: Record<string, string | number>) => string;

/** Callback data of a shared-task notice's buttons: `tn:<taskId>:o` (open), `tn:<taskId>:a` (accept: start it). */
export const noticeCallback = (taskId: string, action: 'o' | 'a') => `tn:${taskId}:${action}`;
export const NOTICE_CALLBACK = /^tn:(\d{1,19}):([oa])$/;

/** At most one status or comment notice per task and recipient within this window (SPEC §2.2.1). */
export const NOTICE_FOLD_MS = 60_000;
/** A comment is quoted in its notice up to this many characters. */
const NOTICE_QUOTE_MAX = 300;

/** How a participant is named in a notice: their chosen name (as shownName shows it), else their username. */
export const participantName = (user: User) =>
  shownName(chosenName(user) ?? '') || (user.username ? `@${user.username}` : user.id);

const STATUS_KEYS = { todo: 'task-status-todo', in_progress: 'task-status-in-progress', done: 'task-status-done' };

/** The notice's text (HTML) in the recipient's language. */
export function noticeText(t: T, notice: TaskNotice): string {
  const by = participantName(notice.by);
  const title = notice.title;
  switch (notice.kind) {
    case 'assigned':
      return t('task-notice-assigned', { by, title });
    case 'unassigned':
      return t('task-notice-unassigned', { by, title });
    case 'status':
      return t('task-notice-status', { by, title, status: t(STATUS_KEYS[notice.status]) });
    default: {
      const text = notice.text ?? '';
      const quote = [...text].length > NOTICE_QUOTE_MAX ? `${[...text].slice(0, NOTICE_QUOTE_MAX).join('')}…` : text;
      return t('task-notice-comment', { by, title, text: quote });
    }
  }
}

/** 📂 Open on every notice but "taken back" (the task is not theirs any more); 👍 Accept on a new assignment. */
export function noticeKeyboard(
  t: T,
  notice: Pick<TaskNotice, 'kind' | 'taskId' | 'status'>,
): InlineKeyboard | undefined {
  if (notice.kind === 'unassigned') return undefined;
  const keyboard = new InlineKeyboard().text(t('task-notice-open'), noticeCallback(notice.taskId, 'o'));
  if (notice.kind === 'assigned' && notice.status === 'todo') {
    keyboard.text(t('task-notice-accept'), noticeCallback(notice.taskId, 'a'));
  }
  return keyboard;
}

/** The task-notices queue (one set of job options, for the task effects and the sweep). */
export const taskNoticesQueue = (jobs: Services['jobs']) =>
  jobs.queue<TaskNoticeJob>(TASK_NOTICES_QUEUE, {
    defaultJobOptions: {
      // Telegram down or in a 429 storm: retried 1, 2, 4 … 512 s apart (about 17 minutes), like
      // the chat deliveries; after that the claim was given back and the sweep queues it again.
      attempts: 10,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: true,
      removeOnFail: 1000,
    },
  });

export const taskNoticeJobId = (noticeId: string) => `task-notice-${noticeId}`;

/** What a connected participant's `notice` frame carries (topic `task`). */
function noticeFrameData(notice: TaskNotice) {
  return {
    event: notice.kind,
    taskId: notice.taskId,
    title: notice.title,
    status: notice.status,
    by: { id: notice.by.id, username: notice.by.username ?? notice.by.telegramUsername ?? null },
    ...(notice.text ? { text: notice.text } : {}),
  };
}

/** Whether a Telegram notice can reach the user now (started the bot, not blocked, wants notifications). */
const reachable = (user: User): user is User & { telegramId: number } =>
  user.telegramId != null && !user.botBlocked && user.notifications && user.status === 'active';

export type NoticeServices = Pick<Services, 'redis' | 'jobs' | 'keyPrefix'> &
  Partial<Pick<Services, 'orm' | 'log'>> & { followUps: RedisFollowUps };

/**
 * One notice to one participant, right after the change is stored. Status and comment notices
 * claim the task's fold key for the recipient first (SET NX, a minute): a flurry of changes makes
 * one notice (the others are dropped, not summed), and the card the Open button shows has all of
 * them. A connected recipient gets the frame at once; otherwise the notice is recorded as owed
 * and queued for the worker ('telegram': on its way). It never fails the change: with Redis away
 * the fold is skipped and the queueing left to the sweep.
 */
export async function recordNotice(services: NoticeServices, notice: TaskNotice): Promise<TaskNoticeOutcome> {
  const to = notice.to;
  try {
    if (notice.kind === 'status' || notice.kind === 'comment') {
      const key = `${services.keyPrefix}tasks:notice:${notice.taskId}:${to.id}`;
      const claimed = await services.redis.set(key, '1', 'PX', NOTICE_FOLD_MS, 'NX');
      if (claimed !== 'OK') return 'folded';
    }
    const sockets = await publishNotice(services.redis, services.keyPrefix, to.id, 'task', noticeFrameData(notice));
    if (sockets > 0) return 'websocket';
  } catch (err) {
    // Redis away: said once per outage (not once per notice); the fold is skipped, the row below is written.
    if (!services.followUps.absorbs(err, { effect: 'task notice', taskId: notice.taskId })) {
      services.log?.warn(
        { err, taskId: notice.taskId, to: to.id },
        'task notice: Redis failed; recorded for the sweep',
      );
    }
  }
  if (!services.orm || !reachable(to)) return 'none';
  const em = services.orm.em.fork();
  const row = em.create(TaskNoticeRow, {
    task: notice.taskId,
    recipient: to.id,
    by: notice.by.id,
    kind: notice.kind,
    title: notice.title,
    status: notice.status,
    text: notice.text ?? null,
    sentAt: null,
  });
  await em.flush();
  try {
    await taskNoticesQueue(services.jobs).add('notice', { noticeId: row.id }, { jobId: taskNoticeJobId(row.id) });
  } catch (err) {
    if (!services.followUps.absorbs(err, { effect: 'task notice', noticeId: row.id })) {
      services.log?.warn({ err, noticeId: row.id }, 'task notice not queued; the sweep will');
    }
  }
  return 'telegram';
}

export function startTaskNoticeWorker(services: Services) {
  const budget = chatBudget(services);
  return services.jobs.worker<TaskNoticeJob>(TASK_NOTICES_QUEUE, (job) => handleTaskNotice(services, job, budget), {
    concurrency: 8,
  });
}

/**
 * Sends an owed notice once: claims `sent_at` (one UPDATE; a sent, given-up or deleted notice is skipped),
 * then the WebSocket if the recipient connected meanwhile, else Telegram under the chat lane of
 * the send budget with the one send rule (sendOnce). When Telegram answered with an error (5xx,
 * 429: nothing was sent) the claim is given back and the job retried; a network error after the
 * request was written may hide a delivered notice, so the claim stays and nothing is resent.
 */
export async function handleTaskNotice(
  services: Services,
  job: Pick<Job<TaskNoticeJob>, 'data'>,
  budget: TelegramBudget = chatBudget(services),
): Promise<'websocket' | 'telegram' | 'blocked' | 'none' | 'skipped'> {
  const em = services.orm.em.fork();
  const id = job.data.noticeId;
  const claimed = await em.nativeUpdate(TaskNoticeRow, { id, sentAt: null, givenUpAt: null }, { sentAt: new Date() });
  if (claimed === 0) return 'skipped';
  const row = await em.findOne(TaskNoticeRow, { id }, { populate: ['recipient', 'by'] });
  if (!row) return 'skipped';
  const notice: TaskNotice = {
    kind: row.kind,
    taskId: String(row.task.id),
    title: row.title,
    status: row.status,
    by: row.by,
    to: row.recipient,
    ...(row.text ? { text: row.text } : {}),
  };
  try {
    const sockets = await publishNotice(
      services.redis,
      services.keyPrefix,
      notice.to.id,
      'task',
      noticeFrameData(notice),
    );
    if (sockets > 0) return 'websocket';
    const to = notice.to;
    if (!reachable(to)) return 'none';
    const t = services.translator.forLocale(to.language);
    const keyboard = noticeKeyboard(t, notice);
    await budget.acquire();
    const sent = await sendOnce({ chatId: to.telegramId, onBlocked: markBlocked(services), budget }, () =>
      services.telegram.sendMessage(to.telegramId, noticeText(t, notice), keyboard ? { reply_markup: keyboard } : {}),
    );
    return sent ? 'telegram' : 'blocked';
  } catch (err) {
    // Nothing reached the recipient: owed again, for the retry (or, after the last one, the sweep).
    if (!(err instanceof UnrecoverableError)) await em.nativeUpdate(TaskNoticeRow, { id }, { sentAt: null });
    throw err;
  }
}
