import { afterEach, describe, expect, it, vi } from 'vitest';
import { User } from '../../src/features/users/user.entity.js';
import { InvalidTokenError, issueAccessToken, verifyAccessToken } from '../../src/platform/auth/access-token.js';
import { ACCESS_TOKEN_TTL_SECONDS, SigningKeys } from '../../src/platform/auth/keys.js';
import { SigningKey } from '../../src/platform/auth/signing-key.entity.js';
import { createAccount } from '../helpers/accounts.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';
import { sqlOf } from '../helpers/tasks.js';

/**
 * Issue 17: verified access tokens are kept until they expire, and the authenticated user is
 * still read for every request. What must stay true with the cache in place.
 */
const env = useTestEnvironment();
let nextName = 1;
const account = () => createAccount(env.services, { username: `vt_user_${nextName++}` });
const issuer = () => env.services.config.publicUrl;

afterEach(() => {
  vi.useRealTimers();
});

describe('the cache of verified access tokens', () => {
  it('keeps a verified token, and never past its exp: the first check after it is a refusal', async () => {
    const keys = env.services.keys;
    const now = Math.floor(Date.now() / 1000);
    // Issued so that it has 60 s left.
    const { token } = await issueAccessToken(keys, issuer(), '42', now - ACCESS_TOKEN_TTL_SECONDS + 60);
    expect((await verifyAccessToken(keys, issuer(), token)).sub).toBe('42');
    expect(keys.verifiedTokens.get(token, issuer())).toBeDefined();

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime((now + 61) * 1000);
    const refused = await verifyAccessToken(keys, issuer(), token).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(InvalidTokenError);
    expect((refused as InvalidTokenError).reason).toBe('expired');
    expect(keys.verifiedTokens.get(token, issuer())).toBeUndefined();
  });

  it('keeps only tokens that verified: a forged one is refused every time and never cached', async () => {
    const keys = env.services.keys;
    const { token } = await issueAccessToken(keys, issuer(), '7');
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: '8' }),
    ).toString('base64url');
    const forged = `${header}.${forgedPayload}.${signature}`;
    for (let i = 0; i < 2; i++) {
      await expect(verifyAccessToken(keys, issuer(), forged)).rejects.toBeInstanceOf(InvalidTokenError);
    }
    expect(keys.verifiedTokens.get(forged, issuer())).toBeUndefined();
    // The same token for another issuer (another deployment's URL) is not taken from the cache.
    await verifyAccessToken(keys, issuer(), token);
    await expect(verifyAccessToken(keys, 'https://elsewhere.example', token)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('stops a cached token once its signing key no longer verifies (withdrawn from the database)', async () => {
    // Keys that re-read the database on every use, so the withdrawal is seen at once.
    const keys = await SigningKeys.load(() => env.em(), undefined, { refreshIntervalMs: 0 });
    const { token } = await issueAccessToken(keys, issuer(), '9');
    await verifyAccessToken(keys, issuer(), token);
    expect(keys.verifiedTokens.get(token, issuer())).toBeDefined();
    await env.em().nativeDelete(SigningKey, { kid: keys.signingKey.kid });
    await expect(verifyAccessToken(keys, issuer(), token)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('is bounded: beyond its size the oldest entries are dropped', async () => {
    const { VerifiedTokens } = await import('../../src/platform/auth/verified-tokens.js');
    const cache = new VerifiedTokens<{ exp: number }>(3);
    const exp = Math.floor(Date.now() / 1000) + 600;
    for (const t of ['a', 'b', 'c', 'd']) cache.remember(t, 'iss', 'kid', { exp });
    expect(cache.size).toBe(3);
    expect(cache.get('a', 'iss')).toBeUndefined();
    expect(cache.get('d', 'iss')?.claims.exp).toBe(exp);
  });
});

describe('with the token cached, the account is still checked on every request', () => {
  it('a ban takes effect on the very next request (403), an unban too', async () => {
    const ann = await account();
    expect((await apiRequest(env.app, 'GET', '/tasks', { token: ann.token })).status).toBe(200);
    expect(env.services.keys.verifiedTokens.get(ann.token, issuer())).toBeDefined();
    await env.em().nativeUpdate(User, { id: ann.user.id }, { status: 'banned' });
    const banned = await apiRequest(env.app, 'GET', '/tasks', { token: ann.token });
    expect(banned.status).toBe(403);
    expect(banned.body.error.code).toBe('user_banned');
    await env.em().nativeUpdate(User, { id: ann.user.id }, { status: 'active' });
    expect((await apiRequest(env.app, 'GET', '/tasks', { token: ann.token })).status).toBe(200);
  });

  it('a deleted account gets 401 on the very next request', async () => {
    const bob = await account();
    expect((await apiRequest(env.app, 'GET', '/tasks', { token: bob.token })).status).toBe(200);
    await env.em().nativeDelete(User, { id: bob.user.id });
    expect((await apiRequest(env.app, 'GET', '/tasks', { token: bob.token })).status).toBe(401);
  });

  it('GET /tasks reads the caller and the page by one statement each, without an EntityManager of its own; a route that changes the caller still gets it as an entity', async () => {
    const cy = await account();
    const created = await apiRequest(env.app, 'POST', '/tasks', { token: cy.token, json: { title: 'Plan the week' } });
    expect(created.status).toBe(201);
    const fork = vi.spyOn(env.services.orm.em, 'fork');
    let titles: string[] = [];
    const statements = await sqlOf(env, async () => {
      const page = await apiRequest<{ items: Array<{ title: string }> }>(env.app, 'GET', '/tasks', { token: cy.token });
      expect(page.status).toBe(200);
      titles = page.body.items.map((t) => t.title);
    });
    expect(titles).toEqual(['Plan the week']);
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(/from users u where u\.id = \$1/);
    expect(fork).not.toHaveBeenCalled();
    fork.mockRestore();

    const renamed = await apiRequest(env.app, 'PATCH', '/users/me', { token: cy.token, json: { firstName: 'Cyril' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.firstName).toBe('Cyril');
    expect((await env.em().findOneOrFail(User, { id: cy.user.id })).firstName).toBe('Cyril');
  });
});
