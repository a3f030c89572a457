import type { BotContext, BotConversation, ConvContext } from '../../../platform/bot/context.js';
import { type Answer, DIALOG_PREFIX, Dialog, type DialogBack, dialogLabels } from '../../../platform/bot/ui/ask.js';
import { commandName } from '../../../platform/bot/ui/commands.js';
import { clip } from '../../../platform/bot/ui/payload.js';
import { type ScreenHow, showScreen } from '../../../platform/bot/ui/screen.js';
import { DomainError } from '../../../platform/errors.js';
import type { Translate, Translator } from '../../../platform/i18n/translator.js';
import {
  formatDay,
  formatDue,
  fromLocal,
  type LocalDate,
  localParts,
  parseDueDate,
} from '../../../platform/time/local-dates.js';
import { localTime } from '../../../platform/time/timezone.js';
import { recentContacts } from '../../chat/index.js';
import { DEFAULT_TIMEZONE, readTimezone, timezoneHint, updateSenderProfile } from '../../users/index.js';
import { addComment, editComment, parseCommentText } from '../comments.js';
import { COMMENT_TEXT_MAX, TASK_DESCRIPTION_MAX, TASK_TAGS_MAX, TASK_TITLE_MAX } from '../task.entities.js';
import {
  canReachInTelegram,
  createTask,
  findAssignee,
  parseDescription,
  parseTags,
  parseTitle,
  type TaskPatch,
  updateTask,
  WRITE_LIMITS,
} from '../tasks.js';
import {
  INERT,
  isDuePayload,
  monthRows,
  PAST_DAY,
  quickPickRows,
  readPick,
  timeRows,
  zoneButtonRow,
  zoneRows,
} from './due-picker.js';
import { clipEscaped, forgetTask, LAST_PAGE, ownTask, partyName, taskComments, view, visibleTask } from './list.js';
import { assigneeRefusal, assignFromBot, TASK_CONVERSATIONS, type TaskScreens } from './screens.js';

/** Callback data of a contact button in the new task's assignee step. */
const PICK = `${DIALOG_PREFIX}as:`;
/** Contacts offered in that step. */
const PICK_MAX = 6;

/**
 * Task and comment dialogs: new task (title → description → due date → card), the four
 * edits of a card, and adding / editing a comment (SPEC §2.1, §2.2).
 *
 * Every prompt carries ✖️ Cancel (and ⏭ Skip where the step is optional, 🗑 to clear a field
 * that has a value); typed /cancel, /skip and /clear work too. Leaving returns to the screen the
 * dialog started from (the card, the comments, the list, the main menu) in the same message
 * (platform/bot/ui/ask.ts Dialog, and the /cancel handler in features/home), and an edit shows
 * the updated card in the message of the card it came from. Bad input re-asks with an example.
 *
 * Conversations are replayed on every update, so everything that touches the database, Redis or
 * the clock runs inside `conversation.external` (or `conversation.now()`) and returns plain data.
 * Bump CONVERSATION_VERSION (platform/bot/create-bot.ts) when steps change.
 */

/** Where the task dialogs return: names resolved by `showTaskDialogBack`. */
export const TASK_BACK = { list: 'tasks', card: 'task', comments: 'comments' } as const;

function attempt<T>(parse: () => T): { value: T } | { error: DomainError } {
  try {
    return { value: parse() };
  } catch (err) {
    if (err instanceof DomainError) return { error: err };
    throw err;
  }
}

const reasonOf = (err: DomainError) => (err.details ?? {}) as { reason?: string; max?: number; length?: number };

function titleError(t: Translate, err: DomainError): string {
  const { reason, max = TASK_TITLE_MAX, length = 0 } = reasonOf(err);
  if (reason === 'too_long') return t('task-title-too-long', { max, length });
  if (reason === 'empty') return t('task-title-empty');
  return t('task-title-invalid');
}

function descriptionError(t: Translate, err: DomainError): string {
  const { reason, max = TASK_DESCRIPTION_MAX, length = 0 } = reasonOf(err);
  return reason === 'too_long' ? t('task-description-too-long', { max, length }) : t('task-description-invalid');
}

function commentError(t: Translate, err: DomainError): string {
  const { reason, max = COMMENT_TEXT_MAX, length = 0 } = reasonOf(err);
  if (reason === 'too_long') return t('comment-too-long', { max, length });
  if (reason === 'empty') return t('comment-empty');
  return t('comment-invalid');
}

