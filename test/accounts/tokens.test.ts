import { createHash } from 'node:crypto';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { base64url, type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { issueTokens } from '../../src/features/accounts/login.js';
import { authenticate, requireScope, requireUserToken } from '../../src/features/users/api/authenticate.js';
import { type AccountState, User, type UserStatus } from '../../src/features/users/user.entity.js';
import { AUDIENCE, issueAccessToken } from '../../src/platform/auth/access-token.js';
import { SigningKeys } from '../../src/platform/auth/keys.js';
import { createApi } from '../../src/platform/http/app.js';
import type { ApiEnv } from '../../src/platform/http/context.js';
import { createLogger } from '../../src/platform/logger.js';
import { createMetrics } from '../../src/platform/metrics.js';
import type { Services } from '../../src/platform/services.js';
import { apiRoutes } from '../../src/routes.js';
import { type TestDatabase, useTestEnvironment } from '../helpers/environment.js';
import { apiRequest, createTestApi } from '../helpers/services.js';

let db: TestDatabase;
let services: Services;
let app: OpenAPIHono<ApiEnv>;
const billing = { privateKey: undefined as unknown as CryptoKey, publicJwk: {} as JWK };
const ops = { privateKey: undefined as unknown as CryptoKey, publicJwk: {} as JWK };

async function serviceKeyPair(target: typeof billing) {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  target.privateKey = privateKey;
  target.publicJwk = await exportJWK(publicKey);
}

/** Routes of the tests' own, protected the ways feature routes will be. */
function protectedRoutes(s: Services) {
  return (a: OpenAPIHono<ApiEnv>) => {
    a.get('/test/whoami', authenticate(s), (c) => {
      const { user, kind, service } = c.var.principal;
      return c.json({ id: user.id, kind, service: service ?? null });
    });
    a.get('/test/tasks', authenticate(s), requireScope('tasks:read'), (c) => c.json({ ok: true }));
    a.get('/test/messages', authenticate(s), requireScope('messages:write'), (c) => c.json({ ok: true }));
    a.get('/test/password', authenticate(s), requireUserToken, (c) => c.json({ ok: true }));
  };
}

function buildApp(s: Services) {
  return createApi({
    config: s.config,
    log: createLogger('silent'),
    metrics: createMetrics(),
    orm: s.orm,
    readiness: { database: async () => undefined, redis: async () => undefined },
    routes: [...apiRoutes(s), protectedRoutes(s)],
  });
}

const env = useTestEnvironment({
  env: async () => {
    await serviceKeyPair(billing);
    await serviceKeyPair(ops);
    return {
      PUBLIC_URL: 'https://gramdesk.example.com',
      SERVICE_KEYS: JSON.stringify({
        billing: { jwk: billing.publicJwk, scopes: ['tasks:read', 'profile:read'] },
        ops: ops.publicJwk,
      }),
    };
  },
});
beforeAll(() => {
  ({ db, services } = env);
  app = buildApp(services);
});

let nextId = 0;
async function createUser(
  options: { accountState?: AccountState | null; status?: UserStatus; username?: boolean } = {},
): Promise<User> {
  const em = db.orm.em.fork();
  const n = ++nextId;
  const user = em.create(User, {
    username: options.username === false ? null : `token_user_${n}`,
    accountState: options.accountState === undefined ? 'active' : options.accountState,
    status: options.status ?? 'active',
    telegramId: 800_000 + n,
  });
  await em.flush();
  return user;
}

const whoami = (token: string) => apiRequest(app, 'GET', '/test/whoami', { token });
const issuer = () => services.config.publicUrl;
const now = () => Math.floor(Date.now() / 1000);

/** An access-token-shaped JWT signed with our active key, with claims or header overridden. */
function forged(userId: string, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) {
  const { kid, key } = services.keys.signingKey;
  return new SignJWT({ typ: 'access', ...claims })
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT', ...header })
    .setIssuer((claims.iss as string | undefined) ?? issuer())
    .setAudience((claims.aud as string | undefined) ?? AUDIENCE)
    .setSubject(userId)
    .setIssuedAt(now())
    .setExpirationTime(now() + 900)
    .sign(key);
}

function expectUnauthorized(response: { status: number; body: { error: { code: string } } }) {
  expect(response.status).toBe(401);
  expect(response.body.error.code).toBe('unauthorized');
}

describe('access tokens', () => {
  it('accepts a token from login and rejects a missing or malformed header', async () => {
    const user = await createUser();
    const { accessToken } = await issueTokens(db.orm.em.fork(), { keys: services.keys, issuer: issuer() }, user.id);
    expect((await whoami(accessToken)).body).toEqual({ id: user.id, kind: 'user', service: null });
    const bare = await apiRequest(app, 'GET', '/test/whoami');
    expectUnauthorized(bare);
    expect(bare.headers.get('www-authenticate')).toContain('Bearer');
    expectUnauthorized(await apiRequest(app, 'GET', '/test/whoami', { headers: { authorization: `Basic abc` } }));
  });

  it('rejects alg none', async () => {
    const user = await createUser();
    const unsigned = new UnsecuredJWT({ typ: 'access' })
      .setIssuer(issuer())
      .setAudience(AUDIENCE)
      .setSubject(user.id)
      .setIssuedAt()
      .setExpirationTime('10m')
      .encode();
    expectUnauthorized(await whoami(unsigned));
    // The same with our kid in the header and a junk signature.
    const [, payload] = unsigned.split('.');
    const header = base64url.encode(JSON.stringify({ alg: 'none', kid: services.keys.signingKey.kid }));
    expectUnauthorized(await whoami(`${header}.${payload}.AAAA`));
  });

  it('rejects HS256 tokens keyed with the public key (algorithm confusion)', async () => {
    const user = await createUser();
    const { kid } = services.keys.signingKey;
    const jwk = (await services.keys.jwks()).keys.find((k) => k.kid === kid);
    expect(jwk?.x).toBeDefined();
    const secrets = [
      base64url.decode(jwk?.x ?? ''),
      new TextEncoder().encode(JSON.stringify(jwk)),
      new TextEncoder().encode(jwk?.x ?? ''),
    ];
    for (const secret of secrets) {
      const token = await new SignJWT({ typ: 'access' })
        .setProtectedHeader({ alg: 'HS256', kid })
        .setIssuer(issuer())
        .setAudience(AUDIENCE)
        .setSubject(user.id)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(secret);
      expectUnauthorized(await whoami(token));
    }
  });

  it('rejects a bad signature', async () => {
    const user = await createUser();
    const token = await forged(user.id);
    const [header, payload, signature = ''] = token.split('.');
    const flipped = `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    expectUnauthorized(await whoami(`${header}.${payload}.${flipped}`));
    // A payload swapped under a valid signature (another user's id).
    const other = await createUser();
    const otherPayload = base64url.encode(
      JSON.stringify({ ...JSON.parse(new TextDecoder().decode(base64url.decode(payload ?? ''))), sub: other.id }),
    );
    expectUnauthorized(await whoami(`${header}.${otherPayload}.${signature}`));
  });

  it('rejects an expired token', async () => {
    const user = await createUser();
    const { token } = await issueAccessToken(services.keys, issuer(), user.id, now() - 3600);
    expectUnauthorized(await whoami(token));
  });

  it('rejects a wrong issuer, a wrong audience, and a token that is not an access token', async () => {
    const user = await createUser();
    expectUnauthorized(await whoami((await issueAccessToken(services.keys, 'https://evil.example', user.id)).token));
    expectUnauthorized(await whoami(await forged(user.id, { aud: 'someone-else' })));
    expectUnauthorized(await whoami(await forged(user.id, { typ: 'refresh' })));
    expectUnauthorized(await whoami(await forged(user.id, {}, { kid: 'unknown-kid' })));
    expect((await whoami(await forged(user.id))).status).toBe(200);
  });

  it('rejects a token signed by a key we do not know, even with our kid', async () => {
    const user = await createUser();
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const token = await new SignJWT({ typ: 'access' })
      .setProtectedHeader({ alg: 'EdDSA', kid: services.keys.signingKey.kid })
      .setIssuer(issuer())
      .setAudience(AUDIENCE)
      .setSubject(user.id)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);
    expectUnauthorized(await whoami(token));
  });

  it('rejects a refresh token presented as a bearer token', async () => {
    const user = await createUser();
    const { refreshToken } = await issueTokens(db.orm.em.fork(), { keys: services.keys, issuer: issuer() }, user.id);
    expectUnauthorized(await whoami(refreshToken));
  });

  it('answers 401 for a deleted user and 403 user_banned for a banned one', async () => {
    const gone = await createUser();
    const goneToken = await forged(gone.id);
    await db.orm.em.fork().nativeDelete(User, { id: gone.id });
    expectUnauthorized(await whoami(goneToken));

    const banned = await createUser({ status: 'banned' });
    const response = await whoami(await forged(banned.id));
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('user_banned');
  });

  it('answers 401 for a user whose account is still pending', async () => {
    const pending = await createUser({ accountState: 'pending' });
    expectUnauthorized(await whoami(await forged(pending.id)));
  });
});

describe('signing key rotation', () => {
  it('keeps verifying tokens of a rotated-out key, and publishes both keys', async () => {
    const user = await createUser();
    const before = await forged(user.id);
    const oldKid = services.keys.signingKey.kid;

    const newKid = await SigningKeys.rotate(() => db.orm.em.fork());
    // A second API process starting after the rotation signs with the new key...
    const keys2 = await SigningKeys.load(() => db.orm.em.fork());
    expect(keys2.signingKey.kid).toBe(newKid);
    const secondProcess = buildApp({ ...services, keys: keys2 });
    const after = (await issueAccessToken(keys2, issuer(), user.id)).token;
    expect((await apiRequest(secondProcess, 'GET', '/test/whoami', { token: after })).status).toBe(200);
    // ...and still accepts tokens the old key signed before the rotation.
    expect((await apiRequest(secondProcess, 'GET', '/test/whoami', { token: before })).status).toBe(200);

    const jwks = await apiRequest(secondProcess, 'GET', '/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
    expect(jwks.body.keys.map((k: JWK) => k.kid).sort()).toEqual([oldKid, newKid].sort());
    for (const key of jwks.body.keys as JWK[]) {
      expect(key).toEqual({
        kty: 'OKP',
        crv: 'Ed25519',
        x: expect.any(String),
        kid: key.kid,
        alg: 'EdDSA',
        use: 'sig',
      });
    }
  });

  it('serves the JWKS with public keys only', async () => {
    const response = await apiRequest(app, 'GET', '/.well-known/jwks.json');
    expect(response.status).toBe(200);
    expect(response.body.keys.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(response.body)).not.toContain('"d"');
  });
});

describe('service tokens', () => {
  async function serviceToken(
    signer: { privateKey: CryptoKey },
    claims: { iss?: string; sub: string; aud?: string; lifetime?: number },
  ) {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer(claims.iss ?? 'billing')
      .setAudience(claims.aud ?? AUDIENCE)
      .setSubject(claims.sub)
      .setIssuedAt(now())
      .setExpirationTime(now() + (claims.lifetime ?? 300))
      .sign(signer.privateKey);
  }

  it('lets a configured service act for a user, within its scopes', async () => {
    const user = await createUser();
    const token = await serviceToken(billing, { sub: user.id });
    expect((await whoami(token)).body).toEqual({ id: user.id, kind: 'service', service: 'billing' });
    expect((await apiRequest(app, 'GET', '/test/tasks', { token })).status).toBe(200);
    const outside = await apiRequest(app, 'GET', '/test/messages', { token });
    expect(outside.status).toBe(403);
    expect(outside.body.error.code).toBe('insufficient_scope');
  });

  it('gives a service configured with a bare JWK every scope', async () => {
    const user = await createUser();
    const token = await serviceToken(ops, { iss: 'ops', sub: user.id });
    expect((await apiRequest(app, 'GET', '/test/messages', { token })).status).toBe(200);
    expect((await apiRequest(app, 'GET', '/test/tasks', { token })).status).toBe(200);
  });

  it('keeps user-only routes for the user’s own token', async () => {
    const user = await createUser();
    const response = await apiRequest(app, 'GET', '/test/password', {
      token: await serviceToken(ops, { iss: 'ops', sub: user.id }),
    });
    expectUnauthorized(response);
    expect((await apiRequest(app, 'GET', '/test/password', { token: await forged(user.id) })).status).toBe(200);
  });

  it('accepts the public URL as audience too', async () => {
    const user = await createUser();
    const token = await serviceToken(billing, { sub: user.id, aud: 'https://gramdesk.example.com' });
    expect((await whoami(token)).status).toBe(200);
  });

  it('rejects unknown services, borrowed names, wrong audiences and long-lived tokens', async () => {
    const user = await createUser();
    expectUnauthorized(await whoami(await serviceToken(billing, { iss: 'stranger', sub: user.id })));
    // Signed by billing's key but claiming to be ops.
    expectUnauthorized(await whoami(await serviceToken(billing, { iss: 'ops', sub: user.id })));
    expectUnauthorized(await whoami(await serviceToken(billing, { sub: user.id, aud: 'another-api' })));
    expectUnauthorized(await whoami(await serviceToken(billing, { sub: user.id, lifetime: 2 * 3600 })));
  });

  it('may act for a Telegram-only user, but not for a banned or missing one', async () => {
    const telegramOnly = await createUser({ accountState: null, username: false });
    expect((await whoami(await serviceToken(ops, { iss: 'ops', sub: telegramOnly.id }))).status).toBe(200);
    const banned = await createUser({ status: 'banned' });
    const response = await whoami(await serviceToken(ops, { iss: 'ops', sub: banned.id }));
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('user_banned');
    expectUnauthorized(await whoami(await serviceToken(ops, { iss: 'ops', sub: '999999999' })));
  });

  it('stops the API from starting with an invalid SERVICE_KEYS, naming the variable', async () => {
    const { d: _private, ...rest } = await exportJWK(
      (await generateKeyPair('EdDSA', { extractable: true })).privateKey,
    );
    const cases = [
      { billing: { kty: 'RSA', n: 'x', e: 'AQAB' } },
      { billing: { ...rest, d: _private } },
      { billing: { jwk: billing.publicJwk, scopes: ['tasks:delete'] } },
    ];
    for (const value of cases) {
      const bad = await env.newServices({ SERVICE_KEYS: JSON.stringify(value) });
      let thrown: unknown;
      try {
        createTestApi(bad);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as ConfigError).problems[0]).toMatch(/^SERVICE_KEYS: /);
      // The message never echoes key material.
      expect((thrown as Error).message).not.toContain(_private ?? 'no-private');
    }
  });
});

describe('token hygiene', () => {
  it('never stores access tokens: only refresh token hashes are in the database', async () => {
    const user = await createUser();
    const { accessToken, refreshToken } = await issueTokens(
      db.orm.em.fork(),
      { keys: services.keys, issuer: issuer() },
      user.id,
    );
    const dump = JSON.stringify(await db.orm.em.fork().getConnection().execute('select * from refresh_tokens'));
    expect(dump).not.toContain(accessToken);
    expect(dump).toContain(createHash('sha256').update(refreshToken).digest('hex'));
  });
});
