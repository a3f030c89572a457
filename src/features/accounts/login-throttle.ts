import { isIPv6 } from 'node:net';
import type { Redis } from '../../platform/redis.js';

export interface LoginLimits {
  /** Failed logins allowed per username (case-insensitive) per window. */
  perUsername: number;
  /** Failed logins allowed per client address per window. */
  perIp: number;
  windowMs: number;
}

/** SPEC §3.1: 5 failures per username and 30 per IP in 15 minutes. */
export const LOGIN_LIMITS: LoginLimits = { perUsername: 5, perIp: 30, windowMs: 15 * 60 * 1000 };

/**
 * Checks both limits and, if neither is reached, counts this attempt against both — in one
 * script, so concurrent attempts cannot all slip past the check before any of them is counted.
 * A counter's window starts with its first attempt (PEXPIRE on creation). Returns 0 when the
 * attempt may go ahead, else the milliseconds until every exhausted counter expires.
 * KEYS: username counter, IP counter. ARGV: username limit, IP limit, window ms.
 */
const BEGIN_SCRIPT = `
local limits = { tonumber(ARGV[1]), tonumber(ARGV[2]) }
local window = tonumber(ARGV[3])
local wait = 0
for i, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') >= limits[i] then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then
      redis.call('PEXPIRE', key, window)
      ttl = window
    end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, window) end
end
return 0
`;

/** Takes back one counted attempt without re-creating a counter that has expired meanwhile. */
const UNCOUNT_SCRIPT = `
for _, key in ipairs(KEYS) do
  local value = tonumber(redis.call('GET', key) or '0')
  if value > 0 then redis.call('DECR', key) end
end
return 0
`;

export type ThrottleDecision = { allowed: true; attempt: LoginAttempt } | { allowed: false; retryAfterSeconds: number };

/** One login attempt, counted as a failure until the caller says otherwise. */
export interface LoginAttempt {
  /** Right credentials: clears the username's failures and takes this attempt off the address. */
  succeeded(): Promise<void>;
  /** Not a failure after all (right password, but the account may not log in yet): uncounts it. */
  release(): Promise<void>;
}

/**
 * Login attempt limits in Redis, so every API process shares them. An attempt is counted
 * *before* the password is checked (and a throttled attempt never reaches the hash), then
 * taken back if it turns out not to be a failure.
 */
export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    readonly limits: LoginLimits = LOGIN_LIMITS,
  ) {}

  async begin(username: string, ip: string): Promise<ThrottleDecision> {
    const userKey = `${this.keyPrefix}login:fail:user:${username.toLowerCase()}`;
    const ipKey = `${this.keyPrefix}login:fail:ip:${addressKey(ip)}`;
    const waitMs = Number(
      await this.redis.eval(
        BEGIN_SCRIPT,
        2,
        userKey,
        ipKey,
        this.limits.perUsername,
        this.limits.perIp,
        this.limits.windowMs,
      ),
    );
    if (waitMs > 0) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    return {
      allowed: true,
      attempt: {
        succeeded: async () => {
          await this.redis.del(userKey);
          await this.redis.eval(UNCOUNT_SCRIPT, 1, ipKey);
        },
        release: async () => {
          await this.redis.eval(UNCOUNT_SCRIPT, 2, userKey, ipKey);
        },
      },
    };
  }
}

/**
 * The counter key of a client address. IPv4-mapped IPv6 addresses count as their IPv4 address,
 * and IPv6 addresses by their /64 prefix: one subscriber usually gets a whole /64, so counting
 * single IPv6 addresses would give an attacker billions of fresh limits.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('%')[0]?.split('::') ?? [];
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
