import type { Redis } from '../../platform/redis.js';
import { type ChatKeys, chatKeys } from './keys.js';

/** How often each API process refreshes the presence of its sockets (and pings them). */
export const PRESENCE_HEARTBEAT_MS = 10_000;
/** How long a connection counts as live without a refresh: a crashed process's users go offline after this. */
export const PRESENCE_TTL_MS = 30_000;

/**
 * Marks one connection live until now + ttl (Redis clock, so processes on different hosts agree),
 * drops the user's expired connections, and lets the whole key expire with its last connection
 * (the user's socket list, KEYS[2], with it).
 * KEYS[1] = presence key, KEYS[2] = sockets key; ARGV = ttl ms, connection id.
 */
const TOUCH = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[2])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], tonumber(last[2]))
redis.call('PEXPIREAT', KEYS[2], tonumber(last[2]))
return 1`;

/**
 * A new connection: marks it live (as TOUCH) and records when it opened; then, if the user has
 * more than ARGV[3] live connections, takes the oldest others out of both sets and returns their
 * ids (the caller closes them). Entries whose presence lapsed (a process that died) are forgotten
 * first, so a crashed process's sockets do not count against the cap. One script, so two sockets
 * opening at once on two processes never both keep a sixth.
 * KEYS[1] = presence key, KEYS[2] = sockets key; ARGV = ttl ms, connection id, max sockets.
 */
const REGISTER = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])
local max = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[2])
redis.call('ZADD', KEYS[2], now, ARGV[2])
local live = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if redis.call('ZSCORE', KEYS[1], id) then table.insert(live, id) else redis.call('ZREM', KEYS[2], id) end
end
local evicted = {}
local excess = #live - max
for _, id in ipairs(live) do
  if excess <= 0 then break end
  if id ~= ARGV[2] then
    table.insert(evicted, id)
    excess = excess - 1
    redis.call('ZREM', KEYS[1], id)
    redis.call('ZREM', KEYS[2], id)
  end
end
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], tonumber(last[2]))
redis.call('PEXPIREAT', KEYS[2], tonumber(last[2]))
return evicted`;

/**
 * A Lua expression: the number of live connections in the presence set `key` (a Lua expression
 * such as KEYS[1]) on Redis's clock: entries whose expiry is still ahead.
 */
export const luaLiveConnections = (key: string) => `(function()
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  return redis.call('ZCOUNT', ${key}, '(' .. now, '+inf')
end)()`;

/** Number of live connections of a user. KEYS[1] = presence key. */
const LIVE = `return ${luaLiveConnections('KEYS[1]')}`;

/**
 * Who has a live WebSocket, per connection rather than per user (seed 001 kept one "online" flag
 * per user without a TTL: a crash left people online forever, a second tab's close took them
 * offline). Each connection is an entry with its own expiry, refreshed by its process's
 * heartbeat; a process that dies stops refreshing and its entries lapse after the TTL.
 */
export class Presence {
  private readonly keys: ChatKeys;

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
    readonly ttlMs = PRESENCE_TTL_MS,
  ) {
    this.keys = chatKeys(keyPrefix);
  }

  /**
   * Registers a new connection and enforces the per-user socket cap across every process:
   * resolves with the ids of the user's oldest connections that must close to make room (they
   * are no longer counted as live from this moment).
   */
  async register(userId: string, connectionId: string, maxSockets: number): Promise<string[]> {
    const evicted = await this.redis.eval(
      REGISTER,
      2,
      this.keys.presence(userId),
      this.keys.sockets(userId),
      this.ttlMs,
      connectionId,
      maxSockets,
    );
    return (evicted as unknown[]).map(String);
  }

  /** Refreshes a connection. */
  async touch(userId: string, connectionId: string): Promise<void> {
    await this.redis.eval(TOUCH, 2, this.keys.presence(userId), this.keys.sockets(userId), this.ttlMs, connectionId);
  }

  /** Refreshes many connections at once (the heartbeat); commands are pipelined. */
  async touchAll(connections: Iterable<{ userId: string; connectionId: string }>): Promise<void> {
    await Promise.all([...connections].map((c) => this.touch(c.userId, c.connectionId)));
  }

  /** Forgets a connection that closed. */
  async remove(userId: string, connectionId: string): Promise<void> {
    await Promise.all([
      this.redis.zrem(this.keys.presence(userId), connectionId),
      this.redis.zrem(this.keys.sockets(userId), connectionId),
    ]);
  }

  async liveConnections(userId: string): Promise<number> {
    return Number(await this.redis.eval(LIVE, 1, this.keys.presence(userId)));
  }

  async isOnline(userId: string): Promise<boolean> {
    return (await this.liveConnections(userId)) > 0;
  }

  /** The subset of `userIds` with a live connection. */
  async online(userIds: readonly string[]): Promise<Set<string>> {
    const counts = await Promise.all(userIds.map((id) => this.liveConnections(id)));
    return new Set(userIds.filter((_, i) => (counts[i] ?? 0) > 0));
  }
}
