import type { NextFunction } from 'grammy';
import type { Em } from '../db/orm.js';
import type { Logger } from '../logger.js';
import type { BotContext, BotDeps } from './context.js';

/** Gives every update its dependencies, a logger carrying the update id, and its own EntityManager (both made on first use). */
export function attachContext(deps: BotDeps) {
  return (ctx: BotContext, next: NextFunction) => {
    ctx.deps = deps;
    // Most updates log nothing: the child logger (which serialises its bindings) is made on first use.
    let log: Logger | undefined;
    Object.defineProperty(ctx, 'log', {
      configurable: true,
      enumerable: true,
      get: () => {
        log ??= deps.log.child({ update_id: ctx.update.update_id });
        return log;
      },
      set: (value: Logger) => {
        log = value;
      },
    });
    // Forked on first use too: an update that reads only cached data (most navigation) needs none.
    let em: Em | undefined;
    Object.defineProperty(ctx, 'em', {
      configurable: true,
      enumerable: true,
      get: () => {
        em ??= deps.orm.em.fork();
        return em;
      },
      set: (value: Em) => {
        em = value;
      },
    });
    deps.metrics?.botUpdates.inc({ type: updateType(ctx) });
    return next();
  };
}

function updateType(ctx: BotContext): string {
  for (const key in ctx.update) if (key !== 'update_id') return key;
  return 'unknown';
}
