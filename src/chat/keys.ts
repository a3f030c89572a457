/** Redis keys and pub/sub channels of the chat, all under the deployment's key prefix. */
export const chatKeys = (keyPrefix: string) => ({
  /** Sorted set: connection id → expiry (ms, Redis clock) of each live WebSocket of a user. */
  presence: (userId: string) => `${keyPrefix}presence:${userId}`,
  /** Set of user ids in the common room (WebSocket clients that joined, Telegram users in room mode). */
  roomMembers: `${keyPrefix}room:members`,
  /** Pub/sub channel of one user's WebSocket frames; subscribed by the processes holding their sockets. */
  userChannel: (userId: string) => `${keyPrefix}chat:user:${userId}`,
  /** Pub/sub channel of room frames; every API process subscribes. */
  roomChannel: `${keyPrefix}chat:room`,
  /** The current Telegram notice window of PMs from one sender to one offline recipient. */
  burst: (recipientId: string, senderId: string) => `${keyPrefix}chat:burst:${recipientId}:${senderId}`,
});

export type ChatKeys = ReturnType<typeof chatKeys>;
