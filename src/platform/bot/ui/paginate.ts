import type { BotContext } from '../context.js';
import type { MenuRange } from './menu.js';

/** One page of a list (aiogram-dialog's ScrollingGroup, without the widget). Pages count from 1. */
export interface Page<T> {
  items: T[];
  page: number;
  pages: number;
  total: number;
}

/** Cuts a page out of `all`; a page number out of range (the list shrank meanwhile) is clamped. */
export function paginate<T>(all: readonly T[], page: number, size: number): Page<T> {
  const pages = Math.max(1, Math.ceil(all.length / size));
  const current = Number.isFinite(page) ? Math.min(Math.max(1, Math.trunc(page)), pages) : 1;
  return { items: all.slice((current - 1) * size, current * size), page: current, pages, total: all.length };
}

type Handler = (ctx: BotContext & { match?: unknown }) => Promise<void>;

/**
 * Adds the pager row `◀️ · 2/5 · ▶️` to a menu range (nothing for a single page). Every button
 * carries its target page in the payload and runs the same handler, so a press on an old message
 * still goes where its label said; the middle button reloads the current page.
 */
export function addPager(
  range: MenuRange,
  page: Pick<Page<unknown>, 'page' | 'pages'>,
  payload: (target: number) => string,
  go: Handler,
): void {
  if (page.pages <= 1) return;
  if (page.page > 1) range.text({ text: '◀️', payload: payload(page.page - 1) }, go);
  range.text({ text: `${page.page}/${page.pages}`, payload: payload(page.page) }, go);
  if (page.page < page.pages) range.text({ text: '▶️', payload: payload(page.page + 1) }, go);
  range.row();
}
