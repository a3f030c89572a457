import { hash } from '@node-rs/argon2';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { login, TooManyAttemptsError } from '../../src/features/accounts/login.js';
import { LOGIN_LIMITS, LoginThrottle } from '../../src/features/accounts/login-throttle.js';
import { type AccountState, User, type UserStatus } from '../../src/features/users/user.entity.js';
import { verifyAccessToken } from '../../src/platform/auth/access-token.js';
import { hashPassword, PasswordHasher } from '../../src/platform/auth/passwords.js';
import type { Services } from '../../src/platform/services.js';
import { type TestDatabase, type TestRedis, useTestEnvironment } from '../helpers/environment.js';
import { apiRequest, type createTestApi } from '../helpers/services.js';

const PASSWORD = 'correct horse battery staple';

let db: TestDatabase;
let redis: TestRedis;
let services: Services;
let app: ReturnType<typeof createTestApi>;
let passwordHash: string;

const env = useTestEnvironment();
beforeAll(async () => {
  ({ db, redis, services, app } = env);
  passwordHash = await hashPassword(PASSWORD);
});
// Every in-process request comes from the same 'unknown' address; start each test with fresh counters.
beforeEach(async () => {
  const keys = await redis.keys();
  if (keys.length) await redis.redis.del(...keys);
});

let nextTelegramId = 700_000;
async function createAccount(
  username: string,
  options: { accountState?: AccountState | null; status?: UserStatus; hash?: string | null } = {},
): Promise<User> {
  const em = db.orm.em.fork();
  const user = em.create(User, {
    username,
    passwordHash: options.hash === undefined ? passwordHash : options.hash,
    accountState: options.accountState === undefined ? 'active' : options.accountState,
    status: options.status ?? 'active',
    telegramId: nextTelegramId++,
  });
  await em.flush();
  return user;
}

