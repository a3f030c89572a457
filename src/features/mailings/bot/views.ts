import type { InlineKeyboardButton } from 'grammy/types';
import type { BotContext } from '../../../platform/bot/context.js';
import { DomainError } from '../../../platform/errors.js';
import { renderMailingCard } from '../card.js';
import { type LiveCard, registerLiveCard } from '../jobs/cards.js';
import { getMailingView, listMailingsPage, type MailingView } from '../mailings.js';

export const MAILINGS_PAGE = 10;

/** What the handler of this update loaded for the mailing screens (per update, never stored). */
export interface MailingsView {
  mailing?: MailingView;
  list?: MailingView[];
  /** The list page this update shows (from 1), and how many there are. */
  page?: number;
  pages?: number;
}
const views = new WeakMap<object, MailingsView>();
export function mailingsView(ctx: BotContext): MailingsView {
  let v = views.get(ctx);
  if (!v) {
    v = {};
    views.set(ctx, v);
  }
  return v;
}

/** The list page of this update (`page`, else page 1); sets the view's page and pages. */
export async function mailingList(ctx: BotContext, page?: number): Promise<MailingView[]> {
  const v = mailingsView(ctx);
  if (!v.list) {
    const found = await listMailingsPage(ctx.em, page ?? v.page ?? 1, MAILINGS_PAGE);
    v.list = found.items;
    v.page = found.page;
    v.pages = found.pages;
  }
  return v.list;
}

/** The mailing a payload names, or null for an unknown or malformed id. */
export async function loadMailing(ctx: BotContext, id: string): Promise<MailingView | null> {
  const v = mailingsView(ctx);
  if (v.mailing?.id === id) return v.mailing;
  try {
    v.mailing = await getMailingView(ctx.em, id);
    return v.mailing;
  } catch (err) {
    if (err instanceof DomainError && err.code === 'not_found') return null;
    throw err;
  }
}

export function mailingCardText(ctx: BotContext, m: MailingView): Promise<string> {
  return renderMailingCard(
    { t: ctx.t, timezone: ctx.user.timezone, redis: ctx.deps.redis, keyPrefix: ctx.deps.keyPrefix ?? '' },
    m,
  );
}

/**
 * Remembers where an admin's card of a running or scheduled mailing is shown, so the worker can
 * keep it up to date (a set of `chatId:messageId` per mailing in Redis).
 */
export async function registerCard(
  ctx: BotContext,
  m: MailingView,
  messageId: number | undefined,
  keyboard: InlineKeyboardButton[][],
): Promise<void> {
  if (!ctx.chat || messageId === undefined || m.status === 'completed' || m.status === 'cancelled') return;
  const card: LiveCard = {
    chatId: ctx.chat.id,
    messageId,
    language: ctx.user.language,
    timezone: ctx.user.timezone,
    keyboard,
  };
  await registerLiveCard(ctx.deps.redis, ctx.deps.keyPrefix ?? '', m.id, card);
}