const isPast = (err: unknown) =>
  err instanceof DomainError && (err.details as { reason?: string } | undefined)?.reason === 'past';

/**
 * The seconds to wait of a write refused by its limit (WRITE_LIMITS), or undefined for any other
 * error. Plain data, so the dialog (replayed) can carry it from `finish` to its next prompt.
 */
function limitedFor(err: unknown): number | undefined {
  if (!(err instanceof DomainError) || err.code !== 'rate_limited') return undefined;
  return (err.details as { retryAfter?: number } | undefined)?.retryAfter ?? WRITE_LIMITS.task.windowSeconds;
}
const isNotFound = (err: unknown) => err instanceof DomainError && err.code === 'not_found';
const isCommand = (text: string) => text.trim().startsWith('/') && commandName(text.trim()) !== undefined;

interface Me {
  locale: BotContext['locale'];
  timezone: string;
}

const me = (outer: BotContext): Me => ({ locale: outer.user.language, timezone: outer.user.timezone });

/**
 * Asks one text step until `parse` accepts the answer: a parse error or a command re-asks (with
 * the prompt's buttons again). Skip and clear come back as such when offered.
 */
async function askParsed<T>(
  dialog: Dialog,
  prompt: string,
  options: {
    parse(text: string): T;
    explain(err: DomainError): string;
    onCommand?: string;
    skip?: boolean;
    clear?: string;
  },
): Promise<{ value: T } | { skip: true } | { clear: true }> {
  const buttons = { skip: options.skip, clear: options.clear };
  await dialog.prompt(prompt, buttons);
  for (;;) {
    const answer: Answer = await dialog.ask({ skip: options.skip, clear: !!options.clear });
    if (answer.kind === 'skip') return { skip: true };
    if (answer.kind === 'clear') return { clear: true };
    if (answer.kind !== 'text') continue;
    if (isCommand(answer.text)) {
      await dialog.prompt(options.onCommand ?? prompt, buttons, true);
      continue;
    }
    const parsed = attempt(() => options.parse(answer.text));
    if ('value' in parsed) return parsed;
    await dialog.prompt(options.explain(parsed.error), buttons, true);
  }
}

/** Example dates for the hints, always ahead: the first of next month, 18:00. */
function dueExamples(now: Date, timezone: string) {
  const local = localParts(now, timezone);
  const year = local.month === 12 ? local.year + 1 : local.year;
  const month = String((local.month % 12) + 1).padStart(2, '0');
  return { iso: `${year}-${month}-01 18:00`, dotted: `01.${month}.${year} 18:00` };
}

type DueScreen =
  | { kind: 'quick' }
  | { kind: 'month'; year: number; month: number }
  | { kind: 'day'; date: LocalDate }
  | { kind: 'zones' };

/** What a due-date prompt (the quick picks' text) is written with: the examples and the zone. */
type DuePrompt = (args: { iso: string; dotted: string; timezone: string }, now: Date) => string;

/** One screen of the due-date step: its text and its own buttons. */
function dueScreen(
  t: Translate,
  locale: Me['locale'],
  screen: DueScreen,
  clock: { now: Date; timezone: string },
  prompt: DuePrompt,
  offerZone: boolean,
): { text: string; rows: ReturnType<typeof quickPickRows> } {
  const { now, timezone } = clock;
  switch (screen.kind) {
    case 'month':
      return { text: t('due-pick-day', { timezone }), rows: monthRows(t, locale, clock, screen.year, screen.month) };
    case 'day':
      return {
        text: t('due-pick-time', { day: formatDay(screen.date, locale), timezone }),
        rows: timeRows(t, clock, screen.date),
      };
    case 'zones':
      return { text: t('due-zone-prompt', { timezone }), rows: zoneRows(t, locale) };
    default: {
      const text = prompt({ ...dueExamples(now, timezone), timezone }, now);
      const rows = quickPickRows(t, clock, locale);
      if (!offerZone) return { text, rows };
      const unset = t('due-zone-unset', { timezone, time: localTime(timezone, now) });
      return { text: `${text}\n\n${unset}`, rows: [...rows, zoneButtonRow(t)] };
    }
  }
}

