import type { BotContext } from '../../../platform/bot/context.js';
import { answerCallback } from '../../../platform/bot/ui/answer.js';
import { ScreenMenu } from '../../../platform/bot/ui/menu.js';
import { clip, matchOf, splitPayload } from '../../../platform/bot/ui/payload.js';
import { refreshWhenOutdated, type Screen, type ScreenHow, showScreen } from '../../../platform/bot/ui/screen.js';
import { blocks, handleOf, senderName, type User } from '../../users/index.js';
import { conversationWith, INBOX_SIZE } from '../chat.js';
import {
  CHAT_CONVERSATIONS,
  chatView,
  enterRoom,
  exitRoom,
  HISTORY_PAGE_SIZE,
  historyText,
  inboxText,
  loadContacts,
  loadInbox,
  loadNames,
  loadRoom,
  nameOf,
  type ReplyOrigin,
  roomText,
  userById,
} from './actions.js';
import { blockTarget, setBlocked } from './blocking.js';

/**
 * Chat screens (SPEC §2.3): Chat (✉️ New message, 📜 History, 📥 Inbox, 🏠 Room), the recent
 * contacts, the room, the inbox and a conversation's history (with 🚫 Block, which asks first,
 * or ✅ Unblock), edited in place while navigating.
 *
 * The inbox and history menus are rendered from what their handler loaded for this update
 * (chatView); a press is always served by the menu's one dispatcher, from its payload alone
 * (`<userId>` for a reply, `<userId>.<page>` / `.r` / `.b` / `.x<page>` / `.u<page>` in the
 * history), so it means the same on an old message as on the current one, and a forged id ends
 * in "not found".
 */
export interface ChatScreens {
  chat: Screen;
  room: Screen;
  inbox: Screen;
  history: Screen;
  contacts: Screen;
  /** "Block @x?", asked by a history page's 🚫 Block (askBlock). */
  blockAsk: Screen;
}

type Screens = ChatScreens & { main: Screen };

export function buildChatMenus(main: Screen): { menus: ScreenMenu[]; screens: ChatScreens } {
  const screens = {} as Screens;
  screens.main = main;
  const chat: ScreenMenu = new ScreenMenu('chat', {
    onMenuOutdated: refreshWhenOutdated(() => screens.chat),
  });
  chat
    .text(
      (ctx) => ctx.t('chat-new-button'),
      (ctx) => startCompose(ctx),
    )
    .text(
      (ctx) => ctx.t('chat-history-button'),
      (ctx) => showContacts(ctx, screens),
    )
    .row()
    .text(
      (ctx) => ctx.t('chat-inbox-button'),
      (ctx) => showInbox(ctx, screens),
    )
    .text(
      (ctx) => ctx.t('chat-room-button'),
      (ctx) => showRoom(ctx, screens),
    )
    .row()
    .text(
      (ctx) => ctx.t('chat-back-to-menu'),
      (ctx) => showScreen(ctx, main),
    );

  // Outside the room: Join (`j`) and Back (`b`); in room mode only Leave (`l`): a way back that
  // left the user in the room would be a trap (issue 14). Served from the payload alone.
  const goRoom = (ctx: BotContext) => roomAction(ctx, screens);
  const room = new ScreenMenu('room', { onMenuOutdated: goRoom });
  room.dynamic((ctx, range) => {
    const view = chatView(ctx).room;
    if (view?.member) {
      range.text({ text: ctx.t('chat-room-leave'), payload: 'l' }, goRoom);
      return;
    }
    range
      .text({ text: ctx.t('chat-room-join'), payload: 'j' }, goRoom)
      .row()
      .text({ text: ctx.t('chat-back-to-chat'), payload: 'b' }, goRoom);
  });

  // Per entry: Reply (`r<senderId>`) and History (`h<senderId>`); then Back (`b`).
  const goInbox = (ctx: BotContext) => inboxAction(ctx, screens);
  const inbox = new ScreenMenu('inbox', { onMenuOutdated: goInbox });
  inbox.dynamic((ctx, range) => {
    const items = chatView(ctx).inbox;
    if (!items) return;
    items.forEach((item, i) => {
      const n = i + 1;
      range
        .text(
          {
            text: ctx.t('chat-inbox-reply', { n, handle: clip(nameOf(ctx, item.from), 32) }),
            payload: `r${item.from.id}`,
          },
          goInbox,
        )
        .text({ text: ctx.t('chat-inbox-history', { n }), payload: `h${item.from.id}` }, goInbox)
        .row();
    });
    range.text({ text: ctx.t('chat-back-to-chat'), payload: 'b' }, goInbox);
  });

  // The recent contacts (`<userId>`): their history; Back (`b`).
  const goContacts = (ctx: BotContext) => contactsAction(ctx, screens);
  const contacts = new ScreenMenu('contacts', { onMenuOutdated: goContacts });
  contacts.dynamic((ctx, range) => {
    for (const contact of chatView(ctx).contacts ?? []) {
      range.text({ text: `📜 ${clip(contact.name, 40)}`, payload: contact.id }, goContacts).row();
    }
    range.text({ text: ctx.t('chat-back-to-chat'), payload: 'b' }, goContacts);
  });

  // `<otherId>.<page>` (0 = newest), `<otherId>.r` (reply), `<otherId>.b` (back to Chat),
  // `<otherId>.x<page>` (🚫 Block: asks), `<otherId>.u<page>` (✅ Unblock), the page to come back to.
  const goHistory = (ctx: BotContext) => historyAction(ctx, screens);
  const history = new ScreenMenu('hist', { onMenuOutdated: goHistory });
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
      .text(
        h.blocked
          ? { text: ctx.t('chat-unblock-button'), payload: to(`u${h.page}`) }
          : { text: ctx.t('chat-block-button'), payload: to(`x${h.page}`) },
        goHistory,
      )
      .row()
      .text({ text: ctx.t('chat-back-to-chat'), payload: to('b') }, goHistory);
  });

  // "Block @x?": `<otherId>.y<page>` blocks, `<otherId>.n<page>` goes back; both to that history page.
  const goBlockAsk = (ctx: BotContext) => blockAskAction(ctx, screens);
  const blockAsk = new ScreenMenu('hblk', { onMenuOutdated: goBlockAsk });
  blockAsk.dynamic((ctx, range) => {
    const ask = chatView(ctx).blockAsk;
    if (!ask) return;
    range
      .text({ text: ctx.t('chat-block-button'), payload: `${ask.otherId}.y${ask.page}` }, goBlockAsk)
      .text({ text: ctx.t('back'), payload: `${ask.otherId}.n${ask.page}` }, goBlockAsk);
  });

  screens.chat = { text: (ctx) => ctx.t('chat-screen', { inbox: INBOX_SIZE }), menu: chat };
  screens.room = { text: roomText, menu: room };
  screens.inbox = { text: inboxText, menu: inbox };
  screens.history = { text: historyText, menu: history };
  screens.contacts = { text: contactsText, menu: contacts };
  screens.blockAsk = {
    text: (ctx) => ctx.t('chat-block-confirm', { handle: chatView(ctx).blockAsk?.handle ?? '' }),
    menu: blockAsk,
  };
  return { menus: [chat, room, inbox, history, contacts, blockAsk], screens };
}

