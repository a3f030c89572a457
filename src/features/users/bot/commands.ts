import { BotComposer } from '../../../platform/bot/composer.js';
import type { BotContext } from '../../../platform/bot/context.js';
import type { Screen } from '../../../platform/bot/ui/screen.js';
import { showScreen } from '../../../platform/bot/ui/screen.js';
import { DomainError } from '../../../platform/errors.js';
import { localTime, zoneAt } from '../../../platform/time/timezone.js';
import { parsePhoneInput } from '../phone.js';
import { updateSenderProfile } from './sender.js';
import { phoneKeyboard } from './settings.js';
import { readTimezone, showFirstStartAnswered, startSetNotice } from './timezone.js';

const REMOVE_KEYBOARD = { remove_keyboard: true } as const;

/** Settings entry points outside the menu: /settings and the shared-contact and shared-location answers. */
export function settingsFeature(screens: { settings: Screen; main: Screen; timezone: Screen; timezoneStart: Screen }) {
  const composer = new BotComposer();

  composer.command('settings', (ctx) => showScreen(ctx, screens.settings, 'reply'));

  composer.on('message:contact', async (ctx) => {
    const contact = ctx.message.contact;
    if (contact.user_id !== ctx.from.id) {
      await ctx.reply(ctx.t('settings-phone-not-own'));
      return;
    }
    try {
      await updateSenderProfile(ctx, { phone: contact.phone_number });
    } catch (err) {
      if (err instanceof DomainError) {
        await ctx.reply(ctx.t('settings-phone-invalid'));
        return;
      }
      throw err;
    }
    (await ctx.session).awaitingContact = false;
    const { phone, operatorCode } = ctx.profile;
    await ctx.reply(
      operatorCode
        ? ctx.t('settings-phone-saved-code', { phone: phone ?? '', code: operatorCode })
        : ctx.t('settings-phone-saved', { phone: phone ?? '' }),
      { reply_markup: REMOVE_KEYBOARD },
    );
    await showScreen(ctx, screens.settings, 'reply');
  });

  // A shared location while the time zone is asked: its zone, looked up offline.
  composer.on('message:location', async (ctx, next) => {
    const session = await ctx.session;
    const origin = session.awaitingLocation;
    if (!origin) return next();
    const { latitude, longitude } = ctx.message.location;
    const zone = zoneAt(latitude, longitude);
    if (!zone) {
      // The open sea or nonsense coordinates: say so, keep the keyboard, change nothing.
      await ctx.reply(ctx.t('timezone-location-none'));
      return;
    }
    await takeZone(ctx, zone);
  });

  // The reply keyboards' Cancel buttons send their label as text; only meaningful while shown.
  composer.on('message:text', async (ctx, next) => {
    const session = await ctx.session;
    if (session.awaitingLocation && ctx.message.text === ctx.t('timezone-location-cancel')) {
      const origin = session.awaitingLocation;
      session.awaitingLocation = undefined;
      await ctx.reply(ctx.t('timezone-location-cancelled'), { reply_markup: REMOVE_KEYBOARD });
      await showScreen(ctx, origin === 'start' ? screens.timezoneStart : screens.timezone, 'reply');
      return;
    }
    // The zone typed instead of sharing a location (a city, an IANA name, an offset): the answer.
    const typed = ctx.message.text;
    const zone = session.awaitingLocation && !typed.startsWith('/') ? readTimezone(typed) : null;
    if (zone) {
      await takeZone(ctx, zone);
      return;
    }
    if (!session.awaitingContact) return next();
    if (ctx.message.text !== ctx.t('settings-phone-cancel')) {
      // A number typed instead of shared: only the button proves it is theirs. Said here, before
      // room mode, so a number meant for this prompt is not posted to the room.
      if (!parsePhoneInput(ctx.message.text)) return next();
      await ctx.reply(ctx.t('settings-phone-typed'), { reply_markup: phoneKeyboard(ctx) });
      return;
    }
    session.awaitingContact = false;
    await ctx.reply(ctx.t('settings-phone-cancelled'), { reply_markup: REMOVE_KEYBOARD });
    await showScreen(ctx, screens.settings, 'reply');
  });

  /**
   * The answer to the share-location prompt (a shared location, or a zone typed instead): saved,
   * the reply keyboard removed, and Settings shown or, on first start, the question answered.
   */
  async function takeZone(ctx: BotContext, zone: string): Promise<void> {
    const session = await ctx.session;
    const origin = session.awaitingLocation;
    const question = session.locationAskedIn;
    await updateSenderProfile(ctx, { timezone: zone });
    session.awaitingLocation = undefined;
    session.locationAskedIn = undefined;
    await ctx.reply(ctx.t('settings-timezone-saved', { timezone: zone, time: localTime(zone) }), {
      reply_markup: REMOVE_KEYBOARD,
    });
    if (origin === 'settings') {
      await showScreen(ctx, screens.settings, 'reply');
      return;
    }
    // First start: the question's message shows the answer; the main menu /start sent below it
    // stays the only one (SPEC §2.1). Without that message, the main menu comes here.
    if (question !== undefined) await showFirstStartAnswered(ctx, startSetNotice(ctx, zone), { messageId: question });
    else await showScreen(ctx, screens.main, 'reply');
  }

  return composer;
}
