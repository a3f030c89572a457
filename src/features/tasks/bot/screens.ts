import type { BotContext } from '../../../platform/bot/context.js';
import { answerCallback } from '../../../platform/bot/ui/answer.js';
import { ScreenMenu } from '../../../platform/bot/ui/menu.js';
import { addPager } from '../../../platform/bot/ui/paginate.js';
import { matchOf, splitPayload } from '../../../platform/bot/ui/payload.js';
import { type Screen, showScreen } from '../../../platform/bot/ui/screen.js';
import { DomainError } from '../../../platform/errors.js';
import type { Translate } from '../../../platform/i18n/translator.js';
import { escapeHtml, splitText } from '../../../platform/telegram/html.js';
import { recentContacts } from '../../chat/index.js';
import type { User } from '../../users/index.js';
import { deleteComment } from '../comments.js';
import { REMIND_BEFORE, type RemindBefore, TASK_STATUSES, type Task, type TaskStatus } from '../task.entities.js';
import { advanceAhead, assignTask, canReachInTelegram, deleteTask, updateTask } from '../tasks.js';
import {
  cardContent,
  clearSearch,
  clipEscaped,
  commentsText,
  commentsView,
  deleteText,
  FILTERS,
  forgetSnapshot,
  forgetTask,
  isOwner,
  isShared,
  LAST_PAGE,
  listPayload,
  listText,
  listView,
  ownTask,
  parseListPayload,
  partyName,
  pickableContacts,
  SCOPES,
  STATUS_CODES,
  scopePayload,
  statusLabel,
  statusOfCode,
  taskButtonLabel,
  taskComments,
  tasksSearch,
  tasksSnapshot,
  view,
  visibleTask,
} from './list.js';

/**
 * Tasks screens (SPEC §2.2): list → card → comments, with delete confirmations; the message is
 * edited in place while navigating.
 *
 * Every button's payload says what it does and to which task or comment (`<id>.<action>`, see
 * the dispatchers below), and every menu has one dispatcher that serves both its buttons and its
 * "outdated" presses (the menu plugin's label check fails when the task changed meanwhile, e.g.
 * over the API). The dispatcher checks the task through getOwnTask again, so a forged or stale
 * payload ends in "not found" or in the current state of things, never in a change nobody saw.
 */
export interface TaskScreens {
  tasks: Screen;
  taskCard: Screen;
  taskDelete: Screen;
  comments: Screen;
  commentDelete: Screen;
  taskAssign: Screen;
}

type Screens = TaskScreens & { main: Screen };

/** Conversations the task screens start (registered in bot/index.ts). */
export const TASK_CONVERSATIONS = {
  newTask: 'newTask',
  title: 'taskTitle',
  description: 'taskDescription',
  due: 'taskDue',
  tags: 'taskTags',
  addComment: 'commentAdd',
  editComment: 'commentEdit',
  search: 'taskSearch',
  assign: 'taskAssign',
} as const;

/**
 * Card actions in payloads. A status button names the status the card showed and the one it
 * sets (`s` + two codes, e.g. `stp`: to do → in progress); the advance-reminder button names the
 * value it sets (`r` + n/h/d).
 */
const CARD = {
  title: 'ti',
  description: 'de',
  due: 'du',
  tags: 'ta',
  comments: 'co',
  full: 'fu',
  delete: 'rm',
  list: 'li',
  assign: 'as',
} as const;

/** What only the owner may do from the card; the assignee's press is "not found", like a stranger's. */
const OWNER_ONLY: ReadonlySet<string> = new Set([
  CARD.title,
  CARD.description,
  CARD.due,
  CARD.tags,
  CARD.delete,
  CARD.assign,
]);

/** The assign picker's payloads name the assignee it was shown for (`n`: nobody), so a stale one changes nothing. */
const expectedCode = (task: Task) => task.assignee?.id ?? 'n';
const expectedOf = (code: string): string | null => (code === 'n' ? null : code);
/** How many recent PM contacts the picker offers. */
const PICK_MAX = 6;

