import { type Job, UnrecoverableError } from 'bullmq';
import { InlineKeyboard } from 'grammy';
import { type BurstCount, countInBurst } from '../../../platform/burst-window.js';
import { type Em, execute } from '../../../platform/db/orm.js';
import type { RedisFollowUps } from '../../../platform/redis-follow-ups.js';
import type { Services } from '../../../platform/services.js';
import { chatBudget, type TelegramBudget } from '../../../platform/telegram/budget.js';
import { sendOnce } from '../../../platform/telegram/send-outcome.js';
import { publishNotice } from '../../chat/index.js';
import { chosenName, markBlocked, shownName, User } from '../../users/index.js';
import { Task, TaskNotice as TaskNoticeRow } from '../task.entities.js';
import { refusesTasksFrom, type TaskNotice, type TaskNoticeKind, type TaskNoticeOutcome } from '../tasks.js';

/**
 * Shared-task notices (SPEC §2.2.1): when one participant assigns, accepts, moves or comments on a
 * task, the other is told — over the WebSocket when connected, else in Telegram. The Telegram
 * ones are owed in PostgreSQL (`task_notices`) and sent by the worker (issue 18): a Telegram
 * outage or 429 storm delays them (retries with backoff, then the sweep of ./notice-sweep.ts),
 * a Redis that lost the job gets it back from the sweep, and the claim of `sent_at` in one UPDATE
 * before the send makes a second job, retry or worker a no-op — never a second notice.
 */
export const TASK_NOTICES_QUEUE = 'task-notices';

export type TaskNoticeJob =
  /** One owed notice (a `task_notices` row). */
  | { noticeId: string }
  /** At the end of a burst's window: the summary of the (un)assignments folded in it (ASSIGNMENTS_IN_FULL). */
  | { summary: AssignmentSummary };

/** Whose folded (un)assignments a summary tells: `byId`'s to `recipientId`, of one window (or the sweep's). */
export interface AssignmentSummary {
  recipientId: string;
  byId: string;
  window: string;
}

type T = (key: string, args?: Record<string, string | number>) => string;

/** Callback data of a shared-task notice's buttons: `tn:<taskId>:o` (open), `tn:<taskId>:a` (accept: start it). */
export const noticeCallback = (taskId: string, action: 'o' | 'a') => `tn:${taskId}:${action}`;
export const NOTICE_CALLBACK = /^tn:(\d{1,19}):([oa])$/;
/** A burst summary's 📥 Assigned to me: the recipient's list of tasks assigned to them. */
export const ASSIGNED_LIST_CALLBACK = 'tn:assigned';

/** At most one status or comment notice per task and recipient within this window (SPEC §2.2.1). */
export const NOTICE_FOLD_MS = 60_000;

/**
 * Assignment floods, folded as the chat folds PM bursts (SPEC §2.3; features/chat/delivery.ts):
 * the first ASSIGNMENTS_IN_FULL (un)assignments from one owner to one person within a window
 * reach them one by one, at once — normal use, however busy, stays as it was; the ones beyond are
 * recorded `folded` and told in one summary at the window's end ("@x assigned you N more tasks").
 * Counted per owner and recipient: the summary names the one who sent them. Un-assignments count
 * too, or handing a task back and forth would be a flood of its own. Telegram only: a connected
 * client (a program) gets every frame.
 */
export const ASSIGNMENTS_IN_FULL = 5;
export const ASSIGNMENT_WINDOW_MS = 60_000;
/** The summary job runs this long after the window's end, so a notice counted at the very end is in it. */
const SUMMARY_MARGIN_MS = 250;

const isAssignment = (kind: TaskNoticeKind) => kind === 'assigned' || kind === 'unassigned';
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

/**
 * A burst's summary (HTML) in the recipient's language: the tasks it left with them that they had
 * not heard of, and the ones it took from them (see summaryCounts); a line each.
 */
