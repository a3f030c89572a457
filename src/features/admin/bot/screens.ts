import type { BotContext } from '../../../platform/bot/context.js';
import { answerCallback } from '../../../platform/bot/ui/answer.js';
import { ScreenMenu } from '../../../platform/bot/ui/menu.js';
import { addPager } from '../../../platform/bot/ui/paginate.js';
import { matchOf, splitPayload } from '../../../platform/bot/ui/payload.js';
import { type Screen, showScreen } from '../../../platform/bot/ui/screen.js';
import { DomainError } from '../../../platform/errors.js';
import type { Role } from '../../users/index.js';
import { findUserById, removeTag, updateUserAsAdmin } from '../admin.js';
import { afterAdminChange } from '../after-change.js';
import {
  adminChangeDeps,
  adminView,
  denyUnlessAdmin,
  resultsText,
  searchResults,
  statsText,
  userButtonLabel,
  userCardText,
  userName,
} from './views.js';

/**
 * Admin screens (SPEC §2.4): home → stats, user search results → user card. Every menu has one
 * dispatcher for its buttons and its "outdated" presses, and every dispatcher starts with the
 * admin check, so a non-admin pressing an admin's real buttons (or a demoted admin pressing old
 * ones) gets "⛔ Not allowed" and nothing else. Card payloads are `<userId>.<action>`; the user
 * is loaded again on every press. A press on a card whose buttons changed meanwhile (the user
 * was banned elsewhere, a tag was removed) shows the card as it is now instead of acting.
 */
export interface AdminScreens {
  adminHome: Screen;
  adminStats: Screen;
  adminResults: Screen;
  adminCard: Screen;
}

/** Conversations the admin screens start (registered in bot/index.ts). */
export const ADMIN_CONVERSATIONS = { search: 'adminSearch', addTag: 'adminAddTag' } as const;
/** Where the user search was begun: 👥 Users on Admin, or 🔎 New search on the results. */
export type SearchOrigin = 'home' | 'results';
/** The screens a left admin dialog returns to (`session.dialog.back.screen`; the card with `id`). */
export const ADMIN_BACK = { home: 'admin', results: 'adminResults', card: 'adminUser' } as const;

const CARD = {
  ban: 'bn',
  unban: 'ub',
  makeAdmin: 'ma',
  removeAdmin: 'ra',
  addTag: 't',
  list: 'l',
  home: 'h',
} as const;

export interface AdminMenuLinks {
  main: Screen;
  /** Opens the mailing list (menus/mailings.ts). */
  mailings(ctx: BotContext): Promise<void>;
}

