import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { REGISTRATION_LIMIT } from '../../src/features/accounts/api/routes.js';
import { LOGIN_LIMITS, LoginThrottle } from '../../src/features/accounts/login-throttle.js';
import { User } from '../../src/features/users/user.entity.js';
import { passwordHasher } from '../../src/platform/auth/passwords.js';
import { createApi } from '../../src/platform/http/app.js';
import { createMetrics } from '../../src/platform/metrics.js';
import { apiRoutes } from '../../src/routes.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';

/**
 * Per-client-address limits (issue 10): registration is limited per address, counted before any
 * hashing; X-Forwarded-For is believed only from TRUSTED_PROXIES, so rotating it does not give an
 * attacker a fresh login or registration limit.
 */
const env = useTestEnvironment();

/** The same app behind a reverse proxy at 10.9.0.0/16 (TRUSTED_PROXIES), over the same data. */
let proxied: ReturnType<typeof createApi>;
beforeAll(() => {
  proxied = createApi({
    config: { ...env.services.config, trustedProxies: ['10.9.0.0/16'] },
    log: env.services.log,
    metrics: createMetrics(),
    orm: env.services.orm,
    readiness: { database: async () => undefined, redis: async () => undefined },
    routes: apiRoutes(env.services),
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

let nextName = 1;
const freshName = () => `limit_user_${nextName++}`;
const PASSWORD = 'limit test password';

function register(
  options: { address: string; forwardedFor?: string; username?: string; app?: typeof proxied } = { address: '' },
) {
  return apiRequest(options.app ?? env.app, 'POST', '/auth/register', {
    address: options.address,
    json: { username: options.username ?? freshName(), password: PASSWORD },
    headers: options.forwardedFor ? { 'x-forwarded-for': options.forwardedFor } : {},
  });
}

function login(options: { address: string; forwardedFor?: string; app?: typeof proxied }) {
  return apiRequest(options.app ?? env.app, 'POST', '/auth/login', {
    address: options.address,
    json: { username: 'nobody_at_all', password: 'wrong password' },
    headers: options.forwardedFor ? { 'x-forwarded-for': options.forwardedFor } : {},
  });
}

/** Spends an address's whole login failure budget through the throttle itself (no hashing). */
async function exhaustLoginBudget(ip: string) {
  const throttle = new LoginThrottle(env.services.redis, env.services.keyPrefix);
  for (let i = 0; i < LOGIN_LIMITS.perIp; i++) {
    const decision = await throttle.begin(`spender_${ip.replace(/\W/g, '_')}_${i}`, ip);
    expect(decision.allowed).toBe(true);
  }
}

const userCount = () => env.em().count(User, {});

async function fillRegistrations(options: { address: string; forwardedFor?: string; app?: typeof proxied }) {
  for (let i = 0; i < REGISTRATION_LIMIT.perAddress; i++) {
    const res = await register(options);
    expect(res.status, res.body?.error?.message).toBe(201);
  }
}

describe('POST /auth/register per client address', () => {
  it(`allows ${REGISTRATION_LIMIT.perAddress} in the window, then 429 rate_limited with Retry-After, before any hashing`, async () => {
    await fillRegistrations({ address: '192.0.2.10' });

    const hashNew = vi.spyOn(passwordHasher(), 'hashNewPassword');
    const hash = vi.spyOn(passwordHasher(), 'hash');
    const before = await userCount();
    const username = freshName();
    const refused = await register({ address: '192.0.2.10', username });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(REGISTRATION_LIMIT.windowSeconds);
    expect(refused.body.error.details).toEqual({ retryAfterSeconds: retryAfter });
    // Nothing was hashed and nothing was stored.
    expect(hashNew).not.toHaveBeenCalled();
    expect(hash).not.toHaveBeenCalled();
    expect(await userCount()).toBe(before);
    expect(await env.em().count(User, { username })).toBe(0);

    // Another address is not affected.
    expect((await register({ address: '192.0.2.11' })).status).toBe(201);
  });

  it('counts an IPv6 client by its /64, so rotating addresses inside it gains nothing', async () => {
    for (let i = 1; i <= REGISTRATION_LIMIT.perAddress; i++) {
      expect((await register({ address: `2001:db8:10:20::${i.toString(16)}` })).status).toBe(201);
    }
    expect((await register({ address: '2001:db8:10:20:ffff::1' })).status).toBe(429);
  });
});

describe('without TRUSTED_PROXIES', () => {
  it('a spoofed, rotating X-Forwarded-For does not escape the registration limit', async () => {
    await fillRegistrations({ address: '192.0.2.20', forwardedFor: '198.51.100.1' });
    const before = await userCount();
    for (const forwardedFor of ['198.51.100.2', '198.51.100.3, 198.51.100.4', '2001:db8::99']) {
      const res = await register({ address: '192.0.2.20', forwardedFor });
      expect(res.status, forwardedFor).toBe(429);
    }
    expect(await userCount()).toBe(before);
  });

  it('a spoofed, rotating X-Forwarded-For does not escape the login limit', async () => {
    await exhaustLoginBudget('192.0.2.30');
    for (const forwardedFor of ['198.51.100.5', '198.51.100.6', '10.9.0.1']) {
      const res = await login({ address: '192.0.2.30', forwardedFor });
      expect(res.status, forwardedFor).toBe(429);
      expect(res.body.error.code).toBe('too_many_attempts');
    }
    // The header did not open buckets of its own either.
    const keys = await env.redis.keys();
    expect(keys.filter((k) => k.includes('198.51.100.'))).toEqual([]);
  });

  it('the proxied app also ignores the header from a peer that is not a trusted proxy', async () => {
    await exhaustLoginBudget('192.0.2.31');
    const res = await login({ app: proxied, address: '192.0.2.31', forwardedFor: '198.51.100.7' });
    expect(res.status).toBe(429);
  });
});

describe('behind a trusted proxy', () => {
  it('counts registrations per client named in X-Forwarded-For', async () => {
    await fillRegistrations({ app: proxied, address: '10.9.0.1', forwardedFor: '203.0.113.1' });
    // The same client through another of our proxies is still the same client.
    expect((await register({ app: proxied, address: '10.9.0.2', forwardedFor: '203.0.113.1' })).status).toBe(429);
    // A client cannot escape by prepending a made-up address: the proxy appended the real one.
    expect(
      (await register({ app: proxied, address: '10.9.0.1', forwardedFor: '198.51.100.50, 203.0.113.1' })).status,
    ).toBe(429);
    // Another client behind the same proxy has its own limit, and the proxy's own address is not used up.
    expect((await register({ app: proxied, address: '10.9.0.1', forwardedFor: '203.0.113.2' })).status).toBe(201);
    expect((await register({ app: proxied, address: '10.9.0.1' })).status).toBe(201);
  });

  it('counts login failures per client named in X-Forwarded-For', async () => {
    await exhaustLoginBudget('203.0.113.3');
    const limited = await login({ app: proxied, address: '10.9.0.1', forwardedFor: '203.0.113.3' });
    expect(limited.status).toBe(429);
    const other = await login({ app: proxied, address: '10.9.0.1', forwardedFor: '203.0.113.4' });
    expect(other.status).toBe(401);
    // Without the proxy setting, the same requests all count against the proxy's address.
    const direct = await login({ address: '10.9.0.1', forwardedFor: '203.0.113.4' });
    expect(direct.status).toBe(401);
    const keys = await env.redis.keys();
    expect(keys).toContain(`${env.redis.keyPrefix}login:fail:ip:203.0.113.4`);
    expect(keys).toContain(`${env.redis.keyPrefix}login:fail:ip:10.9.0.1`);
  });
});