/**
 * The due-date step: quick picks, the calendar (month → day → time) or a typed date, in the
 * user's zone. Past times and unreadable input are refused with a hint; the step stays open.
 *
 * A user whose zone is still the default (the first-start question skipped) would type dates in
 * UTC unawares: the quick picks say so and offer 🌍 Set time zone — the settings' presets, or a
 * zone typed as Settings reads it. The zone is saved to the profile and the step comes back in it,
 * the dialog as it was (↩️ goes back without one).
 */
async function askDue(
  conversation: BotConversation,
  dialog: Dialog,
  t: Translate,
  who: Me,
  prompt: DuePrompt,
  optional: { skip?: boolean; clear?: string },
): Promise<{ dueAt: Date } | { skip: true } | { clear: true }> {
  let screen: DueScreen = { kind: 'quick' };
  // Offered until a zone is set here (UTC too: whoever types it means it).
  let offerZone = who.timezone === DEFAULT_TIMEZONE;
  let notice = '';
  let again = false;
  /**
   * Saves the zone (Settings' rules) and goes back to the quick picks in it, saying so. `who`
   * follows it: a step asked again (a time that passed while saving) is in the new zone too.
   */
  const setZone = async (zone: string, now: Date) => {
    await conversation.external((outer) => updateSenderProfile(outer, { timezone: zone }));
    who.timezone = zone;
    offerZone = false;
    screen = { kind: 'quick' };
    notice = t('due-zone-saved', { timezone: zone, time: localTime(zone, now) });
  };
  for (;;) {
    const now = new Date(await conversation.now());
    const clock = { now, timezone: who.timezone };
    const { text, rows } = dueScreen(t, who.locale, screen, clock, prompt, offerZone);
    const buttons = screen.kind === 'quick' ? { rows, ...optional } : { rows };
    await dialog.prompt(notice ? `${notice}\n\n${text}` : text, buttons, again);
    notice = '';
    again = false;
    const answer = await dialog.ask({
      skip: optional.skip,
      clear: !!optional.clear,
      buttons: (data) => isDuePayload(data) && data !== INERT && data !== PAST_DAY,
      // An inert cell says nothing; a past day says why it cannot be picked.
      toast: (data) =>
        data === INERT ? undefined : data === PAST_DAY ? t('due-pick-day-past') : t('dialog-stale-button'),
    });
    if (answer.kind === 'skip') return { skip: true };
    if (answer.kind === 'clear') return { clear: true };
    const at = new Date(await conversation.now());
    let dueAt: Date | null = null;
    let typed = '';
    if (answer.kind === 'button') {
      const pick = readPick(answer.data, { now: at, timezone: who.timezone });
      if (pick.kind === 'zone') await setZone(pick.zone, at);
      else if (pick.kind === 'quick' || pick.kind === 'zones') screen = { kind: pick.kind };
      else if (pick.kind === 'month') screen = pick;
      else if (pick.kind === 'day') screen = pick;
      else if (pick.kind === 'due') dueAt = pick.dueAt;
      else notice = t('due-pick-invalid');
      if (!dueAt) continue;
    } else if (answer.kind === 'text') {
      typed = answer.text;
      if (screen.kind === 'zones') {
        const zone = isCommand(typed) ? null : readTimezone(typed);
        // A zone that is no zone is re-asked below, with the hint Settings gives.
        if (zone) await setZone(zone, at);
        else {
          notice = timezoneHint(t, typed);
          again = true;
        }
        continue;
      }
      again = true;
      const time = /^\s*(\d{1,2})[:.](\d{2})\s*$/.exec(typed);
      if (screen.kind === 'day' && time && Number(time[1]) < 24 && Number(time[2]) < 60) {
        dueAt = fromLocal({ ...screen.date, hour: Number(time[1]), minute: Number(time[2]) }, who.timezone);
      } else if (!isCommand(typed)) {
        dueAt = parseDueDate(typed, who.timezone, at);
      }
      if (!dueAt) {
        notice = t('task-due-invalid', { input: clip(typed, 64), ...dueExamples(at, who.timezone) });
        continue;
      }
    } else continue;
    if (dueAt.getTime() <= at.getTime()) {
      notice = t('task-due-past', { due: formatDue(dueAt, who.timezone, t, who.locale, at) });
      continue;
    }
    return { dueAt };
  }
}

