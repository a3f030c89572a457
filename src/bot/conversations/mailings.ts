import { InlineKeyboard } from 'grammy';
import type { MailingFilter } from '../../db/entities/index.js';
import { isAdmin } from '../../domain/admin.js';
import { DomainError } from '../../domain/errors.js';
import { countAudience, createMailing, htmlProblem, MAILING_TEXT_MAX, normalizeFilter } from '../../domain/mailings.js';
import { formatLocal, localParts, parseDueDate } from '../../domain/tasks/due-date.js';
import type { BotConversation, ConvContext } from '../context.js';
import { denyUnlessAdmin } from '../features/admin.js';
import { commandName } from '../features/cancel.js';
import { audienceText } from '../features/mailings.js';
import type { Translate, Translator } from '../i18n.js';
import { MAILING_CONVERSATIONS, type MailingScreens, openMailing } from '../menus/mailings.js';
import { askText } from './ask.js';

/**
 * The new-mailing dialog (SPEC §2.5): text (HTML; the preview is the text itself sent with
 * parse_mode HTML, so the admin sees exactly what recipients get) → audience (buttons with the
 * live recipient count) → start (now or a local date-time) → end (after the start) → optional
 * local window → summary → create. Bad input re-asks with the reason. The admin check runs
 * again when the mailing is created. Buttons of this dialog use plain callback data `mn:<x>`.
 */
const WINDOW = /^(\d{1,2}):(\d{2})\s*[-–—]\s*(\d{1,2}):(\d{2})$/;
const pad = (n: number) => String(n).padStart(2, '0');

interface Me {
  locale: 'ru' | 'en';
  timezone: string;
}

