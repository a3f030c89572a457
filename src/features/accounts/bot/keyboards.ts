import { InlineKeyboard } from 'grammy';
import type { Translate } from '../../../platform/i18n/translator.js';

/**
 * Callback data of the confirmation buttons: `reg:<registration id>:yes|no` (well under 64 bytes);
 * Confirm ends in `a` when the request said admin rights go with it (see LINK_CALLBACK).
 */
export const REGISTRATION_CALLBACK = /^reg:(\d{1,19}):(yes|no)(a?)$/;

/** Sent by the worker, outside any update, so a plain keyboard rather than a Menu (ARCHITECTURE rule 5). */
export function registrationKeyboard(t: Translate, registrationId: string, adminNamed: boolean): InlineKeyboard {
  return new InlineKeyboard()
    .text(t('registration-confirm'), `reg:${registrationId}:yes${adminNamed ? 'a' : ''}`)
    .text(t('registration-decline'), `reg:${registrationId}:no`);
}

/**
 * Callback data of the link consent buttons: `lnk:<token>:y|n` (42 bytes); Confirm ends in `a`
 * when the screen said admin rights go to the account, so a Confirm pressed after the person was
 * made an admin is known not to have agreed to hand those over.
 */
export const LINK_CALLBACK = /^lnk:([0-9a-f-]{36}):(y|n)(a?)$/;

export function linkKeyboard(t: Translate, token: string, adminNamed: boolean): InlineKeyboard {
  return new InlineKeyboard()
    .text(t('link-confirm'), `lnk:${token}:y${adminNamed ? 'a' : ''}`)
    .text(t('link-decline'), `lnk:${token}:n`);
}