function summaryText(t: T, by: User, counts: { assigned: number; takenBack: number }): string {
  const name = participantName(by);
  const lines: string[] = [];
  if (counts.assigned > 0) lines.push(t('task-notice-assigned-more', { by: name, count: counts.assigned }));
  if (counts.takenBack > 0) lines.push(t('task-notice-unassigned-more', { by: name, count: counts.takenBack }));
  return lines.join('\n');
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
 * Counts an (un)assignment in the burst window of one owner to one person (platform/burst-window.ts,
 * as the chat's PM bursts); null: tell it now, else the burst it is folded into.
 */
async function assignmentBurst(services: NoticeServices, notice: TaskNotice): Promise<BurstCount | null> {
  const key = `${services.keyPrefix}tasks:assign-burst:${notice.by.id}:${notice.to.id}`;
  const burst = await countInBurst(services.redis, key, ASSIGNMENT_WINDOW_MS, ASSIGNMENTS_IN_FULL);
  return burst.folded ? burst : null;
}

export const summaryJobId = ({ recipientId, byId, window }: AssignmentSummary) =>
  `task-notice-summary-${recipientId}-${byId}-${window}`;

/**
 * One notice to one participant, right after the change is stored (the domain has checked the
 * recipient does not refuse it, tasks.ts `tell`). Status and comment notices
 * claim the task's fold key for the recipient first (SET NX, a minute): a flurry of changes makes
 * one notice (the others are dropped, not summed), and the card the Open button shows has all of
 * them. A connected recipient gets the frame at once; otherwise the notice is recorded as owed
 * and queued for the worker ('telegram': on its way) — or, an (un)assignment beyond the first few
 * of a burst, recorded folded for the burst's summary ('folded'). It never fails the change: with
 * Redis away the folds are skipped and the queueing left to the sweep.
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
  let burst: BurstCount | null = null;
  if (isAssignment(notice.kind)) {
    try {
      burst = await assignmentBurst(services, notice);
    } catch (err) {
      // Redis away: told on its own (the sweep queues it), as before bursts were counted.
      if (!services.followUps.absorbs(err, { effect: 'task notice', taskId: notice.taskId })) throw err;
    }
  }
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
    folded: burst !== null,
  });
  await em.flush();
  try {
    const queue = taskNoticesQueue(services.jobs);
    if (burst) {
      // Every folded notice of the window queues the same job id: one summary per window.
      const summary = { recipientId: to.id, byId: notice.by.id, window: burst.window };
      await queue.add(
        'summary',
        { summary },
        { jobId: summaryJobId(summary), delay: Math.max(0, burst.remainingMs + SUMMARY_MARGIN_MS) },
      );
    } else {
      await queue.add('notice', { noticeId: row.id }, { jobId: taskNoticeJobId(row.id) });
    }
  } catch (err) {
    if (!services.followUps.absorbs(err, { effect: 'task notice', noticeId: row.id })) {
      services.log?.warn({ err, noticeId: row.id }, 'task notice not queued; the sweep will');
    }
  }
  return burst ? 'folded' : 'telegram';
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
  const data = job.data;
  if ('summary' in data) return sendAssignmentSummary(services, data.summary, budget);
  const em = services.orm.em.fork();
  const id = data.noticeId;
  const claimed = await em.nativeUpdate(
    TaskNoticeRow,
    { id, sentAt: null, givenUpAt: null, folded: false },
    { sentAt: new Date() },
  );
  if (claimed === 0) return 'skipped';
  const row = await em.findOne(TaskNoticeRow, { id }, { populate: ['recipient', 'by'] });
  if (!row) return 'skipped';
  // Blocked since the change: the notice stays claimed, and nothing reaches them.
  if (await refusesTasksFrom(em, row.recipient.id, row.by.id)) return 'skipped';
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

/**
 * Claims the folded notices of one owner to one recipient not yet in a summary (one UPDATE: a
 * summary job run twice, or beside the sweep's, sends once); their tasks and kinds, oldest first.
 */
const TAKE_FOLDED = `
update task_notices set sent_at = ?
 where recipient_id = ? and by_id = ? and folded and sent_at is null and given_up_at is null
returning id, task_id, kind`;

type FoldedRow = { id: string | number; task_id: string | number; kind: TaskNoticeKind };

/**
 * What a burst changed for the recipient, task by task: what they had been told before it (its
 * first folded notice: "assigned" — they had not the task; "taken back" — they had it) against
 * whether the task is theirs now. A task handed over and taken back within the burst is no news.
 */
export function summaryCounts(
  rows: readonly FoldedRow[],
  theirsNow: ReadonlySet<string>,
): { assigned: number; takenBack: number } {
  const first = new Map<string, TaskNoticeKind>();
  for (const row of [...rows].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))) {
    const taskId = String(row.task_id);
    if (!first.has(taskId)) first.set(taskId, row.kind);
  }
  let assigned = 0;
  let takenBack = 0;
  for (const [taskId, kind] of first) {
    if (kind === 'assigned' && theirsNow.has(taskId)) assigned += 1;
    if (kind === 'unassigned' && !theirsNow.has(taskId)) takenBack += 1;
  }
  return { assigned, takenBack };
}

