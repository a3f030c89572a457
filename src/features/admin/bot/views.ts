import type { BotContext } from '../../../platform/bot/context.js';
import { answerCallback } from '../../../platform/bot/ui/answer.js';
import { paginate } from '../../../platform/bot/ui/paginate.js';
import { formatDue } from '../../../platform/time/local-dates.js';
import type { Language, User } from '../../users/index.js';
import { LANGUAGE_NAMES, visibleName } from '../../users/index.js';
import { adminStats, isAdmin, searchUsersAsAdmin } from '../admin.js';
import type { AfterAdminChangeDeps } from '../after-change.js';

/**
 * What the admin screens show and what the follow-up of an admin change uses here, shared by the /admin
 * command (commands.ts), the screens (screens.ts) and the dialogs (dialogs.ts).
 */

/** True (after saying "not allowed") when the sender is not an admin. */
export async function denyUnlessAdmin(ctx: BotContext): Promise<boolean> {
  if (isAdmin(ctx.profile)) return false;
  if (ctx.callbackQuery) await answerCallback(ctx, ctx.t('admin-not-allowed'));
  else if (ctx.chat) await ctx.reply(ctx.t('admin-not-allowed'));
  return true;
}

/** What the handler of this update loaded for the admin screens to render (per update, never stored). */
export interface AdminView {
  target?: User;
  /** A ban / role change asked for and awaiting confirmation (its card action code). */
  confirm?: string;
  results?: User[];
}
const views = new WeakMap<object, AdminView>();
export function adminView(ctx: BotContext): AdminView {
  let v = views.get(ctx);
  if (!v) {
    v = {};
    views.set(ctx, v);
  }
  return v;
}

export const RESULTS_PAGE_SIZE = 8;

export async function statsText(ctx: BotContext): Promise<string> {
  const s = await adminStats(ctx.em);
  return ctx.t('admin-stats', {
    total: s.users.total,
    active: s.users.active7d,
    blocked: s.users.blockedBot,
    banned: s.users.banned,
    todo: s.tasks.todo ?? 0,
    inProgress: s.tasks.in_progress ?? 0,
    done: s.tasks.done ?? 0,
    messages: s.messages24h,
    scheduled: s.mailings.scheduled ?? 0,
    running: s.mailings.running ?? 0,
    paused: s.mailings.paused ?? 0,
    completed: s.mailings.completed ?? 0,
    cancelled: s.mailings.cancelled ?? 0,
  });
}

/** The last search of this chat (UI state in the session) with its current results. */
export async function searchResults(ctx: BotContext) {
  const session = await ctx.session;
  const query = session.adminSearch?.query ?? '';
  const v = adminView(ctx);
  v.results ??= query ? await searchUsersAsAdmin(ctx.em, query) : [];
  return { query, page: paginate(v.results, session.adminSearch?.page ?? 1, RESULTS_PAGE_SIZE) };
}

export async function resultsText(ctx: BotContext): Promise<string> {
  const { query, page } = await searchResults(ctx);
  if (page.total === 0) return ctx.t('admin-search-empty', { query });
  return ctx.t('admin-search-results', { query, count: page.total });
}

/**
 * Who a user is in a sentence ("Ann @annie_t"): the name and handle, without the list's ⭐ / ⛔
 * marks — a confirmation reads "Make Ann @annie_t an admin?", not "Make ⛔ Ann… an admin?".
 */
export function userName(user: User): string {
  const handle = user.telegramUsername ? `@${user.telegramUsername}` : user.username ? `~${user.username}` : '';
  return `${visibleName(user)} ${handle}`.trim();
}

export function userButtonLabel(user: User): string {
  const marks = `${user.role === 'admin' ? '⭐ ' : ''}${user.status === 'banned' ? '⛔ ' : ''}`;
  return `${marks}${userName(user)}`.slice(0, 60);
}

export function userCardText(ctx: BotContext, user: User): string {
  // The card is redrawn, so a time may be "yesterday 18:05" (formatDue), in the admin's zone.
  const when = (instant: Date) => formatDue(instant, ctx.profile.timezone, ctx.t, ctx.profile.language);
  const none = ctx.t('not-set');
  const telegramName = [user.telegramFirstName, user.telegramLastName].filter(Boolean).join(' ');
  const telegram = user.telegramId
    ? `${telegramName} ${user.telegramUsername ? `@${user.telegramUsername}` : ''} (${user.telegramId})`
        .replace(/\s+/g, ' ')
        .trim()
    : none;
  const accountName = [user.firstName, user.lastName].filter(Boolean).join(' ');
  const account = user.username ? `${user.username}${accountName ? ` (${accountName})` : ''}` : none;
  const status =
    ctx.t(user.status === 'banned' ? 'admin-status-banned' : 'admin-status-active') +
    (user.botBlocked ? ` ${ctx.t('admin-status-bot-blocked')}` : '');
  return [
    ctx.t('admin-card-title', { name: visibleName(user), id: user.id }),
    ctx.t('admin-card-telegram', { telegram }),
    ctx.t('admin-card-account', { account }),
    // The language by its name, as Settings shows it (a code no interface language has, as it is).
    ctx.t('admin-card-language', {
      language: LANGUAGE_NAMES[user.language as Language] ?? user.language,
      timezone: user.timezone,
    }),
    ctx.t('admin-card-phone', { phone: user.phone ?? none, operator: user.operatorCode ?? none }),
    user.tags.length
      ? ctx.t('admin-card-tags', { tags: user.tags.map((t) => `#${t}`).join(' ') })
      : ctx.t('admin-card-tags-none'),
    ctx.t('admin-card-role', { role: ctx.t(user.role === 'admin' ? 'admin-role-admin' : 'admin-role-user') }),
    ctx.t('admin-card-status', { status }),
    ctx.t('admin-card-created', { created: when(user.createdAt) }),
    // Never seen is not a missing setting: "never", not "not set".
    ctx.t('admin-card-seen', { seen: user.lastSeenAt ? when(user.lastSeenAt) : ctx.t('admin-card-never') }),
  ].join('\n');
}

/** What the follow-up of an admin change (../after-change.ts) uses in the bot: this update's Bot API client and logger. */
export function adminChangeDeps(ctx: BotContext): AfterAdminChangeDeps {
  return {
    api: ctx.api,
    translator: ctx.deps.translator,
    redis: ctx.deps.redis,
    keyPrefix: ctx.deps.keyPrefix ?? '',
    log: ctx.log,
  };
}
