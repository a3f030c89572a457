import type { User } from '../user.entity.js';
import type { UserCache, UserRow } from '../user-cache.js';

declare module '../../../platform/bot/context.js' {
  interface SessionData {
    /** Set while the "share phone" reply keyboard is shown, so its Cancel button is understood. */
    awaitingContact?: boolean;
    /** Set while the "share location" reply keyboard is shown: where the chosen time zone leads. */
    awaitingLocation?: 'settings' | 'start';
    /** On first start: the question's message, which shows the answer once the location comes. */
    locationAskedIn?: number;
    /** While the first-start question takes a typed zone (first-start.ts): the question's message. */
    firstStartQuestion?: number;
  }
  interface BotDeps {
    /** Makes loading the sender a Redis read instead of a query (see ../user-cache.ts). */
    userCache?: UserCache;
  }
  interface AppFlavor {
    /**
     * The sender as a managed entity, for changes (and for relations: a task's owner); set by the
     * user loader (load-user.ts) for every update that has one, made on first use.
     */
    user: User;
    /** The sender for reading (texts, labels, checks): the cached row, or `user` once it is made. */
    profile: UserRow;
    /** True when this update created the user. */
    userCreated: boolean;
  }
}
