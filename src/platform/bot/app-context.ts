import { Context, type NextFunction } from 'grammy';
import type { Em } from '../db/orm.js';
import type { Logger } from '../logger.js';
import type { BotContext, BotDeps } from './context.js';

/**
 * The class of every update's context: its dependencies, a logger carrying the update id and its
 * own EntityManager (ARCHITECTURE rule 1). Both are made on first use: most updates log nothing
 * (a child logger serialises its bindings), and an update that reads only cached data (most
 * navigation) needs no EntityManager. Getters of the class rather than properties defined on each
 * context, which would make closures per update.
 */
export function contextClass(
  deps: BotDeps,
  properties: PropertyDescriptorMap = {},
): new (
  ...args: ConstructorParameters<typeof Context>
) => BotContext {
  class AppContext extends Context {
    readonly deps = deps;
    #log: Logger | undefined;
    #em: Em | undefined;

    get log(): Logger {
      this.#log ??= deps.log.child({ update_id: this.update.update_id });
      return this.#log;
    }

    set log(value: Logger) {
      this.#log = value;
    }

    get em(): Em {
      this.#em ??= deps.orm.em.fork();
      return this.#em;
    }

    set em(value: Em) {
      this.#em = value;
    }
  }
  // The features' accessors (e.g. the sender), on the class rather than on each context.
  Object.defineProperties(AppContext.prototype, properties);
  return AppContext as unknown as new (
    ...args: ConstructorParameters<typeof Context>
  ) => BotContext;
}

/** Counts the update by type (the bot's metric). */
export function countUpdates(deps: BotDeps) {
  return (ctx: BotContext, next: NextFunction) => {
    deps.metrics?.botUpdates.inc({ type: updateType(ctx) });
    return next();
  };
}

function updateType(ctx: BotContext): string {
  for (const key in ctx.update) if (key !== 'update_id') return key;
  return 'unknown';
}
