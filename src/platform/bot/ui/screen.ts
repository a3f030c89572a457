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
 * Shows a screen: edits the message the pressed button belongs to (one API call, no new
 * message), or sends a new message when there is nothing to edit.
 */
export async function showScreen(ctx: BotContext, screen: Screen, how: 'edit' | 'reply' = 'edit'): Promise<void> {
  const text = await screen.text(ctx);
  const reply_markup = { inline_keyboard: await screen.menu.keyboard(ctx) };
  await answerCallback(ctx);
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
