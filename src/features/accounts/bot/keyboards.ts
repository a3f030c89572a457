import { InlineKeyboard } from 'grammy';
import type { Translate } from '../../../platform/i18n/translator.js';

/** Callback data of the confirmation buttons: `reg:<registration id>:yes|no` (well under 64 bytes). */
export const REGISTRATION_CALLBACK = /^reg:(\d{1,19}):(yes|no)$/;

/** Sent by the worker, outside any update, so a plain keyboard rather than a Menu (ARCHITECTURE rule 5). */
export function registrationKeyboard(t: Translate, registrationId: string): InlineKeyboard {
  return new InlineKeyboard()
    .text(t('registration-confirm'), `reg:${registrationId}:yes`)
    .text(t('registration-decline'), `reg:${registrationId}:no`);
}

/** Callback data of the link consent buttons: `lnk:<token>:y|n` (42 bytes). */
export const LINK_CALLBACK = /^lnk:([0-9a-f-]{36}):(y|n)$/;

export function linkKeyboard(t: Translate, token: string): InlineKeyboard {
  return new InlineKeyboard().text(t('link-confirm'), `lnk:${token}:y`).text(t('link-decline'), `lnk:${token}:n`);
}