/** The advance reminder button cycles off → 1 h → 1 day → off; its payload names the value it sets. */
const REMIND_CYCLE: readonly (RemindBefore | null)[] = [null, ...REMIND_BEFORE];
/** Whether an advance reminder `before` the due time could still come (off always can). */
const remindAhead = (dueAt: Date, before: RemindBefore | null) => before === null || advanceAhead(dueAt, before);
/**
 * The value the advance button offers next: the following one in the cycle whose moment is still
 * ahead — a task due in 5 hours offers off ⇄ 1 hour, one overdue none (reminderPlan would schedule
 * nothing for a moment past, and a toast promising it would be false).
 */
function nextRemindBefore(dueAt: Date, current: RemindBefore | null): RemindBefore | null | undefined {
  const at = REMIND_CYCLE.indexOf(current);
  for (let step = 1; step < REMIND_CYCLE.length; step++) {
    const value = REMIND_CYCLE[(at + step) % REMIND_CYCLE.length] ?? null;
    if (remindAhead(dueAt, value)) return value;
  }
  return undefined;
}
const REMIND_CODES: Record<string, string> = { null: 'n', PT1H: 'h', P1D: 'd' };
const remindOfCode = (code: string): RemindBefore | null | undefined =>
  code === 'n' ? null : code === 'h' ? 'PT1H' : code === 'd' ? 'P1D' : undefined;

export const remindBeforeLabel = (ctx: Pick<BotContext, 't'>, value: RemindBefore | null) =>
  ctx.t(
    value === 'PT1H'
      ? 'task-remind-before-hour'
      : value === 'P1D'
        ? 'task-remind-before-day'
        : 'task-remind-before-off',
  );

