import { InlineKeyboard } from 'grammy';
import type { Translate } from '../../../platform/i18n/translator.js';

/**
 * Callback data of the Reply button under a private message delivered in Telegram:
 * `pm:reply:<sender's user id>` (the bot's chat feature starts the reply from it).
 */
export const PM_REPLY_CALLBACK = /^pm:reply:(\d{1,19})$/;

export const pmReplyCallback = (senderUserId: string) => `pm:reply:${senderUserId}`;

/**
 * Callback data of the block buttons under a delivered PM, `pm:<action>:<sender's user id>`:
 * `block` asks (the keyboard turns into Yes / Back), `block-yes` blocks, `unblock` lifts the
 * block, `keys` puts the message's usual keyboard back (./blocking.ts).
 */
export const PM_BLOCK_CALLBACK = /^pm:(block|block-yes|unblock|keys):(\d{1,19})$/;
export type PmBlockAction = 'block' | 'block-yes' | 'unblock' | 'keys';

const pmBlockCallback = (action: PmBlockAction, senderUserId: string) => `pm:${action}:${senderUserId}`;

/**
 * What the keyboard under a delivered PM offers: `open` ↩️ Reply and 🚫 Block; `ask` the block's
 * confirmation (🚫 Yes, block / ◀️ Back); `blocked` ↩️ Reply and ✅ Unblock (blocking is one-way:
 * the blocker can still write).
 */
export type PmKeyboardState = 'open' | 'ask' | 'blocked';

/** Sent by the worker, outside any update, so a plain keyboard rather than a Menu (ARCHITECTURE rule 5). */
export function pmReplyKeyboard(t: Translate, senderUserId: string, state: PmKeyboardState = 'open'): InlineKeyboard {
  if (state === 'ask') {
    return new InlineKeyboard()
      .text(t('chat-block-yes'), pmBlockCallback('block-yes', senderUserId))
      .text(t('back'), pmBlockCallback('keys', senderUserId));
  }
  return new InlineKeyboard()
    .text(t('chat-pm-reply'), pmReplyCallback(senderUserId))
    .text(
      t(state === 'blocked' ? 'chat-unblock-button' : 'chat-block-button'),
      pmBlockCallback(state === 'blocked' ? 'unblock' : 'block', senderUserId),
    );
}
