import type { BotContext } from '../../../platform/bot/context.js';
import { answerCallback } from '../../../platform/bot/ui/answer.js';
import { ScreenMenu } from '../../../platform/bot/ui/menu.js';
import { addPager } from '../../../platform/bot/ui/paginate.js';
import { clip, matchOf } from '../../../platform/bot/ui/payload.js';
import { type Screen, showScreen } from '../../../platform/bot/ui/screen.js';
import { isRowId } from '../../../platform/db/row-id.js';
import { blockedPeoplePage, unblockUser } from '../blocks.js';
import { senderName } from '../handles.js';
import { User } from '../user.entity.js';

/** People per page of Settings → 🚫 Blocked people. */
export const BLOCKED_PAGE_SIZE = 8;

interface BlockedView {
  people: Array<{ id: string; name: string }>;
  page: number;
  pages: number;
  total: number;
}

/** What the screen shows in this update, loaded by showBlockedPeople before it renders. */
const views = new WeakMap<object, BlockedView>();

/**
 * Settings → 🚫 Blocked people: the people the user blocked (the most recently blocked first,
 * BLOCKED_PAGE_SIZE a page), each with its ✅ Unblock button, the pager and ◀️ Back to Settings;
 * edited in place. Every press is served from its payload alone — `u<userId>.<page>` unblocks,
 * `p<page>` shows a page, `b` goes back — so a button of an old message means what its label
 * said: an unblock of someone unblocked meanwhile changes nothing and says so. An id reaches
 * nobody: only the presser's own block of that id is removed. `settings` is home's Settings screen.
 */
export function buildBlockedMenu(settings: () => Screen): {
  menu: ScreenMenu;
  screen: Screen;
  open: (ctx: BotContext) => Promise<void>;
} {
  const go = (ctx: BotContext) => blockedAction(ctx, settings(), screen);
  const menu = new ScreenMenu('blocked', { onMenuOutdated: go });
  const screen: Screen = { text: blockedText, menu };
  menu.dynamic((ctx, range) => {
    const view = views.get(ctx);
    if (!view) return;
    for (const person of view.people) {
      range
        .text(
          { text: ctx.t('blocked-unblock', { name: clip(person.name, 40) }), payload: `u${person.id}.${view.page}` },
          go,
        )
        .row();
    }
    addPager(range, view, (target) => `p${target}`, go);
    range.text({ text: ctx.t('back'), payload: 'b' }, go);
  });
  return { menu, screen, open: (ctx) => showBlockedPeople(ctx, screen, 1) };
}

async function showBlockedPeople(ctx: BotContext, screen: Screen, page: number): Promise<void> {
  const found = await blockedPeoplePage(ctx.em, ctx.profile.id, page, BLOCKED_PAGE_SIZE);
  views.set(ctx, { ...found, people: found.people.map((user) => ({ id: user.id, name: senderName(user) })) });
  await showScreen(ctx, screen);
}

function blockedText(ctx: BotContext): string {
  const view = views.get(ctx);
  if (!view?.total) return ctx.t('blocked-empty');
  return ctx.t('blocked-title', { count: view.total });
}

async function blockedAction(ctx: BotContext, settings: Screen, screen: Screen): Promise<void> {
  const payload = matchOf(ctx);
  if (payload === 'b') return showScreen(ctx, settings);
  const unblock = /^u(\d{1,19})\.(\d{1,4})$/.exec(payload);
  if (unblock) {
    const [, id, page] = unblock as unknown as [string, string, string];
    // A forged id past PostgreSQL's bigint names nobody: nothing to lift.
    const lifted = isRowId(id) && (await unblockUser(ctx.em, ctx.profile.id, id));
    const person = lifted ? await ctx.em.findOne(User, { id }) : null;
    await answerCallback(
      ctx,
      person ? ctx.t('blocked-unblocked', { name: senderName(person) }) : ctx.t('blocked-not-blocked'),
    );
    return showBlockedPeople(ctx, screen, Number(page));
  }
  const page = /^p(\d{1,4})$/.exec(payload);
  await showBlockedPeople(ctx, screen, page ? Number(page[1]) : 1);
}