export function buildAdminMenus(links: AdminMenuLinks): { menus: ScreenMenu[]; screens: AdminScreens } {
  const screens = {} as AdminScreens;

  const goHome = (ctx: BotContext) => homeAction(ctx, screens, links);
  const home = new ScreenMenu('adm', { onMenuOutdated: goHome });
  home
    .text({ text: (ctx) => ctx.t('admin-stats-button'), payload: 'st' }, goHome)
    .text({ text: (ctx) => ctx.t('admin-users-button'), payload: 'us' }, goHome)
    .row()
    .text({ text: (ctx) => ctx.t('admin-mailings-button'), payload: 'ml' }, goHome)
    .row()
    .text({ text: (ctx) => ctx.t('back'), payload: 'bk' }, goHome);

  const goStats = async (ctx: BotContext) => {
    if (await denyUnlessAdmin(ctx)) return;
    if (matchOf(ctx) === 'r') return showScreen(ctx, screens.adminStats);
    return showScreen(ctx, screens.adminHome);
  };
  const stats = new ScreenMenu('ads', { onMenuOutdated: goStats });
  stats
    .text({ text: (ctx) => ctx.t('admin-refresh'), payload: 'r' }, goStats)
    .text({ text: (ctx) => ctx.t('back'), payload: 'b' }, goStats);

  // Results: `u<userId>` opens a card, `p<page>` pages, `s` searches again, `b` goes home.
  const goResults = (ctx: BotContext) => resultsAction(ctx, screens);
  const results = new ScreenMenu('adr', { onMenuOutdated: goResults });
  results.dynamic(async (ctx, range) => {
    if (ctx.profile.role !== 'admin') return;
    const { page } = await searchResults(ctx);
    for (const user of page.items) range.text({ text: userButtonLabel(user), payload: `u${user.id}` }, goResults).row();
    addPager(range, page, (target) => `p${target}`, goResults);
    range
      .text({ text: ctx.t('admin-search-again'), payload: 's' }, goResults)
      .text({ text: ctx.t('admin-to-home'), payload: 'b' }, goResults);
  });

  const goCard = (ctx: BotContext) => cardAction(ctx, screens, false);
  const card = new ScreenMenu('adc', { onMenuOutdated: (ctx) => cardAction(ctx, screens, true) });
  card.dynamic(async (ctx, range) => {
    if (ctx.profile.role !== 'admin') return;
    const user = adminView(ctx).target ?? (await findUserById(ctx.em, splitPayload(matchOf(ctx)).id));
    if (!user) return;
    const to = (action: string) => `${user.id}.${action}`;
    // A ban or role change asks first (SPEC §2.4): Yes (`y<code>`) or Cancel (`n<code>`). The code
    // is in both payloads, so the press is matched against the same buttons it was made on.
    const pressed = splitPayload(matchOf(ctx)).action;
    const pending = adminView(ctx).confirm ?? (/^[yn](bn|ub|ma|ra)$/.test(pressed) ? pressed.slice(1) : undefined);
    if (pending && user.id !== ctx.profile.id) {
      range
        .text({ text: ctx.t(`admin-confirm-yes-${pending}`), payload: to(`y${pending}`) }, goCard)
        .text({ text: ctx.t('cancel'), payload: to(`n${pending}`) }, goCard);
      return;
    }
    if (user.id !== ctx.profile.id) {
      const banned = user.status === 'banned';
      const admin = user.role === 'admin';
      range.text(
        { text: ctx.t(banned ? 'admin-unban' : 'admin-ban'), payload: to(banned ? CARD.unban : CARD.ban) },
        goCard,
      );
      // Someone banned is not made an admin (admin.ts says why); a banned admin can still be demoted.
      if (admin || !banned) {
        range.text(
          {
            text: ctx.t(admin ? 'admin-remove-admin' : 'admin-make-admin'),
            payload: to(admin ? CARD.removeAdmin : CARD.makeAdmin),
          },
          goCard,
        );
      }
      range.row();
    }
    range.text({ text: ctx.t('admin-add-tag'), payload: to(CARD.addTag) }, goCard).row();
    user.tags.forEach((tag, i) => {
      range.text({ text: ctx.t('admin-remove-tag', { tag }), payload: to(`r${i}`) }, goCard);
      if (i % 2 === 1) range.row();
    });
    range
      .row()
      .text({ text: ctx.t('admin-back-to-results'), payload: to(CARD.list) }, goCard)
      .text({ text: ctx.t('admin-to-home'), payload: to(CARD.home) }, goCard);
  });

  screens.adminHome = { text: (ctx) => ctx.t('admin-home'), menu: home };
  screens.adminStats = { text: statsText, menu: stats };
  screens.adminResults = { text: resultsText, menu: results };
  screens.adminCard = {
    text: (ctx) => {
      const { target: user, confirm } = adminView(ctx);
      if (!user) return ctx.t('admin-user-not-found');
      const card = userCardText(ctx, user);
      return confirm ? `${card}\n\n${ctx.t(`admin-confirm-${confirm}`, { user: userName(user) })}` : card;
    },
    menu: card,
  };
  home.register([stats, results, card]);
  return { menus: [home], screens };
}

async function homeAction(ctx: BotContext, screens: AdminScreens, links: AdminMenuLinks): Promise<void> {
  if (await denyUnlessAdmin(ctx)) return;
  switch (matchOf(ctx)) {
    case 'st':
      return showScreen(ctx, screens.adminStats);
    case 'us':
      await answerCallback(ctx);
      await ctx.conversation.enter(ADMIN_CONVERSATIONS.search, 'home' satisfies SearchOrigin);
      return;
    case 'ml':
      return links.mailings(ctx);
    case 'bk':
      return showScreen(ctx, links.main);
  }
  return showScreen(ctx, screens.adminHome);
}

async function resultsAction(ctx: BotContext, screens: AdminScreens): Promise<void> {
  if (await denyUnlessAdmin(ctx)) return;
  const payload = matchOf(ctx);
  const kind = payload.charAt(0);
  const arg = payload.slice(1);
  if (kind === 'u') return openUserCard(ctx, screens, arg);
  if (kind === 's') {
    await answerCallback(ctx);
    await ctx.conversation.enter(ADMIN_CONVERSATIONS.search, 'results' satisfies SearchOrigin);
    return;
  }
  if (kind === 'p') {
    const session = await ctx.session;
    if (session.adminSearch) session.adminSearch.page = Number(arg) || 1;
    return showScreen(ctx, screens.adminResults);
  }
  return showScreen(ctx, screens.adminHome);
}

