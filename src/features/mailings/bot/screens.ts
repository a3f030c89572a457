import type { BotContext } from '../../../platform/bot/context.js';
import { answerCallback } from '../../../platform/bot/ui/answer.js';
import { type DialogBack, stripButtons } from '../../../platform/bot/ui/ask.js';
import { ScreenMenu } from '../../../platform/bot/ui/menu.js';
import { addPager } from '../../../platform/bot/ui/paginate.js';
import { matchOf, splitPayload } from '../../../platform/bot/ui/payload.js';
import {
  type Screen,
  type ScreenHow,
  showInMessage,
  showScreen,
  visiblePressedMessage,
} from '../../../platform/bot/ui/screen.js';
import { DomainError } from '../../../platform/errors.js';
import { denyUnlessAdmin } from '../../admin/index.js';
import { addCardButtons, CARD_MENU_ID, canRecall, editable, statusLabel } from '../card.js';
import { contentPreview } from '../content.js';
import { sendMailingTo } from '../jobs/test-send.js';
import { cancelMailing, contentOf, deleteMailing, pauseMailing, recallMailing, resumeMailing } from '../mailings.js';
import {
  failuresPage,
  failuresText,
  listPageOf,
  loadMailing,
  mailingCardText,
  mailingList,
  mailingsView,
  registerCard,
  unregisterCard,
} from './views.js';

/**
 * Mailing screens (SPEC §2.5): list (paged) → card (content, counts, progress, rate, ETA; Pause /
 * Resume, Test, Cancel, ✏️ Edit and Delete before the start, ⚠️ Failed recipients) → cancel /
 * delete confirmation, the failed-recipients pages.
 * Admins only: every dispatcher checks the role first. Card payloads are `<mailingId>.<action>`;
 * the mailing is loaded again on every press.
 */
export interface MailingScreens {
  mailings: Screen;
  mailingCard: Screen;
  mailingCancel: Screen;
  mailingDelete: Screen;
  mailingFailures: Screen;
  mailingRecall: Screen;
}

export const MAILING_CONVERSATIONS = { create: 'newMailing', edit: 'editMailing' } as const;
/** Where the edit dialog returns on ✖️ Cancel or /cancel: `{ screen: MAILING_BACK, id }` (the card). */
export const MAILING_BACK = 'mailing';
/** Where the new-mailing dialog begun from the list returns: `{ screen: MAILINGS_BACK }` (the list). */
export const MAILINGS_BACK = 'mailings';