export function mailingConversations(translator: Translator, screens: MailingScreens) {
  const count = (conversation: BotConversation, filter: MailingFilter) =>
    conversation.external((outer) => countAudience(outer.em, filter));

  /** Waits for one of this dialog's buttons (answering it) or a text; other buttons leave the dialog. */
  async function waitChoice(
    conversation: BotConversation,
  ): Promise<{ data?: string; text?: string; ctx: ConvContext }> {
    for (;;) {
      const next = await conversation.wait();
      const data = next.callbackQuery?.data;
      if (data !== undefined) {
        if (!data.startsWith('mn:')) await conversation.halt({ next: true });
        await next.answerCallbackQuery();
        return { data: data.slice(3), ctx: next };
      }
      if (next.message?.text !== undefined) return { text: next.message.text, ctx: next };
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

    // 1. Text, previewed exactly as it will be sent.
    const textPrompt = t('mailing-text-prompt', { max: String(MAILING_TEXT_MAX) });
    await ctx.reply(textPrompt);
    let text: string;
    for (;;) {
      const answer = await askText(conversation, textPrompt);
      const candidate = answer.message.text;
      if (candidate.length > MAILING_TEXT_MAX) {
        await answer.reply(
          t('mailing-text-too-long', { length: String(candidate.length), max: String(MAILING_TEXT_MAX) }),
        );
        continue;
      }
      const problem = htmlProblem(candidate);
      if (problem) {
        await answer.reply(t('mailing-text-html', { error: problem }));
        continue;
      }
      const preview = await conversation.external(async (outer) => {
        try {
          await outer.api.sendMessage(outer.chat?.id ?? 0, candidate, { parse_mode: 'HTML' });
          return null;
        } catch (err) {
          return err instanceof Error ? err.message : String(err);
        }
      });
      if (preview !== null) {
        await answer.reply(t('mailing-text-html', { error: preview }));
        continue;
      }
      await answer.reply(t('mailing-preview'));
      text = candidate;
      break;
    }

    // 2. Audience, with live counts on the buttons.
    let filter: MailingFilter = {};
    audience: for (;;) {
      const [all, ru, en] = [
        await count(conversation, {}),
        await count(conversation, { languages: ['ru'] }),
        await count(conversation, { languages: ['en'] }),
      ];
      const keyboard = new InlineKeyboard()
        .text(t('mailing-audience-everyone', { count: all }), 'mn:all')
        .row()
        .text(t('mailing-audience-tags'), 'mn:tags')
        .text(t('mailing-audience-operators'), 'mn:ops')
        .row()
        .text(t('mailing-audience-language', { label: '🇷🇺 Русский', count: ru }), 'mn:ru')
        .text(t('mailing-audience-language', { label: '🇬🇧 English', count: en }), 'mn:en');
      await ctx.reply(t('mailing-audience-prompt'), { reply_markup: keyboard });
      for (;;) {
        const choice = await waitChoice(conversation);
        if (choice.data === 'all') filter = {};
        else if (choice.data === 'ru' || choice.data === 'en') filter = { languages: [choice.data] };
        else if (choice.data === 'tags' || choice.data === 'ops') {
          const field = choice.data === 'tags' ? 'tags' : 'operatorCodes';
          const prompt = t(
            choice.data === 'tags' ? 'mailing-audience-tags-prompt' : 'mailing-audience-operators-prompt',
          );
          await ctx.reply(prompt);
          for (;;) {
            const answer = await askText(conversation, prompt);
            const values = answer.message.text
              .split(/[\s,]+/)
              .map((v) => v.replace(/^#/, '').trim())
              .filter(Boolean)
              .map((v) => (field === 'tags' ? v.toLowerCase() : v));
            try {
              filter = normalizeFilter({ [field]: values });
              if (!filter[field]?.length) throw new DomainError('empty', 'nothing given');
              break;
            } catch (err) {
              if (!(err instanceof DomainError)) throw err;
              await answer.reply(t('mailing-audience-values-invalid', { error: err.message }));
            }
          }
          const n = await count(conversation, filter);
          const confirm = new InlineKeyboard()
            .text(t('mailing-audience-use', { count: n }), 'mn:use')
            .text(t('mailing-audience-change'), 'mn:change');
          await ctx.reply(t('mailing-audience-chosen', { audience: audienceText(t, filter), count: n }), {
            reply_markup: confirm,
          });
          const decision = await waitChoice(conversation);
          if (decision.data !== 'use') continue audience;
        } else {
          continue;
        }
        break audience;
      }
    }
    const recipients = await count(conversation, filter);

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
      const m = WINDOW.exec(input);
      const from = m ? `${pad(Number(m[1]))}:${m[2]}` : '';
      const to = m ? `${pad(Number(m[3]))}:${m[4]}` : '';
      const valid = (hhmm: string) => /^([01]\d|2[0-3]):[0-5]\d$/.test(hhmm);
      if (!m || !valid(from) || !valid(to) || from === to) {
        await answer.reply(t('mailing-window-invalid'));
        continue;
      }
      window = { from, to };
      break;
    }

    // 6. Summary and confirmation.
    await ctx.reply(
      t('mailing-summary', {
        audience: audienceText(t, filter),
        count: recipients,
        start: startShown,
        end: formatLocal(endAt, me.timezone),
        window: window ? `${window.from}-${window.to}` : t('mailing-window-none'),
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

    // 7. Create (the admin check again: the role may have changed during the dialog).
    const outcome = await conversation.external(async (outer): Promise<string | null> => {
      if (!isAdmin(outer.user)) {
        await denyUnlessAdmin(outer);
        return null;
      }
      try {
        const mailing = await createMailing(outer.em, outer.user, { text, filter, startAt, endAt, window });
        await outer.reply(outer.t('mailing-created', { id: mailing.id }));
        await openMailing(outer, screens, mailing.id, 'reply');
        return null;
      } catch (err) {
        if (err instanceof DomainError) return err.message;
        throw err;
      }
    });
    if (outcome) await ctx.reply(t('mailing-audience-values-invalid', { error: outcome }));
  }

  return { [MAILING_CONVERSATIONS.create]: newMailing };
}