function contactsText(ctx: BotContext): string {
  return ctx.t((chatView(ctx).contacts ?? []).length ? 'chat-contacts-title' : 'chat-contacts-empty');
}

/** The room screen: who is here, the latest messages; Join, or Leave when in room mode. */
export async function showRoom(ctx: BotContext, screens: ChatScreens, how: 'edit' | 'reply' = 'edit'): Promise<void> {
  await loadRoom(ctx);
  await showScreen(ctx, screens.room, how);
}

export async function showContacts(ctx: BotContext, screens: ChatScreens): Promise<void> {
  await loadContacts(ctx);
  await showScreen(ctx, screens.contacts);
}

/** ✉️ New message: the dialog that asks whom to write to (recent contacts as buttons), then what. */
export async function startCompose(ctx: BotContext): Promise<void> {
  await answerCallback(ctx);
  if (Object.keys(await ctx.conversation.active()).length > 0) await ctx.conversation.exitAll();
  await ctx.conversation.enter(CHAT_CONVERSATIONS.compose);
}

/** Enters room mode (/room, Join) and shows the room: who is here, the last messages, Leave. */
export async function openRoom(ctx: BotContext, screens: ChatScreens, how: 'edit' | 'reply' = 'edit'): Promise<void> {
  await enterRoom(ctx);
  await showScreen(ctx, screens.room, how);
}

export async function showInbox(ctx: BotContext, screens: ChatScreens, how: ScreenHow = 'edit'): Promise<void> {
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
  how: ScreenHow = 'edit',
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
  await loadNames(ctx, [other.id, ctx.profile.id]);
  chatView(ctx).history = {
    otherId: other.id,
    handle: senderName(other),
    page: current,
    items: result.items,
    hasOlder: result.nextCursor !== null,
    blocked: await blocks(ctx.em, ctx.profile.id, other.id),
  };
  await showScreen(ctx, screens.history, how);
}

/**
 * Starts the one-step Reply dialog to a user, or says "not found" for an unknown or forged id, and
 * "does not accept messages from you" at once to someone they blocked, rather than after the text
 * was written (sending would refuse it the same way).
 */