/** Opens a user's card (edit, or a new message), or says the user is gone. */
export async function openUserCard(
  ctx: BotContext,
  screens: AdminScreens,
  id: string,
  how: 'edit' | 'reply' = 'edit',
  toast?: string,
): Promise<void> {
  const user = await findUserById(ctx.em, id);
  if (!user) {
    if (ctx.callbackQuery) await answerCallback(ctx, ctx.t('admin-user-not-found'));
    else await ctx.reply(ctx.t('admin-user-not-found'));
    return;
  }
  adminView(ctx).target = user;
  if (toast) await answerCallback(ctx, toast);
  await showScreen(ctx, screens.adminCard, how);
}

async function cardAction(ctx: BotContext, screens: AdminScreens, outdated: boolean): Promise<void> {
  if (await denyUnlessAdmin(ctx)) return;
  const { id, action } = splitPayload(matchOf(ctx));
  const user = await findUserById(ctx.em, id);
  if (!user) return openUserCard(ctx, screens, id);
  if (action === CARD.list) return showScreen(ctx, screens.adminResults);
  if (action === CARD.home) return showScreen(ctx, screens.adminHome);
  // The buttons pressed are not the ones the card has now: show it as it is.
  if (outdated) return openUserCard(ctx, screens, id, 'edit', ctx.t('menu-outdated'));
  if (action === CARD.addTag) {
    await answerCallback(ctx);
    await ctx.conversation.enter(ADMIN_CONVERSATIONS.addTag, user.id);
    return;
  }
  const change = async (work: () => ReturnType<typeof updateUserAsAdmin>, toast: string) => {
    try {
      const result = await work();
      await afterAdminChange(adminChangeDeps(ctx), result);
      await openUserCard(ctx, screens, id, 'edit', ctx.t(toast));
    } catch (err) {
      if (err instanceof DomainError && (err.code === 'cannot_change_own_role' || err.code === 'cannot_ban_self')) {
        return openUserCard(ctx, screens, id, 'edit', ctx.t('admin-self'));
      }
      // Banned by someone else between the question and the Yes.
      if (err instanceof DomainError && err.code === 'target_banned') {
        return openUserCard(ctx, screens, id, 'edit', ctx.t('admin-banned-not-promoted'));
      }
      if (err instanceof DomainError && err.code === 'forbidden') {
        await answerCallback(ctx, ctx.t('admin-not-allowed'));
        return;
      }
      throw err;
    }
  };
  const role = (r: Role, toast: string) => change(() => updateUserAsAdmin(ctx.em, ctx.user, id, { role: r }), toast);
  const asked = [CARD.ban, CARD.unban, CARD.makeAdmin, CARD.removeAdmin] as string[];
  if (asked.includes(action)) {
    // The first press only asks; the card shows the question with Yes and Cancel.
    adminView(ctx).confirm = action;
    return openUserCard(ctx, screens, id);
  }
  // Answered: the card is shown as it is now, not with the question (the pressed payload had it).
  adminView(ctx).confirm = '';
  if (action.startsWith('n') && asked.includes(action.slice(1))) return openUserCard(ctx, screens, id);
  const confirmed = action.startsWith('y') ? action.slice(1) : '';
  // Another admin (or the API, the console) did it meanwhile: say so rather than take the credit.
  const already =
    (confirmed === CARD.ban && user.status === 'banned') ||
    (confirmed === CARD.unban && user.status !== 'banned') ||
    (confirmed === CARD.makeAdmin && user.role === 'admin') ||
    (confirmed === CARD.removeAdmin && user.role !== 'admin');
  if (already) return openUserCard(ctx, screens, id, 'edit', ctx.t('admin-already-done'));
  switch (confirmed) {
    case CARD.ban:
      return change(() => updateUserAsAdmin(ctx.em, ctx.user, id, { banned: true }), 'admin-banned');
    case CARD.unban:
      return change(() => updateUserAsAdmin(ctx.em, ctx.user, id, { banned: false }), 'admin-unbanned');
    case CARD.makeAdmin:
      return role('admin', 'admin-made-admin');
    case CARD.removeAdmin:
      return role('user', 'admin-removed-admin');
  }
  if (action.startsWith('r')) {
    const tag = user.tags[Number(action.slice(1))];
    if (tag === undefined) return openUserCard(ctx, screens, id, 'edit', ctx.t('menu-outdated'));
    return change(() => removeTag(ctx.em, ctx.user, id, tag), 'admin-tag-removed');
  }
  return openUserCard(ctx, screens, id);
}
