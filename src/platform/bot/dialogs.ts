import { type ConversationBuilder, createConversation } from '@grammyjs/conversations';
import type { NextFunction } from 'grammy';
import { BotComposer } from './composer.js';
import type { BotContext, ConvContext } from './context.js';

/**
 * Every dialog, registered with the conversations plugin (installed before this).
 *
 * The plugin's middleware of each dialog runs on every update: it registers the dialog (so that
 * `ctx.conversation.enter` knows it) and resumes it when it is active. With no dialog active (the
 * common case: menu clicks, commands) that is a chain of a dozen and a half async steps that only
 * fill the registry, the largest allocator of a navigation update in the bot's heap profile. Then
 * the chain is skipped, and run once, just before the first `enter`, with nothing to resume: the
 * registry is filled exactly as before when it is needed. A chat with an active dialog takes the
 * plugin's path unchanged.
 */
export function dialogs(builders: Record<string, ConversationBuilder<BotContext, ConvContext>>) {
  const all = new BotComposer();
  for (const [name, builder] of Object.entries(builders)) all.use(createConversation(builder, name));
  const chain = all.middleware();
  const done = () => Promise.resolve();

  return async (ctx: BotContext, next: NextFunction) => {
    const controls = ctx.conversation;
    if (Object.keys(controls.active()).length > 0) return chain(ctx, next);
    const enter = controls.enter.bind(controls);
    let registered = false;
    controls.enter = async (name, ...args) => {
      if (!registered) {
        registered = true;
        await chain(ctx, done);
      }
      return enter(name, ...args);
    };
    return next();
  };
}
