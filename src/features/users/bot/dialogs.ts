import type { BotConversation, ConvContext } from '../../../platform/bot/context.js';
import { askText } from '../../../platform/bot/ui/ask.js';
import type { Screen } from '../../../platform/bot/ui/screen.js';
import { showScreen } from '../../../platform/bot/ui/screen.js';
import type { Translator } from '../../../platform/i18n/translator.js';
import { localTime, normalizeTimezone } from '../../../platform/time/timezone.js';
import { updateProfile } from '../profile.js';
import { parseText, TEXT_MAX, type TextProblem } from '../text-policy.js';
import { visibleName } from '../users.js';

/**
 * Settings dialogs. Conversations are replayed on every update, so everything that touches
 * the database, Redis or the clock runs inside `conversation.external` and returns plain data.
 * Bump CONVERSATION_VERSION in index.ts when the steps here change.
 */

const preview = (text: string) => ([...text].length > 64 ? `${[...text].slice(0, 64).join('')}…` : text);

/** The text policy's verdict on a display name, as the hint the dialog answers with. */
const NAME_HINTS: Record<TextProblem['code'], string> = {
  too_long: 'settings-name-too-long',
  empty: 'settings-name-empty',
  invalid_characters: 'settings-name-invalid',
  not_email: 'settings-name-invalid',
};

export function timezoneConversation(translator: Translator, screens: { settings: Screen }) {
  return async function timezone(conversation: BotConversation, ctx: ConvContext) {
    const locale = await conversation.external((outer) => outer.user.language);
    const t = translator.forLocale(locale);
    await ctx.reply(t('settings-timezone-prompt'));
    for (;;) {
      const answer = await askText(conversation, t('settings-timezone-prompt'));
      const input = answer.message.text;
      const zone = normalizeTimezone(input);
      if (!zone) {
        await answer.reply(t('settings-timezone-invalid', { input: preview(input) }));
        continue;
      }
      await conversation.external(async (outer) => {
        await updateProfile(outer.em, outer.user, { timezone: zone });
        await outer.reply(outer.t('settings-timezone-saved', { timezone: zone, time: localTime(zone) }));
        await showScreen(outer, screens.settings, 'reply');
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
    await ctx.reply(t('settings-name-prompt', { max: TEXT_MAX.displayName, name: current }));
    for (;;) {
      const answer = await askText(conversation, t('settings-name-not-text'));
      const input = answer.message.text;
      if (input.trim() === '/reset') {
        await conversation.external(async (outer) => {
          await updateProfile(outer.em, outer.user, { displayName: null });
          await outer.reply(outer.t('settings-name-reset', { name: visibleName(outer.user) }));
          await showScreen(outer, screens.settings, 'reply');
        });
        return;
      }
      // Checked here, before the write, so a bad name is answered with a hint and asked again;
      // updateProfile applies the same policy to what is stored.
      const parsed = parseText('displayName', input);
      if ('problem' in parsed) {
        const { problem } = parsed;
        const length = problem.code === 'too_long' ? problem.length : 0;
        await answer.reply(t(NAME_HINTS[problem.code], { max: TEXT_MAX.displayName, length }));
        continue;
      }
      const name = parsed.value;
      await conversation.external(async (outer) => {
        await updateProfile(outer.em, outer.user, { displayName: name });
        await outer.reply(outer.t('settings-name-saved', { name }));
        await showScreen(outer, screens.settings, 'reply');
      });
      return;
    }
  };
}
