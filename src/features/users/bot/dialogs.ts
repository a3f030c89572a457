import type { BotContext, BotConversation, ConvContext } from '../../../platform/bot/context.js';
import { Dialog, dialogLabels } from '../../../platform/bot/ui/ask.js';
import type { Screen } from '../../../platform/bot/ui/screen.js';
import { showScreen, withNotice } from '../../../platform/bot/ui/screen.js';
import type { Translator } from '../../../platform/i18n/translator.js';
import { updateProfile } from '../profile.js';
import { parseText, TEXT_MAX, type TextProblem } from '../text-policy.js';
import { visibleName } from '../users.js';
import { firstStartTimezone } from './first-start.js';
import { readTimezone, showTimezoneSet, type TimezoneOrigin, timezoneHint } from './timezone.js';

/**
 * Settings dialogs. Conversations are replayed on every update, so everything that touches
 * the database, Redis or the clock runs inside `conversation.external` and returns plain data.
 * Every prompt has ✖️ Cancel (platform/bot/ui/ask.ts); leaving returns to Settings, edited in place.
 * Bump CONVERSATION_VERSION (platform/bot/create-bot.ts) when the steps here change.
 */

/** The text policy's verdict on a display name, as the hint the dialog answers with. */
const NAME_HINTS: Record<TextProblem['code'], string> = {
  too_long: 'settings-name-too-long',
  empty: 'settings-name-empty',
  invalid_characters: 'settings-name-invalid',
  not_email: 'settings-name-invalid',
};

/**
 * ✏️ Other… of the time zone menus: a typed zone, back to Settings or, on first start, to the
 * question. With `question` (first start, opened by /start): the question itself takes a typed zone.
 */
export function timezoneConversation(translator: Translator, screens: { settings: Screen }) {
  return async function timezone(
    conversation: BotConversation,
    ctx: ConvContext,
    origin: TimezoneOrigin = 'settings',
    question?: number,
  ) {
    if (question !== undefined) return firstStartTimezone(conversation, question);
    const locale = await conversation.external((outer) => outer.user.language);
    const t = translator.forLocale(locale);
    const dialog = await Dialog.open(conversation, ctx, dialogLabels(t), {
      screen: origin === 'start' ? 'timezoneStart' : 'timezone',
    });
    const prompt = t('settings-timezone-prompt');
    await dialog.prompt(prompt);
    for (;;) {
      const answer = await dialog.ask({});
      if (answer.kind !== 'text') continue;
      const zone = readTimezone(answer.text);
      if (!zone) {
        await dialog.prompt(timezoneHint(t, answer.text), {}, true);
        continue;
      }
      await dialog.finish(async (outer, how) => {
        await updateProfile(outer.em, outer.user, { timezone: zone });
        await showTimezoneSet(outer, screens.settings, origin, zone, how);
      });
      return;
    }
  };
}

export function displayNameConversation(translator: Translator, screens: { settings: Screen }) {
  return async function displayName(conversation: BotConversation, ctx: ConvContext) {
    const { locale, current } = await conversation.external((outer) => ({
      locale: outer.user.language,
      current: visibleName(outer.user),
    }));
    const t = translator.forLocale(locale);
    const dialog = await Dialog.open(conversation, ctx, dialogLabels(t), { screen: 'settings' });
    await dialog.prompt(t('settings-name-prompt', { max: TEXT_MAX.displayName, name: current }));
    for (;;) {
      const answer = await dialog.ask({ again: t('settings-name-not-text') });
      if (answer.kind !== 'text') continue;
      const input = answer.text;
      if (input.trim() === '/reset') {
        await dialog.finish(async (outer, how) => {
          await updateProfile(outer.em, outer.user, { displayName: null });
          const notice = (c: BotContext) => c.t('settings-name-reset', { name: visibleName(c.profile) });
          await showScreen(outer, withNotice(screens.settings, notice), how);
        });
        return;
      }
      // Checked here, before the write, so a bad name is answered with a hint and asked again;
      // updateProfile applies the same policy to what is stored.
      const parsed = parseText('displayName', input);
      if ('problem' in parsed) {
        const { problem } = parsed;
        const length = problem.code === 'too_long' ? problem.length : 0;
        await dialog.prompt(t(NAME_HINTS[problem.code], { max: TEXT_MAX.displayName, length }), {}, true);
        continue;
      }
      const name = parsed.value;
      await dialog.finish(async (outer, how) => {
        await updateProfile(outer.em, outer.user, { displayName: name });
        await showScreen(
          outer,
          withNotice(screens.settings, (c) => c.t('settings-name-saved', { name })),
          how,
        );
      });
      return;
    }
  };
}
