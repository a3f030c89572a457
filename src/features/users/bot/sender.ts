import type { BotContext } from '../../../platform/bot/context.js';
import { checkedProfileChanges, type ProfilePatch } from '../profile.js';
import type { User } from '../user.entity.js';
import type { UserRow } from '../user-cache.js';
import type { LoadedUser } from '../users.js';

const SENDER = Symbol('the sender as loaded');
interface Sender {
  [SENDER]: LoadedUser;
}
/** `ctx.user` and `ctx.profile`, defined once (not as closures per update). */
const SENDER_PROPERTIES: PropertyDescriptorMap = {
  user: {
    configurable: true,
    enumerable: true,
    get(this: Sender): User {
      return this[SENDER].user;
    },
    set(this: Sender, value: User) {
      this[SENDER].user = value;
    },
  },
  profile: {
    configurable: true,
    enumerable: true,
    get(this: Sender): UserRow {
      return this[SENDER].profile;
    },
  },
};

/** Makes `loaded` the update's sender: `ctx.user` and `ctx.profile` (see load-user.ts). */
export function attachSender(ctx: BotContext, loaded: LoadedUser): void {
  (ctx as unknown as Sender)[SENDER] = loaded;
  Object.defineProperties(ctx, SENDER_PROPERTIES);
}

/**
 * Changes the sender's own profile or settings by updateProfile's rules (profile.ts), without
 * making the sender an entity when the update has none (LoadedUser.change); `ctx.profile` shows
 * the change. Throws validation_failed as updateProfile does.
 */
export async function updateSenderProfile(ctx: BotContext, patch: ProfilePatch): Promise<void> {
  await (ctx as unknown as Sender)[SENDER].change(checkedProfileChanges(patch));
}
