import type { ChatDelivery } from '../types.js';

declare module '../../../platform/bot/context.js' {
  interface SessionData {
    /**
     * Set on /room, cleared on /leave: only to tell a user who was taken out of the room elsewhere
     * (WebSocket leave, blocked bot) why their texts no longer go there. Membership itself is the
     * Redis set of ../room.ts.
     */
    inRoom?: boolean;
    /**
     * The conversation being paged with /history: the other user and the cursor of each page seen
     * so far (`cursors[0]` is '' for the newest page), so ◀️ goes back without recounting.
     */
    history?: { otherId: string; cursors: string[] };
  }
  interface BotDeps {
    /** Delivers stored PMs and room messages (WebSocket or, through the worker, Telegram). */
    chat: ChatDelivery;
  }
}

declare module '../../../platform/services.js' {
  interface Services {
    /** Delivers stored PMs and room messages: WebSocket if connected, else Telegram (../delivery.ts). */
    chat: ChatDelivery;
  }
}
