import type { BotContext } from '../../../platform/bot/context.js';
import { answerCallback } from '../../../platform/bot/ui/answer.js';
import { matchOf, splitPayload } from '../../../platform/bot/ui/payload.js';
import { type Screen, ScreenMenu, showScreen } from '../../../platform/bot/ui/screen.js';
import type { User } from '../../users/index.js';
import { conversationWith } from '../chat.js';
import { handleOf } from '../names.js';
import {
  CHAT_CONVERSATIONS,
  chatView,
  enterRoom,
  exitRoom,
  HISTORY_PAGE_SIZE,
  historyText,
  inboxSenders,
  inboxText,
  loadInbox,
  partyLabel,
  roomText,
  userById,
} from './actions.js';

/**
 * Chat screens (SPEC §2.3): Chat (how to write, Room, Inbox), the room, the inbox and a
 * conversation's history, edited in place while navigating.
 *
 * The inbox and history menus are rendered from what their handler loaded for this update
 * (chatView); a press is always served by the menu's one dispatcher, from its payload alone
 * (`<userId>` for a reply, `<userId>.<page>` / `.r` / `.b` in the history), so it means the same
 * on an old message as on the current one, and a forged id ends in "not found".
 */
export interface ChatScreens {
  chat: Screen;
  room: Screen;
  inbox: Screen;
  history: Screen;
}

type Screens = ChatScreens & { main: Screen };

export function buildChatMenus(main: Screen): { menus: ScreenMenu[]; screens: ChatScreens } {
  const screens = {} as Screens;
  screens.main = main;
  const show = (screen: Screen) => (ctx: BotContext) => showScreen(ctx, screen);
  const outdated = async (ctx: BotContext & { menu: { update(): void } }) => {
    await answerCallback(ctx, ctx.t('menu-outdated'));
    ctx.menu.update();
  };

  const chat = new ScreenMenu('chat', { autoAnswer: false, onMenuOutdated: outdated });
  chat
    .text(
      (ctx) => ctx.t('chat-room-button'),
      (ctx) => openRoom(ctx, screens),
    )
    .text(
      (ctx) => ctx.t('chat-inbox-button'),
      (ctx) => showInbox(ctx, screens),
    )
    .row()
    .text((ctx) => ctx.t('back'), show(main));

  const room = new ScreenMenu('room', { autoAnswer: false, onMenuOutdated: outdated });
  room
    .text(
      (ctx) => ctx.t('chat-room-leave'),
      async (ctx) => {
        const was = await exitRoom(ctx);
        await answerCallback(ctx, ctx.t(was ? 'chat-room-left' : 'chat-room-not-in'));
        await showScreen(ctx, screens.chat);
      },
    )
    .row()
    .text(
      (ctx) => ctx.t('back'),
      (ctx) => showScreen(ctx, screens.chat),
    );

  // Reply buttons (`<senderId>`) for the latest senders, then Back (`b`).
  const goInbox = (ctx: BotContext) => inboxAction(ctx, screens);
  const inbox = new ScreenMenu('inbox', { autoAnswer: false, onMenuOutdated: goInbox });
  inbox.dynamic((ctx, range) => {
    const items = chatView(ctx).inbox;
    if (!items) return;
    for (const sender of inboxSenders(items)) {
      range
        .text({ text: ctx.t('chat-inbox-reply', { handle: partyLabel(sender) }), payload: sender.id }, goInbox)
        .row();
    }
    range.text({ text: ctx.t('back'), payload: 'b' }, goInbox);
  });

  // `<otherId>.<page>` (0 = newest), `<otherId>.r` (reply), `<otherId>.b` (back to Chat).
  const goHistory = (ctx: BotContext) => historyAction(ctx, screens);
  const history = new ScreenMenu('hist', { autoAnswer: false, onMenuOutdated: goHistory });
  history.dynamic((ctx, range) => {
    const h = chatView(ctx).history;
    if (!h) return;
    const to = (action: string | number) => `${h.otherId}.${action}`;
    if (h.page > 0 || h.hasOlder) {
      if (h.page > 0) range.text({ text: '◀️', payload: to(h.page - 1) }, goHistory);
      range.text({ text: String(h.page + 1), payload: to(h.page) }, goHistory);
      if (h.hasOlder) range.text({ text: '▶️', payload: to(h.page + 1) }, goHistory);
      range.row();
    }
    range
      .text({ text: ctx.t('chat-pm-reply'), payload: to('r') }, goHistory)
      .text({ text: ctx.t('back'), payload: to('b') }, goHistory);
  });

  screens.chat = { text: (ctx) => ctx.t('chat-screen'), menu: chat };
  screens.room = { text: roomText, menu: room };
  screens.inbox = { text: inboxText, menu: inbox };
  screens.history = { text: historyText, menu: history };
  return { menus: [chat, room, inbox, history], screens };
}

