import type { RateDecision } from '../../platform/rate-limit.js';
import type { Services } from '../../platform/services.js';
import { chatKeys } from './keys.js';

/**
 * The common room (SPEC §2.3). Membership is one Redis set of user ids shared by both sides:
 * a WebSocket client joins with `{"type":"join"}` or its first room frame and leaves with
 * `{"type":"leave"}`; the bot adds Telegram users entering room mode (/room) and removes them on
 * /leave. A member gets room messages over the WebSocket while connected, otherwise in Telegram.
 */
type RoomServices = Pick<Services, 'redis' | 'keyPrefix'>;

/** Room messages per sender per minute (each one fans out to every member). */
export const ROOM_LIMIT = { count: 20, windowSeconds: 60 };

/** Room mode of a Telegram user ends after this long without writing to the room (SPEC §2.3). */
export const ROOM_IDLE_MS = 30 * 60_000;

/** A Telegram user entered room mode or wrote to the room: their idle time starts again. */
export async function touchRoom(services: RoomServices, userId: string, idleMs = ROOM_IDLE_MS): Promise<void> {
  await services.redis.set(chatKeys(services.keyPrefix).roomActive(userId), '1', 'PX', idleMs);
}

/** Milliseconds left before a Telegram user's room mode runs idle (0: it has). */
export async function roomActiveFor(services: RoomServices, userId: string): Promise<number> {
  const ttl = await services.redis.pttl(chatKeys(services.keyPrefix).roomActive(userId));
  return Math.max(ttl, 0);
}

/** Adds a user to the room; true if they were not in it yet. */
export async function joinRoom(services: RoomServices, userId: string): Promise<boolean> {
  return (await services.redis.sadd(chatKeys(services.keyPrefix).roomMembers, userId)) === 1;
}

/** Removes a user from the room; true if they were in it. */
export async function leaveRoom(services: RoomServices, userId: string): Promise<boolean> {
  const keys = chatKeys(services.keyPrefix);
  const [removed] = await Promise.all([
    services.redis.srem(keys.roomMembers, userId),
    services.redis.del(keys.roomActive(userId)),
  ]);
  return removed === 1;
}

export async function isRoomMember(services: RoomServices, userId: string): Promise<boolean> {
  return (await services.redis.sismember(chatKeys(services.keyPrefix).roomMembers, userId)) === 1;
}

/** Every member's user id (unordered). */
export async function roomMembers(services: RoomServices): Promise<string[]> {
  return services.redis.smembers(chatKeys(services.keyPrefix).roomMembers);
}

/** The members among `userIds`. */
export async function membersAmong(services: RoomServices, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const flags = await services.redis.smismember(chatKeys(services.keyPrefix).roomMembers, ...userIds);
  return new Set(userIds.filter((_, i) => flags[i] === 1));
}

/**
 * Counts one room message of a sender against ROOM_LIMIT (shared by the bot and the WebSocket,
 * so switching sides does not reset it). Called by postToRoom (room-post.ts), before storing.
 */
export function hitRoomLimit(services: Pick<Services, 'limiter'>, userId: string): Promise<RateDecision> {
  return services.limiter.hit(`room:${userId}`, ROOM_LIMIT.count, ROOM_LIMIT.windowSeconds);
}
