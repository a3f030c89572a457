import type { InlineKeyboardButton } from 'grammy/types';
import type { BotContext } from '../../platform/bot/context.js';
import { type MenuHandler, type MenuRange, ScreenMenu } from '../../platform/bot/ui/menu.js';
import type { Language } from '../../platform/i18n/languages.js';
import type { Translate } from '../../platform/i18n/translator.js';
import { escapeHtml } from '../../platform/telegram/html.js';
import { formatDateTime } from '../../platform/time/local-dates.js';
import { LANGUAGE_NAMES } from '../users/index.js';
import { contentPreview } from './content.js';
import { RECALL_WINDOW_HOURS } from './deliveries.js';
import type { MailingFilter } from './mailing.entities.js';
import type { MailingView } from './mailings.js';

/**
 * The mailing card's text: shown by the bot (screens.ts) and kept up to date by the worker
 * (jobs/cards.ts), so it lives here, beside the mailing, not in bot/.
 */

export const statusLabel = (t: Translate, status: string) => t(`mailing-status-${status}`);

const LANGUAGE_FLAGS: Record<Language, string> = { ru: '🇷🇺', en: '🇬🇧' };

/** "🇷🇺 Русский" for the interface languages (native names, as in Settings); other codes as they are. */
export function languageLabel(code: string): string {
  return Object.hasOwn(LANGUAGE_FLAGS, code)
    ? `${LANGUAGE_FLAGS[code as Language]} ${LANGUAGE_NAMES[code as Language]}`
    : code;
}

/**
 * A mailing's audience in one line: "#vip #beta · operator codes 916, 903 · 🇷🇺 Русский" (the
 * conditions combine; within one, any value), or "everyone". Plain text: callers pass it as a
 * translation argument, which escapes it.
 */
export function audienceText(t: Translate, filter: MailingFilter): string {
  const parts: string[] = [];
  if (filter.tags?.length) parts.push(filter.tags.map((tag) => `#${tag}`).join(' '));
  if (filter.operatorCodes?.length)
    parts.push(`${t('mailing-audience-operators-label')} ${filter.operatorCodes.join(', ')}`);
  if (filter.languages?.length) parts.push(filter.languages.map(languageLabel).join(', '));
  return parts.length ? parts.join(' · ') : t('mailing-audience-all');
}

const BAR_WIDTH = 10;

export function progressBar(done: number, total: number): { bar: string; percent: number } {
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(ratio * BAR_WIDTH);
  return { bar: '▓'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled), percent: Math.floor(ratio * 100) };
}

/** What rendering a mailing card needs; the bot passes its context's, the worker its own. */
export interface CardRenderDeps {
  t: Translate;
  /** The viewer's language, for the names of days and months ("Fri, Jan 2" / «пт, 2 янв.»). */
  locale: string;
  timezone: string;
  redis: BotContext['deps']['redis'];
  keyPrefix: string;
}

/**
 * Sent per second since the previous look at this mailing (a sample kept in Redis for a while),
 * so the rate reflects the last interval, not the whole run.
 */
async function rateOf(deps: Pick<CardRenderDeps, 'redis' | 'keyPrefix'>, m: MailingView, now: number): Promise<number> {
  const key = `${deps.keyPrefix}mailing-rate:${m.id}`;
  const previous = await deps.redis.get(key);
  await deps.redis.set(key, JSON.stringify({ t: now, sent: m.counts.sent }), 'EX', 3600);
  if (!previous) return 0;
  const sample = JSON.parse(previous) as { t: number; sent: number };
  const seconds = (now - sample.t) / 1000;
  return seconds > 0 ? Math.max(0, (m.counts.sent - sample.sent) / seconds) : 0;
}

