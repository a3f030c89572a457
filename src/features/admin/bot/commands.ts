import { BotComposer } from '../../../platform/bot/composer.js';
import { showScreen } from '../../../platform/bot/ui/screen.js';
import type { AdminScreens } from './screens.js';
import { denyUnlessAdmin } from './views.js';

/**
 * The admin panel's entry (/admin) and the helpers its screens share (SPEC §2.4). Every entry
 * point and every button checks `ctx.profile.role === 'admin'` itself, on each press: a user who
 * is not (or no longer) an admin gets "⛔ Not allowed" once and nothing else happens.
 */
export function adminFeature(screens: AdminScreens) {
  const composer = new BotComposer();
  composer.command('admin', async (ctx) => {
    if (await denyUnlessAdmin(ctx)) return;
    await showScreen(ctx, screens.adminHome, 'reply');
  });
  return composer;
}

export { denyUnlessAdmin };
