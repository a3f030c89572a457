import { Composer } from 'grammy';
import type { BotContext } from '../../../platform/bot/context.js';
import type { Screen } from '../../../platform/bot/ui/screen.js';
import { showScreen } from '../../../platform/bot/ui/screen.js';
import { DomainError } from '../../../platform/errors.js';
import { updateProfile } from '../profile.js';

const REMOVE_KEYBOARD = { remove_keyboard: true } as const;

/** Settings entry points outside the menu: /settings and the shared-contact answer. */
export function settingsFeature(screens: { settings: Screen }) {
  const composer = new Composer<BotContext>();

  composer.command('settings', (ctx) => showScreen(ctx, screens.settings, 'reply'));

  composer.on('message:contact', async (ctx) => {
    const contact = ctx.message.contact;
    if (contact.user_id !== ctx.from.id) {
      await ctx.reply(ctx.t('settings-phone-not-own'));
      return;
    }
    try {
      await updateProfile(ctx.em, ctx.user, { phone: contact.phone_number });
    } catch (err) {
      if (err instanceof DomainError) {
        await ctx.reply(ctx.t('settings-phone-invalid'));
        return;
      }
      throw err;
    }
    (await ctx.session).awaitingContact = false;
    const { phone, operatorCode } = ctx.user;
    await ctx.reply(
      operatorCode
        ? ctx.t('settings-phone-saved-code', { phone: phone ?? '', code: operatorCode })
        : ctx.t('settings-phone-saved', { phone: phone ?? '' }),
      { reply_markup: REMOVE_KEYBOARD },
    );
    await showScreen(ctx, screens.settings, 'reply');
  });

  // The reply keyboard's Cancel button sends its label as text; only meaningful while it is shown.
  composer.on('message:text', async (ctx, next) => {
    const session = await ctx.session;
    if (!session.awaitingContact || ctx.message.text !== ctx.t('settings-phone-cancel')) return next();
    session.awaitingContact = false;
    await ctx.reply(ctx.t('settings-phone-cancelled'), { reply_markup: REMOVE_KEYBOARD });
    await showScreen(ctx, screens.settings, 'reply');
  });

  return composer;
}