export function buildTaskMenus(main: Screen): { menus: ScreenMenu[]; screens: TaskScreens } {
  const screens = {} as Screens;
  screens.main = main;

  const goList = (ctx: BotContext) => listAction(ctx, screens);
  const list = new ScreenMenu('tl', { onMenuOutdated: goList });
  list.dynamic(async (ctx, range) => {
    const { snapshot, search, page } = await listView(ctx);
    const now = Date.now();
    for (const item of page.items) {
      range.text({ text: taskButtonLabel(ctx, item, now), payload: item.id }, goList).row();
    }
    addPager(range, page, (target) => listPayload(search ? 'search' : snapshot.filter, target), goList);
    if (search) {
      range
        .text({ text: ctx.t('tasks-search-clear'), payload: 'xs' }, goList)
        .text({ text: ctx.t('tasks-search-again'), payload: 'find' }, goList);
    } else {
      for (const filter of FILTERS) {
        const label = ctx.t(`tasks-filter-${filter}`);
        const text = filter === snapshot.filter ? ctx.t('tasks-filter-selected', { label }) : label;
        range.text({ text, payload: listPayload(filter, 1) }, goList);
      }
      if (isShared(snapshot)) {
        range.row();
        for (const scope of SCOPES) {
          const label = ctx.t(`tasks-scope-${scope}`);
          const text = scope === (snapshot.scope ?? 'all') ? ctx.t('tasks-filter-selected', { label }) : label;
          range.text({ text, payload: scopePayload(scope) }, goList);
        }
      }
      range
        .row()
        .text({ text: ctx.t('tasks-search'), payload: 'find' }, goList)
        .text({ text: ctx.t('tasks-new'), payload: 'new' }, goList);
    }
    range.row().text({ text: ctx.t('back'), payload: 'menu' }, goList);
  });

  const goCard = (ctx: BotContext) => cardAction(ctx, screens);
  const card = new ScreenMenu('tc', { onMenuOutdated: goCard });
  card.dynamic(async (ctx, range) => {
    // Rendered from the task the handler loaded, or, when a button is pressed, from the task
    // its payload names (one query, which the dispatcher then reuses).
    const task = view(ctx).task ?? (await visibleTask(ctx, splitPayload(matchOf(ctx)).id));
    if (!task) return;
    const to = (action: string) => `${task.id}.${action}`;
    const owner = isOwner(ctx, task);
    // The status as a segmented control: the current one marked, the others one tap away.
    const from = STATUS_CODES[task.status as TaskStatus];
    for (const status of TASK_STATUSES) {
      const label = statusLabel(ctx, status);
      const text = status === task.status ? ctx.t('task-status-current', { status: label }) : label;
      range.text({ text, payload: to(`s${from}${STATUS_CODES[status]}`) }, goCard);
    }
    range.row();
    if (!owner) {
      // The assignee: the status (above), the comments, and the way back; the rest is the owner's.
      range
        .text({ text: ctx.t('task-comments', { count: task.commentCount }), payload: to(CARD.comments) }, goCard)
        .row();
      if (cardContent(ctx, task).clipped) {
        range.text({ text: ctx.t('task-full-description'), payload: to(CARD.full) }, goCard).row();
      }
      range.text({ text: ctx.t('task-back-to-list'), payload: to(CARD.list) }, goCard);
      return;
    }
    const current = (task.remindBefore ?? null) as RemindBefore | null;
    const next = task.dueAt && task.status !== 'done' ? nextRemindBefore(task.dueAt, current) : undefined;
    if (next !== undefined) {
      range
        .text(
          {
            text: ctx.t('task-remind-before', { value: remindBeforeLabel(ctx, current) }),
            payload: to(`r${REMIND_CODES[String(next)]}`),
          },
          goCard,
        )
        .row();
    }
    range
      .text({ text: ctx.t('task-edit-title'), payload: to(CARD.title) }, goCard)
      .text({ text: ctx.t('task-edit-description'), payload: to(CARD.description) }, goCard)
      .row()
      .text({ text: ctx.t('task-edit-due'), payload: to(CARD.due) }, goCard)
      .text({ text: ctx.t('task-edit-tags'), payload: to(CARD.tags) }, goCard)
      .row()
      .text({ text: ctx.t('task-comments', { count: task.commentCount }), payload: to(CARD.comments) }, goCard)
      .text(
        {
          text: task.assignee ? ctx.t('task-assigned-to', { name: partyName(task.assignee) }) : ctx.t('task-assign'),
          payload: to(CARD.assign),
        },
        goCard,
      )
      .row();
    if (cardContent(ctx, task).clipped) {
      range.text({ text: ctx.t('task-full-description'), payload: to(CARD.full) }, goCard).row();
    }
    range
      .text({ text: ctx.t('task-delete'), payload: to(CARD.delete) }, goCard)
      .text({ text: ctx.t('task-back-to-list'), payload: to(CARD.list) }, goCard);
  });

  // Delete confirmation: `<taskId>.y` / `<taskId>.n`.
  const goDelete = (ctx: BotContext) => deleteAction(ctx, screens);
  const taskDelete = new ScreenMenu('td', { onMenuOutdated: goDelete });
  const deletePayload = (answer: 'y' | 'n') => (ctx: BotContext) =>
    `${view(ctx).task?.id ?? splitPayload(matchOf(ctx)).id}.${answer}`;
  taskDelete
    .text({ text: (ctx) => ctx.t('task-delete-yes'), payload: deletePayload('y') }, goDelete)
    .text({ text: (ctx) => ctx.t('task-delete-no'), payload: deletePayload('n') }, goDelete);

  // Comments: oldest first, opening on the newest page; ✏️/🗑 only on the user's own comments.
  // `<taskId>.p<page>`, `.e<commentId>` (edit), `.d<commentId>` (delete), `.a` (add), `.b` (back).
  const goComments = (ctx: BotContext) => commentsAction(ctx, screens);
  const comments = new ScreenMenu('cm', { onMenuOutdated: goComments });
  comments.dynamic(async (ctx, range) => {
    const taskId = view(ctx).commentsTaskId ?? splitPayload(matchOf(ctx)).id;
    const v = await commentsView(ctx, taskId);
    if (!v) return;
    for (const comment of v.page.items) {
      if (comment.author.id !== ctx.profile.id) continue;
      const n = v.numbers.get(comment.id) ?? 0;
      range
        .text({ text: ctx.t('comments-edit', { n }), payload: `${taskId}.e${comment.id}` }, goComments)
        .text({ text: ctx.t('comments-delete', { n }), payload: `${taskId}.d${comment.id}` }, goComments)
        .row();
    }
    addPager(range, v.page, (target) => `${taskId}.p${target}`, goComments);
    range
      .text({ text: ctx.t('comments-add'), payload: `${taskId}.a` }, goComments)
      .row()
      .text({ text: ctx.t('comments-back'), payload: `${taskId}.b` }, goComments);
  });

  // Comment delete confirmation: `<taskId>.y<commentId>` / `<taskId>.n<commentId>`.
  const goCommentDelete = (ctx: BotContext) => commentDeleteAction(ctx, screens);
  const commentDelete = new ScreenMenu('cd', { onMenuOutdated: goCommentDelete });
  const commentPayload = (answer: 'y' | 'n') => (ctx: BotContext) => {
    const comment = view(ctx).comment;
    return comment ? `${comment.taskId}.${answer}${comment.id}` : matchOf(ctx);
  };
  commentDelete
    .text({ text: (ctx) => ctx.t('comment-delete-yes'), payload: commentPayload('y') }, goCommentDelete)
    .text({ text: (ctx) => ctx.t('comment-delete-no'), payload: commentPayload('n') }, goCommentDelete);

  // The assign picker: `<taskId>.<expected>_<what>`, what = u<userId> (pick), k (type a username),
  // x (take it back), b (back to the card); expected = the assignee it was shown for.
  const goAssign = (ctx: BotContext) => assignAction(ctx, screens);
  const assign = new ScreenMenu('ta', { onMenuOutdated: goAssign });
  assign.dynamic(async (ctx, range) => {
    const task = view(ctx).task ?? (await ownTask(ctx, splitPayload(matchOf(ctx)).id));
    if (!task) return;
    const to = (what: string) => `${task.id}.${expectedCode(task)}_${what}`;
    for (const user of await contactsFor(ctx, task)) {
      range.text({ text: partyName(user), payload: to(`u${user.id}`) }, goAssign).row();
    }
    range.text({ text: ctx.t('task-assign-type'), payload: to('k') }, goAssign).row();
    if (task.assignee) range.text({ text: ctx.t('task-assign-remove'), payload: to('x') }, goAssign).row();
    range.text({ text: ctx.t('back'), payload: to('b') }, goAssign);
  });

  screens.tasks = { text: listText, menu: list };
  screens.taskAssign = {
    text: async (ctx) => {
      const task = view(ctx).task;
      if (!task) return '';
      const lines = [
        view(ctx).notice ?? '',
        ctx.t('task-assign-title', { title: task.title }),
        task.assignee ? ctx.t('task-assign-current', { name: partyName(task.assignee) }) : ctx.t('task-assign-none'),
        '',
        (await contactsFor(ctx, task)).length > 0 ? ctx.t('task-assign-pick') : ctx.t('task-assign-no-contacts'),
      ];
      return lines.filter((line, i) => i > 0 || line !== '').join('\n');
    },
    menu: assign,
  };
  screens.taskCard = {
    text: (ctx) => {
      const { task, notice } = view(ctx);
      return task ? cardContent(ctx, task, notice).text : '';
    },
    menu: card,
  };
  screens.taskDelete = {
    text: (ctx) => {
      const task = view(ctx).task;
      return task ? deleteText(ctx, task) : '';
    },
    menu: taskDelete,
  };
  screens.comments = {
    text: async (ctx) => {
      const { commentsTaskId, notice } = view(ctx);
      const v = commentsTaskId ? await commentsView(ctx, commentsTaskId) : null;
      return v ? commentsText(ctx, v, notice) : '';
    },
    menu: comments,
  };
  screens.commentDelete = {
    text: (ctx) => {
      const comment = view(ctx).comment;
      return comment ? `${ctx.t('comment-delete-confirm')}\n\n${clipEscaped(comment.text, 1500).text}` : '';
    },
    menu: commentDelete,
  };
  return { menus: [list, card, taskDelete, comments, commentDelete, assign], screens };
}

