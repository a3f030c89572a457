import { BotComposer } from '../../../platform/bot/composer.js';
import type { BotContext } from '../../../platform/bot/context.js';
import { answerCallback } from '../../../platform/bot/ui/answer.js';
import { editPressedMessage } from '../../../platform/bot/ui/screen.js';
import { addDays, formatDateTime, fromLocal, localParts } from '../../../platform/time/local-dates.js';
import {
  ASSIGNED_LIST_CALLBACK,
  NOTICE_CALLBACK,
  REMINDER_CALLBACK,
  type ReminderAction,
  reminderKeyboard,
  reminderText,
} from '../jobs/reminders.js';
import type { Task } from '../task.entities.js';
import { snoozeTask, updateTask } from '../tasks.js';
import { forgetSnapshot, forgetTask, shortDue, startSearch, view, visibleTask } from './list.js';
import { enterTasks, openTask, showAssignedToMe, showTasks, TASK_CONVERSATIONS, type TaskScreens } from './screens.js';

/** Matches the Open button of reminders sent before issue 12 (`task:<id>`). */
const OPEN_TASK_CALLBACK = /^task:(.*)$/;

/**
 * Entry points to the task screens outside the menus: /tasks, /newtask, /find, the deep link
 * `/start task_<id>`, the reminder's buttons and a shared task's notice buttons. The latter carry
 * an id from outside, so they act only on a task the user sees (its owner's or its assignee's);
 * anyone else gets "not found" and nothing changes.
 */
export function tasksFeature(screens: TaskScreens) {
  const composer = new BotComposer();

  composer.command('tasks', (ctx) => enterTasks(ctx, screens, 'reply'));
  composer.command('newtask', (ctx) => ctx.conversation.enter(TASK_CONVERSATIONS.newTask, ctx.match));
  composer.command('find', async (ctx) => {
    const words = ctx.match.trim();
    if (!words) return ctx.conversation.enter(TASK_CONVERSATIONS.search);
    await startSearch(ctx, words);
    await showTasks(ctx, screens, 'reply');
  });

  composer.command('start', async (ctx, next) => {
    const payload = ctx.match.trim();
    if (!payload.startsWith('task_')) return next();
    await openTask(ctx, screens, payload.slice('task_'.length), 'reply');
  });

  // An old reminder's Open: the reminder stays as it is; the card comes as a new message below it.
  composer.callbackQuery(OPEN_TASK_CALLBACK, (ctx) => openTask(ctx, screens, ctx.match[1] ?? '', 'reply'));

  composer.callbackQuery(REMINDER_CALLBACK, (ctx) =>
    reminderAction(ctx, screens, ctx.match[1] ?? '', (ctx.match[2] ?? 'o') as ReminderAction),
  );

  composer.callbackQuery(NOTICE_CALLBACK, (ctx) =>
    noticeAction(ctx, screens, ctx.match[1] ?? '', ctx.match[2] === 'a' ? 'accept' : 'open'),
  );
  // A burst summary ("assigned you N more tasks"): the list of them, in place of the summary.
  composer.callbackQuery(ASSIGNED_LIST_CALLBACK, (ctx) => showAssignedToMe(ctx, screens));

  return composer;
}

const MINUTE = 60_000;

/** When a snooze ends: in 15 minutes, in an hour, or tomorrow at 9:00 in the user's zone. */
export function snoozeUntil(action: 'z15' | 'z60' | 'zt', timezone: string, now = new Date()): Date {
  if (action === 'z15') return new Date(now.getTime() + 15 * MINUTE);
  if (action === 'z60') return new Date(now.getTime() + 60 * MINUTE);
  const tomorrow = addDays(localParts(now, timezone), 1);
  return fromLocal({ ...tomorrow, hour: 9, minute: 0 }, timezone);
}

/**
 * A reminder's buttons (SPEC §2.2): ✅ Done, ⏰ Snooze, 📂 Open. Each edits the reminder in place
 * to say what happened (Open turns it into the task's card). The task must be the user's own:
 * a deleted task or another user's id answers "not found" and changes nothing.
 */
async function reminderAction(
  ctx: BotContext,
  screens: TaskScreens,
  id: string,
  action: ReminderAction,
): Promise<void> {
  const task = await visibleTask(ctx, id);
  if (!task) {
    await answerCallback(ctx, ctx.t('tasks-not-found'));
    return;
  }
  if (action === 'o') return openTask(ctx, screens, id, 'edit');
  if (task.status === 'done') {
    await answerCallback(ctx, ctx.t('task-reminder-already-done'));
    return showReminder(ctx, task, ctx.t('task-reminder-done-note'), 'done');
  }
  if (action === 'd') {
    const updated = await updateTask(ctx.em, ctx.deps.taskEffects, ctx.user, id, { status: 'done' });
    forgetTask(ctx, id);
    forgetSnapshot(ctx);
    await answerCallback(ctx, ctx.t('task-reminder-done-toast'));
    return showReminder(ctx, updated, ctx.t('task-reminder-done-note'), 'done');
  }
  const until = snoozeUntil(action, ctx.profile.timezone);
  const updated = await snoozeTask(ctx.em, ctx.deps.taskEffects, ctx.user, id, until);
  // The toast is gone in a moment and may say "today"; the note stays in the chat, so it says the date.
  await answerCallback(ctx, ctx.t('task-reminder-snoozed-toast', { until: shortDue(ctx, until) }));
  const { timezone, language } = ctx.profile;
  const note = ctx.t('task-reminder-snoozed', { until: formatDateTime(until, timezone, ctx.t, language) });
  return showReminder(ctx, updated, note, 'open');
}

/** The reminder message again, with a line saying what was done and the buttons that still apply. */
async function showReminder(ctx: BotContext, task: Task, note: string, state: 'open' | 'done'): Promise<void> {
  // A reminder the bot can no longer see or edit: the toast has said what was done.
  await editPressedMessage(ctx, () => {
    const reader = { timezone: ctx.profile.timezone, locale: ctx.profile.language };
    const text = `${reminderText(ctx.t, { title: task.title, dueAt: task.dueAt ?? null }, reader)}\n\n${note}`;
    return ctx.editMessageText(text, { reply_markup: reminderKeyboard(ctx.t, task.id, state) });
  });
}

/**
 * A shared task's notice (SPEC §2.2.1): 📂 Open turns it into the card; 👍 Accept (on a new
 * assignment) starts the task — to do → in progress, which tells the owner — and shows the card.
 * A task the user no longer sees (deleted, taken back) is "not found", and nothing changes.
 */
async function noticeAction(
  ctx: BotContext,
  screens: TaskScreens,
  id: string,
  action: 'open' | 'accept',
): Promise<void> {
  const task = await visibleTask(ctx, id);
  if (!task) {
    await answerCallback(ctx, ctx.t('tasks-not-found'));
    return;
  }
  if (action === 'open' || task.status !== 'todo') {
    return openTask(ctx, screens, id, 'edit', action === 'accept' ? 'task-notice-accepted-already' : undefined);
  }
  const updated = await updateTask(ctx.em, ctx.deps.taskEffects, ctx.user, id, { status: 'in_progress' });
  forgetTask(ctx, id);
  forgetSnapshot(ctx);
  view(ctx).task = updated;
  await answerCallback(ctx, ctx.t('task-notice-accepted'));
  await openTask(ctx, screens, id, 'edit');
}
