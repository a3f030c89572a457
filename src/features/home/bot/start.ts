import { BotComposer } from '../../../platform/bot/composer.js';
import { showScreen } from '../../../platform/bot/ui/screen.js';
import { firstStartQuestion, openFirstStartDialog, visibleName } from '../../users/index.js';
import type { Screens } from './menus.js';

/**
 * /start, /menu and /help. The user row itself was created or refreshed by the user loader;
 * /start greets, and on first start asks for the time zone (SPEC §2.1). Deep-link payloads (link_, task_) are handled by their features before this.
 */
export function startFeature(screens: Screens) {
  const composer = new BotComposer();

  composer.command('start', async (ctx) => {
    const name = visibleName(ctx.profile);
    const greeting = ctx.t(ctx.userCreated ? 'welcome-new' : 'welcome-back', { name });
    if (!ctx.userCreated) {
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
  });

  composer.command('menu', (ctx) => showScreen(ctx, screens.main, 'reply'));
  composer.command('help', (ctx) => showScreen(ctx, screens.help, 'reply'));

  return composer;
}