/** Shows the list where the user left it (filter and page live in the session). */
export function showTasks(ctx: BotContext, screens: TaskScreens, how: 'edit' | 'reply' = 'edit'): Promise<void> {
  return showScreen(ctx, screens.tasks, how);
}

/**
 * The Tasks section entered anew (/tasks, 📋 Tasks): the list with the filter the user left, not
 * a search left open earlier (its ✖ was the only way out of it).
 */
export async function enterTasks(ctx: BotContext, screens: TaskScreens, how: 'edit' | 'reply' = 'edit'): Promise<void> {
  await clearSearch(ctx);
  await showScreen(ctx, screens.tasks, how);
}

/**
 * The open tasks assigned to the user, first page (a burst summary's 📥 Assigned to me: "@x
 * assigned you N more tasks" — here they are), in place of the message whose button was pressed.
 */
export async function showAssignedToMe(ctx: BotContext, screens: TaskScreens): Promise<void> {
  await clearSearch(ctx);
  const snapshot = await tasksSnapshot(ctx);
  snapshot.scope = 'assigned';
  snapshot.filter = 'open';
  snapshot.page = 1;
  await showScreen(ctx, screens.tasks, 'edit');
}

/** Opens a task's card, or says "not found" for an unknown or someone else's id. */
export async function openTask(
  ctx: BotContext,
  screens: TaskScreens,
  id: string,
  how: 'edit' | 'reply' = 'edit',
  toast?: string,
): Promise<void> {
  const task = await visibleTask(ctx, id);
  if (!task) return taskNotFound(ctx, screens, how);
  view(ctx).task = task;
  if (toast) await answerCallback(ctx, ctx.t(toast));
  await showScreen(ctx, screens.taskCard, how);
}