const loginJson = (body: unknown, a = app) => apiRequest(a, 'POST', '/auth/login', { json: body });
const loginForm = (fields: Record<string, string>, a = app) =>
  apiRequest(a, 'POST', '/auth/login', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
/** A request from a given TCP peer, as @hono/node-server passes it to getConnInfo. */
const loginFrom = (address: string, body: unknown) =>
  app.request(
    '/auth/login',
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    { incoming: { socket: { remoteAddress: address, remotePort: 5555, remoteFamily: 'IPv4' } } },
  );

describe('POST /auth/login', () => {
  it('returns an OAuth2 token pair for JSON credentials; the access token identifies the user', async () => {
    const user = await createAccount('ann_json');
    const response = await loginJson({ username: 'ann_json', password: PASSWORD });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      token_type: 'bearer',
      expires_in: 900,
    });
    expect(response.headers.get('cache-control')).toBe('no-store');
    const claims = await verifyAccessToken(services.keys, services.config.publicUrl, response.body.access_token);
    expect(claims).toMatchObject({ sub: user.id, typ: 'access', aud: 'gramdesk', iss: services.config.publicUrl });
  });

  it('accepts the OAuth2 password form, with or without grant_type', async () => {
    await createAccount('ann_form');
    const withGrant = await loginForm({ grant_type: 'password', username: 'ann_form', password: PASSWORD });
    expect(withGrant.status).toBe(200);
    expect(withGrant.body.token_type).toBe('bearer');
    expect((await loginForm({ username: 'ann_form', password: PASSWORD, scope: '' })).status).toBe(200);
    const wrongGrant = await loginForm({ grant_type: 'client_credentials', username: 'ann_form', password: PASSWORD });
    expect(wrongGrant.status).toBe(422);
    expect(wrongGrant.body.error.code).toBe('validation_failed');
  });

  it('finds the username case-insensitively', async () => {
    await createAccount('Mixed_Case');
    expect((await loginJson({ username: 'mixed_case', password: PASSWORD })).status).toBe(200);
    expect((await loginJson({ username: 'MIXED_CASE', password: PASSWORD })).status).toBe(200);
  });

  it('answers an unknown username and a wrong password identically', async () => {
    await createAccount('known_user');
    const unknown = await loginJson({ username: 'nobody_here', password: PASSWORD });
    const wrong = await loginJson({ username: 'known_user', password: 'not the password' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(unknown.body.error.code).toBe('invalid_credentials');
    expect(JSON.stringify(unknown.body)).not.toContain('nobody_here');
  });

  it('refuses a pending account with 403 pending_confirmation, but only to someone with its password', async () => {
    await createAccount('pending_ann', { accountState: 'pending' });
    const right = await loginJson({ username: 'pending_ann', password: PASSWORD });
    expect(right.status).toBe(403);
    expect(right.body.error.code).toBe('pending_confirmation');
    expect((await loginJson({ username: 'pending_ann', password: 'wrong password' })).body.error.code).toBe(
      'invalid_credentials',
    );
  });

  it('refuses a banned user with 403 user_banned', async () => {
    await createAccount('banned_ann', { status: 'banned' });
    const response = await loginJson({ username: 'banned_ann', password: PASSWORD });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('user_banned');
  });

  it('refuses a Telegram-only user (no HTTP account) like an unknown one', async () => {
    // Even a row that somehow kept a hash: without an account state there is no HTTP account.
    await createAccount('tg_only', { accountState: null });
    const response = await loginJson({ username: 'tg_only', password: PASSWORD });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('invalid_credentials');
  });

  it('upgrades a hash made with older parameters on a successful login', async () => {
    const weak = await hash(PASSWORD, { memoryCost: 8192, timeCost: 1, parallelism: 1 });
    const user = await createAccount('old_hash', { hash: weak });
    expect((await loginJson({ username: 'old_hash', password: PASSWORD })).status).toBe(200);
    const stored = await db.orm.em.fork().findOneOrFail(User, { id: user.id }, { populate: ['passwordHash'] });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await loginJson({ username: 'old_hash', password: PASSWORD })).status).toBe(200);
  });

  it.each([
    ['invalid JSON', { headers: { 'content-type': 'application/json' }, body: '{"username":' }, 400, 'invalid_json'],
    ['an unknown field', { json: { username: 'a', password: 'b', admin: true } }, 422, 'validation_failed'],
    ['a missing password', { json: { username: 'a' } }, 422, 'validation_failed'],
    ['a number for a username', { json: { username: 5, password: 'x' } }, 422, 'validation_failed'],
    ['a JSON array', { json: [1, 2] }, 422, 'validation_failed'],
    ['no body at all', {}, 422, 'validation_failed'],
    ['text/plain', { headers: { 'content-type': 'text/plain' }, body: 'username=a' }, 415, 'unsupported_media_type'],
    [
      'an unknown form field',
      { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=a&password=b&x=1' },
      422,
      'validation_failed',
    ],
    ['a 2000-character password', { json: { username: 'a', password: 'p'.repeat(2000) } }, 422, 'validation_failed'],
  ] as const)('answers %s with %i', async (_name, options, status, code) => {
    const response = await apiRequest(app, 'POST', '/auth/login', options);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
  });

  it('puts no password or hash into any response', async () => {
    await createAccount('secret_keeper');
    for (const password of [PASSWORD, 'wrong-password']) {
      const response = await loginJson({ username: 'secret_keeper', password });
      const text = JSON.stringify(response.body);
      expect(text).not.toContain(password);
      expect(text).not.toContain('argon2');
    }
  });
});

