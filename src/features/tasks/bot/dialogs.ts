import type { BotContext, BotConversation, ConvContext } from '../../../platform/bot/context.js';
import { askText } from '../../../platform/bot/ui/ask.js';
import { commandName } from '../../../platform/bot/ui/commands.js';
import { clip } from '../../../platform/bot/ui/payload.js';
import { showScreen } from '../../../platform/bot/ui/screen.js';
import { DomainError } from '../../../platform/errors.js';
import type { Translate, Translator } from '../../../platform/i18n/translator.js';
import { formatLocal, localParts, parseDueDate } from '../../../platform/time/local-dates.js';
import { addComment, editComment, parseCommentText } from '../comments.js';
import { COMMENT_TEXT_MAX, TASK_DESCRIPTION_MAX, TASK_TAGS_MAX, TASK_TITLE_MAX } from '../task.entities.js';
import { createTask, parseDescription, parseTags, parseTitle, type TaskPatch, updateTask } from '../tasks.js';
import { clipEscaped, forgetTask, LAST_PAGE, ownTask, taskComments, view } from './list.js';
import { showComments, TASK_CONVERSATIONS, type TaskScreens, taskNotFound } from './screens.js';

/**
 * Task and comment dialogs: new task (title → description → due date → card), the four
 * edits of a card, and adding / editing a comment. Each re-asks with an example on bad input
 * and states the limit for over-long input; /cancel (global) leaves; a pressed button leaves
 * too and does what it says. Conversations are replayed on every update, so everything that
 * touches the database, Redis or the clock runs inside `conversation.external` (or
 * `conversation.now()`) and returns plain data. Bump CONVERSATION_VERSION when steps change.
 */

/** `/skip`, `/clear`: the conversation commands a step may accept (cancel.ts lets them through). */
const command = (text: string) => (text.trim().startsWith('/') ? (commandName(text.trim()) ?? null) : null);

function attempt<T>(parse: () => T): { value: T } | { error: DomainError } {
  try {
    return { value: parse() };
  } catch (err) {
    if (err instanceof DomainError) return { error: err };
    throw err;
  }
}

/**
 * Asks until the answer is usable: one of the step's `accept`ed commands (returned as such), or
 * text that `parse` accepts. Any other command re-asks with `onCommand` (default: the prompt);
 * a parse error is explained with `explain`.
 */