/**
 * "Not found" for a task: a toast, and the message the button belongs to turns into the list
 * (what it showed is gone); for a command, a reply; for a message that is not ours to replace
 * (`how: 'reply'`, e.g. a reminder), the toast only.
 */
export async function taskNotFound(
  ctx: BotContext,
  screens: TaskScreens,
  how: 'edit' | 'reply' = 'edit',
): Promise<void> {
  if (!ctx.callbackQuery) {
    await ctx.reply(ctx.t('tasks-not-found'));
    return;
  }
  await answerCallback(ctx, ctx.t('tasks-not-found'));
  if (how === 'edit' && ctx.callbackQuery.message) await showScreen(ctx, screens.tasks);
}

export interface ShowCommentsOptions {
  /** The page to show (LAST_PAGE: the newest); by default the one the session remembers. */
  page?: number;
  toast?: string;
  notice?: string;
  how?: 'edit' | 'reply';
}

export async function showComments(
  ctx: BotContext,
  screens: TaskScreens,
  taskId: string,
  options: ShowCommentsOptions = {},
): Promise<void> {
  const session = await ctx.session;
  if (options.page !== undefined) session.comments = { taskId, page: options.page };
  const v = await commentsView(ctx, taskId);
  if (!v) return taskNotFound(ctx, screens, options.how);
  const state = view(ctx);
  state.commentsTaskId = taskId;
  state.notice = options.notice;
  if (options.toast) await answerCallback(ctx, ctx.t(options.toast));
  await showScreen(ctx, screens.comments, options.how);
}

