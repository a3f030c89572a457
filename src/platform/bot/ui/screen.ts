import { Menu } from '@grammyjs/menu';
import type { InlineKeyboardButton } from 'grammy/types';
import { isMessageNotModified } from '../../telegram/api-defaults.js';
import type { BotContext } from '../context.js';
import { answerCallback } from './answer.js';

/**
 * A menu that can render its keyboard for any context. We render ourselves instead of
 * relying on the menu plugin's reply_markup transformer, because that transformer only
 * exists on contexts that passed the menu middleware, and conversations (which run before
 * it) must show menus too. Clicks are still dispatched by the plugin from the root menu.
 */
export class ScreenMenu extends Menu<BotContext> {
  keyboard(ctx: BotContext): Promise<InlineKeyboardButton[][]> {
    return this.render(ctx);
  }
}

/** A screen = a text built from the context + a menu (aiogram-dialog's window, in grammY terms). */
export interface Screen {
  text(ctx: BotContext): string | Promise<string>;
  menu: ScreenMenu;
}

/**
 * How a screen appears: in the message whose button was pressed ('edit'), as a new message
 * ('reply'), or in a given message of the chat (`{ messageId }`: a dialog returning to the
 * message it started from; a new message if that one cannot be edited any more).
 */
export type ScreenHow = 'edit' | 'reply' | { messageId: number };

/**
 * Shows a screen: edits the message the pressed button belongs to (one API call, no new
 * message), or sends a new message when there is nothing to edit.
 */
export async function showScreen(ctx: BotContext, screen: Screen, how: ScreenHow = 'edit'): Promise<void> {
  const text = await screen.text(ctx);
  const reply_markup = { inline_keyboard: await screen.menu.keyboard(ctx) };
  await answerCallback(ctx);
  if (typeof how === 'object' && ctx.chat) {
    try {
      await ctx.api.editMessageText(ctx.chat.id, how.messageId, text, { reply_markup });
      return;
    } catch (err) {
      if (isMessageNotModified(err)) return;
      // Deleted or too old to edit: show it below instead.
    }
    await ctx.reply(text, { reply_markup });
    return;
  }
  if (how === 'edit' && ctx.callbackQuery?.message) {
    try {
      await ctx.editMessageText(text, { reply_markup });
    } catch (err) {
      if (!isMessageNotModified(err)) throw err;
    }
    return;
  }
  await ctx.reply(text, { reply_markup });
}