export async function startReply(ctx: BotContext, userId: string, from: ReplyOrigin): Promise<void> {
  const target = await userById(ctx, userId);
  if (!target || target.id === ctx.profile.id) return refuseReply(ctx, ctx.t('chat-user-gone'));
  if (await blocks(ctx.em, target.id, ctx.profile.id)) {
    return refuseReply(ctx, ctx.t('chat-pm-not-accepted', { handle: handleOf(target) }));
  }
  await answerCallback(ctx);
  if (Object.keys(await ctx.conversation.active()).length > 0) await ctx.conversation.exitAll();
  await ctx.conversation.enter(CHAT_CONVERSATIONS.reply, target.id, from);
}

/** Why no Reply dialog starts: a toast under the pressed button, else an answer. */
async function refuseReply(ctx: BotContext, text: string): Promise<void> {
  if (ctx.callbackQuery) await answerCallback(ctx, text);
  else await ctx.reply(text);
}

async function inboxAction(ctx: BotContext, screens: Screens): Promise<void> {
  const payload = matchOf(ctx);
  if (payload === 'b') return showScreen(ctx, screens.chat);
  const entry = /^([rh])(\d{1,19})$/.exec(payload);
  if (entry?.[1] === 'r') return startReply(ctx, entry[2] as string, 'inbox');
  if (entry?.[1] === 'h') return openHistory(ctx, screens, entry[2] as string);
  await showInbox(ctx, screens);
}

async function contactsAction(ctx: BotContext, screens: Screens): Promise<void> {
  const payload = matchOf(ctx);
  if (payload === 'b') return showScreen(ctx, screens.chat);
  if (/^\d{1,19}$/.test(payload)) return openHistory(ctx, screens, payload);
  await showContacts(ctx, screens);
}

async function roomAction(ctx: BotContext, screens: Screens): Promise<void> {
  const payload = matchOf(ctx);
  if (payload === 'j') return openRoom(ctx, screens);
  if (payload === 'l') {
    const was = await exitRoom(ctx);
    await answerCallback(ctx, ctx.t(was ? 'chat-room-left' : 'chat-room-not-in'));
    return showScreen(ctx, screens.chat);
  }
  if (payload === 'b') return showScreen(ctx, screens.chat);
  await showRoom(ctx, screens);
}

/** The history with a user named by a button's id, or "not available" for an unknown or forged one. */
async function openHistory(ctx: BotContext, screens: Screens, id: string): Promise<void> {
  const other = await userById(ctx, id);
  if (!other || other.id === ctx.profile.id) {
    await answerCallback(ctx, ctx.t('chat-user-gone'));
    return;
  }
  await showHistory(ctx, screens, other, 0);
}

async function historyAction(ctx: BotContext, screens: Screens): Promise<void> {
  const { id, action } = splitPayload(matchOf(ctx));
  if (action === 'b') return showScreen(ctx, screens.chat);
  if (action === 'r') return startReply(ctx, id, 'history');
  const block = /^([xu])(\d{1,4})$/.exec(action);
  if (block) {
    const other = await blockTarget(ctx, id);
    if (!other) return;
    const page = Number(block[2]);
    if (block[1] === 'u') {
      await setBlocked(ctx, other, false);
      return showHistory(ctx, screens, other, page);
    }
    return askBlock(ctx, screens, other, page);
  }
  const other = await userById(ctx, id);
  if (!other) {
    await answerCallback(ctx, ctx.t('chat-user-gone'));
    return;
  }
  await showHistory(ctx, screens, other, Number(action));
}

/**
 * 🚫 Block on a history page: "Block @x?" in the history's place, with 🚫 Block and ◀️ Back, both
 * back to that page. Someone blocked already (a Block of an old screen) is not asked about: the
 * history shows it, with ✅ Unblock.
 */
async function askBlock(ctx: BotContext, screens: Screens, other: User, page: number): Promise<void> {
  if (await blocks(ctx.em, ctx.profile.id, other.id)) {
    await answerCallback(ctx, ctx.t('chat-block-already', { handle: handleOf(other) }));
    return showHistory(ctx, screens, other, page);
  }
  chatView(ctx).blockAsk = { otherId: other.id, handle: senderName(other), page };
  await showScreen(ctx, screens.blockAsk);
}

/** The answer to "Block @x?": 🚫 Block blocks (or says they were blocked already); both go back to the history page. */
async function blockAskAction(ctx: BotContext, screens: Screens): Promise<void> {
  const { id, action } = splitPayload(matchOf(ctx));
  const answer = /^([yn])(\d{1,4})$/.exec(action);
  const other = await blockTarget(ctx, id);
  if (!other) return;
  if (answer?.[1] === 'y') await setBlocked(ctx, other, true);
  await showHistory(ctx, screens, other, Number(answer?.[2] ?? 0));
}
