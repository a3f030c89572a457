import type { BotContext } from '../context.js';

/**
 * Answers the pressed button's callback query (stopping its spinner), optionally with a toast.
 * Telegram accepts one answer per query and rejects a second with 400, so every answer in
 * the bot goes through here and the first one wins.
 */
export async function answerCallback(ctx: BotContext, text?: string): Promise<void> {
  if (!ctx.callbackQuery || ctx.callbackAnswered) return;
  ctx.callbackAnswered = true;
  await ctx.answerCallbackQuery(text ? { text } : undefined);
}