export function buildMailingMenus(home: () => Screen): { menus: ScreenMenu[]; screens: MailingScreens } {
  const screens = {} as MailingScreens;

  // List payloads are `<page>.<action>`, so a press on an old page still renders that page.
  const goList = (ctx: BotContext) => listAction(ctx, screens, home());
  const list = new ScreenMenu('mll', { onMenuOutdated: goList });
  list.dynamic(async (ctx, range) => {
    if (ctx.profile.role !== 'admin') return;
    const v = mailingsView(ctx);
    const items = await mailingList(ctx, v.page ?? (Number(splitPayload(matchOf(ctx)).id) || 1));
    const page = v.page ?? 1;
    for (const m of items) {
      const total = Object.values(m.counts).reduce((a, b) => a + b, 0);
      // A button label is plain text: the start of the mailing's text goes in as it reads, unescaped.
      const item = ctx.t('mailing-list-item', {
        id: m.id,
        status: statusLabel(ctx.t, m.status),
        sent: m.counts.sent,
        total,
      });
      const text = `${item} · ${contentPreview(m, 24)}`;
      range.text({ text, payload: `${page}.m${m.id}` }, goList).row();
    }
    addPager(range, { page, pages: v.pages ?? 1 }, (target) => `${target}.p`, goList);
    range
      .text({ text: ctx.t('mailings-new'), payload: `${page}.n` }, goList)
      .text({ text: ctx.t('admin-to-home'), payload: `${page}.b` }, goList);
  });

  const goCard = (ctx: BotContext) => cardAction(ctx, screens);
  const card = new ScreenMenu(CARD_MENU_ID, { onMenuOutdated: goCard });
  card.dynamic(async (ctx, range) => {
    if (ctx.profile.role !== 'admin') return;
    const m = mailingsView(ctx).mailing ?? (await loadMailing(ctx, splitPayload(matchOf(ctx)).id));
    if (!m) return;
    // The worker's edits of a live card lay out the same buttons (card.ts).
    addCardButtons(range, ctx.t, m, [goCard]);
  });

  const goCancel = (ctx: BotContext) => cancelAction(ctx, screens);
  const cancel = new ScreenMenu('mlx', { onMenuOutdated: goCancel });
  const answer = (a: 'y' | 'n') => (ctx: BotContext) =>
    `${mailingsView(ctx).mailing?.id ?? splitPayload(matchOf(ctx)).id}.${a}`;
  cancel
    .text({ text: (ctx) => ctx.t('mailing-cancel-yes'), payload: answer('y') }, goCancel)
    .text({ text: (ctx) => ctx.t('mailing-cancel-no'), payload: answer('n') }, goCancel);

  const goDelete = (ctx: BotContext) => deleteAction(ctx, screens);
  const remove = new ScreenMenu('mld', { onMenuOutdated: goDelete });
  remove
    .text({ text: (ctx) => ctx.t('mailing-delete-yes'), payload: answer('y') }, goDelete)
    .text({ text: (ctx) => ctx.t('mailing-cancel-no'), payload: answer('n') }, goDelete);

  // Failures payloads are `<mailingId>.<page>.<action>` (p: a page, b: back to the card), so a
  // press on an old page still knows which page it was on.
  const goFailures = (ctx: BotContext) => failuresAction(ctx, screens);
  const failures = new ScreenMenu('mlf', { onMenuOutdated: goFailures });
  failures.dynamic(async (ctx, range) => {
    if (ctx.profile.role !== 'admin') return;
    const { id, action } = splitPayload(matchOf(ctx));
    const mailingId = mailingsView(ctx).mailing?.id ?? id;
    const page = await failuresPage(ctx, mailingId, Number(action.split('.')[0]) || 1);
    addPager(range, page, (target) => `${mailingId}.${target}.p`, goFailures);
    range.text({ text: ctx.t('mailing-failures-back'), payload: `${mailingId}.${page.page}.b` }, goFailures);
  });
  const goRecall = (ctx: BotContext) => recallAction(ctx, screens);
  const recall = new ScreenMenu('mlv', { onMenuOutdated: goRecall });
  recall
    .text({ text: (ctx) => ctx.t('mailing-recall-yes'), payload: answer('y') }, goRecall)
    .text({ text: (ctx) => ctx.t('mailing-cancel-no'), payload: answer('n') }, goRecall);

  screens.mailings = {
    text: async (ctx) =>
      (await mailingList(ctx)).length ? ctx.t('mailings-list-title') : ctx.t('mailings-list-empty'),
    menu: list,
  };
  screens.mailingCard = {
    text: async (ctx) => {
      const m = mailingsView(ctx).mailing;
      return m ? mailingCardText(ctx, m) : ctx.t('mailing-not-found');
    },
    menu: card,
  };
  screens.mailingCancel = {
    text: (ctx) => ctx.t('mailing-cancel-confirm', { id: mailingsView(ctx).mailing?.id ?? '' }),
    menu: cancel,
  };
  screens.mailingDelete = {
    text: (ctx) => ctx.t('mailing-delete-confirm', { id: mailingsView(ctx).mailing?.id ?? '' }),
    menu: remove,
  };
  screens.mailingFailures = {
    text: async (ctx) => {
      const m = mailingsView(ctx).mailing;
      const page = mailingsView(ctx).failures;
      return m && page ? failuresText(ctx, m.id, page) : ctx.t('mailing-not-found');
    },
    menu: failures,
  };
  screens.mailingRecall = {
    text: (ctx) => {
      const m = mailingsView(ctx).mailing;
      const confirm = ctx.t('mailing-recall-confirm', { id: m?.id ?? '', sent: m?.counts.sent ?? 0 });
      const live = m?.status === 'scheduled' || m?.status === 'running' || m?.status === 'paused';
      return live ? `${confirm}\n${ctx.t('mailing-recall-stops')}` : confirm;
    },
    menu: recall,
  };
  return { menus: [list, card, cancel, remove, failures, recall], screens };
}

/** Opens a mailing's card and registers it for live updates while the mailing is not finished. */
export async function openMailing(
  ctx: BotContext,
  screens: MailingScreens,
  id: string,
  how: 'edit' | 'reply' = 'edit',
  toast?: string,
): Promise<void> {
  mailingsView(ctx).mailing = undefined;
  const m = await loadMailing(ctx, id);
  if (!m) {
    if (!ctx.callbackQuery) {
      await ctx.reply(ctx.t('mailing-not-found'));
      return;
    }
    await answerCallback(ctx, ctx.t('mailing-not-found'));
    // Deleted meanwhile (by another admin, or over the API): the pressed card or confirmation
    // becomes the list, so it is not left with buttons that all answer "not found".
    if (how === 'edit' && ctx.callbackQuery.message) {
      mailingsView(ctx).list = undefined;
      await showScreen(ctx, screens.mailings, how);
    }
    return;
  }
  if (toast) await answerCallback(ctx, toast);
  if (how === 'edit' && ctx.callbackQuery?.message) {
    await showScreen(ctx, screens.mailingCard, how);
    await registerCard(ctx, m, ctx.callbackQuery.message.message_id);
    return;
  }
  // A reply comes from a dialog, which answered its own button press.
  const keyboard = await screens.mailingCard.menu.keyboard(ctx);
  const sent = await ctx.reply(await screens.mailingCard.text(ctx), { reply_markup: { inline_keyboard: keyboard } });
  await registerCard(ctx, m, sent.message_id);
}

