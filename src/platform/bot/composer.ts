import { Composer, type Middleware, type MiddlewareFn } from 'grammy';
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

/**
 * The middlewares as one, run as grammY's Composer runs those given to `use` one after another:
 * each gets the context and a `next` that runs the rest (and, after the last, the caller's
 * `next`); one that does not call `next` ends the chain; calling it twice is an error. Composer
 * wraps every `use` in two async closures (`concat`): with the bot's pipeline of a dozen steps
 * that was two dozen promises per update before any handler ran (issue 17). Here a step is one
 * call. A middleware object (a feature's composer) is asked for its handler on every run, as
 * Composer does: what is added to it later still runs.
 */
export function sequence(middleware: ReadonlyArray<Middleware<BotContext>>): MiddlewareFn<BotContext> {
  const steps = middleware.map(
    (m): MiddlewareFn<BotContext> => (typeof m === 'function' ? m : (ctx, next) => m.middleware()(ctx, next)),
  );
  return (ctx, next) => {
    let called = -1;
    const run = async (i: number): Promise<void> => {
      if (i <= called) throw new Error('`next` already called before!');
      called = i;
      const step = steps[i];
      await (step ? step(ctx, () => run(i + 1)) : next());
    };
    return run(0);
  };
}