/** List buttons: open a task, go to a page or filter, start a new task, or leave. */
async function listAction(ctx: BotContext, screens: Screens): Promise<void> {
  const payload = matchOf(ctx);
  if (payload === 'new') {
    await answerCallback(ctx);
    await ctx.conversation.enter(TASK_CONVERSATIONS.newTask);
    return;
  }
  if (payload === 'find') {
    await answerCallback(ctx);
    await ctx.conversation.enter(TASK_CONVERSATIONS.search);
    return;
  }
  if (payload === 'menu') return showScreen(ctx, screens.main);
  if (payload === 'xs') {
    await clearSearch(ctx);
    return showScreen(ctx, screens.tasks);
  }
  const target = parseListPayload(payload);
  if (target && 'taskId' in target) return openTask(ctx, screens, target.taskId);
  if (target && 'scope' in target) {
    await clearSearch(ctx);
    const snapshot = await tasksSnapshot(ctx);
    snapshot.scope = target.scope;
    snapshot.page = 1;
    return showScreen(ctx, screens.tasks);
  }
  if (target && 'search' in target) {
    // A page of results of a search cleared meanwhile: the list as it is.
    const search = await tasksSearch(ctx);
    if (search) search.page = target.page;
  } else if (target) {
    await clearSearch(ctx);
    const snapshot = await tasksSnapshot(ctx);
    snapshot.filter = target.filter;
    snapshot.page = target.page;
  }
  await showScreen(ctx, screens.tasks);
}

async function cardAction(ctx: BotContext, screens: TaskScreens): Promise<void> {
  const { id, action } = splitPayload(matchOf(ctx));
  const task = await visibleTask(ctx, id);
  // The owner-only buttons (and the advance reminder) answer the assignee as they answer anyone else.
  if (!task || (!isOwner(ctx, task) && (OWNER_ONLY.has(action) || action.startsWith('r')))) {
    return taskNotFound(ctx, screens);
  }
  const edit = async (conversation: string) => {
    await answerCallback(ctx);
    await ctx.conversation.enter(conversation, task.id);
  };
  switch (action) {
    case CARD.title:
      return edit(TASK_CONVERSATIONS.title);
    case CARD.description:
      return edit(TASK_CONVERSATIONS.description);
    case CARD.due:
      return edit(TASK_CONVERSATIONS.due);
    case CARD.tags:
      return edit(TASK_CONVERSATIONS.tags);
    case CARD.comments:
      return showComments(ctx, screens, task.id, { page: LAST_PAGE });
    case CARD.full:
      await answerCallback(ctx);
      for (const part of splitText(escapeHtml(task.description))) await ctx.reply(part);
      return;
    case CARD.delete:
      view(ctx).task = task;
      return showScreen(ctx, screens.taskDelete);
    case CARD.list:
      return showScreen(ctx, screens.tasks);
    case CARD.assign:
      view(ctx).task = task;
      await answerCallback(ctx);
      return showScreen(ctx, screens.taskAssign);
  }
  // A status button sets the status it names, from the status the card showed; if that changed
  // meanwhile, the user first sees the task as it is now.
  const status = /^s([tpd])([tpd])$/.exec(action);
  const from = status ? statusOfCode(status[1] ?? '') : undefined;
  const to = status ? statusOfCode(status[2] ?? '') : undefined;
  if (from && to && from === task.status) {
    if (to === from) {
      await answerCallback(ctx, ctx.t('task-status-same', { status: statusLabel(ctx, to) }));
      return;
    }
    return changeTask(
      ctx,
      screens,
      task,
      { status: to },
      ctx.t('task-status-changed', { status: statusLabel(ctx, to) }),
    );
  }
  // The advance reminder button sets the value it names (a repeated press changes nothing more).
  const remind = /^r([nhd])$/.exec(action);
  const before = remind ? remindOfCode(remind[1] ?? '') : undefined;
  if (before !== undefined && task.dueAt) {
    // A card left open since: that moment has passed meanwhile, so nothing would come of it.
    if (!remindAhead(task.dueAt, before)) {
      view(ctx).task = task;
      await answerCallback(ctx, ctx.t('task-remind-before-passed', { value: remindBeforeLabel(ctx, before) }));
      return showScreen(ctx, screens.taskCard);
    }
    return changeTask(
      ctx,
      screens,
      task,
      { remindBefore: before },
      ctx.t('task-remind-before-set', { value: remindBeforeLabel(ctx, before) }),
    );
  }
  return openTask(ctx, screens, task.id, 'edit', 'task-changed');
}