/**
 * A burst's summary: claims the folded notices (TAKE_FOLDED) and sends "@x assigned you N more
 * tasks" with 📥 Assigned to me. Nothing when the recipient blocked the owner since, cannot be
 * reached, or nothing is left to tell. When Telegram answered with an error the claim is given
 * back for the retry (or the sweep); a network error after the request was written may hide a
 * delivered summary: the claim stays.
 */
async function sendAssignmentSummary(
  services: Services,
  summary: AssignmentSummary,
  budget: TelegramBudget,
): Promise<'telegram' | 'blocked' | 'none' | 'skipped'> {
  const em = services.orm.em.fork();
  const rows = await execute<FoldedRow[]>(em, TAKE_FOLDED, [new Date(), summary.recipientId, summary.byId]);
  if (rows.length === 0) return 'skipped';
  try {
    return await tellSummary(services, em, budget, summary, rows);
  } catch (err) {
    if (!(err instanceof UnrecoverableError)) {
      await em.nativeUpdate(TaskNoticeRow, { id: { $in: rows.map((r) => String(r.id)) } }, { sentAt: null });
    }
    throw err;
  }
}

async function tellSummary(
  services: Services,
  em: Em,
  budget: TelegramBudget,
  summary: AssignmentSummary,
  rows: FoldedRow[],
): Promise<'telegram' | 'blocked' | 'none' | 'skipped'> {
  const people = await em.find(User, { id: { $in: [summary.recipientId, summary.byId] } });
  const to = people.find((user) => user.id === summary.recipientId);
  const by = people.find((user) => user.id === summary.byId);
  if (!to || !by || (await refusesTasksFrom(em, to.id, by.id))) return 'skipped';
  if (!reachable(to)) return 'none';
  const taskIds = [...new Set(rows.map((r) => String(r.task_id)))];
  const theirs = await em.find(Task, { id: { $in: taskIds }, assignee: to.id }, { fields: ['id'] });
  const counts = summaryCounts(rows, new Set(theirs.map((task) => task.id)));
  if (counts.assigned + counts.takenBack === 0) return 'skipped';
  const t = services.translator.forLocale(to.language);
  const keyboard =
    counts.assigned > 0 ? new InlineKeyboard().text(t('task-notice-assigned-list'), ASSIGNED_LIST_CALLBACK) : undefined;
  await budget.acquire();
  const sent = await sendOnce({ chatId: to.telegramId, onBlocked: markBlocked(services), budget }, () =>
    services.telegram.sendMessage(
      to.telegramId,
      summaryText(t, by, counts),
      keyboard ? { reply_markup: keyboard } : {},
    ),
  );
  return sent ? 'telegram' : 'blocked';
}
