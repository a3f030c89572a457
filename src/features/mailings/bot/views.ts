import type { BotContext } from '../../../platform/bot/context.js';
import { clip } from '../../../platform/bot/ui/payload.js';
import { DomainError } from '../../../platform/errors.js';
import { renderMailingCard } from '../card.js';
import { type FailedPage, type FailedRecipient, listFailedRecipients } from '../failures.js';
import { forgetLiveCard, type LiveCard, registerLiveCard } from '../jobs/cards.js';
import { Mailing } from '../mailing.entities.js';
import { getMailingView, listMailingsPage, type MailingView } from '../mailings.js';

export const MAILINGS_PAGE = 10;
/** Failed recipients per page of the card's ⚠️ list. */
export const FAILURES_PAGE = 10;
/** Telegram's own description is shown cut to this many characters. */
const RAW_REASON_MAX = 120;

/** What the handler of this update loaded for the mailing screens (per update, never stored). */
export interface MailingsView {
  mailing?: MailingView;
  list?: MailingView[];
  /** The list page this update shows (from 1), and how many there are. */
  page?: number;
  pages?: number;
  /** The page of failed recipients this update shows. */
  failures?: FailedPage;
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

/**
 * The list page a mailing is on now (newest first): where the card's ◀️ Back to list returns, so
 * an admin who opened it from page 3 gets page 3 again. Worked out from the mailing, not carried
 * in the button (the worker lays out a live card's buttons too, and knows no page): it is never
 * stale — with mailings deleted meanwhile it is still a page that exists, and the one showing it.
 */
export async function listPageOf(ctx: BotContext, mailingId: string): Promise<number> {
  const newer = await ctx.em.count(Mailing, { id: { $gt: mailingId } });
  return Math.floor(newer / MAILINGS_PAGE) + 1;
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
    {
      t: ctx.t,
      locale: ctx.profile.language,
      timezone: ctx.profile.timezone,
      redis: ctx.deps.redis,
      keyPrefix: ctx.deps.keyPrefix ?? '',
    },
    m,
  );
}

/**
 * Remembers where an admin's card of a running or scheduled mailing is shown, in which language
 * and zone, so the worker can keep it up to date, text and buttons (a set of `chatId:messageId`
 * per mailing in Redis).
 */
export async function registerCard(ctx: BotContext, m: MailingView, messageId: number | undefined): Promise<void> {
  const finished = (m.status === 'completed' || m.status === 'cancelled') && !(m.recall && !m.recall.completedAt);
  if (!ctx.chat || messageId === undefined || finished) return;
  const card: LiveCard = {
    chatId: ctx.chat.id,
    messageId,
    language: ctx.profile.language,
    timezone: ctx.profile.timezone,
  };
  await registerLiveCard(ctx.deps.redis, ctx.deps.keyPrefix ?? '', m.id, card);
}

/** The card's message now shows another screen of this mailing: the worker stops updating it. */
export async function unregisterCard(ctx: BotContext, mailingId: string, messageId: number | undefined): Promise<void> {
  if (!ctx.chat || messageId === undefined) return;
  await forgetLiveCard(ctx.deps.redis, ctx.deps.keyPrefix ?? '', mailingId, ctx.chat.id, messageId);
}

/** The failures page of this update (loaded once per update; `page` clamped). */
export async function failuresPage(ctx: BotContext, mailingId: string, page: number): Promise<FailedPage> {
  const v = mailingsView(ctx);
  v.failures ??= await listFailedRecipients(ctx.em, mailingId, page, FAILURES_PAGE);
  return v.failures;
}

/**
 * Why a recipient did not get it, in the admin's language: the known Telegram answers and our
 * own reasons by name; anything else as Telegram's description, cut short (the translator
 * escapes it as an argument).
 */
export function failureText(ctx: BotContext, f: FailedRecipient): string {
  if (f.reason === 'other') return ctx.t('mailing-failure-other', { error: clip(f.error ?? '—', RAW_REASON_MAX) });
  return ctx.t(`mailing-failure-${f.reason.replace(/_/g, '-')}`);
}

/** The ⚠️ list: who (name, @username; never the phone), the status and the reason, one line each. */
export function failuresText(ctx: BotContext, mailingId: string, page: FailedPage): string {
  // The parts are translated separately and joined: a translated text passed as an argument
  // would be escaped a second time.
  const lines = page.items.map((f, i) => {
    const who = ctx.t('mailing-failures-item', {
      n: (page.page - 1) * FAILURES_PAGE + i + 1,
      who: f.username ? `${f.name} (@${f.username})` : f.name,
    });
    return `${who} · ${ctx.t(`mailing-failed-${f.status}`)}: ${failureText(ctx, f)}`;
  });
  const title = ctx.t('mailing-failures-title', { id: mailingId, count: page.total });
  return page.total ? [title, '', ...lines].join('\n') : `${title}\n\n${ctx.t('mailing-failures-none')}`;
}
