import { Composer } from 'grammy';
import type { BotContext } from '../../../platform/bot/context.js';
import { denyUnlessAdmin } from '../../admin/index.js';
import { MAILING_CONVERSATIONS } from './screens.js';

/** /newmailing (admins only; anyone else gets "not allowed" and nothing else). */
export function mailingsFeature() {
  const composer = new Composer<BotContext>();
  composer.command('newmailing', async (ctx) => {
    if (await denyUnlessAdmin(ctx)) return;
    await ctx.conversation.enter(MAILING_CONVERSATIONS.create);
  });
  return composer;
}
