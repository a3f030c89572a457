import { BotComposer } from '../../../platform/bot/composer.js';
import type { BotContext } from '../../../platform/bot/context.js';
import { showScreen } from '../../../platform/bot/ui/screen.js';
import { DEFAULT_TIMEZONE, firstStartQuestion, openFirstStartDialog, visibleName } from '../../users/index.js';
import type { Screens } from './menus.js';

/**
 * /start, /menu and /help. The user row itself was created or refreshed by the user loader;
 * /start greets, and on first start asks for the time zone (SPEC §2.1). Deep-link payloads (link_, task_) are handled by their features before this.
 */
export function startFeature(screens: Screens) {
  const composer = new BotComposer();

  composer.command('start', (ctx) => greet(ctx, screens, ctx.userCreated));

  composer.command('menu', (ctx) => showScreen(ctx, screens.main, 'reply'));
  composer.command('help', (ctx) => showScreen(ctx, screens.help, 'reply'));

  return composer;
}

/**
 * Where /start leaves a person: the greeting and the main menu. Also how an account link's
 * consent screen ends when the t.me link was the person's first /start (accounts/bot/commands.ts),
 * so it is written once.
 */
export async function greet(ctx: BotContext, screens: Screens, firstStart: boolean): Promise<void> {
  const name = visibleName(ctx.profile);
  const greeting = ctx.t(firstStart ? 'welcome-new' : 'welcome-back', { name });
  // A zone is asked for while none is chosen: the HTTP account a first start linked may bring its own.
  if (!firstStart || ctx.profile.timezone !== DEFAULT_TIMEZONE) {
    await ctx.reply(`${greeting}\n\n${ctx.t('main-menu')}`, {
      reply_markup: { inline_keyboard: await screens.main.menu.keyboard(ctx) },
    });
    return;
  }
  // First start: the time zone in one tap (or typed right away: the question opens a dialog
  // that reads it), so the first reminder fires at the right local hour; the main menu follows
  // below it, so nothing waits on the answer — and the answer shows in the question's message
  // alone, leaving that menu the only one.
  const question = await ctx.reply(`${greeting}\n\n${firstStartQuestion(ctx)}`, {
    reply_markup: { inline_keyboard: await screens.timezoneStart.menu.keyboard(ctx) },
  });
  await openFirstStartDialog(ctx, question.message_id);
  await showScreen(ctx, screens.main, 'reply');
}
