import { Composer } from 'grammy';
import type { BotContext } from '../../../platform/bot/context.js';
import { commandName } from '../../../platform/bot/ui/commands.js';

/** Commands that conversations themselves understand; every other command leaves the dialog. */
const CONVERSATION_COMMANDS = new Set(['skip', 'reset', 'clear']);

/**
 * Installed between `conversations()` and the conversations themselves, so it sees updates
 * before an active dialog swallows them: /cancel always works, and any other command
 * (say /menu in the middle of a form) ends the dialog and then runs as usual.
 */
export function cancelFeature() {
  const composer = new Composer<BotContext>();

  composer.command('cancel', async (ctx) => {
    const active = Object.keys(await ctx.conversation.active()).length > 0;
    const session = await ctx.session;
    const awaitingContact = session.awaitingContact === true;
    if (active) await ctx.conversation.exitAll();
    if (awaitingContact) session.awaitingContact = false;
    if (active || awaitingContact) {
      await ctx.reply(ctx.t('cancelled'), awaitingContact ? { reply_markup: { remove_keyboard: true } } : {});
    } else {
      await ctx.reply(ctx.t('nothing-to-cancel'));
    }
  });

  composer.on('message:entities:bot_command', async (ctx, next) => {
    const command = commandName(ctx.message.text ?? '');
    if (command && !CONVERSATION_COMMANDS.has(command) && Object.keys(await ctx.conversation.active()).length > 0) {
      await ctx.conversation.exitAll();
    }
    return next();
  });

  return composer;
}
