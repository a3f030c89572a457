import { BotComposer } from '../../../platform/bot/composer.js';
import type { BotContext } from '../../../platform/bot/context.js';
import { answerCallback } from '../../../platform/bot/ui/answer.js';
import { ASK, closeDialog, type DialogBack, stripButtons } from '../../../platform/bot/ui/ask.js';
import { commandName } from '../../../platform/bot/ui/commands.js';
import { type Screen, type ScreenHow, showScreen } from '../../../platform/bot/ui/screen.js';
import { showAdminDialogBack } from '../../admin/index.js';
import { showChatDialogBack } from '../../chat/index.js';
import { showMailingDialogBack } from '../../mailings/index.js';
import { showTaskDialogBack } from '../../tasks/index.js';
import type { Screens } from './menus.js';

/** Commands that conversations themselves understand; every other command leaves the dialog. */
const CONVERSATION_COMMANDS = new Set(['skip', 'reset', 'clear']);

const REMOVE_KEYBOARD = { remove_keyboard: true } as const;

/** Shows the screen a dialog started from (SPEC §2.1: never a bare "Cancelled."). */
export async function showDialogBack(
  ctx: BotContext,
  screens: Screens,
  back: DialogBack | undefined,
  how: ScreenHow,
): Promise<void> {
  if (back && (await showTaskDialogBack(ctx, screens, back, how))) return;
  if (back && (await showMailingDialogBack(ctx, screens, back, how))) return;
  if (back && (await showAdminDialogBack(ctx, screens, back, how))) return;
  if (back && (await showChatDialogBack(ctx, screens, back, how))) return;
  const named: Record<string, Screen> = {
    settings: screens.settings,
    timezone: screens.timezone,
    timezoneStart: screens.timezoneStart,
  };
  const screen = (back && named[back.screen]) || screens.main;
  await showScreen(ctx, screen, how);
}

/**
 * Installed between `conversations()` and the conversations themselves, so it sees updates
 * before an active dialog swallows them: /cancel and the dialogs' ✖️ Cancel button always work
 * and land on the screen the dialog started from, edited in place; any other command (say
 * /menu in the middle of a form) ends the dialog and then runs as usual.
 */
export function cancelFeature(screens: Screens) {
  const composer = new BotComposer();

  /** Leaves whatever is open; false when nothing was. */
  const leave = async (ctx: BotContext, pressed?: number) => {
    const active = Object.keys(await ctx.conversation.active()).length > 0;
    const session = await ctx.session;
    const back = active ? session.dialog?.back : undefined;
    if (active) await ctx.conversation.exitAll();
    const how = await closeDialog(ctx, pressed);
    if (active) {
      // A dialog opened after a share prompt was left: that prompt is stale, the dialog is what is
      // being cancelled, and its screen is where the user goes back to (edited in place).
      session.awaitingContact = false;
      session.awaitingLocation = undefined;
      await showDialogBack(ctx, screens, back, how);
      return true;
    }
    if (session.awaitingContact) {
      session.awaitingContact = false;
      await ctx.reply(ctx.t('settings-phone-cancelled'), { reply_markup: REMOVE_KEYBOARD });
      await showScreen(ctx, screens.settings, 'reply');
      return true;
    }
    if (session.awaitingLocation) {
      const where = session.awaitingLocation;
      session.awaitingLocation = undefined;
      await ctx.reply(ctx.t('timezone-location-cancelled'), { reply_markup: REMOVE_KEYBOARD });
      await showScreen(ctx, where === 'start' ? screens.timezoneStart : screens.timezone, 'reply');
      return true;
    }
    return false;
  };

  composer.command('cancel', async (ctx) => {
    if (await leave(ctx)) return;
    await ctx.reply(ctx.t('nothing-to-cancel'), {
      reply_markup: { inline_keyboard: await screens.main.menu.keyboard(ctx) },
    });
  });

  composer.callbackQuery(ASK.cancel, async (ctx) => {
    await answerCallback(ctx, ctx.t('cancelled'));
    const pressed = ctx.callbackQuery.message?.message_id;
    // A Cancel of a dialog already over (an old prompt): that message becomes the main menu.
    if (!(await leave(ctx, pressed))) await showScreen(ctx, screens.main, 'edit');
  });

  composer.on('message:entities:bot_command', async (ctx, next) => {
    const command = commandName(ctx.message.text ?? '');
    if (command && !CONVERSATION_COMMANDS.has(command) && Object.keys(await ctx.conversation.active()).length > 0) {
      await ctx.conversation.exitAll();
      // The command answers below, nothing is shown in the dialog's message: its prompt loses its
      // buttons too (closeDialog keeps the one a screen would replace) and its hints go with it.
      const how = await closeDialog(ctx);
      if (typeof how === 'object') await stripButtons(ctx, [how.messageId]);
    }
    return next();
  });

  return composer;
}
