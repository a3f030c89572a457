import { Composer } from 'grammy';
import type { BotContext } from '../../../platform/bot/context.js';
import { openTask, showTasks, TASK_CONVERSATIONS, type TaskScreens } from './screens.js';

/** Matches the reminder's Open button (jobs/reminders.ts openTaskCallback: `task:<id>`). */
const OPEN_TASK_CALLBACK = /^task:(.*)$/;

/**
 * Entry points to the task screens outside the menus: /tasks, /newtask, the deep link
 * `/start task_<id>` and the reminder's Open button. The latter two carry an id from outside,
 * so they open the card only for the task's owner; anyone else gets "not found".
 */
export function tasksFeature(screens: TaskScreens) {
  const composer = new Composer<BotContext>();

  composer.command('tasks', (ctx) => showTasks(ctx, screens, 'reply'));
  composer.command('newtask', (ctx) => ctx.conversation.enter(TASK_CONVERSATIONS.newTask));

  composer.command('start', async (ctx, next) => {
    const payload = ctx.match.trim();
    if (!payload.startsWith('task_')) return next();
    await openTask(ctx, screens, payload.slice('task_'.length), 'reply');
  });

  // The reminder stays as it is; the card comes as a new message below it.
  composer.callbackQuery(OPEN_TASK_CALLBACK, (ctx) => openTask(ctx, screens, ctx.match[1] ?? '', 'reply'));

  return composer;
}
