import type { Api, Context } from 'grammy';
import type { InlineKeyboardButton, InlineKeyboardMarkup, Message } from 'grammy/types';
import { isMessageGone, isMessageNotModified } from '../../telegram/api-defaults.js';
import type { BotContext } from '../context.js';
import { answerCallback } from './answer.js';
import type { ScreenMenu } from './menu.js';

/**
 * What a menu does when a pressed button no longer matches it (an old message, a double tap, a
 * button pressed on another message): says so in a toast and shows the menu's current screen in
 * that message — its text and keyboard, so an old message does not keep a text of another
 * language or stale values under new buttons. The message may already show the current screen
 * (the double tap's first press updated it); Telegram then answers "message is not modified",
 * which is fine here — the menu plugin's own `ctx.menu.update()` would let that error crash the
 * update.
 */
export function refreshWhenOutdated(screen: () => Screen) {
  const refresh = (ctx: BotContext) =>
    editPressedMessage(ctx, async () => {
      const current = screen();
      const text = await current.text(ctx);
      return ctx.editMessageText(text, { reply_markup: { inline_keyboard: await current.menu.keyboard(ctx) } });
    });
  // The toast and the refreshed screen at once, as showScreen does.
  return async (ctx: BotContext): Promise<void> => {
    await Promise.all([answerCallback(ctx, ctx.t('menu-outdated')), refresh(ctx)]);
  };
}

/** A screen = a text built from the context + a menu (aiogram-dialog's window, in grammY terms). */
export interface Screen {
  text(ctx: BotContext): string | Promise<string>;
  menu: ScreenMenu;
}

/** A screen with a line on top (e.g. "✅ Time zone: …" above the main menu). */
export const withNotice = (screen: Screen, notice: (ctx: BotContext) => string): Screen => ({
  text: async (ctx) => `${notice(ctx)}\n\n${await screen.text(ctx)}`,
  menu: screen.menu,
});

/**
 * How a screen appears: in the message whose button was pressed ('edit'), as a new message
 * ('reply'), or in a given message of the chat (`{ messageId }`: a dialog returning to the
 * message it started from; a new message if that one cannot be edited any more).
 */
export type ScreenHow = 'edit' | 'reply' | { messageId: number };

/**
 * Shows a screen: edits the message the pressed button belongs to (one API call, no new
 * message), or sends a new message when there is nothing to edit. The pressed button's answer
 * goes out at the same time as the screen, not before it: over Telegram's round trip that is
 * the difference between one wait and two before the user sees the screen change.
 */
export async function showScreen(ctx: BotContext, screen: Screen, how: ScreenHow = 'edit'): Promise<void> {
  const text = await screen.text(ctx);
  const reply_markup = { inline_keyboard: await screen.menu.keyboard(ctx) };
  await Promise.all([answerCallback(ctx), present(ctx, text, reply_markup, how)]);
}

async function present(
  ctx: BotContext,
  text: string,
  reply_markup: { inline_keyboard: InlineKeyboardButton[][] },
  how: ScreenHow,
): Promise<void> {
  if (typeof how === 'object' && ctx.chat) {
    await showInMessage(ctx.api, ctx.chat.id, how.messageId, text, { reply_markup });
    return;
  }
  if (how === 'edit') await inPressedMessage(ctx, text, { reply_markup });
  else await ctx.reply(text, { reply_markup });
}

/**
 * Puts a text (and keyboard) in the message whose button was pressed, or sends it as a new message
 * when there is nothing to edit: a button of a message the bot can no longer see comes with an
 * InaccessibleMessage (date 0), and one deleted or too old to edit is refused.
 */
export async function inPressedMessage(
  ctx: BotContext,
  text: string,
  other?: { reply_markup: { inline_keyboard: InlineKeyboardButton[][] } },
): Promise<void> {
  // The pressed message is a message of this chat: showInMessage's rule, with it as the message.
  if (!ctx.chat) {
    await ctx.reply(text, other);
    return;
  }
  await showInMessage(ctx.api, ctx.chat.id, visiblePressedMessage(ctx)?.message_id, text, other);
}

/**
 * Shows a text (and keyboard) in a given message of the chat — a dialog's own, or the card a
 * dialog started from — edited in place, or in a new message below when there is none or it is
 * gone (deleted by the user, too old to edit). An unchanged text is shown already ("not
 * modified"). Returns the message it is in now, for the next edit.
 */
export async function showInMessage(
  api: Api,
  chatId: number,
  messageId: number | undefined,
  text: string,
  other: { reply_markup?: InlineKeyboardMarkup } = {},
): Promise<number> {
  if (messageId !== undefined) {
    try {
      await api.editMessageText(chatId, messageId, text, other);
      return messageId;
    } catch (err) {
      if (isMessageNotModified(err)) return messageId;
      if (!isMessageGone(err)) throw err;
    }
  }
  return (await api.sendMessage(chatId, text, other)).message_id;
}

/**
 * The message whose button was pressed, if the bot can still see it: a button of a message
 * deleted or too old comes with an InaccessibleMessage (date 0), which nothing can edit.
 */
export function visiblePressedMessage(ctx: Pick<Context, 'callbackQuery'>): Message | undefined {
  const message = ctx.callbackQuery?.message;
  return message && message.date !== 0 ? message : undefined;
}

/**
 * Runs `edit` on the message whose button was pressed, when the bot can see it. "Not modified"
 * and a message gone (deleted, too old to edit) are no failure: the caller's toast says what
 * happened.
 */
export async function editPressedMessage(ctx: BotContext, edit: () => Promise<unknown>): Promise<void> {
  if (!visiblePressedMessage(ctx)) return;
  try {
    await edit();
  } catch (err) {
    if (!isMessageNotModified(err) && !isMessageGone(err)) throw err;
  }
}
