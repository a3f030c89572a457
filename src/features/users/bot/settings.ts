import { Keyboard } from 'grammy';
import type { BotContext } from '../../../platform/bot/context.js';
import { answerCallback } from '../../../platform/bot/ui/answer.js';
import type { Language } from '../../../platform/i18n/languages.js';
import { localTime } from '../../../platform/time/timezone.js';
import { visibleName } from '../users.js';
import { updateSenderProfile } from './sender.js';

/** Native names: a user looking for their language recognises it in any interface language. */
export const LANGUAGE_NAMES: Record<Language, string> = { ru: 'Русский', en: 'English' };

/**
 * The Settings screen. Every argument is escaped by the translator (they carry user input:
 * names, the linked username), so a translated text with markup is never one of them: the
 * "not set" forms of the name and of the HTTP account (which has <code> in it) are chosen by
 * the message itself, from a plain yes/no.
 */
export function settingsText(ctx: BotContext): string {
  const u = ctx.profile;
  const account = linkedUsername(ctx);
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
    mailings: ctx.t(u.mailings ? 'on' : 'off'),
    phone,
    nameSet: u.displayName ? 'yes' : 'no',
    name: visibleName(u),
    linked: account ? 'yes' : 'no',
    account: account ?? '',
    telegramId: String(u.telegramId ?? ''),
  });
}

/** The HTTP account linked to this Telegram user, if there is an active one. */
export function linkedUsername(ctx: BotContext): string | null {
  return ctx.profile.accountState === 'active' ? (ctx.profile.username ?? null) : null;
}

/** Changes the language and re-binds `ctx.t`, so the rest of this update already speaks it. */
export async function changeLanguage(ctx: BotContext, language: Language): Promise<void> {
  await updateSenderProfile(ctx, { language });
  ctx.locale = language;
  ctx.t = ctx.deps.translator.forLocale(language);
  await answerCallback(ctx, ctx.t('settings-language-changed'));
}

export async function toggleNotifications(ctx: BotContext): Promise<void> {
  await updateSenderProfile(ctx, { notifications: !ctx.profile.notifications });
  await answerCallback(
    ctx,
    ctx.t('settings-notifications-changed', { state: ctx.t(ctx.profile.notifications ? 'on' : 'off') }),
  );
}

/** Settings → 📨 Mailings on/off (SPEC §2.1, §2.5): reminders and PMs are not affected. */
export async function toggleMailings(ctx: BotContext): Promise<void> {
  await updateSenderProfile(ctx, { mailings: !ctx.profile.mailings });
  await answerCallback(ctx, ctx.t(ctx.profile.mailings ? 'mailings-setting-on-toast' : 'mailings-setting-off-toast'));
}

/** Forgets the shared phone and its operator code (SPEC §2.1: it can be removed). */
export async function removePhone(ctx: BotContext): Promise<void> {
  await updateSenderProfile(ctx, { phone: null });
  await answerCallback(ctx, ctx.t('settings-phone-removed'));
}

/** Telegram shares a phone only through a reply-keyboard contact button, so this leaves the inline menu. */
export async function requestPhone(ctx: BotContext): Promise<void> {
  const session = await ctx.session;
  session.awaitingContact = true;
  await answerCallback(ctx);
  await ctx.reply(ctx.t('settings-phone-prompt'), { reply_markup: phoneKeyboard(ctx) });
}

/** The share-phone reply keyboard: the contact button and ✖️ Cancel. */
export function phoneKeyboard(ctx: BotContext): Keyboard {
  return new Keyboard()
    .requestContact(ctx.t('settings-phone-button'))
    .row()
    .text(ctx.t('settings-phone-cancel'))
    .resized()
    .oneTime();
}
