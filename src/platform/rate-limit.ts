import type { Redis } from './redis.js';

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window frees up (0 when allowed). */
  retryAfter: number;
}

const HIT = `
local count = redis.call('incr', KEYS[1])
if count == 1 then redis.call('expire', KEYS[1], ARGV[2]) end
if count > tonumber(ARGV[1]) then
  local ttl = redis.call('ttl', KEYS[1])
  if ttl < 0 then redis.call('expire', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
  return ttl
end
return -1`;

/**
 * Fixed-window counters in Redis, shared by every process: `limit` hits per `windowSeconds`
 * per key. One round trip per hit (a Lua script), so concurrent hits are counted exactly.
 */
export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateDecision> {
    const ttl = Number(await this.redis.eval(HIT, 1, `${this.keyPrefix}rate:${key}`, limit, windowSeconds));
    return ttl < 0 ? { allowed: true, retryAfter: 0 } : { allowed: false, retryAfter: Math.max(1, ttl) };
  }
}
