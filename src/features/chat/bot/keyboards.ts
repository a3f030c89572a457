import { InlineKeyboard } from 'grammy';
import type { Translate } from '../../../platform/i18n/translator.js';

/**
 * Callback data of the Reply button under a private message delivered in Telegram:
 * `pm:reply:<sender's user id>` (the bot's chat feature starts the reply from it).
 */
export const PM_REPLY_CALLBACK = /^pm:reply:(\d{1,19})$/;

export const pmReplyCallback = (senderUserId: string) => `pm:reply:${senderUserId}`;

/** Sent by the worker, outside any update, so a plain keyboard rather than a Menu (ARCHITECTURE rule 5). */
export function pmReplyKeyboard(t: Translate, senderUserId: string): InlineKeyboard {
  return new InlineKeyboard().text(t('chat-pm-reply'), pmReplyCallback(senderUserId));
}
