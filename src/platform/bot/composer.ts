import { Composer, type Middleware } from 'grammy';
import type { BotContext } from './context.js';

type MaybePromise<T> = T | Promise<T>;

/**
 * grammY's Composer, with `filter` — behind `on`, `command`, `callbackQuery`, `hears`, `drop` — run
 * without grammY's `branch`/`lazy`, which build a Composer, an array and two promises for every
 * filter an update passes, matched or not. A command passes the filters of every feature before its
 * own (issue 17: the composer chain was the largest share of the bot's own CPU after the menu
 * plugin). Same routing: the predicate (which may set `ctx.match`) decides, the middleware runs
 * with the chain's `next`, a miss goes on to the next middleware. Features compose with this class.
 */
export class BotComposer extends Composer<BotContext> {
  override filter<D extends BotContext>(
    predicate: (ctx: BotContext) => ctx is D,
    ...middleware: Array<Middleware<D>>
  ): Composer<D>;
  override filter(
    predicate: (ctx: BotContext) => MaybePromise<boolean>,
    ...middleware: Array<Middleware<BotContext>>
  ): Composer<BotContext>;
  override filter(
    predicate: (ctx: BotContext) => MaybePromise<boolean>,
    ...middleware: Array<Middleware<BotContext>>
  ): Composer<BotContext> {
    const matched = new BotComposer(...middleware);
    this.use((ctx, next) => {
      const passes = predicate(ctx);
      if (passes instanceof Promise) return passes.then((yes) => (yes ? matched.middleware()(ctx, next) : next()));
      return passes ? matched.middleware()(ctx, next) : next();
    });
    return matched;
  }
}