async function changeTask(
  ctx: BotContext,
  screens: TaskScreens,
  task: Task,
  patch: { status?: TaskStatus; remindBefore?: RemindBefore | null },
  toast: string,
): Promise<void> {
  let updated: Task;
  try {
    updated = await updateTask(ctx.em, ctx.deps.taskEffects, ctx.user, task.id, patch);
  } catch (err) {
    if (err instanceof DomainError && err.code === 'not_found') return taskNotFound(ctx, screens);
    throw err;
  }
  view(ctx).task = updated;
  await answerCallback(ctx, toast);
  await showScreen(ctx, screens.taskCard);
}

async function deleteAction(ctx: BotContext, screens: TaskScreens): Promise<void> {
  const { id, action } = splitPayload(matchOf(ctx));
  if (action !== 'y') return openTask(ctx, screens, id);
  try {
    await deleteTask(ctx.em, ctx.deps.taskEffects, ctx.user, id);
  } catch (err) {
    if (err instanceof DomainError && err.code === 'not_found') return taskNotFound(ctx, screens);
    throw err;
  }
  forgetTask(ctx, id);
  forgetSnapshot(ctx);
  await answerCallback(ctx, ctx.t('task-deleted'));
  await showScreen(ctx, screens.tasks);
}

async function commentsAction(ctx: BotContext, screens: TaskScreens): Promise<void> {
  const { id: taskId, action } = splitPayload(matchOf(ctx));
  const kind = action.charAt(0);
  const arg = action.slice(1);
  if (kind === 'b') return openTask(ctx, screens, taskId);
  if (kind === 'p') return showComments(ctx, screens, taskId, { page: Number(arg) || 1 });
  if (kind === 'a') {
    const task = await visibleTask(ctx, taskId);
    if (!task) return taskNotFound(ctx, screens);
    await answerCallback(ctx);
    await ctx.conversation.enter(TASK_CONVERSATIONS.addComment, task.id);
    return;
  }
  if (kind !== 'e' && kind !== 'd') return showComments(ctx, screens, taskId);
  const all = await taskComments(ctx, taskId);
  if (!all) return taskNotFound(ctx, screens);
  // Only the author edits or deletes a comment (the domain checks it again when saving).
  const comment = all.find((c) => c.id === arg && c.author.id === ctx.profile.id);
  if (!comment) return showComments(ctx, screens, taskId, { toast: 'comment-not-found' });
  if (kind === 'e') {
    await answerCallback(ctx);
    await ctx.conversation.enter(TASK_CONVERSATIONS.editComment, taskId, comment.id);
    return;
  }
  view(ctx).comment = comment;
  await showScreen(ctx, screens.commentDelete);
}

async function commentDeleteAction(ctx: BotContext, screens: TaskScreens): Promise<void> {
  const { id: taskId, action } = splitPayload(matchOf(ctx));
  if (!action.startsWith('y')) return showComments(ctx, screens, taskId);
  try {
    await deleteComment(
      ctx.em,
      { cache: ctx.deps.commentCache, effects: ctx.deps.taskEffects },
      ctx.user,
      taskId,
      action.slice(1),
    );
  } catch (err) {
    if (err instanceof DomainError && err.code === 'not_found') {
      return showComments(ctx, screens, taskId, { toast: 'comment-not-found' });
    }
    throw err;
  }
  forgetTask(ctx, taskId);
  await showComments(ctx, screens, taskId, { toast: 'comment-deleted' });
}

/** Recent PM contacts to pick from: active people other than the owner and the current assignee. */
function contactsFor(ctx: BotContext, task: Task): Promise<User[]> {
  return pickableContacts(ctx, async () => {
    const users = await recentContacts(ctx.em, ctx.user, PICK_MAX + 1);
    return users.filter((u) => u.id !== task.assignee?.id).slice(0, PICK_MAX);
  });
}

