import { InlineKeyboard } from 'grammy';
import type { Translate } from '../i18n.js';

/** Callback data of the confirmation buttons: `reg:<registration id>:yes|no` (well under 64 bytes). */
export const REGISTRATION_CALLBACK = /^reg:(\d{1,19}):(yes|no)$/;

/** Sent by the worker, outside any update, so a plain keyboard rather than a Menu (ARCHITECTURE rule 5). */
export function registrationKeyboard(t: Translate, registrationId: string): InlineKeyboard {
  return new InlineKeyboard()
    .text(t('registration-confirm'), `reg:${registrationId}:yes`)
    .text(t('registration-decline'), `reg:${registrationId}:no`);
}
