import type { NextFunction } from 'grammy';
import { unavailableDependency } from '../outages.js';
import type { BotContext } from './context.js';

const DAY_SECONDS = 24 * 60 * 60;

/**
 * Telegram re-sends a webhook update when our answer is slow or lost. Remember every
 * update_id for 24 h (shared by all API processes) and handle each one once. An update that
 * failed because PostgreSQL or Redis was away is forgotten again: the webhook answers 503 and
 * the redelivery must be handled, not skipped.
 */
export function dedupeUpdates(keyPrefix: string) {
  return async (ctx: BotContext, next: NextFunction) => {
    const key = `${keyPrefix}update:${ctx.deps.config.botToken.split(':')[0]}:${ctx.update.update_id}`;
    const fresh = await ctx.deps.redis.set(key, '1', 'EX', DAY_SECONDS, 'NX');
    if (fresh !== 'OK') {
      ctx.log.info('duplicate update skipped');
      return;
    }
    try {
      await next();
    } catch (err) {
      if (unavailableDependency(err)) await ctx.deps.redis.del(key).catch(() => undefined);
      throw err;
    }
  };
}
