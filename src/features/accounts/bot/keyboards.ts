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
 * Callback data of the link consent buttons: `lnk:<token>:y|n` (at most 44 bytes). Confirm ends in
 * `a` when the screen said admin rights go to the account, so a Confirm pressed after the person
 * was made an admin is known not to have agreed to hand those over. Both end in `f` when the
 * screen came from the person's first /start (a t.me link was their first contact with the bot):
 * answering it finishes that /start, which would otherwise never have greeted them.
 */
export const LINK_CALLBACK = /^lnk:([0-9a-f-]{36}):(y|n)(a?)(f?)$/;

export interface ConsentButtons {
  /** The screen names the admin rights that go to the account. */
  adminNamed: boolean;
  /** The screen interrupted the person's first /start. */
  firstStart: boolean;
}

export function linkKeyboard(t: Translate, token: string, { adminNamed, firstStart }: ConsentButtons): InlineKeyboard {
  const first = firstStart ? 'f' : '';
  return new InlineKeyboard()
    .text(t('link-confirm'), `lnk:${token}:y${adminNamed ? 'a' : ''}${first}`)
    .text(t('link-decline'), `lnk:${token}:n${first}`);
}
