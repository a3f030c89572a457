import { Composer } from 'grammy';
import type { BotContext } from '../../../platform/bot/context.js';
import { answerCallback } from '../../../platform/bot/ui/answer.js';
import { commandName } from '../../../platform/bot/ui/commands.js';
import { showScreen } from '../../../platform/bot/ui/screen.js';
import type { Screens } from './menus.js';

/** Last in the chain: whatever nobody handled gets a helpful answer instead of silence. */
export function unhandledFeature(screens: Screens) {
  const composer = new Composer<BotContext>();

  composer.on('callback_query', async (ctx) => {
    // A button from an old message (or a forged payload): say so and turn the message into the current menu.
    await answerCallback(ctx, ctx.t('stale-button'));
    if (ctx.callbackQuery.message) await showScreen(ctx, screens.main, 'edit');
  });

  composer.on('message', async (ctx) => {
    const command = commandName(ctx.message.text ?? '');
    if (command) {
      await ctx.reply(ctx.t('unknown-command', { command: `/${command}` }));
      return;
    }
    await ctx.reply(ctx.t('unknown-text'));
  });

  return composer;
}