/**
 * Shows a mailing's card in a given message of the chat (the edit dialog's), a new one if that
 * cannot be edited, and registers it for live updates. Does not answer a button press (the
 * dialog already did). A mailing gone meanwhile: the list there, "not found" below; false.
 */
export async function showMailingIn(
  ctx: BotContext,
  screens: MailingScreens,
  id: string,
  messageId: number | undefined,
): Promise<boolean> {
  mailingsView(ctx).mailing = undefined;
  const m = await loadMailing(ctx, id);
  if (!ctx.chat) return false;
  if (!m) {
    // Deleted meanwhile: the dialog's message becomes the list (not a question left to answer).
    mailingsView(ctx).list = undefined;
    const list = await screens.mailings.text(ctx);
    const keyboard = await screens.mailings.menu.keyboard(ctx);
    await showInMessage(ctx.api, ctx.chat.id, messageId, list, { reply_markup: { inline_keyboard: keyboard } });
    await ctx.reply(ctx.t('mailing-not-found'));
    return false;
  }
  const text = await screens.mailingCard.text(ctx);
  const keyboard = await screens.mailingCard.menu.keyboard(ctx);
  const shownIn = await showInMessage(ctx.api, ctx.chat.id, messageId, text, {
    reply_markup: { inline_keyboard: keyboard },
  });
  await registerCard(ctx, m, shownIn);
  return true;
}

/**
 * The screen a left mailing dialog returns to (home's /cancel resolves `MAILING_BACK` and
 * `MAILINGS_BACK` here): the card, or the list; false for other screens.
 */
export async function showMailingDialogBack(
  ctx: BotContext,
  screens: MailingScreens,
  back: DialogBack,
  how: ScreenHow,
): Promise<boolean> {
  // An admin no more by now gets the main menu (false), not the list nor the card (its content
  // and counts are for admins only).
  if (ctx.profile.role !== 'admin') return false;
  if (back.screen === MAILINGS_BACK) {
    await showScreen(ctx, screens.mailings, how);
    return true;
  }
  if (back.screen !== MAILING_BACK || !back.id) return false;
  await answerCallback(ctx);
  await showMailingIn(ctx, screens, back.id, typeof how === 'object' ? how.messageId : undefined);
  return true;
}

async function listAction(ctx: BotContext, screens: MailingScreens, home: Screen): Promise<void> {
  if (await denyUnlessAdmin(ctx)) return;
  const { id: page, action } = splitPayload(matchOf(ctx));
  if (action === 'n') {
    await answerCallback(ctx);
    await ctx.conversation.enter(MAILING_CONVERSATIONS.create);
    return;
  }
  if (action === 'b') return showScreen(ctx, home);
  if (action.startsWith('m')) return openMailing(ctx, screens, action.slice(1));
  const v = mailingsView(ctx);
  v.list = undefined;
  v.page = Number(page) || 1;
  return showScreen(ctx, screens.mailings);
}

async function cardAction(ctx: BotContext, screens: MailingScreens): Promise<void> {
  if (await denyUnlessAdmin(ctx)) return;
  const { id, action } = splitPayload(matchOf(ctx));
  const m = await loadMailing(ctx, id);
  if (!m) return openMailing(ctx, screens, id);
  if (action === 'l') {
    const v = mailingsView(ctx);
    v.list = undefined;
    v.page = await listPageOf(ctx, m.id);
    return showScreen(ctx, screens.mailings);
  }
  if (action === 'c' && (m.status === 'scheduled' || m.status === 'running' || m.status === 'paused')) {
    return showScreen(ctx, screens.mailingCancel);
  }
  if (action === 'd' && m.status === 'scheduled') return showScreen(ctx, screens.mailingDelete);
  if (action === 'f') {
    await failuresPage(ctx, m.id, 1);
    await unregisterCard(ctx, m.id, ctx.callbackQuery?.message?.message_id);
    return showScreen(ctx, screens.mailingFailures);
  }
  if (action === 'e') {
    if (!editable(m)) return openMailing(ctx, screens, id, 'edit', ctx.t('mailing-edit-started'));
    // The dialog takes over the card's message until it shows the card again.
    await unregisterCard(ctx, m.id, ctx.callbackQuery?.message?.message_id);
    await answerCallback(ctx);
    await ctx.conversation.enter(MAILING_CONVERSATIONS.edit, m.id);
    return;
  }
  if (action === 'v' && canRecall(m)) return showScreen(ctx, screens.mailingRecall);
  if (action === 'p' || action === 'u') {
    try {
      if (action === 'p') await pauseMailing(ctx.em, ctx.user, id);
      else await resumeMailing(ctx.em, ctx.user, id);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return openMailing(ctx, screens, id, 'edit', ctx.t('mailing-state-changed'));
    }
    return openMailing(ctx, screens, id, 'edit', ctx.t(action === 'p' ? 'mailing-paused' : 'mailing-resumed'));
  }
  if (action === 't') {
    const label = ctx.t('mailing-unsubscribe');
    const outcome = await sendMailingTo(ctx.api, ctx.chat?.id ?? 0, contentOf(m), label);
    if (!outcome.ok) {
      await answerCallback(ctx);
      await ctx.reply(ctx.t('mailing-test-failed', { error: outcome.description }));
      return;
    }
    await answerCallback(ctx, ctx.t('mailing-test-sent'));
    // The card follows the test message, so it stays the newest; the pressed one gives way to it.
    mailingsView(ctx).mailing = undefined;
    await openMailing(ctx, screens, id, 'reply');
    await retirePressedCard(ctx, id);
    return;
  }
  return openMailing(ctx, screens, id);
}

