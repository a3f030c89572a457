import type { BotContext } from '../../../platform/bot/context.js';
import { answerCallback } from '../../../platform/bot/ui/answer.js';
import { linkedUsername } from '../../users/index.js';
import { unlinkTelegram } from '../linking.js';

/** Settings → Unlink → Yes: the account keeps its data; this Telegram continues as a fresh user. */
export async function unlinkAccount(ctx: BotContext): Promise<void> {
  const username = linkedUsername(ctx);
  if (!username) return;
  ctx.user = await unlinkTelegram(ctx.em, ctx.user);
  await answerCallback(ctx, ctx.t('settings-unlinked', { username }));
}