async function askParsed<T, C extends string = never>(
  conversation: BotConversation,
  prompt: string,
  options: { parse(text: string): T; explain(err: DomainError): string; accept?: readonly C[]; onCommand?: string },
): Promise<{ value: T } | { command: C }> {
  for (;;) {
    const answer = await askText(conversation, prompt);
    const text = answer.message.text;
    const cmd = command(text);
    if (cmd && (options.accept as readonly string[] | undefined)?.includes(cmd)) return { command: cmd as C };
    if (cmd) {
      await answer.reply(options.onCommand ?? prompt);
      continue;
    }
    const parsed = attempt(() => options.parse(text));
    if ('value' in parsed) return parsed;
    await answer.reply(options.explain(parsed.error));
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

type DueAnswer = { dueAt: Date } | { error: 'format' } | { error: 'past'; shown: string };

/** A due date typed in the user's zone; the clock comes from conversation.now() so replays agree. */
async function readDue(conversation: BotConversation, input: string, timezone: string): Promise<DueAnswer> {
  const now = await conversation.now();
  const dueAt = parseDueDate(input, timezone, new Date(now));
  if (!dueAt) return { error: 'format' };
  if (dueAt.getTime() <= now) return { error: 'past', shown: formatLocal(dueAt, timezone) };
  return { dueAt };
}

/** Example dates that are always ahead: the first of next month, 18:00, in both numeric formats. */
async function dueExamples(conversation: BotConversation, timezone: string) {
  const now = localParts(new Date(await conversation.now()), timezone);
  const year = now.month === 12 ? now.year + 1 : now.year;
  const month = String((now.month % 12) + 1).padStart(2, '0');
  return { iso: `${year}-${month}-01 18:00`, dotted: `01.${month}.${year} 18:00` };
}

function dueError(
  t: Translate,
  answer: Exclude<DueAnswer, { dueAt: Date }>,
  input: string,
  examples: { iso: string; dotted: string },
): string {
  return answer.error === 'past'
    ? t('task-due-past', { due: answer.shown })
    : t('task-due-invalid', { input: clip(input, 64), ...examples });
}

const isPast = (err: unknown) =>
  err instanceof DomainError && (err.details as { reason?: string } | undefined)?.reason === 'past';
const isNotFound = (err: unknown) => err instanceof DomainError && err.code === 'not_found';

interface Me {
  locale: BotContext['locale'];
  timezone: string;
}

const me = (outer: BotContext): Me => ({ locale: outer.user.language, timezone: outer.user.timezone });

export function taskConversations(translator: Translator, screens: TaskScreens) {
  /** Saves a patch through the domain and shows the card with a notice; 'missing': gone, and the user was told. */
  const save = (conversation: BotConversation, taskId: string, patch: TaskPatch, notice: string) =>
    conversation.external(async (outer): Promise<'saved' | 'missing' | 'past'> => {
      try {
        const task = await updateTask(outer.em, outer.deps.taskEffects, outer.user, taskId, patch);
        Object.assign(view(outer), { task, notice: outer.t(notice) });
        await showScreen(outer, screens.taskCard, 'reply');
        return 'saved';
      } catch (err) {
        if (isNotFound(err)) {
          await taskNotFound(outer, screens, 'reply');
          return 'missing';
        }
        if (isPast(err)) return 'past';
        throw err;
      }
    });

  /** The task as the dialog starts (plain data), or null after telling the user it is gone. */
  const start = (conversation: BotConversation, taskId: string) =>
    conversation.external(async (outer) => {
      const task = await ownTask(outer, taskId);
      if (!task) {
        await taskNotFound(outer, screens, 'reply');
        return null;
      }
      return {
        ...me(outer),
        title: task.title,
        dueAt: task.dueAt ? formatLocal(task.dueAt, outer.user.timezone) : null,
        tags: task.tags,
      };
    });

  async function newTask(conversation: BotConversation, ctx: ConvContext) {
    const { locale, timezone } = await conversation.external(me);
    const t = translator.forLocale(locale);

    const titlePrompt = t('task-new-title-prompt', { max: TASK_TITLE_MAX });
    await ctx.reply(titlePrompt);
    const titleAnswer = await askParsed(conversation, titlePrompt, {
      parse: parseTitle,
      explain: (err) => titleError(t, err),
      onCommand: t('task-title-required'),
    });
    if (!('value' in titleAnswer)) return;
    const title = titleAnswer.value;

    const descriptionPrompt = t('task-new-description-prompt', { max: TASK_DESCRIPTION_MAX });
    await ctx.reply(descriptionPrompt);
    const descriptionAnswer = await askParsed(conversation, descriptionPrompt, {
      parse: parseDescription,
      explain: (err) => descriptionError(t, err),
      accept: ['skip'],
    });
    const description = 'value' in descriptionAnswer ? descriptionAnswer.value : '';

    const examples = await dueExamples(conversation, timezone);
    const duePrompt = t('task-new-due-prompt', { timezone, ...examples });
    await ctx.reply(duePrompt);
    for (;;) {
      const answer = await askText(conversation, duePrompt);
      const text = answer.message.text;
      const cmd = command(text);
      let dueAt: Date | null = null;
      if (cmd && cmd !== 'skip') {
        await answer.reply(duePrompt);
        continue;
      }
      if (!cmd) {
        const due = await readDue(conversation, text, timezone);
        if ('error' in due) {
          await answer.reply(dueError(t, due, text, examples));
          continue;
        }
        dueAt = due.dueAt;
      }
      const outcome = await conversation.external(async (outer): Promise<'created' | 'past'> => {
        try {
          const task = await createTask(outer.em, outer.deps.taskEffects, outer.user, { title, description, dueAt });
          Object.assign(view(outer), { task, notice: outer.t('task-created') });
          await showScreen(outer, screens.taskCard, 'reply');
          return 'created';
        } catch (err) {
          // The time typed was ahead a moment ago and has passed while saving.
          if (isPast(err)) return 'past';
          throw err;
        }
      });
      if (outcome === 'created') return;
      await answer.reply(t('task-due-past', { due: text }));
    }
  }

  async function taskTitle(conversation: BotConversation, ctx: ConvContext, taskId: string) {
    const task = await start(conversation, taskId);
    if (!task) return;
    const t = translator.forLocale(task.locale);
    const prompt = t('task-title-prompt', { max: TASK_TITLE_MAX, title: task.title });
    await ctx.reply(prompt);
    const answer = await askParsed(conversation, prompt, {
      parse: parseTitle,
      explain: (err) => titleError(t, err),
      onCommand: t('task-title-required'),
    });
    if ('value' in answer) await save(conversation, taskId, { title: answer.value }, 'task-saved-title');
  }

  async function taskDescription(conversation: BotConversation, ctx: ConvContext, taskId: string) {
    const task = await start(conversation, taskId);
    if (!task) return;
    const t = translator.forLocale(task.locale);
    const prompt = t('task-description-prompt', { max: TASK_DESCRIPTION_MAX });
    await ctx.reply(prompt);
    const answer = await askParsed(conversation, prompt, {
      parse: parseDescription,
      explain: (err) => descriptionError(t, err),
      accept: ['clear'],
    });
    if ('value' in answer) await save(conversation, taskId, { description: answer.value }, 'task-saved-description');
    else await save(conversation, taskId, { description: '' }, 'task-cleared-description');
  }

  async function taskDue(conversation: BotConversation, ctx: ConvContext, taskId: string) {
    const task = await start(conversation, taskId);
    if (!task) return;
    const t = translator.forLocale(task.locale);
    const examples = await dueExamples(conversation, task.timezone);
    const prompt = t('task-due-prompt', { timezone: task.timezone, due: task.dueAt ?? t('not-set'), ...examples });
    await ctx.reply(prompt);
    for (;;) {
      const answer = await askText(conversation, prompt);
      const text = answer.message.text;
      const cmd = command(text);
      if (cmd === 'clear' || cmd === 'skip') {
        await save(conversation, taskId, { dueAt: null }, 'task-cleared-due');
        return;
      }
      if (cmd) {
        await answer.reply(prompt);
        continue;
      }
      const due = await readDue(conversation, text, task.timezone);
      if ('error' in due) {
        await answer.reply(dueError(t, due, text, examples));
        continue;
      }
      const outcome = await save(conversation, taskId, { dueAt: due.dueAt }, 'task-saved-due');
      if (outcome !== 'past') return;
      await answer.reply(t('task-due-past', { due: text }));
    }
  }

  async function taskTags(conversation: BotConversation, ctx: ConvContext, taskId: string) {
    const task = await start(conversation, taskId);
    if (!task) return;
    const t = translator.forLocale(task.locale);
    const current = task.tags.length ? task.tags.map((tag) => `#${tag}`).join(' ') : t('not-set');
    const prompt = t('task-tags-prompt', { max: TASK_TAGS_MAX, tags: current });
    await ctx.reply(prompt);
    for (;;) {
      const answer = await askText(conversation, prompt);
      const text = answer.message.text;
      const cmd = command(text);
      if (cmd === 'clear') {
        await save(conversation, taskId, { tags: [] }, 'task-cleared-tags');
        return;
      }
      if (cmd) {
        await answer.reply(prompt);
        continue;
      }
      const parsed = attempt(() => parseTags(text));
      if ('error' in parsed) {
        const { reason } = reasonOf(parsed.error);
        await answer.reply(
          reason === 'too_many' ? t('task-tags-too-many', { max: TASK_TAGS_MAX }) : t('task-tags-invalid'),
        );
        continue;
      }
      if (parsed.value.length === 0) {
        await answer.reply(prompt);
        continue;
      }
      await save(conversation, taskId, { tags: parsed.value }, 'task-saved-tags');
      return;
    }
  }

  async function commentAdd(conversation: BotConversation, ctx: ConvContext, taskId: string) {
    const task = await start(conversation, taskId);
    if (!task) return;
    const t = translator.forLocale(task.locale);
    const prompt = t('comment-prompt', { max: COMMENT_TEXT_MAX, title: clip(task.title, 64) });
    await ctx.reply(prompt);
    const parsed = await askParsed(conversation, prompt, {
      parse: parseCommentText,
      explain: (err) => commentError(t, err),
    });
    if (!('value' in parsed)) return;
    await conversation.external(async (outer) => {
      try {
        await addComment(
          outer.em,
          { cache: outer.deps.commentCache, effects: outer.deps.taskEffects },
          outer.user,
          taskId,
          parsed.value,
        );
      } catch (err) {
        if (isNotFound(err)) return taskNotFound(outer, screens, 'reply');
        throw err;
      }
      forgetTask(outer, taskId);
      await showComments(outer, screens, taskId, { page: LAST_PAGE, notice: outer.t('comment-added'), how: 'reply' });
    });
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
    const prompt = t('comment-edit-prompt', { max: COMMENT_TEXT_MAX });
    await ctx.reply(`${prompt}\n\n<blockquote>${clipEscaped(comment.text, 3000).text}</blockquote>`);
    const parsed = await askParsed(conversation, prompt, {
      parse: parseCommentText,
      explain: (err) => commentError(t, err),
    });
    if (!('value' in parsed)) return;
    await conversation.external(async (outer) => {
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
        if (isNotFound(err)) return void (await outer.reply(outer.t('comment-not-found')));
        throw err;
      }
      forgetTask(outer, taskId);
      await showComments(outer, screens, taskId, { notice: outer.t('comment-edited'), how: 'reply' });
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
  };
}
