import { GrammyError, InlineKeyboard } from 'grammy';
import type { Message } from 'grammy/types';
import type { BotConversation, ConvContext } from '../../../platform/bot/context.js';
import { askText } from '../../../platform/bot/ui/ask.js';
import { commandName } from '../../../platform/bot/ui/commands.js';
import { DomainError } from '../../../platform/errors.js';
import type { Translate, Translator } from '../../../platform/i18n/translator.js';
import { isMessageNotModified } from '../../../platform/telegram/api-defaults.js';
import { formatLocal, localParts, parseDueDate } from '../../../platform/time/local-dates.js';
import { denyUnlessAdmin, isAdmin } from '../../admin/index.js';
import { FILTER_VALUES_MAX, normalizeFilter } from '../audience.js';
import { audienceText, languageLabel } from '../card.js';
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
import { countAudience, createMailing, parseWindowText } from '../mailings.js';
import { MAILING_CONVERSATIONS, type MailingScreens, openMailing } from './screens.js';

/**
 * The new-mailing dialog (SPEC §2.5): content (the admin sends or forwards the message as it
 * should look: a text with Telegram's formatting, or a photo, video, GIF or document with a
 * caption; entities and file ids are kept, nothing is re-encoded) → URL buttons (optional) →
 * audience (one message, edited in place, with live recipient counts) → start (now or a local
 * date-time) → end → optional local window → preview (the mailing sent to the admin exactly as
 * recipients get it) → summary → create. Bad input re-asks with the reason in the admin's
 * language. The admin check runs again when the mailing is created. Buttons of this dialog use
 * plain callback data `mn:<x>`.
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
    case 'too_long':
      return t('mailing-text-too-long', { length: String(d.length ?? 0), max: String(d.max ?? 4096) });
    case 'caption_too_long':
      return t('mailing-caption-too-long', { length: String(d.length ?? 0), max: String(d.max ?? 1024) });
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
}

export function mailingConversations(translator: Translator, screens: MailingScreens) {
  const count = (conversation: BotConversation, filter: MailingFilter) =>
    conversation.external((outer) => countAudience(outer.em, filter));

  /**
   * Waits for one of this dialog's buttons (answering it) or a text; other buttons leave the dialog.
   * `refuse` may turn a button down: its answer is then an alert with that text, and the wait goes on.
   */
  async function waitChoice(
    conversation: BotConversation,
    refuse?: (data: string) => string | undefined,
  ): Promise<{ data?: string; text?: string; ctx: ConvContext }> {
    for (;;) {
      const next = await conversation.wait();
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
      if (next.message?.text !== undefined) return { text: next.message.text, ctx: next };
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
   * sent again), or in a new message when there is none yet or it can no longer be edited.
   */
  async function display(
    conversation: BotConversation,
    chatId: number,
    messageId: number | undefined,
    text: string,
    keyboard?: InlineKeyboard,
  ): Promise<number> {
    return conversation.external(async (outer) => {
      const options = keyboard ? { reply_markup: keyboard } : {};
      if (messageId !== undefined) {
        try {
          await outer.api.editMessageText(chatId, messageId, text, options);
          return messageId;
        } catch (err) {
          if (isMessageNotModified(err)) return messageId;
          if (!(err instanceof GrammyError) || err.error_code !== 400) throw err;
        }
      }
      const sent = await outer.api.sendMessage(chatId, text, options);
      return sent.message_id;
    });
  }

  /**
   * The audience builder (SPEC §2.5): one message whose text shows the audience and its recipient
   * count now, and whose buttons combine the conditions — Everyone (clears them), Tags… and Operator
   * codes… (typed, `/skip` or `-` removes that condition), language toggles — each with the count
   * pressing it would give, and Continue with the current count (refused at 0). A recipient must
   * match every condition given; within one, any value (as in the API). The message is edited in
   * place; at most four COUNTs per change, none for a press that changes nothing to count.
   */
  async function chooseAudience(conversation: BotConversation, ctx: ConvContext, t: Translate): Promise<MailingFilter> {
    const chatId = ctx.chat?.id ?? 0;
    let filter: MailingFilter = {};
    let messageId: number | undefined;
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
        const header = t('mailing-audience-prompt', { audience: audienceText(t, filter), count: recipients });
        screen = { header, text: `${header}\n\n${t('mailing-audience-hint')}`, keyboard, recipients };
      }
      await show(screen.text, screen.keyboard);

      const shown = screen;
      const refuse = (data: string) =>
        data === 'go' && shown.recipients === 0 ? t('mailing-audience-nobody') : undefined;
      let choice: string | undefined;
      do choice = (await waitChoice(conversation, refuse)).data;
      while (!choice || !AUDIENCE_CHOICES.has(choice));

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
      const answer = await waitChoice(conversation);
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
        await answer.ctx.reply(t('mailing-audience-values-empty'));
        continue;
      }
      try {
        return normalizeFilter({ ...filter, [kind]: values });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        const reason = (err.details as { reason?: string } | undefined)?.reason;
        await answer.ctx.reply(
          reason === 'too_many'
            ? t('mailing-audience-too-many', { max: FILTER_VALUES_MAX })
            : reason === 'format'
              ? t(kind === 'tags' ? 'mailing-audience-tags-invalid' : 'mailing-audience-operators-invalid')
              : t('mailing-audience-values-invalid', { error: err.message }),
        );
      }
    }
  }

  async function example(conversation: BotConversation, timezone: string, hoursAhead: number) {
    const p = localParts(new Date((await conversation.now()) + hoursAhead * 3600_000), timezone);
    return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:00`;
  }

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
    if (when.getTime() <= now) return t('mailing-when-past', { when: formatLocal(when, me.timezone) });
    return when;
  }

  async function newMailing(conversation: BotConversation, ctx: ConvContext) {
    const me = await conversation.external(async (outer): Promise<Me | null> => {
      if (await denyUnlessAdmin(outer)) return null;
      return { locale: outer.user.language, timezone: outer.user.timezone };
    });
    if (!me) return;
    const t = translator.forLocale(me.locale);

    // 1. Content: the message as it should look (formatting, media and caption kept).
    await ctx.reply(t('mailing-content-prompt'));
    let content: MailingContent;
    for (;;) {
      const next = await conversation.wait();
      if (next.callbackQuery) await conversation.halt({ next: true });
      const message = next.message;
      if (!message) continue;
      const draft = contentFromMessage(message);
      if (!draft) {
        await next.reply(t('mailing-content-unsupported'));
        continue;
      }
      try {
        content = validateContent(draft);
        break;
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        await next.reply(contentProblem(t, err));
      }
    }

    // 1b. Buttons (optional): one row per line, `Label https://…`, several in a row with `|`.
    const buttonsPrompt = t('mailing-buttons-prompt', { rows: BUTTON_ROWS_MAX, perRow: BUTTONS_PER_ROW_MAX });
    await ctx.reply(buttonsPrompt, { reply_markup: new InlineKeyboard().text(t('mailing-buttons-skip'), 'mn:skip') });
    for (;;) {
      const choice = await waitChoice(conversation);
      if (choice.data === 'skip') break;
      if (choice.text === undefined) continue;
      if (commandName(choice.text.trim()) === 'skip') break;
      try {
        content = { ...content, buttons: checkButtons(parseButtonLines(choice.text)) };
        break;
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        await choice.ctx.reply(contentProblem(t, err));
      }
    }

    // 2. Audience: one message, edited in place as the admin combines the conditions.
    const filter = await chooseAudience(conversation, ctx, t);

    // 3. Start: now or a local date-time ahead.
    const startExample = await example(conversation, me.timezone, 1);
    await ctx.reply(t('mailing-start-prompt', { timezone: me.timezone, example: startExample }), {
      reply_markup: new InlineKeyboard().text(t('mailing-start-now'), 'mn:now'),
    });
    let startAt: Date | null = null;
    for (;;) {
      const choice = await waitChoice(conversation);
      if (choice.data === 'now') break;
      if (choice.text === undefined) continue;
      const when = await readWhen(conversation, t, me, choice.text, startExample);
      if (typeof when === 'string') {
        await choice.ctx.reply(when);
        continue;
      }
      startAt = when;
      break;
    }
    const startShown = startAt ? formatLocal(startAt, me.timezone) : t('mailing-start-now');

    // 4. End, after the start.
    const endExample = await example(conversation, me.timezone, 25);
    const endPrompt = t('mailing-end-prompt', { timezone: me.timezone });
    await ctx.reply(`${endPrompt}\n<code>${endExample}</code>`);
    let endAt: Date;
    for (;;) {
      const answer = await askText(conversation, endPrompt);
      const when = await readWhen(conversation, t, me, answer.message.text, endExample);
      if (typeof when === 'string') {
        await answer.reply(when);
        continue;
      }
      if (startAt && when.getTime() <= startAt.getTime()) {
        await answer.reply(t('mailing-end-before-start', { start: startShown }));
        continue;
      }
      endAt = when;
      break;
    }

    // 5. Optional local window.
    const windowPrompt = t('mailing-window-prompt');
    await ctx.reply(windowPrompt);
    let window: { from: string; to: string } | null = null;
    for (;;) {
      const answer = await askText(conversation, windowPrompt);
      const input = answer.message.text.trim();
      if (commandName(input) === 'skip') break;
      // The domain's parser decides; every way a window can be wrong has the one hint.
      const parsed = parseWindowText(input);
      if ('problem' in parsed) {
        await answer.reply(t('mailing-window-invalid'));
        continue;
      }
      window = parsed.window;
      break;
    }

    // 6. Preview: the mailing sent to the admin exactly as recipients get it (🔕 included).
    const previewed = await conversation.external(async (outer) =>
      sendMailingTo(outer.api, outer.chat?.id ?? 0, '0', content, outer.t('mailing-unsubscribe')),
    );
    if (!previewed.ok) {
      await ctx.reply(t('mailing-test-failed', { error: previewed.description }));
      return;
    }
    await ctx.reply(t('mailing-preview'));

    // 7. Summary and confirmation.
    const recipients = await count(conversation, filter);
    await ctx.reply(
      t('mailing-summary', {
        audience: audienceText(t, filter),
        count: recipients,
        start: startShown,
        end: formatLocal(endAt, me.timezone),
        window: window ? `${window.from}-${window.to}` : t('mailing-window-none'),
        buttons: content.buttons?.flat().length ?? 0,
      }),
      { reply_markup: new InlineKeyboard().text(t('mailing-create'), 'mn:create').text(t('cancel'), 'mn:cancel') },
    );
    for (;;) {
      const choice = await waitChoice(conversation);
      if (choice.data === 'cancel') {
        await choice.ctx.reply(t('cancelled'));
        return;
      }
      if (choice.data === 'create') break;
    }

    // 8. Create (the admin check again: the role may have changed during the dialog).
    const outcome = await conversation.external(async (outer): Promise<string | null> => {
      if (!isAdmin(outer.user)) {
        await denyUnlessAdmin(outer);
        return null;
      }
      try {
        const mailing = await createMailing(outer.em, outer.user, { ...content, filter, startAt, endAt, window });
        await outer.reply(outer.t('mailing-created', { id: mailing.id }));
        await openMailing(outer, screens, mailing.id, 'reply');
        return null;
      } catch (err) {
        if (err instanceof DomainError) return contentProblem(outer.t, err);
        throw err;
      }
    });
    if (outcome) await ctx.reply(outcome);
  }

  return { [MAILING_CONVERSATIONS.create]: newMailing };
}