/**
 * The pressed card, once a copy of it is shown below (🧪 Test): the worker stops updating it and
 * it is deleted, so the chat keeps one card of the mailing, not a stack of live ones; one too old
 * to delete (48 h) is left without buttons.
 */
async function retirePressedCard(ctx: BotContext, mailingId: string): Promise<void> {
  const pressed = visiblePressedMessage(ctx)?.message_id;
  if (!ctx.chat || pressed === undefined) return;
  await unregisterCard(ctx, mailingId, pressed);
  await ctx.api.deleteMessage(ctx.chat.id, pressed).catch(() => stripButtons(ctx, [pressed]));
}

async function failuresAction(ctx: BotContext, screens: MailingScreens): Promise<void> {
  if (await denyUnlessAdmin(ctx)) return;
  const { id, action } = splitPayload(matchOf(ctx));
  const [page = '1', what = 'p'] = action.split('.');
  if (what === 'b' || !(await loadMailing(ctx, id))) return openMailing(ctx, screens, id);
  // The menu plugin's check of this press already read this page (same payload): read once.
  await failuresPage(ctx, id, Number(page) || 1);
  return showScreen(ctx, screens.mailingFailures);
}

async function deleteAction(ctx: BotContext, screens: MailingScreens): Promise<void> {
  if (await denyUnlessAdmin(ctx)) return;
  const { id, action } = splitPayload(matchOf(ctx));
  if (action !== 'y') return openMailing(ctx, screens, id);
  try {
    await deleteMailing(ctx.em, ctx.user, id);
  } catch (err) {
    if (err instanceof DomainError && (err.code === 'mailing_started' || err.code === 'not_found')) {
      return openMailing(ctx, screens, id, 'edit', ctx.t('mailing-state-changed'));
    }
    throw err;
  }
  await answerCallback(ctx, ctx.t('mailing-deleted', { id }));
  const v = mailingsView(ctx);
  v.mailing = undefined;
  v.list = undefined;
  await showScreen(ctx, screens.mailings);
}

async function cancelAction(ctx: BotContext, screens: MailingScreens): Promise<void> {
  if (await denyUnlessAdmin(ctx)) return;
  const { id, action } = splitPayload(matchOf(ctx));
  if (action !== 'y') return openMailing(ctx, screens, id);
  try {
    await cancelMailing(ctx.em, ctx.user, id);
  } catch (err) {
    if (err instanceof DomainError && err.code === 'mailing_finished') {
      return openMailing(ctx, screens, id, 'edit', ctx.t('mailing-already-finished'));
    }
    if (err instanceof DomainError && err.code === 'not_found') return openMailing(ctx, screens, id);
    throw err;
  }
  await openMailing(ctx, screens, id, 'edit', ctx.t('mailing-cancelled'));
}

/** Recall confirmed (or not): the card again, with a toast saying what happened. */
async function recallAction(ctx: BotContext, screens: MailingScreens): Promise<void> {
  if (await denyUnlessAdmin(ctx)) return;
  const { id, action } = splitPayload(matchOf(ctx));
  if (action !== 'y') return openMailing(ctx, screens, id);
  try {
    await recallMailing(ctx.em, ctx.user, id);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const toast: Record<string, string> = {
      recall_too_late: 'mailing-recall-too-late',
      nothing_to_recall: 'mailing-recall-nothing',
    };
    if (err.code === 'not_found') return openMailing(ctx, screens, id);
    return openMailing(ctx, screens, id, 'edit', ctx.t(toast[err.code] ?? 'mailing-state-changed'));
  }
  await openMailing(ctx, screens, id, 'edit', ctx.t('mailing-recall-started'));
}
