import type { NextFunction } from 'grammy';
import type { BotContext } from '../../../platform/bot/context.js';
import { answerCallback } from '../../../platform/bot/ui/answer.js';
import { loadTelegramUser } from '../users.js';
import { attachSender } from './sender.js';

const BANNED_NOTICE_SECONDS = 30 * 24 * 60 * 60;

/**
 * Loads (or on first contact creates) the sender, answers a banned user once and ignores
 * them afterwards, and sets the language every later text is rendered in, from the user
 * row rather than the session, so a change made over the API applies at once.
 * Only private chats are served: Gramdesk is a personal workspace.
 *
 * `ctx.profile` is the sender for reading; `ctx.user`, the managed entity, is made on first use
 * (from the cached row, without a query), so an update that only reads the sender — most
 * navigation — does not pay for an entity. Once made, `ctx.profile` is that entity, so a screen
 * rendered after a change shows it.
 */
export function loadUser() {
  return async (ctx: BotContext, next: NextFunction) => {
    const from = ctx.from;
    if (!from || from.is_bot || (ctx.chat && ctx.chat.type !== 'private')) return;
    const loaded = await loadTelegramUser(
      () => ctx.em,
      from,
      { adminTelegramIds: ctx.deps.config.adminTelegramIds },
      ctx.deps.userCache,
    );
    attachSender(ctx, loaded);
    ctx.userCreated = loaded.created;
    const profile = loaded.profile;
    ctx.locale = profile.language;
    ctx.t = ctx.deps.translator.forLocale(profile.language);
    if (profile.status === 'banned') {
      const key = `${ctx.deps.keyPrefix ?? ''}banned-notice:${profile.id}`;
      const first = await ctx.deps.redis.set(key, '1', 'EX', BANNED_NOTICE_SECONDS, 'NX');
      if (first === 'OK' && ctx.chat) await ctx.api.sendMessage(ctx.chat.id, ctx.t('blocked'));
      await answerCallback(ctx).catch(() => undefined);
      return;
    }
    await next();
  };
}
