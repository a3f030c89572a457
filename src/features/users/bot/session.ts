import type { User } from '../user.entity.js';
import type { UserCache } from '../user-cache.js';

declare module '../../../platform/bot/context.js' {
  interface SessionData {
    /** Set while the "share phone" reply keyboard is shown, so its Cancel button is understood. */
    awaitingContact?: boolean;
    /** Set while the "share location" reply keyboard is shown: where the chosen time zone leads. */
    awaitingLocation?: 'settings' | 'start';
  }
  interface BotDeps {
    /** Makes loading the sender a Redis read instead of a query (see ../user-cache.ts). */
    userCache?: UserCache;
  }
  interface AppFlavor {
    /** The sender; set by the user loader (load-user.ts) for every update that has one. */
    user: User;
    /** True when this update created the user. */
    userCreated: boolean;
  }
}
