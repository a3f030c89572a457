import type { NextFunction } from 'grammy';
import type { BotContext, BotDeps } from './context.js';

/** Gives every update its dependencies, a logger carrying the update id, and its own EntityManager. */
export function attachContext(deps: BotDeps) {
  return (ctx: BotContext, next: NextFunction) => {
    ctx.deps = deps;
    ctx.log = deps.log.child({ update_id: ctx.update.update_id });
    ctx.em = deps.orm.em.fork();
    deps.metrics?.botUpdates.inc({ type: updateType(ctx) });
    return next();
  };
}

function updateType(ctx: BotContext): string {
  return Object.keys(ctx.update).find((k) => k !== 'update_id') ?? 'unknown';
}
