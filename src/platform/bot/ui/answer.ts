import { isCallbackQueryExpired } from '../../telegram/api-defaults.js';
import type { BotContext } from '../context.js';

/**
 * Answers the pressed button's callback query (stopping its spinner), optionally with a toast.
 * Telegram accepts one answer per query and rejects a second with 400, so every answer in
 * the bot goes through here and the first one wins. A query past Telegram's answer window (the
 * update was handled late: a backlog after an outage) cannot be answered any more; that is not
 * the update's failure — the press is still carried out, only its toast is lost.
 */
export async function answerCallback(ctx: BotContext, text?: string): Promise<void> {
  if (!ctx.callbackQuery || ctx.callbackAnswered) return;
  ctx.callbackAnswered = true;
  try {
    await ctx.answerCallbackQuery(text ? { text } : undefined);
  } catch (err) {
    if (!isCallbackQueryExpired(err)) throw err;
    ctx.log?.debug({ update_id: ctx.update.update_id }, 'callback query expired before it was answered');
  }
}