/** Shows a task dialog's way back: the list, a card or a task's comments. False: not a task screen. */
export async function showTaskDialogBack(
  ctx: BotContext,
  screens: TaskScreens,
  back: DialogBack,
  how: ScreenHow,
): Promise<boolean> {
  if (back.screen === TASK_BACK.list) {
    await showScreen(ctx, screens.tasks, how);
    return true;
  }
  if (back.screen !== TASK_BACK.card && back.screen !== TASK_BACK.comments) return false;
  const task = back.id ? await visibleTask(ctx, back.id) : null;
  if (!task) {
    // Deleted meanwhile (or another chat's user): the list instead.
    await showTaskGone(ctx, screens, how);
    return true;
  }
  if (back.screen === TASK_BACK.card) {
    view(ctx).task = task;
    await showScreen(ctx, screens.taskCard, how);
    return true;
  }
  await showCommentsIn(ctx, screens, task.id, how);
  return true;
}

/**
 * The list, in place of a task that is gone (deleted, or taken back from its assignee, while a
 * dialog about it was open), with a line saying so: without it, what the user had just typed
 * vanished into a list that does not show the task, with no word why.
 */
function showTaskGone(ctx: BotContext, screens: TaskScreens, how: ScreenHow): Promise<void> {
  view(ctx).notice = ctx.t('tasks-not-found');
  return showScreen(ctx, screens.tasks, how);
}

async function showCommentsIn(
  ctx: BotContext,
  screens: TaskScreens,
  taskId: string,
  how: ScreenHow,
  options: { page?: number; notice?: string } = {},
): Promise<void> {
  const session = await ctx.session;
  if (options.page !== undefined) session.comments = { taskId, page: options.page };
  const state = view(ctx);
  state.commentsTaskId = taskId;
  state.notice = options.notice;
  await showScreen(ctx, screens.comments, how);
}

