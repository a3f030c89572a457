import { BotComposer } from '../../../platform/bot/composer.js';
import { commandName } from '../../../platform/bot/ui/commands.js';
import { findByHandle } from '../../users/index.js';
import { pmByTelegramCopy } from '../chat.js';
import {
  exitRoom,
  isInRoom,
  leaveIfIdle,
  markRoomMode,
  parsePmArgs,
  pmTextOf,
  roomIdleMinutes,
  sayInRoom,
  sendPm,
  typedHandle,
} from './actions.js';
import { pmKeyboardAction } from './blocking.js';
import { PM_BLOCK_CALLBACK, PM_REPLY_CALLBACK, type PmBlockAction } from './keyboards.js';
import { contentOf } from './media.js';
import { type ChatScreens, openRoom, showHistory, showInbox, showRoom, startReply } from './screens.js';

/**
 * Chat commands (SPEC §2.3): /pm, /inbox, /history, /room, /leave; the Reply and Block buttons
 * under a private message delivered in Telegram (`pm:reply:<senderId>`, `pm:block:<senderId>`…,
 * see keyboards.ts); and
 * Telegram's own reply (swipe) to such a message, with a text or a photo, document, voice
 * message, video or sticker, which goes back to its sender as a PM.
 */
export function chatFeature(screens: ChatScreens) {
  const composer = new BotComposer();

  composer.command('pm', async (ctx) => {
    const { handle, text } = parsePmArgs(ctx.match);
    if (!handle || !text) {
      await ctx.reply(ctx.t('chat-pm-usage', { handle: handle ? typedHandle(handle) : '@anna' }));
      return;
    }
    await sendPm(ctx, { handle }, pmTextOf(ctx.message?.text ?? text, ctx.message?.entities, text));
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
    if (other.id === ctx.profile.id) {
      await ctx.reply(ctx.t('chat-history-self'));
      return;
    }
    await showHistory(ctx, screens, other, 0, 'reply');
  });

  composer.command('room', (ctx) => openRoom(ctx, screens, 'reply'));

  composer.command('leave', async (ctx) => {
    await ctx.reply(ctx.t((await exitRoom(ctx)) ? 'chat-room-left' : 'chat-room-not-in'));
  });

  composer.callbackQuery(PM_REPLY_CALLBACK, (ctx) => startReply(ctx, ctx.match[1] ?? '', 'message'));
  composer.callbackQuery(PM_BLOCK_CALLBACK, (ctx) =>
    pmKeyboardAction(ctx, ctx.match[1] as PmBlockAction, ctx.match[2] ?? ''),
  );

  // A reply (swipe) to a PM the bot delivered: back to its sender. Other replies go on.
  composer.on('message', async (ctx, next) => {
    const original = ctx.message.reply_to_message;
    if (!original || original.from?.id !== ctx.me.id) return next();
    if (ctx.message.text !== undefined && commandName(ctx.message.text)) return next();
    const pm = await pmByTelegramCopy(ctx.em, ctx.user, original.message_id);
    if (!pm) return next();
    const content = contentOf(ctx.message);
    if (content.kind === 'unsupported') {
      await ctx.reply(ctx.t('chat-media-unsupported'));
      return;
    }
    await sendPm(ctx, { userId: pm.from.id }, content);
  });

  return composer;
}

/** Commands that are room mode's own; every other command ends it (SPEC §2.3). */
const ROOM_COMMANDS = new Set(['room', 'leave']);

/**
 * Installed before the dialogs and every feature's commands: a command other than /room and
 * /leave (/menu, /pm, /start…) ends room mode first, and says so, then runs as usual.
 */
export function roomExitOnCommand() {
  const composer = new BotComposer();
  composer.on('message:entities:bot_command', async (ctx, next) => {
    const command = commandName(ctx.message.text ?? '');
    if (command && !ROOM_COMMANDS.has(command)) {
      if ((await isInRoom(ctx)) && (await exitRoom(ctx))) {
        await ctx.reply(ctx.t('chat-room-left-by-command'));
      } else {
        // Room mode lost with Redis: this command would have ended it anyway.
        await markRoomMode(ctx, false);
      }
    }
    return next();
  });
  return composer;
}

/**
 * Room mode, the lowest-priority handler of messages (installed just before `unhandled`): a
 * plain text or a media message nobody else took (not a command, not a dialog's answer, not a
 * reply to a PM) goes to the room when the user is in room mode. Membership is read from Redis,
 * so it survives restarts and follows a leave made elsewhere. A user Redis forgot was in the room
 * (User.inRoomSince still set) is told their room session ended, with the room's Join button.
 * Outside room mode, a media message is told how to send it, and what the chat cannot relay is
 * said so.
 */
export function roomModeFeature(screens: ChatScreens) {
  const composer = new BotComposer();

  composer.on('message', async (ctx, next) => {
    const text = ctx.message.text;
    if (text !== undefined && commandName(text)) return next();
    const content = contentOf(ctx.message);
    if (!(await isInRoom(ctx))) {
      const session = await ctx.session;
      if (session.inRoom) {
        // Taken out of the room elsewhere (left over the WebSocket, idle, or the bot was blocked).
        session.inRoom = false;
        await markRoomMode(ctx, false);
        await ctx.reply(ctx.t('chat-room-gone'));
        return;
      }
      if (ctx.profile.inRoomSince) {
        // In room mode when Redis lost the room (and the session with it): not silence, not the fallback.
        await markRoomMode(ctx, false);
        await ctx.reply(ctx.t('chat-room-session-ended'));
        await showRoom(ctx, screens, 'reply');
        return;
      }
      if (content.kind === 'media') {
        await ctx.reply(ctx.t('chat-media-no-target'));
        return;
      }
      if (content.kind === 'unsupported') {
        await ctx.reply(ctx.t('chat-media-unsupported'));
        return;
      }
      return next();
    }
    if (await leaveIfIdle(ctx)) {
      await ctx.reply(ctx.t('chat-room-idle-unsent', { minutes: roomIdleMinutes() }));
      return;
    }
    if (content.kind === 'unsupported') {
      await ctx.reply(ctx.t('chat-media-unsupported'));
      return;
    }
    await sayInRoom(ctx, content);
  });

  return composer;
}
