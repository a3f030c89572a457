import type { ConversationBuilder } from '@grammyjs/conversations';
import { accountsFeature } from './features/accounts/index.js';
import { adminConversations, adminFeature } from './features/admin/index.js';
import {
  CHAT_CONVERSATIONS,
  chatConversations,
  chatFeature,
  roomExitOnCommand,
  roomModeFeature,
} from './features/chat/index.js';
import { buildMenus, cancelFeature, greet, startFeature, unhandledFeature } from './features/home/index.js';
import { mailingConversations, mailingsFeature } from './features/mailings/index.js';
import { taskConversations, tasksFeature } from './features/tasks/index.js';
import {
  chatMemberFeature,
  displayNameConversation,
  loadUser,
  senderProperties,
  settingsFeature,
  timezoneConversation,
} from './features/users/index.js';
import type { BotContext, BotDeps, ConvContext } from './platform/bot/context.js';
import { type CreateBotOptions, createBot, type GramdeskBot } from './platform/bot/create-bot.js';

/**
 * The bot: the features' parts in the slots of the platform's one middleware order
 * (src/platform/bot/create-bot.ts). The order of `features` is their priority.
 */
export function createGramdeskBot(deps: BotDeps, options: CreateBotOptions): GramdeskBot {
  const menus = buildMenus();
  const dialogs: Record<string, ConversationBuilder<BotContext, ConvContext>> = {
    timezone: timezoneConversation(deps.translator, menus.screens),
    displayName: displayNameConversation(deps.translator, menus.screens),
    ...taskConversations(deps.translator, menus.screens),
    [CHAT_CONVERSATIONS.reply]: chatConversations(deps.translator, menus.screens).pmReply,
    [CHAT_CONVERSATIONS.compose]: chatConversations(deps.translator, menus.screens).pmNew,
    ...adminConversations(deps.translator, menus.screens),
    ...mailingConversations(deps.translator, menus.screens),
  };
  return createBot(deps, options, {
    beforeSession: [chatMemberFeature()],
    contextProperties: senderProperties,
    loadUser: loadUser(),
    // Any command but /room and /leave ends room mode first (SPEC §2.3), then runs as usual.
    beforeDialogs: [roomExitOnCommand(), cancelFeature(menus.screens)],
    dialogs,
    menu: menus.root,
    features: [
      // A consent screen that interrupted the first /start finishes it as home's /start does.
      accountsFeature({ main: menus.screens.main, greet: (ctx, firstStart) => greet(ctx, menus.screens, firstStart) }),
      // Admin commands answer every sender: non-admins get "not allowed", never "unknown command".
      adminFeature(menus.screens),
      mailingsFeature(),
      // Before /start: it takes the `task_<id>` deep links.
      tasksFeature(menus.screens),
      startFeature(menus.screens),
      settingsFeature(menus.screens),
      chatFeature(menus.screens),
      // Room mode takes the plain texts nobody above wanted (lowest priority before the fallback).
      roomModeFeature(menus.screens),
      // Whatever is left gets a helpful answer.
      unhandledFeature(menus.screens),
    ],
  });
}

export type { CreateBotOptions, GramdeskBot };
