import type { StoredPm } from './chat.js';

/** Options of a delivery made on behalf of a WebSocket connection. */
export interface DeliveryOptions {
  /**
   * The connection the message was sent from: it already got the stored message back as its
   * echo, so the fan-out skips it (the sender's other connections still get the frame).
   */
  exceptConnection?: string;
}

/**
 * How stored chat messages reach people (SPEC §2.3, §3.5). Implemented in src/features/chat/delivery.ts;
 * the bot, the API and the WebSocket call it after storing a message.
 */
export interface ChatDelivery {
  /**
   * Delivers a stored private message: as a WebSocket frame when the recipient has a live
   * connection on any API process, otherwise in Telegram (through the worker, with a Reply
   * button; beyond 5 PMs to one recipient within a minute, one "N new messages from @x" notice
   * per recipient per minute stands for the rest).
   * `pm` is the stored PM as sendPrivateMessage returned it, or its id (read back first).
   * 'stored': neither is possible (no Telegram, or the bot is blocked); the message waits in /inbox.
   */
  deliverPrivate(pm: StoredPm | string, options?: DeliveryOptions): Promise<'websocket' | 'telegram' | 'stored'>;
  /**
   * A Telegram user entered room mode, or wrote to the room: their idle clock (ROOM_IDLE_MS,
   * src/features/chat/room.ts) starts again; on entering, the worker's idle check is scheduled.
   */
  roomActivity(userId: string, entered: boolean): Promise<void>;
  /** Fans a stored room message out to everyone in the room (worker, the chat lane of the send budget). */
  deliverRoom(messageId: string, options?: DeliveryOptions): Promise<void>;
}
