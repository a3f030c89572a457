import type { BotContext } from '../../../platform/bot/context.js';
import { answerCallback } from '../../../platform/bot/ui/answer.js';
import { matchOf, splitPayload } from '../../../platform/bot/ui/payload.js';
import { type Screen, ScreenMenu, showScreen } from '../../../platform/bot/ui/screen.js';
import { DomainError } from '../../../platform/errors.js';
import { denyUnlessAdmin } from '../../admin/index.js';
import { statusLabel } from '../card.js';
import { cancelMailing } from '../mailings.js';
import { loadMailing, mailingCardText, mailingList, mailingsView, registerCard } from './views.js';

/**
 * Mailing screens (SPEC §2.5): list → card (counts, progress, rate, ETA) → cancel confirmation.
 * Admins only: every dispatcher checks the role first. Card payloads are `<mailingId>.<action>`;
 * the mailing is loaded again on every press.
 */
export interface MailingScreens {
  mailings: Screen;
  mailingCard: Screen;
  mailingCancel: Screen;
}

export const MAILING_CONVERSATIONS = { create: 'newMailing' } as const;

export function buildMailingMenus(home: () => Screen): { menus: ScreenMenu[]; screens: MailingScreens } {
  const screens = {} as MailingScreens;

  const goList = (ctx: BotContext) => listAction(ctx, screens, home());
  const list = new ScreenMenu('mll', { autoAnswer: false, onMenuOutdated: goList });
  list.dynamic(async (ctx, range) => {
    if (ctx.user.role !== 'admin') return;
    for (const m of await mailingList(ctx)) {
      const total = Object.values(m.counts).reduce((a, b) => a + b, 0);
      const text = ctx.t('mailing-list-item', {
        id: m.id,
        status: statusLabel(ctx.t, m.status),
        sent: m.counts.sent,
        total,
      });
      range.text({ text, payload: `m${m.id}` }, goList).row();
    }
    range
      .text({ text: ctx.t('mailings-new'), payload: 'n' }, goList)
      .text({ text: ctx.t('admin-to-home'), payload: 'b' }, goList);
  });

  const goCard = (ctx: BotContext) => cardAction(ctx, screens);
  const card = new ScreenMenu('mlc', { autoAnswer: false, onMenuOutdated: goCard });
  card.dynamic(async (ctx, range) => {
    if (ctx.user.role !== 'admin') return;
    const m = mailingsView(ctx).mailing ?? (await loadMailing(ctx, splitPayload(matchOf(ctx)).id));
    if (!m) return;
    range.text({ text: ctx.t('mailing-refresh'), payload: `${m.id}.r` }, goCard);
    if (m.status === 'scheduled' || m.status === 'running') {
      range.text({ text: ctx.t('mailing-cancel'), payload: `${m.id}.c` }, goCard);
    }
    range.row().text({ text: ctx.t('mailing-to-list'), payload: `${m.id}.l` }, goCard);
  });

  const goCancel = (ctx: BotContext) => cancelAction(ctx, screens);
  const cancel = new ScreenMenu('mlx', { autoAnswer: false, onMenuOutdated: goCancel });
  const answer = (a: 'y' | 'n') => (ctx: BotContext) =>
    `${mailingsView(ctx).mailing?.id ?? splitPayload(matchOf(ctx)).id}.${a}`;
  cancel
    .text({ text: (ctx) => ctx.t('mailing-cancel-yes'), payload: answer('y') }, goCancel)
    .text({ text: (ctx) => ctx.t('mailing-cancel-no'), payload: answer('n') }, goCancel);

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
  return { menus: [list, card, cancel], screens };
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
    if (ctx.callbackQuery) await answerCallback(ctx, ctx.t('mailing-not-found'));
    else await ctx.reply(ctx.t('mailing-not-found'));
    return;
  }
  if (toast) await answerCallback(ctx, toast);
  if (how === 'edit' && ctx.callbackQuery?.message) {
    await showScreen(ctx, screens.mailingCard, how);
    await registerCard(ctx, m, ctx.callbackQuery.message.message_id, await screens.mailingCard.menu.keyboard(ctx));
    return;
  }
  // A reply comes from a dialog, which answered its own button press.
  const keyboard = await screens.mailingCard.menu.keyboard(ctx);
  const sent = await ctx.reply(await screens.mailingCard.text(ctx), { reply_markup: { inline_keyboard: keyboard } });
  await registerCard(ctx, m, sent.message_id, keyboard);
}

async function listAction(ctx: BotContext, screens: MailingScreens, home: Screen): Promise<void> {
  if (await denyUnlessAdmin(ctx)) return;
  const payload = matchOf(ctx);
  if (payload === 'n') {
    await answerCallback(ctx);
    await ctx.conversation.enter(MAILING_CONVERSATIONS.create);
    return;
  }
  if (payload === 'b') return showScreen(ctx, home);
  if (payload.startsWith('m')) return openMailing(ctx, screens, payload.slice(1));
  return showScreen(ctx, screens.mailings);
}

async function cardAction(ctx: BotContext, screens: MailingScreens): Promise<void> {
  if (await denyUnlessAdmin(ctx)) return;
  const { id, action } = splitPayload(matchOf(ctx));
  const m = await loadMailing(ctx, id);
  if (!m) return openMailing(ctx, screens, id);
  if (action === 'l') {
    mailingsView(ctx).list = undefined;
    return showScreen(ctx, screens.mailings);
  }
  if (action === 'c' && (m.status === 'scheduled' || m.status === 'running')) {
    return showScreen(ctx, screens.mailingCancel);
  }
  return openMailing(ctx, screens, id);
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
