import { InlineKeyboard } from 'grammy';
import type { Message } from 'grammy/types';
import type { BotContext, BotConversation, ConvContext } from '../../../platform/bot/context.js';
import { ASK, closeDialog, stripButtons } from '../../../platform/bot/ui/ask.js';
import { commandName } from '../../../platform/bot/ui/commands.js';
import { type Screen, showInMessage, showScreen, visiblePressedMessage } from '../../../platform/bot/ui/screen.js';
import { DomainError } from '../../../platform/errors.js';
import type { Translate, Translator } from '../../../platform/i18n/translator.js';
import { formatDateTime, localParts, parseDueDate } from '../../../platform/time/local-dates.js';
import { denyUnlessAdmin, isAdmin } from '../../admin/index.js';
import { FILTER_VALUES_MAX, normalizeFilter } from '../audience.js';
import { audienceText, languageLabel } from '../card.js';
import { isPublicUrl } from '../clicks.js';
import {
  BUTTON_ROWS_MAX,
  BUTTON_TEXT_MAX,
  BUTTON_URL_MAX,
  BUTTONS_PER_ROW_MAX,
  type ContentInput,
  checkButtons,
  type MailingContent,
  validateContent,
} from '../content.js';
import { sendMailingTo } from '../jobs/test-send.js';
import type { MailingButton, MailingFilter, TextEntity } from '../mailing.entities.js';
import {
  countAudience,
  createMailing,
  type MailingPatch,
  type MailingWindow,
  parseWindowText,
  updateMailing,
} from '../mailings.js';
import {
  MAILING_BACK,
  MAILING_CONVERSATIONS,
  MAILINGS_BACK,
  type MailingScreens,
  openMailing,
  showMailingIn,
} from './screens.js';
import { loadMailing, mailingCardText } from './views.js';

/**
 * The new-mailing dialog (SPEC §2.5): content (the admin sends or forwards the message as it
 * should look: a text with Telegram's formatting, or a photo, video, GIF or document with a
 * caption; entities and file ids are kept, nothing is re-encoded) → URL buttons (optional) →
 * audience (one message, edited in place, with live recipient counts) → start (now or a local
 * date-time) → end → optional local window → preview (the mailing sent to the admin exactly as
 * recipients get it; what Telegram refuses there asks for the message and buttons again) →
 * summary → create. Bad input is told why in the admin's language, in one hint below it that goes
 * once the step is answered (`hint`). The admin check runs again when the mailing is created.
 * Buttons of this dialog use plain callback data `mn:<x>`.
 *
 * The same steps (askContent, askButtons, chooseAudience, askStart, askEnd, askWindow) serve the
 * ✏️ Edit dialog of a scheduled mailing (`editMailing`, below), one at a time, with ◀️ Back.
 */
const pad = (n: number) => String(n).padStart(2, '0');

/** The interface languages, in the order of their toggles. */
const AUDIENCE_LANGUAGES = ['ru', 'en'] as const;
const AUDIENCE_CHOICES = new Set(['all', 'tags', 'ops', 'go', ...AUDIENCE_LANGUAGES]);

const isEveryone = (filter: MailingFilter) =>
  !filter.tags?.length && !filter.operatorCodes?.length && !filter.languages?.length;

/** The filter with one condition replaced (an empty list drops it). */
function withValues(filter: MailingFilter, kind: keyof MailingFilter, values: string[]): MailingFilter {
  const next: MailingFilter = { ...filter };
  if (values.length) next[kind] = values;
  else delete next[kind];
  return next;
}

/** The filter with `language` added to or removed from its languages (kept in toggle order). */
function toggleLanguage(filter: MailingFilter, language: string): MailingFilter {
  const current = new Set(filter.languages ?? []);
  if (current.has(language)) current.delete(language);
  else current.add(language);
  const known: readonly string[] = AUDIENCE_LANGUAGES;
  const ordered = [...known.filter((l) => current.has(l)), ...[...current].filter((l) => !known.includes(l))];
  return withValues(filter, 'languages', ordered);
}

/** What the admin sent, as mailing content: a text with its entities, or media with its caption. */
export function contentFromMessage(message: Message): ContentInput | null {
  const caption = { text: message.caption ?? '', entities: (message.caption_entities ?? []) as TextEntity[] };
  if (message.photo?.length)
    return { ...caption, media: { type: 'photo', fileId: message.photo.at(-1)?.file_id ?? '' } };
  if (message.animation) return { ...caption, media: { type: 'animation', fileId: message.animation.file_id } };
  if (message.video) return { ...caption, media: { type: 'video', fileId: message.video.file_id } };
  if (message.document) return { ...caption, media: { type: 'document', fileId: message.document.file_id } };
  if (message.text !== undefined) return { text: message.text, entities: (message.entities ?? []) as TextEntity[] };
  return null;
}

