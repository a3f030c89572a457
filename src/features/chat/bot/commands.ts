import { Composer } from 'grammy';
import type { BotContext } from '../../../platform/bot/context.js';
import { commandName } from '../../../platform/bot/ui/commands.js';
import { findByHandle } from '../chat.js';
import { exitRoom, isInRoom, parsePmArgs, sayInRoom, sendPm, typedHandle } from './actions.js';
import { PM_REPLY_CALLBACK } from './keyboards.js';
import { type ChatScreens, openRoom, showHistory, showInbox, startReply } from './screens.js';

/**
 * Chat commands (SPEC §2.3): /pm, /inbox, /history, /room, /leave, and the Reply button under a
 * private message delivered in Telegram (`pm:reply:<senderId>`, see keyboards/chat.ts).
 */
export function chatFeature(screens: ChatScreens) {
  const composer = new Composer<BotContext>();

  composer.command('pm', async (ctx) => {
    const { handle, text } = parsePmArgs(ctx.match);
    if (!handle || !text) {
      await ctx.reply(ctx.t('chat-pm-usage', { handle: handle ? typedHandle(handle) : '@anna' }));
      return;
    }
    await sendPm(ctx, { handle }, text);
  });

  composer.command('inbox', (ctx) => showInbox(ctx, screens, 'reply'));

  composer.command('history', async (ctx) => {
    const { handle } = parsePmArgs(ctx.match);
    if (!handle) {
      await ctx.reply(ctx.t('chat-history-usage'));
      return;
    }
    const other = await findByHandle(ctx.em, handle);
    if (!other) {
      await ctx.reply(ctx.t('chat-user-not-found', { handle: typedHandle(handle) }));
      return;
    }
    if (other.id === ctx.user.id) {
      await ctx.reply(ctx.t('chat-history-self'));
      return;
    }
    await showHistory(ctx, screens, other, 0, 'reply');
  });

  composer.command('room', (ctx) => openRoom(ctx, screens, 'reply'));

  composer.command('leave', async (ctx) => {
    await ctx.reply(ctx.t((await exitRoom(ctx)) ? 'chat-room-left' : 'chat-room-not-in'));
  });

  composer.callbackQuery(PM_REPLY_CALLBACK, (ctx) => startReply(ctx, ctx.match[1] ?? ''));

  return composer;
}

/**
 * Room mode, the lowest-priority handler of messages (installed just before `unhandled`): a
 * plain text nobody else took (not a command, not a dialog's answer) goes to the room when the
 * user is a member. Membership is read from Redis, so it survives restarts and follows a leave
 * made elsewhere.
 */
export function roomModeFeature() {
  const composer = new Composer<BotContext>();

  composer.on('message', async (ctx, next) => {
    const text = ctx.message.text;
    if (text !== undefined && commandName(text)) return next();
    if (!(await isInRoom(ctx))) {
      const session = await ctx.session;
      if (!session.inRoom) return next();
      // Taken out of the room elsewhere (left over the WebSocket, or the bot was blocked).
      session.inRoom = false;
      await ctx.reply(ctx.t('chat-room-gone'));
      return;
    }
    if (text === undefined) {
      await ctx.reply(ctx.t('chat-room-text-only'));
      return;
    }
    await sayInRoom(ctx, text);
  });

  return composer;
}
