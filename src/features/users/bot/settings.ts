import { Keyboard } from 'grammy';
import type { BotContext } from '../../../platform/bot/context.js';
import { answerCallback } from '../../../platform/bot/ui/answer.js';
import type { Language } from '../../../platform/i18n/languages.js';
import { localTime } from '../../../platform/time/timezone.js';
import { updateProfile } from '../profile.js';

/** Native names: a user looking for their language recognises it in any interface language. */
export const LANGUAGE_NAMES: Record<Language, string> = { ru: 'Русский', en: 'English' };

/** The zones most of our users live in; anything else is typed in. */
export const TIMEZONE_PRESETS = [
  { label: 'Калининград · UTC+2', zone: 'Europe/Kaliningrad' },
  { label: 'Москва · UTC+3', zone: 'Europe/Moscow' },
  { label: 'Самара · UTC+4', zone: 'Europe/Samara' },
  { label: 'Екатеринбург · UTC+5', zone: 'Asia/Yekaterinburg' },
  { label: 'Новосибирск · UTC+7', zone: 'Asia/Novosibirsk' },
  { label: 'Владивосток · UTC+10', zone: 'Asia/Vladivostok' },
  { label: 'London', zone: 'Europe/London' },
  { label: 'Berlin', zone: 'Europe/Berlin' },
  { label: 'New York', zone: 'America/New_York' },
  { label: 'UTC', zone: 'UTC' },
] as const;

export function settingsText(ctx: BotContext): string {
  const u = ctx.user;
  const phone = u.phone
    ? u.operatorCode
      ? ctx.t('settings-phone-value', { phone: u.phone, code: u.operatorCode })
      : u.phone
    : ctx.t('not-set');
  return ctx.t('settings-summary', {
    language: LANGUAGE_NAMES[u.language as Language],
    timezone: u.timezone,
    time: localTime(u.timezone),
    notifications: ctx.t(u.notifications ? 'on' : 'off'),
    phone,
    name: u.displayName ?? ctx.t('not-set'),
    account: linkedUsername(ctx) ? `@${linkedUsername(ctx)}` : ctx.t('settings-account-none'),
  });
}

/** The HTTP account linked to this Telegram user, if there is an active one. */
export function linkedUsername(ctx: BotContext): string | null {
  return ctx.user.accountState === 'active' ? (ctx.user.username ?? null) : null;
}

export function timezoneText(ctx: BotContext): string {
  return ctx.t('settings-choose-timezone', { timezone: ctx.user.timezone, time: localTime(ctx.user.timezone) });
}

/** Changes the language and re-binds `ctx.t`, so the rest of this update already speaks it. */
export async function changeLanguage(ctx: BotContext, language: Language): Promise<void> {
  await updateProfile(ctx.em, ctx.user, { language });
  ctx.locale = language;
  ctx.t = ctx.deps.translator.forLocale(language);
  await answerCallback(ctx, ctx.t('settings-language-changed'));
}

export async function toggleNotifications(ctx: BotContext): Promise<void> {
  await updateProfile(ctx.em, ctx.user, { notifications: !ctx.user.notifications });
  await answerCallback(
    ctx,
    ctx.t('settings-notifications-changed', { state: ctx.t(ctx.user.notifications ? 'on' : 'off') }),
  );
}

export async function chooseTimezone(ctx: BotContext, zone: string): Promise<void> {
  await updateProfile(ctx.em, ctx.user, { timezone: zone });
  // Toasts are plain text: drop the HTML tags of the shared message.
  await answerCallback(
    ctx,
    ctx.t('settings-timezone-saved', { timezone: zone, time: localTime(zone) }).replace(/<[^>]+>/g, ''),
  );
}

/** Telegram shares a phone only through a reply-keyboard contact button, so this leaves the inline menu. */
export async function requestPhone(ctx: BotContext): Promise<void> {
  const session = await ctx.session;
  session.awaitingContact = true;
  await answerCallback(ctx);
  await ctx.reply(ctx.t('settings-phone-prompt'), {
    reply_markup: new Keyboard()
      .requestContact(ctx.t('settings-phone-button'))
      .row()
      .text(ctx.t('settings-phone-cancel'))
      .resized()
      .oneTime(),
  });
}