/** `Label https://…` per button, `|` between buttons of a row, one row per line. */
export function parseButtonLines(input: string): MailingButton[][] {
  return input
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) =>
      line.split('|').map((part) => {
        const match = /^(.*?)\s*[-–—:]?\s*(\S+)$/su.exec(part.trim());
        const [, text = '', url = ''] = match ?? [];
        return { text, url };
      }),
    );
}

/** A content refusal of the domain in the admin's language. */
export function contentProblem(t: Translate, err: DomainError): string {
  const d = (err.details ?? {}) as {
    field?: string;
    reason?: string;
    row?: number;
    column?: number;
    length?: number;
    max?: number;
  };
  const at = { row: d.row ?? 1, column: d.column ?? 1 };
  switch (d.reason) {
    case 'empty':
      return t('mailing-content-empty');
    // Numbers, not strings: the plural ("4101 символ", "4102 символа") is chosen by the number's
    // category; a string only matches a variant named exactly so, and Russian got the default.
    case 'too_long':
      return t('mailing-text-too-long', { length: d.length ?? 0, max: d.max ?? 4096 });
    case 'caption_too_long':
      return t('mailing-caption-too-long', { length: d.length ?? 0, max: d.max ?? 1024 });
    case 'too_many_rows':
      return t('mailing-buttons-too-many', { rows: BUTTON_ROWS_MAX, perRow: BUTTONS_PER_ROW_MAX });
    case 'too_many_in_row':
      return t('mailing-buttons-row-too-long', { ...at, perRow: BUTTONS_PER_ROW_MAX });
    case 'text_empty':
      return t('mailing-buttons-no-label', at);
    case 'text_too_long':
      return t('mailing-buttons-label-too-long', { ...at, max: BUTTON_TEXT_MAX });
    case 'url_empty':
    case 'url_format':
      return t('mailing-buttons-url-invalid', at);
    case 'url_scheme':
      return t('mailing-buttons-url-scheme', at);
    case 'url_too_long':
      return t('mailing-buttons-url-too-long', { ...at, max: BUTTON_URL_MAX });
    default:
      return t('mailing-invalid', { error: err.message });
  }
}

interface Me {
  locale: 'ru' | 'en';
  timezone: string;
  /** PUBLIC_URL (absent in a conversation begun before it was kept here). */
  publicUrl?: string;
}

/** A step's answer when ◀️ Back was pressed (the edit dialog only). */
const BACK = Symbol('back');

/** What a dialog step needs: the dialog, the admin, where its prompt goes, and whether it offers Back. */
interface Step {
  conversation: BotConversation;
  t: Translate;
  me: Me;
  /** Shows the step's question: a new message when creating, the card's message when editing. */
  prompt(text: string, keyboard?: InlineKeyboard): Promise<void>;
  /** Editing: the prompt has ◀️ Back (`mn:back`), which answers BACK. */
  back: boolean;
}

/**
 * `screens.main`: the main menu, where a dialog of an admin demoted meanwhile ends (the home
 * feature passes all its screens; mailings cannot import home).
 */