/** The assign picker's buttons: pick a contact, type a username, take the task back, or go back. */
async function assignAction(ctx: BotContext, screens: TaskScreens): Promise<void> {
  const { id, action } = splitPayload(matchOf(ctx));
  const match = /^(n|\d{1,19})_(k|x|b|u(\d{1,19}))$/.exec(action);
  const task = await ownTask(ctx, id);
  if (!task || !match) return taskNotFound(ctx, screens);
  const what = match[2] ?? 'b';
  if (what === 'b') return openTask(ctx, screens, id);
  const expected = expectedOf(match[1] ?? 'n');
  if ((task.assignee?.id ?? null) !== expected) return openTask(ctx, screens, id, 'edit', 'task-assign-stale');
  if (what === 'k') {
    await answerCallback(ctx);
    await ctx.conversation.enter(TASK_CONVERSATIONS.assign, task.id, match[1] ?? 'n');
    return;
  }
  const ref = what === 'x' ? null : { id: match[3] ?? '' };
  const outcome = await assignFromBot(ctx, task.id, ref, expected);
  if (outcome.kind === 'missing') return taskNotFound(ctx, screens);
  if (outcome.kind === 'stale') return openTask(ctx, screens, id, 'edit', 'task-assign-stale');
  if (outcome.kind === 'refused') {
    await answerCallback(ctx, outcome.message);
    return;
  }
  view(ctx).task = outcome.task;
  view(ctx).notice = outcome.notice;
  await answerCallback(ctx, outcome.toast);
  await showScreen(ctx, screens.taskCard);
}

/**
 * Why an assignee was refused, in words the owner can act on: a typed name is quoted back; a picked
 * person (an id from a button: deleted, banned, or not someone this owner may reach) is "no longer
 * available", since the button named them and an id says nothing to read — unless they blocked the
 * owner: then, typed or picked, the owner is told plainly that this person takes no tasks from them
 * (else they would try again and again), named as the refusal names them.
 */
export function assigneeRefusal(t: Translate, err: DomainError, ref: string | { id: string } | null): string {
  const details = (err.details ?? {}) as { reason?: string; name?: string };
  if (details.reason === 'blocked') return t('task-assign-refused-blocked', { name: details.name ?? '' });
  if (ref !== null && typeof ref !== 'string') return t('task-assign-refused-picked');
  const reason = details.reason ?? 'unknown';
  return t(`task-assign-refused-${reason}`, { name: (ref ?? '').trim().replace(/^@/, '').slice(0, 40) });
}

export type AssignOutcome =
  | { kind: 'done'; task: Task; toast: string; notice: string }
  | { kind: 'missing' }
  | { kind: 'stale' }
  | { kind: 'refused'; message: string };

/**
 * Assigns (or, with null, takes back) a task from the bot, and words the outcome: who got it and
 * whether they will hear of it in Telegram; a refused assignee in words the owner can act on.
 */
export async function assignFromBot(
  ctx: BotContext,
  taskId: string,
  ref: string | { id: string } | null,
  expected: string | null,
): Promise<AssignOutcome> {
  let task: Task;
  try {
    task = await assignTask(ctx.em, ctx.deps.taskEffects, ctx.user, taskId, ref, expected);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    if (err.code === 'not_found') return { kind: 'missing' };
    if (err.code === 'assignee_changed') return { kind: 'stale' };
    if (err.code === 'assignee_invalid') return { kind: 'refused', message: assigneeRefusal(ctx.t, err, ref) };
    throw err;
  }
  forgetTask(ctx, taskId);
  forgetSnapshot(ctx);
  if (!task.assignee) {
    const toast = ctx.t('task-unassigned');
    return { kind: 'done', task, toast, notice: toast };
  }
  const name = partyName(task.assignee);
  const toast = ctx.t('task-assigned', { name });
  const notice = canReachInTelegram(task.assignee)
    ? toast
    : `${toast}\n${ctx.t('task-assigned-no-telegram', { name })}`;
  return { kind: 'done', task, toast, notice };
}
