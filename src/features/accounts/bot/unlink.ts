import type { BotContext } from '../../../platform/bot/context.js';
import { answerCallback } from '../../../platform/bot/ui/answer.js';
import { ScreenMenu } from '../../../platform/bot/ui/menu.js';
import { matchOf } from '../../../platform/bot/ui/payload.js';
import { type Screen, showScreen } from '../../../platform/bot/ui/screen.js';
import { DomainError } from '../../../platform/errors.js';
import { linkedUsername } from '../../users/index.js';
import { unlinkTelegram } from '../linking.js';

/**
 * Settings → 🔓 Unlink @x → "Unlink @x?" with 🔓 Yes and Cancel; Yes unlinks, and both go back to
 * Settings. Yes carries the id of the account the screen named: the screen may stay in the chat
 * while the person unlinks and links another account, and its Yes must not unlink that one.
 * `settings` is home's Settings screen.
 */
export function buildUnlinkMenu(settings: () => Screen): { menu: ScreenMenu; screen: Screen } {
  // A keyboard whose labels changed since it was sent (another language since) is a stale screen too.
  const menu = new ScreenMenu('unlink', { onMenuOutdated: (ctx) => showOutOfDate(ctx, settings()) });
  const screen: Screen = {
    text: (ctx) => ctx.t('settings-unlink-confirm', { username: linkedUsername(ctx) ?? '' }),
    menu,
  };
  menu
    .text({ text: (ctx) => ctx.t('settings-unlink-yes'), payload: (ctx) => ctx.profile.id }, (ctx) =>
      unlinkAccount(ctx, settings()),
    )
    .text(
      (ctx) => ctx.t('cancel'),
      (ctx) => showScreen(ctx, settings()),
    );
  return { menu, screen };
}

/** Yes: the account keeps its data; this Telegram continues as a fresh user (SPEC §3.3). */
async function unlinkAccount(ctx: BotContext, settings: Screen): Promise<void> {
  const username = linkedUsername(ctx);
  if (!username || matchOf(ctx) !== ctx.profile.id) return showOutOfDate(ctx, settings);
  try {
    ctx.user = await unlinkTelegram(ctx.em, ctx.user);
  } catch (err) {
    // Unlinked meanwhile (a second press racing the first): nothing more to do.
    if (err instanceof DomainError && err.code === 'not_linked') return showOutOfDate(ctx, settings);
    throw err;
  }
  await answerCallback(ctx, ctx.t('settings-unlinked', { username }));
  await showScreen(ctx, settings);
}

/**
 * A Yes of a screen that named another account than the one linked now, or none: nothing is
 * unlinked; the toast says the screen was out of date, and its message becomes Settings, which
 * shows the account linked now (and its own 🔓 Unlink, if there is one).
 */
async function showOutOfDate(ctx: BotContext, settings: Screen): Promise<void> {
  await answerCallback(ctx, ctx.t('unlink-out-of-date'));
  await showScreen(ctx, settings);
}