describe('login throttling', () => {
  it('answers the 6th attempt on one username within 15 minutes with 429 and Retry-After', async () => {
    await createAccount('target');
    for (let i = 0; i < LOGIN_LIMITS.perUsername; i++) {
      expect((await loginJson({ username: 'target', password: `wrong-${i}` })).status).toBe(401);
    }
    // Even the right password: the limit is checked before the password.
    const sixth = await loginJson({ username: 'TARGET', password: PASSWORD });
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe('too_many_attempts');
    const retryAfter = Number(sixth.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  });

  it('lets other usernames from the same address log in until the address has 30 failures', async () => {
    await createAccount('bystander');
    // 6 usernames × 5 failures = 30 failures from 'unknown'; each username stays within its own limit.
    for (let u = 0; u < 6; u++) {
      for (let i = 0; i < 5; i++) {
        const response = await loginJson({ username: `guess_${u}`, password: 'wrong-password' });
        expect(response.status).toBe(401);
      }
      if (u < 5) expect((await loginJson({ username: 'bystander', password: PASSWORD })).status).toBe(200);
    }
    const blocked = await loginJson({ username: 'bystander', password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('counts per client address', async () => {
    await createAccount('roamer');
    for (let i = 0; i < LOGIN_LIMITS.perIp; i++) {
      expect((await loginFrom('203.0.113.7', { username: `probe_${i}`, password: 'wrong-password' })).status).toBe(401);
    }
    expect((await loginFrom('203.0.113.7', { username: 'roamer', password: PASSWORD })).status).toBe(429);
    expect((await loginFrom('198.51.100.9', { username: 'roamer', password: PASSWORD })).status).toBe(200);
  });

  it('resets the username counter after a successful login', async () => {
    await createAccount('forgetful');
    for (let i = 0; i < LOGIN_LIMITS.perUsername - 1; i++) {
      await loginJson({ username: 'forgetful', password: 'wrong-password' });
    }
    expect((await loginJson({ username: 'forgetful', password: PASSWORD })).status).toBe(200);
    for (let i = 0; i < LOGIN_LIMITS.perUsername - 1; i++) {
      expect((await loginJson({ username: 'forgetful', password: 'wrong-password' })).status).toBe(401);
    }
    expect((await loginJson({ username: 'forgetful', password: PASSWORD })).status).toBe(200);
  });

  it('is shared by every API process over the same Redis', async () => {
    await createAccount('shared');
    const secondProcess = env.newApp(await env.newServices());
    for (let i = 0; i < LOGIN_LIMITS.perUsername; i++) {
      const process = i % 2 === 0 ? app : secondProcess;
      expect((await loginJson({ username: 'shared', password: 'wrong-password' }, process)).status).toBe(401);
    }
    expect((await loginJson({ username: 'shared', password: PASSWORD }, secondProcess)).status).toBe(429);
    expect((await loginJson({ username: 'shared', password: PASSWORD }, app)).status).toBe(429);
  });

  it('keeps its keys under the deployment key prefix', async () => {
    await loginJson({ username: 'prefix_check', password: 'wrong-password' });
    const keys = await redis.keys();
    expect(keys).toEqual(
      expect.arrayContaining([
        `${redis.keyPrefix}login:fail:user:prefix_check`,
        `${redis.keyPrefix}login:fail:ip:unknown`,
      ]),
    );
  });

  it('does not hash anything for a throttled attempt', async () => {
    await createAccount('no_hash');
    const hasher = new PasswordHasher();
    const run = vi.spyOn(hasher.semaphore, 'run');
    const ctx = {
      keys: services.keys,
      issuer: services.config.publicUrl,
      throttle: new LoginThrottle(services.redis, services.keyPrefix),
      hasher,
    };
    const em = db.orm.em.fork();
    for (let i = 0; i < LOGIN_LIMITS.perUsername; i++) {
      await expect(
        login(em, ctx, { username: 'no_hash', password: 'wrong-password', ip: '192.0.2.1' }),
      ).rejects.toThrow('Wrong username or password');
    }
    const hashesBefore = run.mock.calls.length;
    await expect(login(em, ctx, { username: 'no_hash', password: PASSWORD, ip: '192.0.2.1' })).rejects.toBeInstanceOf(
      TooManyAttemptsError,
    );
    expect(run.mock.calls.length).toBe(hashesBefore);
  });

  it('lets exactly 5 of 10 concurrent wrong attempts on one username through to the password check', async () => {
    await createAccount('stampede');
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => loginJson({ username: 'stampede', password: 'wrong-password' })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
  });
});

describe('OpenAPI', () => {
  it('documents the auth routes with every status they answer', async () => {
    const doc = (await apiRequest(app, 'GET', '/openapi.json')).body;
    const statuses = (path: string, method = 'post') => Object.keys(doc.paths[path][method].responses).sort();
    expect(statuses('/auth/login')).toEqual(['200', '400', '401', '403', '413', '415', '422', '429', '503']);
    expect(statuses('/auth/refresh')).toEqual(['200', '400', '401', '403', '413', '415', '422', '503']);
    expect(statuses('/auth/logout')).toEqual(['204', '400', '413', '415', '422', '503']);
    expect(statuses('/.well-known/jwks.json', 'get')).toEqual(['200', '503']);
    const login = doc.paths['/auth/login'].post;
    expect(login.tags).toEqual(['Auth']);
    expect(Object.keys(login.requestBody.content).sort()).toEqual([
      'application/json',
      'application/x-www-form-urlencoded',
    ]);
    expect(doc.components.schemas.TokenPair.example.token_type).toBe('bearer');
  });
});
