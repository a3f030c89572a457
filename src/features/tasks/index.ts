export { tasksApi } from './api/index.js';
export { tasksFeature } from './bot/commands.js';

import { taskConversations as dialogConversations } from './bot/dialogs.js';
import { searchConversations } from './bot/search.js';

/** The task feature's conversations: the dialogs and the search prompt. */
export const taskConversations = (...args: Parameters<typeof dialogConversations>) => ({
  ...dialogConversations(...args),
  ...searchConversations(...args),
});
export { showTaskDialogBack } from './bot/dialogs.js';
export type { TaskScreens } from './bot/screens.js';
export { buildTaskMenus, enterTasks } from './bot/screens.js';
export type { CommentCache } from './comments.js';
export { startTaskNoticeSweep } from './jobs/notice-sweep.js';
export { startTaskNoticeWorker } from './jobs/notices.js';
export { startReminderSweep } from './jobs/reminder-sweep.js';
export { createCommentCache, createTaskEffects, startReminderWorker } from './jobs/reminders.js';
export type { TaskSummary } from './lists.js';
export { Comment, TASK_TAG_MAX, TASK_TAGS_MAX, Task, TaskNotice } from './task.entities.js';
export type { TaskEffects } from './tasks.js';
export { parseTags } from './tasks.js';
