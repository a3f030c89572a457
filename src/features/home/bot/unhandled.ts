import { BotComposer } from '../../../platform/bot/composer.js';
import { answerCallback } from '../../../platform/bot/ui/answer.js';
import { DIALOG_PREFIX } from '../../../platform/bot/ui/ask.js';
import { commandName } from '../../../platform/bot/ui/commands.js';
import { clip } from '../../../platform/bot/ui/payload.js';
import { showScreen } from '../../../platform/bot/ui/screen.js';
import { reaskFirstStart } from '../../users/index.js';
import type { Screens } from './menus.js';

/** Last in the chain: whatever nobody handled gets a helpful answer instead of silence. */
export function unhandledFeature(screens: Screens) {
  const composer = new BotComposer();

  composer.on('callback_query', async (ctx) => {
    // A button from an old message (or a forged payload): say so and turn the message into the current menu.
    // A dialog's button with no dialog open: the dialog ended, or its state was lost with Redis
    // (issue 18) — the user is told so rather than left wondering.
    const data = ctx.callbackQuery.data ?? '';
    const message = ctx.callbackQuery.message;
    const dialogButton = data.startsWith('ask:') || data.startsWith(DIALOG_PREFIX);
    // Pressed on a message that has no buttons any more (Telegram sends the message as it is now; an
    // inaccessible one has date 0): it became a record after this press was made — a double tap on
    // ✅ Create, a second device. What it shows is the outcome; it stays and is not made a menu.
    if (message && message.date !== 0 && !message.reply_markup?.inline_keyboard?.length) {
      await answerCallback(ctx, ctx.t('button-already-used'));
      return;
    }
    await answerCallback(ctx, ctx.t(dialogButton ? 'dialog-gone' : 'stale-button'));
    if (message) await showScreen(ctx, screens.main, 'edit');
  });

  composer.on('message', async (ctx) => {
    const command = commandName(ctx.message.text ?? '');
    if (command) {
      await ctx.reply(ctx.t('unknown-command', { command: `/${command}` }));
      return;
    }
    // The first-start question takes a typed zone: a text nobody took is asked again there.
    if (await reaskFirstStart(ctx)) return;
    // A share prompt's reply keyboard is shown (users/bot/commands.ts took a typed zone or number):
    // say what it takes, not that no dialog is open.
    const text = ctx.message.text;
    const session = await ctx.session;
    if (text !== undefined && session.awaitingLocation) {
      await ctx.reply(ctx.t('timezone-location-not-zone', { input: clip(text.trim(), 64) }));
      return;
    }
    if (text !== undefined && session.awaitingContact) {
      await ctx.reply(ctx.t('settings-phone-typed'));
      return;
    }
    await ctx.reply(ctx.t('unknown-text'));
  });

  return composer;
}
