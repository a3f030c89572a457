import type { InlineKeyboardButton } from 'grammy/types';
import { BotComposer } from '../../../platform/bot/composer.js';
import type { BotContext } from '../../../platform/bot/context.js';
import { answerCallback } from '../../../platform/bot/ui/answer.js';
import { editPressedMessage } from '../../../platform/bot/ui/screen.js';
import { denyUnlessAdmin } from '../../admin/index.js';
import { setMailingsSubscription } from '../../users/index.js';
import { PREVIEW_MAILING_ID, RESUBSCRIBE_DATA, UNSUBSCRIBE_DATA, UNSUBSCRIBED_DATA } from '../content.js';
import { markUnsubscribed } from '../deliveries.js';
import { MAILING_CONVERSATIONS } from './screens.js';

/**
 * /newmailing (admins only; anyone else gets "not allowed" and nothing else), and the buttons
 * under every mailing message (SPEC §2.5): 🔕 Unsubscribe turns the recipient's mailings off and
 * turns that message's last row into "Unsubscribed · Undo"; Undo turns them on again. Reminders
 * and PMs are not affected. Plain callback data (the messages are sent by the worker, not a Menu).
 */
export function mailingsFeature() {
  const composer = new BotComposer();
  composer.command('newmailing', async (ctx) => {
    if (await denyUnlessAdmin(ctx)) return;
    await ctx.conversation.enter(MAILING_CONVERSATIONS.create);
  });

  const subscription = (on: boolean) => async (ctx: BotContext) => {
    const data = ctx.callbackQuery?.data ?? '';
    const mailingId = data.slice(data.indexOf(':') + 1);
    if (!/^\d{1,18}$/.test(mailingId)) return answerCallback(ctx);
    // A copy sent to an admin (the preview, 🧪 Test) only says what the button does.
    if (mailingId === PREVIEW_MAILING_ID) return answerCallback(ctx, ctx.t('mailing-unsubscribe-preview'));
    await setMailingsSubscription(ctx.em, ctx.user, on);
    await markUnsubscribed(ctx.em, mailingId, ctx.profile.id, !on);
    const rows = (ctx.callbackQuery?.message?.reply_markup?.inline_keyboard ?? []).filter(
      (row) => !row.some((b) => 'callback_data' in b && /^ml[unr]:/.test(b.callback_data ?? '')),
    );
    const last: InlineKeyboardButton[] = on
      ? [{ text: ctx.t('mailing-unsubscribe'), callback_data: `${UNSUBSCRIBE_DATA}${mailingId}` }]
      : [
          { text: ctx.t('mailing-unsubscribed'), callback_data: `${UNSUBSCRIBED_DATA}${mailingId}` },
          { text: ctx.t('mailing-unsubscribe-undo'), callback_data: `${RESUBSCRIBE_DATA}${mailingId}` },
        ];
    // The choice is stored; when the message showing it is gone, the toast alone says what happened.
    await editPressedMessage(ctx, () =>
      ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [...rows, last] } }),
    );
    await answerCallback(ctx, ctx.t(on ? 'mailing-resubscribed-toast' : 'mailing-unsubscribed-toast'));
  };
  composer.callbackQuery(new RegExp(`^${UNSUBSCRIBE_DATA}`), subscription(false));
  composer.callbackQuery(new RegExp(`^${RESUBSCRIBE_DATA}`), subscription(true));
  composer.callbackQuery(new RegExp(`^${UNSUBSCRIBED_DATA}`), (ctx) =>
    answerCallback(ctx, ctx.t('mailing-unsubscribed-toast')),
  );
  return composer;
}