export function mailingConversations(translator: Translator, screens: MailingScreens & { main: Screen }) {
  const count = (conversation: BotConversation, filter: MailingFilter) =>
    conversation.external((outer) => countAudience(outer.em, filter));

  /**
   * The hint on screen in a run of a dialog, by its handle (a replay makes a new handle and
   * rebuilds this from the replayed `external` results).
   */
  const hints = new WeakMap<BotConversation, number>();

  /**
   * Tells the admin what was wrong with what they just sent (its reason, "use the buttons above",
   * "I need text here"). A polished chat keeps no correction once it has been acted on and never
   * stacks two: the hint is one message right below the admin's message, where they are looking
   * (the screen above stays as it is, its buttons where they were, and is never edited to carry
   * it — so no "message is not modified" either). It lives until the dialog takes its next update
   * (`nextUpdate` deletes it): the answer, a press, or another wrong message, which gets its own
   * hint below it; and when the dialog ends, closeDialog deletes it (✖️ Cancel, /cancel, create,
   * save, an admin demoted), as it is kept in `session.dialog.reasks`.
   */
  async function hint(conversation: BotConversation, text: string): Promise<void> {
    const shown = await conversation.external(async (outer) => {
      const sent = await outer.reply(text);
      const dialog = (await outer.session).dialog;
      if (dialog) dialog.reasks = [...(dialog.reasks ?? []), sent.message_id];
      return sent.message_id;
    });
    hints.set(conversation, shown);
  }

  /** Deletes the hint shown, if any (best effort: one the admin deleted is gone either way). */
  async function dropHint(conversation: BotConversation): Promise<void> {
    const shown = hints.get(conversation);
    if (shown === undefined) return;
    hints.delete(conversation);
    await conversation.external(async (outer) => {
      const dialog = (await outer.session).dialog;
      if (dialog?.reasks) dialog.reasks = dialog.reasks.filter((id) => id !== shown);
      if (outer.chat) await outer.api.deleteMessage(outer.chat.id, shown).catch(() => {});
    });
  }

  /**
   * The dialog's next update, from an admin (SPEC §2.4): every step checks the role again, as the
   * edit dialog's save does, so an admin demoted meanwhile sees no more audience counts nor
   * questions. They get "not allowed", the dialog ends, and its message becomes the main menu
   * (its screens are for admins only). A press of a button outside the dialog is not checked
   * here: it leaves the dialog and does what it says (its own handler checks the role). Whatever
   * comes, the hint to the update before has served (see `hint`).
   */
  async function nextUpdate(conversation: BotConversation): Promise<ConvContext> {
    const next = await conversation.wait();
    await dropHint(conversation);
    const data = next.callbackQuery?.data;
    if (data !== undefined && !data.startsWith('mn:')) return next;
    const allowed = await conversation.external(async (outer) => {
      if (isAdmin(outer.user)) return true;
      await denyUnlessAdmin(outer);
      const how = await closeDialog(outer);
      await showScreen(outer, screens.main, how);
      return false;
    });
    if (!allowed) await conversation.halt();
    return next;
  }

  /**
   * Waits for one of this dialog's buttons (answering it) or a text; other buttons leave the dialog.
   * `refuse` may turn a button down: its answer is then an alert with that text, and the wait goes on.
   * `again` is said to a message that is not text (a sticker, a photo). `buttonsOnly`: the step
   * takes no message at all (a screen of buttons), and any message, text or not, is answered with
   * this hint, the screen above staying as it is (SPEC §2: anything sent gets a clear answer).
   */
  async function waitChoice(
    conversation: BotConversation,
    options: { refuse?: (data: string) => string | undefined; again?: string; buttonsOnly?: string } = {},
  ): Promise<{ data?: string; text?: string; ctx: ConvContext }> {
    const { refuse, again, buttonsOnly } = options;
    for (;;) {
      const next = await nextUpdate(conversation);
      const data = next.callbackQuery?.data;
      if (data !== undefined) {
        if (!data.startsWith('mn:')) await conversation.halt({ next: true });
        const refusal = refuse?.(data.slice(3));
        if (refusal !== undefined) {
          await next.answerCallbackQuery({ text: refusal, show_alert: true });
          continue;
        }
        await next.answerCallbackQuery();
        return { data: data.slice(3), ctx: next };
      }
      if (!next.message) continue;
      if (buttonsOnly !== undefined) await hint(conversation, buttonsOnly);
      else if (next.message.text !== undefined) return { text: next.message.text, ctx: next };
      else if (again !== undefined) await hint(conversation, again);
    }
  }

  /** Counts each filter's audience; equal filters are counted once, all in one `external`. */
  async function counts(conversation: BotConversation, filters: MailingFilter[]): Promise<number[]> {
    const keys = filters.map((f) => JSON.stringify(normalizeFilter(f)));
    const unique = [...new Set(keys)];
    const found = await conversation.external(async (outer) => {
      const out: number[] = [];
      for (const key of unique) out.push(await countAudience(outer.em, JSON.parse(key) as MailingFilter));
      return out;
    });
    return keys.map((key) => found[unique.indexOf(key)] ?? 0);
  }

  /**
   * Shows `text` in the dialog's message `messageId` (edited in place; an unchanged screen is not
   * sent again), or in a new message when there is none yet or it can no longer be edited. The
   * message shown in becomes the dialog's (`session.dialog.messageId`: where ✖️ Cancel and
   * /cancel show the screen the dialog started from) when it has buttons; the one before it
   * loses its buttons, so only the current step's can be pressed.
   */
  async function display(
    conversation: BotConversation,
    chatId: number,
    messageId: number | undefined,
    text: string,
    keyboard?: InlineKeyboard,
  ): Promise<number> {
    return conversation.external(async (outer) => {
      const shownIn = await showInMessage(
        outer.api,
        chatId,
        messageId,
        text,
        keyboard ? { reply_markup: keyboard } : {},
      );
      const dialog = (await outer.session).dialog;
      if (dialog && dialog.messageId !== shownIn) {
        if (dialog.messageId !== undefined) await stripButtons(outer, [dialog.messageId]);
        dialog.messageId = shownIn;
      }
      // A text without buttons asks nothing (the audience once chosen): the message is a record
      // of its step, and the next question does not strip the buttons this edit dropped already.
      if (dialog && !keyboard) dialog.messageId = undefined;
      return shownIn;
    });
  }

  /**
   * The audience builder (SPEC §2.5): one message whose text shows the audience and its recipient
   * count now, and whose buttons combine the conditions — Everyone (clears them), Tags… and Operator
   * codes… (typed, `/skip` or `-` removes that condition), language toggles — each with the count
   * pressing it would give, and Continue with the current count (refused at 0). A recipient must
   * match every condition given; within one, any value (as in the API). The message is edited in
   * place; at most four COUNTs per change, none for a press that changes nothing to count.
   * Editing, it starts from the mailing's filter in the card's message and offers ◀️ Back.
   */
  async function chooseAudience(
    conversation: BotConversation,
    ctx: ConvContext,
    t: Translate,
    edit?: { filter: MailingFilter; messageId: number | undefined },
  ): Promise<MailingFilter | typeof BACK> {
    const chatId = ctx.chat?.id ?? 0;
    let filter: MailingFilter = edit?.filter ?? {};
    let messageId: number | undefined = edit?.messageId;
    let shownText = '';
    let shownKeyboard = '';
    const show = async (text: string, keyboard?: InlineKeyboard) => {
      const markup = JSON.stringify(keyboard?.inline_keyboard ?? null);
      if (messageId !== undefined && text === shownText && markup === shownKeyboard) return;
      messageId = await display(conversation, chatId, messageId, text, keyboard);
      shownText = text;
      shownKeyboard = markup;
    };

    let screen: { header: string; text: string; keyboard: InlineKeyboard; recipients: number } | undefined;
    for (;;) {
      if (!screen) {
        const toggled = AUDIENCE_LANGUAGES.map((language) => toggleLanguage(filter, language));
        const [recipients = 0, everyone = 0, ...byLanguage] = await counts(conversation, [filter, {}, ...toggled]);
        const mark = (on: boolean, label: string) => (on ? `✓ ${label}` : label);
        const keyboard = new InlineKeyboard()
          .text(mark(isEveryone(filter), t('mailing-audience-everyone', { count: everyone })), 'mn:all')
          .row()
          .text(mark(Boolean(filter.tags?.length), t('mailing-audience-tags')), 'mn:tags')
          .text(mark(Boolean(filter.operatorCodes?.length), t('mailing-audience-operators')), 'mn:ops')
          .row();
        AUDIENCE_LANGUAGES.forEach((language, i) => {
          const label = t('mailing-audience-language', { label: languageLabel(language), count: byLanguage[i] ?? 0 });
          keyboard.text(mark(filter.languages?.includes(language) ?? false, label), `mn:${language}`);
        });
        keyboard
          .row()
          .text(
            recipients > 0
              ? t('mailing-audience-continue', { count: recipients })
              : t('mailing-audience-continue-none'),
            'mn:go',
          );
        if (edit) keyboard.row().text(t('back'), 'mn:back');
        else keyboard.row().text(t('dialog-cancel'), ASK.cancel);
        const header = t('mailing-audience-prompt', { audience: audienceText(t, filter), count: recipients });
        screen = { header, text: `${header}\n\n${t('mailing-audience-hint')}`, keyboard, recipients };
      }
      await show(screen.text, screen.keyboard);

      const shown = screen;
      const refuse = (data: string) =>
        data === 'go' && shown.recipients === 0 ? t('mailing-audience-nobody') : undefined;
      let choice: string | undefined;
      do choice = (await waitChoice(conversation, { refuse, buttonsOnly: t('mailing-audience-use-buttons') })).data;
      while (!choice || !(AUDIENCE_CHOICES.has(choice) || (edit && choice === 'back')));

      if (choice === 'back') return BACK;
      if (choice === 'go') {
        await show(shown.header);
        return filter;
      }
      if (choice === 'all') filter = {};
      else if (choice === 'ru' || choice === 'en') filter = toggleLanguage(filter, choice);
      else {
        const kind = choice === 'tags' ? 'tags' : 'operatorCodes';
        const prompt = t(kind === 'tags' ? 'mailing-audience-tags-prompt' : 'mailing-audience-operators-prompt');
        await show(`${shown.header}\n\n${prompt}`, new InlineKeyboard().text(t('back'), 'mn:back'));
        const changed = await askValues(conversation, t, filter, kind);
        if (!changed) continue; // Back: the same screen again, nothing to count.
        filter = changed;
      }
      screen = undefined;
    }
  }

  /** Reads the values of one condition as text; null for Back. Bad values re-ask with the reason. */
  async function askValues(
    conversation: BotConversation,
    t: Translate,
    filter: MailingFilter,
    kind: 'tags' | 'operatorCodes',
  ): Promise<MailingFilter | null> {
    for (;;) {
      const answer = await waitChoice(conversation, { again: t('dialog-not-text') });
      if (answer.data === 'back') return null;
      if (answer.text === undefined) continue;
      const input = answer.text.trim();
      const command = commandName(input);
      if (/^[-–—]$/.test(input) || command === 'skip' || command === 'clear') return withValues(filter, kind, []);
      const values = input
        .split(/[\s,]+/)
        .map((v) => v.replace(/^#+/, '').trim())
        .filter(Boolean)
        .map((v) => (kind === 'tags' ? v.toLowerCase() : v));
      if (values.length === 0) {
        await hint(conversation, t('mailing-audience-values-empty'));
        continue;
      }
      try {
        return normalizeFilter({ ...filter, [kind]: values });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        const reason = (err.details as { reason?: string } | undefined)?.reason;
        await hint(
          conversation,
          reason === 'too_many'
            ? t('mailing-audience-too-many', { max: FILTER_VALUES_MAX })
            : reason === 'format'
              ? t(kind === 'tags' ? 'mailing-audience-tags-invalid' : 'mailing-audience-operators-invalid')
              : t('mailing-audience-values-invalid', { error: err.message }),
        );
      }
    }
  }

  /**
   * A date-time to type, `hoursAhead` after `from` (default: now), on the hour, in the admin's zone:
   * the form to copy ("2099-01-02 10:00"), so numeric, unlike the moments the dialog names (`inWords`).
   */
  async function example(conversation: BotConversation, timezone: string, hoursAhead: number, from?: Date) {
    const base = from ? from.getTime() : await conversation.now();
    const p = localParts(new Date(base + hoursAhead * 3600_000), timezone);
    return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:00`;
  }

  /**
   * A moment the dialog names (in a hint, the summary, a refusal): in words that stay true in the
   * chat, "Fri, Jan 2, 10:00" / «пт, 2 янв., 10:00» (formatDateTime), in the admin's zone.
   */
  const inWords = (t: Translate, me: Me, instant: Date, now?: Date) =>
    formatDateTime(instant, me.timezone, t, me.locale, now);

  async function readWhen(
    conversation: BotConversation,
    t: Translate,
    me: Me,
    input: string,
    exampleText: string,
  ): Promise<Date | string> {
    const now = await conversation.now();
    const when = parseDueDate(input, me.timezone, new Date(now));
    if (!when) return t('mailing-when-invalid', { input: input.slice(0, 64), example: exampleText });
    if (when.getTime() <= now) return t('mailing-when-past', { when: inWords(t, me, when, new Date(now)) });
    return when;
  }

  // -------------------------------------------------------------------------------------------
  // The steps, shared by the creation dialog (one after another, each prompt a new message) and
  // the edit dialog (one of them, its prompt in the card's message, with ◀️ Back to the choice).

  /**
   * The buttons of a prompt: its own, then ◀️ Back to the choice (editing) or ✖️ Cancel, which
   * leaves for the screen the dialog started from (creating; handled by home's /cancel).
   */
  function promptKeyboard(step: Step, own?: InlineKeyboard): InlineKeyboard {
    const keyboard = own ? own.row() : new InlineKeyboard();
    return step.back ? keyboard.text(step.t('back'), 'mn:back') : keyboard.text(step.t('dialog-cancel'), ASK.cancel);
  }

  /** 1. Content: the message as it should look (formatting, media and caption kept; buttons apart). */
  async function askContent(step: Step): Promise<MailingContent | typeof BACK> {
    const { conversation, t } = step;
    await step.prompt(t('mailing-content-prompt'), promptKeyboard(step));
    for (;;) {
      const next = await nextUpdate(conversation);
      const data = next.callbackQuery?.data;
      if (data !== undefined) {
        if (step.back && data === 'mn:back') {
          await next.answerCallbackQuery();
          return BACK;
        }
        await conversation.halt({ next: true });
      }
      const message = next.message;
      if (!message) continue;
      const draft = contentFromMessage(message);
      if (!draft) {
        await hint(conversation, t('mailing-content-unsupported'));
        continue;
      }
      try {
        return validateContent(draft);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        await hint(conversation, contentProblem(t, err));
      }
    }
  }

  /**
   * 1b. Buttons: one row per line, `Label https://…`, several in a row with `|`. Null: none (Skip
   * when creating, 🚫 No buttons when editing).
   */
  async function askButtons(step: Step): Promise<MailingButton[][] | null | typeof BACK> {
    const { conversation, t } = step;
    // Whether taps will be counted (clicks.ts): said here, where the admin decides on buttons.
    const publicUrl = step.me.publicUrl ?? '';
    const clicksNote = isPublicUrl(publicUrl)
      ? t('mailing-buttons-clicks-counted', { url: publicUrl })
      : t('mailing-buttons-clicks-off', { url: publicUrl });
    // Creating, ⏭ Skip adds none; editing, there is no Skip: 🚫 No buttons (or /skip) removes
    // them, and ◀️ Back keeps them as they are.
    const how = t(step.back ? 'mailing-buttons-edit-hint' : 'mailing-buttons-skip-hint');
    const rules = t('mailing-buttons-prompt', { rows: BUTTON_ROWS_MAX, perRow: BUTTONS_PER_ROW_MAX });
    const prompt = `${rules}\n${how}\n\n${clicksNote}`;
    const none = new InlineKeyboard().text(t(step.back ? 'mailing-buttons-none' : 'mailing-buttons-skip'), 'mn:skip');
    await step.prompt(prompt, promptKeyboard(step, none));
    for (;;) {
      const choice = await waitChoice(conversation, { again: t('dialog-not-text') });
      if (choice.data === 'skip') return null;
      if (choice.data === 'back' && step.back) return BACK;
      if (choice.text === undefined) continue;
      if (commandName(choice.text.trim()) === 'skip') return null;
      try {
        return checkButtons(parseButtonLines(choice.text));
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        await hint(conversation, contentProblem(t, err));
      }
    }
  }

  /** 3. Start: now (null) or a local date-time ahead (and, when editing, before the end). */
  async function askStart(step: Step, endAt?: Date): Promise<Date | null | typeof BACK> {
    const { conversation, t, me } = step;
    const startExample = await example(conversation, me.timezone, 1);
    const now = new InlineKeyboard().text(t('mailing-start-now'), 'mn:now');
    await step.prompt(
      t('mailing-start-prompt', { timezone: me.timezone, example: startExample }),
      promptKeyboard(step, now),
    );
    for (;;) {
      const choice = await waitChoice(conversation, { again: t('dialog-not-text') });
      if (choice.data === 'now') return null;
      if (choice.data === 'back' && step.back) return BACK;
      if (choice.text === undefined) continue;
      const when = await readWhen(conversation, t, me, choice.text, startExample);
      if (typeof when === 'string') {
        await hint(conversation, when);
        continue;
      }
      if (endAt && when.getTime() >= endAt.getTime()) {
        await hint(conversation, t('mailing-start-after-end', { end: inWords(t, me, endAt) }));
        continue;
      }
      return when;
    }
  }

  /** 4. End, ahead and after the start (`startAt` null: the start is now). */
  async function askEnd(step: Step, startAt: Date | null): Promise<Date | typeof BACK> {
    const { conversation, t, me } = step;
    // A day after the start, so the example is an answer the step takes (not one before a start next week).
    const endExample = startAt
      ? await example(conversation, me.timezone, 24, startAt)
      : await example(conversation, me.timezone, 25);
    const endPrompt = t('mailing-end-prompt', { timezone: me.timezone });
    await step.prompt(`${endPrompt}\n<code>${endExample}</code>`, promptKeyboard(step));
    for (;;) {
      const answer = await waitChoice(conversation, { again: endPrompt });
      if (answer.data === 'back' && step.back) return BACK;
      if (answer.text === undefined) continue;
      const when = await readWhen(conversation, t, me, answer.text, endExample);
      if (typeof when === 'string') {
        await hint(conversation, when);
        continue;
      }
      if (startAt && when.getTime() <= startAt.getTime()) {
        await hint(conversation, t('mailing-end-before-start', { start: inWords(t, me, startAt) }));
        continue;
      }
      return when;
    }
  }

  /** 5. Optional local window (null: any hour; ⏭ Skip or /skip, 🚫 No window when editing). */
  async function askWindow(step: Step): Promise<MailingWindow | null | typeof BACK> {
    const { conversation, t } = step;
    const windowPrompt = t('mailing-window-prompt');
    const none = new InlineKeyboard().text(t(step.back ? 'mailing-window-clear' : 'dialog-skip'), 'mn:skip');
    await step.prompt(windowPrompt, promptKeyboard(step, none));
    for (;;) {
      const answer = await waitChoice(conversation, { again: windowPrompt });
      if (answer.data === 'skip') return null;
      if (answer.data === 'back' && step.back) return BACK;
      if (answer.text === undefined) continue;
      const input = answer.text.trim();
      if (commandName(input) === 'skip') return null;
      // The domain's parser decides; every way a window can be wrong has the one hint.
      const parsed = parseWindowText(input);
      if ('problem' in parsed) {
        await hint(conversation, t('mailing-window-invalid'));
        continue;
      }
      return parsed.window;
    }
  }

  /** Who is writing, in what language and zone; null (after "not allowed") for a non-admin. */
  const whoAmI = (conversation: BotConversation) =>
    conversation.external(async (outer): Promise<Me | null> => {
      if (await denyUnlessAdmin(outer)) return null;
      return { locale: outer.user.language, timezone: outer.user.timezone, publicUrl: outer.deps.config.publicUrl };
    });

  async function newMailing(conversation: BotConversation, ctx: ConvContext) {
    const me = await whoAmI(conversation);
    if (!me) return;
    const t = translator.forLocale(me.locale);
    const chatId = ctx.chat?.id ?? 0;
    // Begun with Admin → 📨 Mailings → ➕ New, the first question takes over the list's message and
    // leaving shows the list there again; begun with /newmailing, leaving shows the main menu.
    let listMessage = ctx.callbackQuery ? visiblePressedMessage(ctx)?.message_id : undefined;
    const back = ctx.callbackQuery ? { screen: MAILINGS_BACK } : { screen: 'main' };
    await conversation.external(async (outer) => {
      (await outer.session).dialog = { back, messageId: listMessage, others: [] };
    });
    const step: Step = {
      conversation,
      t,
      me,
      back: false,
      // Each question in a message of its own below the admin's answer; the first in the list's.
      prompt: async (text, keyboard) => {
        await display(conversation, chatId, listMessage, text, keyboard);
        listMessage = undefined;
      },
    };
    /** Leaves the dialog: forgotten in the session, no button of it left to press. */
    const close = async (outer: BotContext) => {
      const how = await closeDialog(outer);
      if (typeof how === 'object') await stripButtons(outer, [how.messageId]);
    };

    /** 1. Content, 1b. buttons (the creation dialog offers no Back, so no step answers BACK). */
    const askMessage = async (): Promise<MailingContent | null> => {
      const content = await askContent(step);
      const buttons = await askButtons(step);
      if (content === BACK || buttons === BACK) return null;
      return { ...content, ...(buttons ? { buttons } : {}) };
    };
    let full = await askMessage();
    if (!full) return;

    // 2. Audience: one message, edited in place as the admin combines the conditions.
    const filter = await chooseAudience(conversation, ctx, t);
    if (filter === BACK) return;

    // 3. Start, 4. end, 5. window.
    const startAt = await askStart(step);
    if (startAt === BACK) return;
    // Not the button's label ("▶️ Now"): the summary says when that is.
    const startShown = startAt ? inWords(t, me, startAt) : t('mailing-summary-start-now');
    const endAt = await askEnd(step, startAt);
    const window = await askWindow(step);
    if (endAt === BACK || window === BACK) return;

    // 6. Preview: the mailing sent to the admin exactly as recipients get it (🔕 included). What
    // Telegram refuses (a button link it does not take, a file it cannot send) is said, and the
    // message and its buttons are asked again — not the end of the dialog with nothing to press;
    // the audience and the times stay. The refusal is a message of its own, not a hint: it has to
    // stay in sight over both questions.
    for (;;) {
      const message = full;
      const previewed = await conversation.external(async (outer) =>
        sendMailingTo(outer.api, outer.chat?.id ?? 0, message, outer.t('mailing-unsubscribe')),
      );
      if (previewed.ok) break;
      await ctx.reply(t('mailing-preview-failed', { error: previewed.description }));
      full = await askMessage();
      if (!full) return;
    }
    await ctx.reply(t('mailing-preview'));

    // 7. Summary and confirmation (✖️ Cancel leaves as everywhere in the dialog).
    const recipients = await count(conversation, filter);
    await display(
      conversation,
      chatId,
      undefined,
      t('mailing-summary', {
        audience: audienceText(t, filter),
        count: recipients,
        start: startShown,
        end: inWords(t, me, endAt),
        window: window ? `${window.from}-${window.to}` : t('mailing-window-none'),
        buttons: full.buttons?.flat().length ?? 0,
      }),
      new InlineKeyboard().text(t('mailing-create'), 'mn:create').text(t('dialog-cancel'), ASK.cancel),
    );
    let choice: string | undefined;
    do choice = (await waitChoice(conversation, { buttonsOnly: t('mailing-summary-use-buttons') })).data;
    while (choice !== 'create');

    // 8. Create (the admin check again: the role may have changed during the dialog).
    const outcome = await conversation.external(async (outer): Promise<string | null> => {
      await close(outer);
      if (!isAdmin(outer.user)) {
        await denyUnlessAdmin(outer);
        return null;
      }
      try {
        const mailing = await createMailing(outer.em, outer.user, { ...full, filter, startAt, endAt, window });
        await outer.reply(outer.t('mailing-created', { id: mailing.id }));
        await openMailing(outer, screens, mailing.id, 'reply');
        return null;
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        // The steps checked the end against the clock then; the summary may have stayed open past
        // it (with a start "now", the domain says the end is before the start): said in words.
        if ((err.details as { field?: string } | undefined)?.field === 'endAt')
          return outer.t('mailing-create-end-passed', { end: inWords(outer.t, me, endAt) });
        return contentProblem(outer.t, err);
      }
    });
    if (outcome) await ctx.reply(outcome);
  }

  /**
   * ✏️ Edit of a scheduled mailing (SPEC §2.5), from its card: the card's message asks what to
   * change (content, buttons, audience, start, end, window) and becomes that step's prompt (the
   * creation dialog's step, with ◀️ Back to the choice); the answer goes through the API's PATCH
   * use case (`updateMailing`: the same rules, the same "only before the start" check in one
   * conditional UPDATE, the same audit entry), and the message becomes the updated card.
   * ✖️ Cancel and /cancel leave it unchanged and show the card again (home's /cancel handler,
   * through `session.dialog.back`).
   */
  async function editMailing(conversation: BotConversation, ctx: ConvContext, mailingId: string) {
    const chatId = ctx.chat?.id ?? 0;
    let messageId = ctx.callbackQuery?.message?.message_id;
    const opened = await conversation.external(async (outer) => {
      if (await denyUnlessAdmin(outer)) return null;
      // PUBLIC_URL too: the buttons step says from it whether taps are counted.
      const me: Me = {
        locale: outer.user.language,
        timezone: outer.user.timezone,
        publicUrl: outer.deps.config.publicUrl,
      };
      const m = await loadMailing(outer, mailingId);
      if (!m) return { me, mailing: null };
      (await outer.session).dialog = { back: { screen: MAILING_BACK, id: m.id }, messageId, others: [] };
      return {
        me,
        mailing: {
          id: m.id,
          filter: m.filter,
          startAt: m.startAt.getTime(),
          endAt: m.endAt.getTime(),
          card: await mailingCardText(outer, m),
        },
      };
    });
    if (!opened) return;
    const { me, mailing } = opened;
    const t = translator.forLocale(me.locale);
    if (!mailing) {
      await ctx.reply(t('mailing-not-found'));
      return;
    }
    const step: Step = {
      conversation,
      t,
      me,
      back: true,
      prompt: async (text, keyboard) => {
        messageId = await display(conversation, chatId, messageId, text, keyboard);
      },
    };
    const menu = new InlineKeyboard()
      .text(t('mailing-edit-content'), 'mn:content')
      .text(t('mailing-edit-buttons'), 'mn:buttons')
      .row()
      .text(t('mailing-edit-audience'), 'mn:filter')
      .text(t('mailing-edit-start'), 'mn:start')
      .row()
      .text(t('mailing-edit-end'), 'mn:end')
      .text(t('mailing-edit-window'), 'mn:window')
      .row()
      .text(t('dialog-cancel'), ASK.cancel);
    const choices = new Set(['content', 'buttons', 'filter', 'start', 'end', 'window']);

    for (;;) {
      await step.prompt(`${mailing.card}\n\n${t('mailing-edit-prompt')}`, menu);
      let choice: string | undefined;
      do choice = (await waitChoice(conversation, { buttonsOnly: t('mailing-edit-use-buttons') })).data;
      while (!choice || !choices.has(choice));

      let patch: MailingPatch | typeof BACK = BACK;
      if (choice === 'content') {
        const content = await askContent(step);
        if (content !== BACK)
          patch = { text: content.text, entities: content.entities ?? null, media: content.media ?? null };
      } else if (choice === 'buttons') {
        const buttons = await askButtons(step);
        if (buttons !== BACK) patch = { buttons };
      } else if (choice === 'filter') {
        const filter = await chooseAudience(conversation, ctx, t, { filter: mailing.filter, messageId });
        if (filter !== BACK) patch = { filter };
      } else if (choice === 'start') {
        const startAt = await askStart(step, new Date(mailing.endAt));
        if (startAt !== BACK) patch = { startAt };
      } else if (choice === 'end') {
        const endAt = await askEnd(step, new Date(Math.max(mailing.startAt, await conversation.now())));
        if (endAt !== BACK) patch = { endAt };
      } else {
        const window = await askWindow(step);
        if (window !== BACK) patch = { window };
      }
      if (patch === BACK) continue;

      // The change, through the API's use case; then the card in the dialog's message.
      const shown = messageId;
      const change = patch;
      const refusal = await conversation.external(async (outer): Promise<string | null> => {
        if (!isAdmin(outer.user)) {
          await denyUnlessAdmin(outer);
          return null;
        }
        let problem: string | null = null;
        try {
          await updateMailing(outer.em, outer.user, mailing.id, change);
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          if (err.code !== 'mailing_started' && err.code !== 'not_found') return editProblem(outer.t, err);
          problem = outer.t(err.code === 'not_found' ? 'mailing-not-found' : 'mailing-edit-started');
        }
        await closeDialog(outer);
        // A mailing deleted meanwhile is said once, by showMailingIn (with the list in the message).
        if (!(await showMailingIn(outer, screens, mailing.id, shown))) return null;
        if (problem) await outer.reply(problem);
        else await outer.reply(outer.t('mailing-edit-saved', { id: mailing.id }));
        return null;
      });
      if (refusal === null) return;
      // A change the rules refuse (say, a start after the end): said, and the choice again.
      await hint(conversation, refusal);
    }
  }

  /** A refusal of the PATCH rules in the admin's language. */
  function editProblem(t: Translate, err: DomainError): string {
    const d = (err.details ?? {}) as { field?: string; reason?: string };
    if (d.field === 'endAt' && d.reason === 'before_start') return t('mailing-edit-times-invalid');
    if (d.field === 'endAt' && d.reason === 'past') return t('mailing-edit-end-past');
    return contentProblem(t, err);
  }

  return { [MAILING_CONVERSATIONS.create]: newMailing, [MAILING_CONVERSATIONS.edit]: editMailing };
}