/** A duration as people say it: "4 h 0 min", "2 min 5 s", "12 s" (in the viewer's language). */
export function humanizeDuration(t: Translate, totalSeconds: number): string {
  const s = Math.max(0, Math.ceil(totalSeconds));
  if (s >= 86_400) return t('mailing-eta-days', { d: Math.floor(s / 86_400), h: Math.floor((s % 86_400) / 3600) });
  if (s >= 3600) return t('mailing-eta-hours', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
  if (s >= 60) return t('mailing-eta-minutes', { m: Math.floor(s / 60), s: s % 60 });
  return t('mailing-eta-seconds', { s });
}

/**
 * What the card shows of the content: the media kind, the start of the text (what a reader sees:
 * an HTML text of the API without its tags), the buttons. HTML: the translator escapes the text,
 * once, as an argument.
 */
export function contentLine(t: Translate, m: MailingView): string {
  const text = contentPreview(m, 120);
  const line = t('mailing-content-line', { text: text || '—', buttons: m.buttons?.flat().length ?? 0 });
  return m.media ? `${t(`mailing-media-${m.media.type}`)} ${line}` : line;
}

/** Messages per second a running mailing is sent at now (0 otherwise): one sample per look (see `rateOf`). */
export async function mailingRate(
  deps: Pick<CardRenderDeps, 'redis' | 'keyPrefix'>,
  m: MailingView,
  now = Date.now(),
): Promise<number> {
  return m.status === 'running' ? rateOf(deps, m, now) : 0;
}

/**
 * The card text (content, counts per status, progress bar, rate, ETA) in the viewer's language and
 * zone. `rate`: already measured for this look at the mailing (the worker renders one mailing in
 * several languages, and a second measurement would find no time passed since the first).
 */
export async function renderMailingCard(deps: CardRenderDeps, m: MailingView, rate?: number): Promise<string> {
  const { t, locale, timezone: tz } = deps;
  const c = m.counts;
  const total = Object.values(c).reduce((a, b) => a + b, 0) || m.recipientCount;
  const done = c.sent + c.error + c.expired + c.unknown + c.recalled;
  const { bar, percent } = progressBar(done, total);
  rate ??= await mailingRate(deps, m);
  const left = c.pending + c.processing;
  const eta =
    rate > 0 && left > 0
      ? humanizeDuration(t, left / rate)
      : left === 0 && total > 0
        ? humanizeDuration(t, 0)
        : t('mailing-eta-unknown');
  const head = t('mailing-card', {
    id: m.id,
    status: statusLabel(t, m.status),
    // Fixed words, not "tomorrow 10:00": the worker redraws a card only while its mailing runs, and a
    // scheduled or finished one may sit in the chat for days before anyone presses 🔄 Refresh.
    start: formatDateTime(m.startAt, tz, t, locale),
    end: formatDateTime(m.endAt, tz, t, locale),
    audience: audienceText(t, m.filter),
    window: m.window ? `${m.window.from}-${m.window.to}` : t('mailing-window-none'),
  });
  const progress = t('mailing-card-progress', {
    bar,
    percent,
    pending: c.pending,
    processing: c.processing,
    sent: c.sent,
    error: c.error,
    expired: c.expired,
    unknown: c.unknown,
    rate,
    eta,
    unsubscribes: m.unsubscribes,
  });
  // Translated apart and joined: the content line, passed as an argument, would be escaped twice.
  return [head, contentLine(t, m), progress, ...cardExtras(t, m)].join('\n');
}

/** The card's lines about clicks (with buttons) and a recall (once asked for). */
export function cardExtras(t: Translate, m: MailingView): string[] {
  const lines: string[] = [];
  if (m.clicksByButton) {
    const perButton = (m.buttons ?? [])
      .flat()
      .map((b, i) => `${b.text}: ${m.clicksByButton?.flat()[i] ?? 0}`)
      .join(' · ');
    lines.push(t('mailing-card-clicks', { clicks: m.clicks, buttons: perButton }));
  }
  if (m.recall) {
    lines.push(
      t(m.recall.completedAt ? 'mailing-card-recalled' : 'mailing-card-recalling', {
        recalled: m.counts.recalled,
        failed: m.recall.failed,
        left: Math.max(0, m.counts.sent - m.recall.failed),
      }),
    );
    // Telegram's own words, escaped: the card is HTML.
    for (const r of m.recall.reasons) lines.push(`   · ${escapeHtml(r.reason)}: ${r.count}`);
  }
  return lines;
}

/** Whether the card offers Recall: something sent, not recalled yet, the newest message under 48 h old. */
export function canRecall(m: MailingView, now = Date.now()): boolean {
  return (
    !m.recall &&
    m.counts.sent > 0 &&
    m.lastSentAt !== null &&
    now - new Date(m.lastSentAt).getTime() < RECALL_WINDOW_HOURS * 3600_000
  );
}

/** Not started yet: what can still be edited or deleted (the domain checks again, atomically). */
export const editable = (m: Pick<MailingView, 'status' | 'recipientCount' | 'counts'>) =>
  m.status === 'scheduled' && m.recipientCount === 0 && m.counts.pending === 0;

/** Failed, expired or unknown on the card: what the ⚠️ button counts. */
export const failedCount = (m: MailingView) => m.counts.error + m.counts.expired + m.counts.unknown;

/** The id of the card's menu (bot/screens.ts), whose presses the bot routes: `<id>/<row>/<col>/<mailingId>.<action>/h<hash>`. */
export const CARD_MENU_ID = 'mlc';

/**
 * The card's buttons for the mailing as it is now, in the viewer's language: 🔄 Refresh, 🧪 Test;
 * Pause / Resume, Cancel, ✏️ Edit and 🗑 Delete where its status allows; ⚠️ Not delivered,
 * ↩️ Recall; ◀️ Back to list. Payloads are `<mailingId>.<action>`. One layout for the bot's card
 * and the worker's edits of a live card, so both offer the same buttons.
 */
export function addCardButtons(
  range: MenuRange,
  t: Translate,
  m: MailingView,
  handlers: MenuHandler[] = [],
  now = Date.now(),
): void {
  const button = (text: string, action: string) => range.text({ text, payload: `${m.id}.${action}` }, ...handlers);
  button(t('mailing-refresh'), 'r');
  button(t('mailing-test'), 't');
  range.row();
  if (m.status === 'running') button(t('mailing-pause'), 'p');
  if (m.status === 'paused') button(t('mailing-resume'), 'u');
  if (m.status === 'scheduled' || m.status === 'running' || m.status === 'paused') button(t('mailing-cancel'), 'c');
  if (editable(m)) {
    button(t('mailing-edit'), 'e');
    button(t('mailing-delete'), 'd');
  }
  const failed = failedCount(m);
  if (failed > 0) {
    range.row();
    button(t('mailing-failures', { count: failed }), 'f');
  }
  if (canRecall(m, now)) button(t('mailing-recall'), 'v');
  range.row();
  button(t('mailing-to-list'), 'l');
}

/**
 * The card's keyboard for the worker, which has no update to answer: the very keyboard the bot's
 * card menu (same id, same layout) shows for this mailing and language, so its presses are routed
 * as if the bot had sent it.
 */
export function cardKeyboard(t: Translate, m: MailingView, now = Date.now()): Promise<InlineKeyboardButton[][]> {
  const menu = new ScreenMenu(CARD_MENU_ID, { onMenuOutdated: () => undefined });
  menu.dynamic((_ctx, range) => addCardButtons(range, t, m, [], now));
  // The layout reads nothing of the context (labels and payloads are fixed strings here).
  return menu.keyboard({} as BotContext);
}
