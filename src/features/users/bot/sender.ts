import type { BotContext } from '../../../platform/bot/context.js';
import { checkedProfileChanges, type ProfilePatch } from '../profile.js';
import type { User } from '../user.entity.js';
import type { UserRow } from '../user-cache.js';
import type { LoadedUser } from '../users.js';

const SENDER = Symbol('the sender as loaded');
interface Sender {
  [SENDER]?: LoadedUser;
}

/**
 * `ctx.user` and `ctx.profile` (see load-user.ts), as accessors of the bot's context class
 * (createBot's `contextProperties`): defined once there, not on each update's context, where they
 * would cost closures and make every later property access of that context a slower one.
 * Undefined until the user loader has run.
 */
export const senderProperties: PropertyDescriptorMap = {
  user: {
    configurable: true,
    enumerable: true,
    get(this: Sender): User | undefined {
      return this[SENDER]?.user;
    },
    set(this: Sender, value: User) {
      const sender = this[SENDER];
      if (sender) sender.user = value;
    },
  },
  profile: {
    configurable: true,
    enumerable: true,
    get(this: Sender): UserRow | undefined {
      return this[SENDER]?.profile;
    },
  },
};

/** Makes `loaded` the update's sender: what `ctx.user` and `ctx.profile` answer from now on. */
export function attachSender(ctx: BotContext, loaded: LoadedUser): void {
  (ctx as unknown as Sender)[SENDER] = loaded;
}

/**
 * Changes the sender's own profile or settings by updateProfile's rules (profile.ts), without
 * making the sender an entity when the update has none (LoadedUser.change); `ctx.profile` shows
 * the change. Throws validation_failed as updateProfile does.
 */
export async function updateSenderProfile(ctx: BotContext, patch: ProfilePatch): Promise<void> {
  const sender = (ctx as unknown as Sender)[SENDER];
  if (!sender) throw new Error('updateSenderProfile before the user loader');
  await sender.change(checkedProfileChanges(patch));
}
