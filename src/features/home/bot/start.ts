import { Composer } from 'grammy';
import type { BotContext } from '../../../platform/bot/context.js';
import { showScreen } from '../../../platform/bot/ui/screen.js';
import { visibleName } from '../../users/index.js';
import type { Screens } from './menus.js';

/**
 * /start, /menu and /help. The user row itself was created or refreshed by the user loader;
 * /start only greets. Deep-link payloads (link_, task_) are handled by their features before this.
 */
export function startFeature(screens: Screens) {
  const composer = new Composer<BotContext>();

  composer.command('start', async (ctx) => {
    const name = visibleName(ctx.user);
    const greeting = ctx.t(ctx.userCreated ? 'welcome-new' : 'welcome-back', { name });
    await ctx.reply(`${greeting}\n\n${ctx.t('main-menu')}`, {
      reply_markup: { inline_keyboard: await screens.main.menu.keyboard(ctx) },
    });
  });

  composer.command('menu', (ctx) => showScreen(ctx, screens.main, 'reply'));
  composer.command('help', (ctx) => showScreen(ctx, screens.help, 'reply'));

  return composer;
}