/** Enters the room (or stays in it) and shows the last room messages with how to leave. */
export async function openRoom(ctx: BotContext, screens: ChatScreens, how: 'edit' | 'reply' = 'edit'): Promise<void> {
  await enterRoom(ctx);
  await showScreen(ctx, screens.room, how);
}

export async function showInbox(ctx: BotContext, screens: ChatScreens, how: 'edit' | 'reply' = 'edit'): Promise<void> {
  await loadInbox(ctx);
  await showScreen(ctx, screens.inbox, how);
}

/**
 * One page of the conversation with `other`, newest page first. The cursors of the pages seen
 * live in the session, so ◀️ and ▶️ each load exactly one page (keyset, no OFFSET); a page whose
 * cursor is unknown (another conversation was paged since) starts over at the newest.
 */
export async function showHistory(
  ctx: BotContext,
  screens: ChatScreens,
  other: User,
  page = 0,
  how: 'edit' | 'reply' = 'edit',
): Promise<void> {
  const session = await ctx.session;
  let cursors = session.history?.otherId === other.id ? session.history.cursors : [''];
  let current = Number.isInteger(page) && page >= 0 && page < cursors.length ? page : 0;
  let result = await conversationWith(ctx.em, ctx.user, other, HISTORY_PAGE_SIZE, cursors[current] || undefined);
  if (result.items.length === 0 && current > 0) {
    current = 0;
    result = await conversationWith(ctx.em, ctx.user, other, HISTORY_PAGE_SIZE);
  }
  cursors = cursors.slice(0, current + 1);
  if (result.nextCursor) cursors.push(result.nextCursor);
  session.history = { otherId: other.id, cursors };
  chatView(ctx).history = {
    otherId: other.id,
    handle: handleOf(other),
    page: current,
    items: result.items,
    hasOlder: result.nextCursor !== null,
  };
  await showScreen(ctx, screens.history, how);
}

/** Starts the one-step Reply dialog to a user, or says "not found" for an unknown or forged id. */
export async function startReply(ctx: BotContext, userId: string): Promise<void> {
  const target = await userById(ctx, userId);
  if (!target || target.id === ctx.user.id) {
    if (ctx.callbackQuery) await answerCallback(ctx, ctx.t('chat-user-gone'));
    else await ctx.reply(ctx.t('chat-user-gone'));
    return;
  }
  await answerCallback(ctx);
  if (Object.keys(await ctx.conversation.active()).length > 0) await ctx.conversation.exitAll();
  await ctx.conversation.enter(CHAT_CONVERSATIONS.reply, target.id);
}

async function inboxAction(ctx: BotContext, screens: Screens): Promise<void> {
  const payload = matchOf(ctx);
  if (payload === 'b') return showScreen(ctx, screens.chat);
  if (/^\d{1,19}$/.test(payload)) return startReply(ctx, payload);
  await showInbox(ctx, screens);
}

async function historyAction(ctx: BotContext, screens: Screens): Promise<void> {
  const { id, action } = splitPayload(matchOf(ctx));
  if (action === 'b') return showScreen(ctx, screens.chat);
  if (action === 'r') return startReply(ctx, id);
  const other = await userById(ctx, id);
  if (!other) {
    await answerCallback(ctx, ctx.t('chat-user-gone'));
    return;
  }
  await showHistory(ctx, screens, other, Number(action));
}