export function taskConversations(translator: Translator, screens: TaskScreens) {
  /** Saves a patch and shows the card where the dialog was; 'missing': gone, and the user was told. */
  const save = (dialog: Dialog, taskId: string, patch: TaskPatch, notice: string) =>
    dialog.finish(async (outer, how): Promise<'saved' | 'missing' | 'past'> => {
      try {
        const task = await updateTask(outer.em, outer.deps.taskEffects, outer.user, taskId, patch);
        Object.assign(view(outer), { task, notice: outer.t(notice) });
        await showScreen(outer, screens.taskCard, how);
        return 'saved';
      } catch (err) {
        if (isNotFound(err)) {
          await showTaskGone(outer, screens, how);
          return 'missing';
        }
        if (isPast(err)) return 'past';
        throw err;
      }
    });

  /**
   * The task as an edit starts (plain data), or null after telling the user it is gone. Edits are
   * the owner's; a comment (`who: 'any'`) is the assignee's too.
   */
  const start = (conversation: BotConversation, taskId: string, who: 'owner' | 'any' = 'owner') =>
    conversation.external(async (outer) => {
      const task = who === 'owner' ? await ownTask(outer, taskId) : await visibleTask(outer, taskId);
      if (!task) {
        await outer.reply(outer.t('tasks-not-found'));
        await showScreen(outer, screens.tasks, 'reply');
        return null;
      }
      return {
        ...me(outer),
        title: task.title,
        hasDescription: task.description !== '',
        // Written out by the due-date step, in the zone it is in then (it may be set there).
        dueAt: task.dueAt?.toISOString() ?? null,
        tags: task.tags,
      };
    });

  const open = (conversation: BotConversation, ctx: ConvContext, t: Translate, back: DialogBack) =>
    Dialog.open(conversation, ctx, dialogLabels(t), back);

  /** `typed`: the words after /newtask ("/newtask Buy milk"), the title unless it is refused. */
  async function newTask(conversation: BotConversation, ctx: ConvContext, typed?: string) {
    const who = await conversation.external(me);
    const t = translator.forLocale(who.locale);
    // From the list's ➕ button: back to the list; from /newtask: back to the main menu.
    const dialog = await open(
      conversation,
      ctx,
      t,
      ctx.callbackQuery ? { screen: TASK_BACK.list } : { screen: 'main' },
    );

    // "/newtask Buy milk" used to ask for the title all the same, as if the words were not there.
    const given = typeof typed === 'string' && typed.trim() ? attempt(() => parseTitle(typed)) : undefined;
    const titlePrompt = t('task-new-title-prompt', { max: TASK_TITLE_MAX });
    const title =
      given && 'value' in given
        ? given
        : await askParsed(dialog, given ? `${titleError(t, given.error)}\n\n${titlePrompt}` : titlePrompt, {
            parse: parseTitle,
            explain: (err) => titleError(t, err),
            onCommand: t('task-title-required'),
          });
    if (!('value' in title)) return;

    const description = await askParsed(dialog, t('task-new-description-prompt', { max: TASK_DESCRIPTION_MAX }), {
      parse: parseDescription,
      explain: (err) => descriptionError(t, err),
      skip: true,
    });

    const assignee = await askAssignee(conversation, dialog, t);

    // Over the limit of new tasks (a script, not a person): the last step again, saying how long
    // to wait, with the title, description and assignee kept.
    let limited = '';
    for (;;) {
      const lead = limited;
      const due = await askDue(
        conversation,
        dialog,
        t,
        who,
        (args) => (lead ? `${lead}\n\n${t('task-new-due-prompt', args)}` : t('task-new-due-prompt', args)),
        { skip: true },
      );
      const dueAt = 'dueAt' in due ? due.dueAt : null;
      const outcome = await dialog.finish(async (outer, how): Promise<'created' | 'past' | { wait: number }> => {
        try {
          const deps = { effects: outer.deps.taskEffects, limiter: outer.deps.limiter };
          const task = await createTask(outer.em, deps, outer.user, {
            title: title.value,
            description: 'value' in description ? description.value : '',
            dueAt,
            assignee: assignee ? { id: assignee.id } : null,
          });
          const notice = [outer.t('task-created')];
          if (task.assignee) {
            const name = partyName(task.assignee);
            notice.push(outer.t('task-assigned', { name }));
            if (!canReachInTelegram(task.assignee)) notice.push(outer.t('task-assigned-no-telegram', { name }));
          }
          Object.assign(view(outer), { task, notice: notice.join('\n') });
          await showScreen(outer, screens.taskCard, how);
          return 'created';
        } catch (err) {
          // The time picked was ahead a moment ago and has passed while saving.
          if (isPast(err)) return 'past';
          const wait = limitedFor(err);
          if (wait !== undefined) return { wait };
          throw err;
        }
      });
      if (outcome === 'created') return;
      limited =
        typeof outcome === 'object'
          ? t('task-rate-limited', { limit: WRITE_LIMITS.task.count, seconds: outcome.wait })
          : '';
    }
  }

  /**
   * The new task's optional assignee step (SPEC §2.2.1): offered to people who have chatted with
   * someone — their recent PM contacts as buttons, or a typed username; ⏭ Skip keeps the task
   * theirs. A refused name (themself, unknown, banned) re-asks with the reason.
   */
  async function askAssignee(
    conversation: BotConversation,
    dialog: Dialog,
    t: Translate,
  ): Promise<{ id: string } | null> {
    const contacts = await conversation.external(async (outer) =>
      (await recentContacts(outer.em, outer.user, PICK_MAX)).map((u) => ({ id: u.id, name: partyName(u) })),
    );
    if (contacts.length === 0) return null;
    const rows = contacts.map((c) => [{ text: c.name, callback_data: `${PICK}${c.id}` }]);
    const prompt = t('task-new-assignee-prompt');
    await dialog.prompt(prompt, { rows, skip: true });
    for (;;) {
      const answer = await dialog.ask({ skip: true, buttons: (data) => data.startsWith(PICK) });
      if (answer.kind === 'skip') return null;
      let ref: string | { id: string };
      if (answer.kind === 'button') ref = { id: answer.data.slice(PICK.length) };
      else if (answer.kind === 'text' && !isCommand(answer.text)) ref = answer.text;
      else {
        await dialog.prompt(prompt, { rows, skip: true }, true);
        continue;
      }
      const checked = await conversation.external(async (outer) => {
        try {
          return { id: String((await findAssignee(outer.em, outer.user, ref)).id), error: '' };
        } catch (err) {
          if (!(err instanceof DomainError) || err.code !== 'assignee_invalid') throw err;
          return { id: '', error: assigneeRefusal(outer.t, err, ref) };
        }
      });
      if (checked.id) return { id: checked.id };
      await dialog.prompt(`${checked.error}\n\n${prompt}`, { rows, skip: true }, true);
    }
  }

  /** 👤 Assign → ⌨️ Type a username: asks until the name is one the task may go to. */
  async function taskAssign(conversation: BotConversation, ctx: ConvContext, taskId: string, expected: string) {
    const task = await start(conversation, taskId);
    if (!task) return;
    const t = translator.forLocale(task.locale);
    const dialog = await open(conversation, ctx, t, { screen: TASK_BACK.card, id: taskId });
    const prompt = t('task-assign-prompt', { title: clip(task.title, 64) });
    await dialog.prompt(prompt);
    for (;;) {
      const answer = await dialog.ask({});
      if (answer.kind !== 'text') continue;
      if (isCommand(answer.text)) {
        await dialog.prompt(prompt, {}, true);
        continue;
      }
      const typed = answer.text;
      const outcome = await conversation.external(async (outer) => {
        const result = await assignFromBot(outer, taskId, typed, expected === 'n' ? null : expected);
        return result.kind === 'done'
          ? { kind: 'done' as const, notice: result.notice }
          : result.kind === 'refused'
            ? { kind: 'refused' as const, message: result.message }
            : { kind: result.kind };
      });
      if (outcome.kind === 'refused') {
        await dialog.prompt(`${outcome.message}\n\n${prompt}`, {}, true);
        continue;
      }
      await dialog.finish(async (outer, how) => {
        const current = await visibleTask(outer, taskId);
        if (!current) return showTaskGone(outer, screens, how);
        const notice = outcome.kind === 'done' ? outcome.notice : outer.t('task-assign-stale');
        Object.assign(view(outer), { task: current, notice });
        await showScreen(outer, screens.taskCard, how);
      });
      return;
    }
  }

  async function taskTitle(conversation: BotConversation, ctx: ConvContext, taskId: string) {
    const task = await start(conversation, taskId);
    if (!task) return;
    const t = translator.forLocale(task.locale);
    const dialog = await open(conversation, ctx, t, { screen: TASK_BACK.card, id: taskId });
    const answer = await askParsed(dialog, t('task-title-prompt', { max: TASK_TITLE_MAX, title: task.title }), {
      parse: parseTitle,
      explain: (err) => titleError(t, err),
      onCommand: t('task-title-required'),
    });
    if ('value' in answer) await save(dialog, taskId, { title: answer.value }, 'task-saved-title');
  }

  async function taskDescription(conversation: BotConversation, ctx: ConvContext, taskId: string) {
    const task = await start(conversation, taskId);
    if (!task) return;
    const t = translator.forLocale(task.locale);
    const dialog = await open(conversation, ctx, t, { screen: TASK_BACK.card, id: taskId });
    const answer = await askParsed(dialog, t('task-description-prompt', { max: TASK_DESCRIPTION_MAX }), {
      parse: parseDescription,
      explain: (err) => descriptionError(t, err),
      clear: task.hasDescription ? t('dialog-clear-description') : undefined,
    });
    if ('value' in answer) await save(dialog, taskId, { description: answer.value }, 'task-saved-description');
    else await save(dialog, taskId, { description: '' }, 'task-cleared-description');
  }

  async function taskDue(conversation: BotConversation, ctx: ConvContext, taskId: string) {
    const task = await start(conversation, taskId);
    if (!task) return;
    const t = translator.forLocale(task.locale);
    const dialog = await open(conversation, ctx, t, { screen: TASK_BACK.card, id: taskId });
    for (;;) {
      const due = await askDue(
        conversation,
        dialog,
        t,
        task,
        (args, now) =>
          t('task-due-prompt', {
            ...args,
            due: task.dueAt ? formatDue(new Date(task.dueAt), args.timezone, t, task.locale, now) : t('not-set'),
          }),
        task.dueAt ? { clear: t('dialog-clear-due') } : {},
      );
      const outcome =
        'dueAt' in due
          ? await save(dialog, taskId, { dueAt: due.dueAt }, 'task-saved-due')
          : await save(dialog, taskId, { dueAt: null }, 'task-cleared-due');
      if (outcome !== 'past') return;
    }
  }

  async function taskTags(conversation: BotConversation, ctx: ConvContext, taskId: string) {
    const task = await start(conversation, taskId);
    if (!task) return;
    const t = translator.forLocale(task.locale);
    const dialog = await open(conversation, ctx, t, { screen: TASK_BACK.card, id: taskId });
    // Not the common 'not-set': its Russian «не указан» does not agree with «теги».
    const current = task.tags.length ? task.tags.map((tag) => `#${tag}`).join(' ') : t('task-tags-none');
    const answer = await askParsed(dialog, t('task-tags-prompt', { max: TASK_TAGS_MAX, tags: current }), {
      parse: (text) => {
        const tags = parseTags(text);
        if (tags.length === 0) throw new DomainError('tags_invalid', 'No tags', { field: 'tags', reason: 'empty' });
        return tags;
      },
      explain: (err) =>
        reasonOf(err).reason === 'too_many' ? t('task-tags-too-many', { max: TASK_TAGS_MAX }) : t('task-tags-invalid'),
      clear: task.tags.length ? t('dialog-clear-tags') : undefined,
    });
    if ('value' in answer) await save(dialog, taskId, { tags: answer.value }, 'task-saved-tags');
    else await save(dialog, taskId, { tags: [] }, 'task-cleared-tags');
  }

  async function commentAdd(conversation: BotConversation, ctx: ConvContext, taskId: string) {
    const task = await start(conversation, taskId, 'any');
    if (!task) return;
    const t = translator.forLocale(task.locale);
    const dialog = await open(conversation, ctx, t, { screen: TASK_BACK.comments, id: taskId });
    const prompt = t('comment-prompt', { max: COMMENT_TEXT_MAX, title: clip(task.title, 64) });
    // Over the limit of new comments (a script, not a person): asked again, saying how long to wait.
    let lead = '';
    for (;;) {
      const parsed = await askParsed(dialog, lead ? `${lead}\n\n${prompt}` : prompt, {
        parse: parseCommentText,
        explain: (err) => commentError(t, err),
      });
      if (!('value' in parsed)) return;
      const outcome = await dialog.finish(async (outer, how): Promise<'done' | { wait: number }> => {
        try {
          await addComment(
            outer.em,
            { cache: outer.deps.commentCache, effects: outer.deps.taskEffects, limiter: outer.deps.limiter },
            outer.user,
            taskId,
            parsed.value,
          );
        } catch (err) {
          const wait = limitedFor(err);
          if (wait !== undefined) return { wait };
          if (!isNotFound(err)) throw err;
          await showTaskGone(outer, screens, how);
          return 'done';
        }
        forgetTask(outer, taskId);
        await showCommentsIn(outer, screens, taskId, how, { page: LAST_PAGE, notice: outer.t('comment-added') });
        return 'done';
      });
      if (outcome === 'done') return;
      lead = t('comment-rate-limited', { limit: WRITE_LIMITS.comment.count, seconds: outcome.wait });
    }
  }

  async function commentEdit(conversation: BotConversation, ctx: ConvContext, taskId: string, commentId: string) {
    const comment = await conversation.external(async (outer) => {
      const all = await taskComments(outer, taskId);
      const found = all?.find((c) => c.id === commentId && c.author.id === outer.user.id);
      if (!found) {
        await outer.reply(outer.t('comment-not-found'));
        return null;
      }
      return { ...me(outer), text: found.text };
    });
    if (!comment) return;
    const t = translator.forLocale(comment.locale);
    const dialog = await open(conversation, ctx, t, { screen: TASK_BACK.comments, id: taskId });
    const prompt = t('comment-edit-prompt', { max: COMMENT_TEXT_MAX });
    const parsed = await askParsed(
      dialog,
      `${prompt}\n\n<blockquote>${clipEscaped(comment.text, 3000).text}</blockquote>`,
      { parse: parseCommentText, explain: (err) => commentError(t, err) },
    );
    if (!('value' in parsed)) return;
    await dialog.finish(async (outer, how) => {
      let notice = outer.t('comment-edited');
      try {
        await editComment(
          outer.em,
          { cache: outer.deps.commentCache, effects: outer.deps.taskEffects },
          outer.user,
          taskId,
          commentId,
          parsed.value,
        );
      } catch (err) {
        if (!isNotFound(err)) throw err;
        notice = outer.t('comment-not-found');
      }
      forgetTask(outer, taskId);
      if (!(await visibleTask(outer, taskId))) return showTaskGone(outer, screens, how);
      await showCommentsIn(outer, screens, taskId, how, { notice });
    });
  }

  return {
    [TASK_CONVERSATIONS.newTask]: newTask,
    [TASK_CONVERSATIONS.title]: taskTitle,
    [TASK_CONVERSATIONS.description]: taskDescription,
    [TASK_CONVERSATIONS.due]: taskDue,
    [TASK_CONVERSATIONS.tags]: taskTags,
    [TASK_CONVERSATIONS.addComment]: commentAdd,
    [TASK_CONVERSATIONS.editComment]: commentEdit,
    [TASK_CONVERSATIONS.assign]: taskAssign,
  };
}
