import { base64url, type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import {
  createServiceTokenVerifier,
  parseServiceKeys,
  SERVICE_SCOPES,
  scopeGranted,
  serviceTokenVerifierFor,
  USER_SCOPES,
} from '../../src/platform/auth/service-tokens.js';

let privateKey: CryptoKey;
let publicJwk: JWK;
let privateJwk: JWK;

beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  privateKey = pair.privateKey;
  publicJwk = await exportJWK(pair.publicKey);
  privateJwk = await exportJWK(pair.privateKey);
});

const now = () => Math.floor(Date.now() / 1000);

interface Claims {
  iss?: string;
  sub?: string | number;
  aud?: string;
  iat?: number;
  exp?: number | null;
}

function sign(claims: Claims = {}, key: CryptoKey | Uint8Array = privateKey, alg = 'EdDSA') {
  const jwt = new SignJWT(claims.sub === undefined ? {} : { sub: claims.sub as string })
    .setProtectedHeader({ alg })
    .setIssuer(claims.iss ?? 'billing')
    .setAudience(claims.aud ?? 'gramdesk')
    .setIssuedAt(claims.iat ?? now());
  if (claims.exp !== null) jwt.setExpirationTime(claims.exp ?? now() + 600);
  return jwt.sign(key);
}

function configError(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.join('\n');
  }
  throw new Error('expected a ConfigError');
}

describe('parseServiceKeys', () => {
  it('gives a bare JWK every scope and a {jwk, scopes} entry its listed scopes', () => {
    const parsed = parseServiceKeys({ ops: publicJwk, billing: { jwk: publicJwk, scopes: ['tasks:read'] } });
    expect([...(parsed.get('ops')?.scopes ?? [])]).toEqual(['*']);
    expect([...(parsed.get('billing')?.scopes ?? [])]).toEqual(['tasks:read']);
  });

  it('knows the documented scope names', () => {
    expect(SERVICE_SCOPES).toEqual([
      'profile:read',
      'profile:write',
      'messages:read',
      'messages:write',
      'tasks:read',
      'tasks:write',
      'users:admin',
      'mailings:admin',
    ]);
    expect(() => parseServiceKeys({ all: { jwk: publicJwk, scopes: [...SERVICE_SCOPES, '*'] } })).not.toThrow();
  });

  it('lets "*" grant every user scope but no admin scope; admin scopes only by name', () => {
    const granted = (scopes: string[]) => SERVICE_SCOPES.filter((scope) => scopeGranted(new Set(scopes), scope));
    expect(granted(['*'])).toEqual([...USER_SCOPES]);
    expect(granted(['*'])).not.toContain('users:admin');
    expect(granted(['*', 'users:admin'])).toEqual([...USER_SCOPES, 'users:admin']);
    expect(granted(['mailings:admin'])).toEqual(['mailings:admin']);
    expect(granted(['tasks:read'])).toEqual(['tasks:read']);
    // A bare JWK is "*".
    const bare = parseServiceKeys({ ops: publicJwk }).get('ops')?.scopes ?? new Set<string>();
    expect(scopeGranted(bare, 'users:admin')).toBe(false);
    expect(scopeGranted(bare, 'mailings:admin')).toBe(false);
    expect(scopeGranted(bare, 'tasks:write')).toBe(true);
  });

  it('accepts an empty configuration', () => {
    expect(parseServiceKeys({}).size).toBe(0);
  });

  it.each([
    ['an RSA key', () => ({ billing: { kty: 'RSA', n: 'abc', e: 'AQAB' } }), 'not an Ed25519 public JWK'],
    ['an X25519 key', () => ({ billing: { ...publicJwk, crv: 'X25519' } }), 'not an Ed25519 public JWK'],
    ['a private key', () => ({ billing: privateJwk }), 'is a private key'],
    ['a short x', () => ({ billing: { ...publicJwk, x: 'abc' } }), 'not a 32-byte'],
    ['an HMAC alg', () => ({ billing: { ...publicJwk, alg: 'HS256' } }), 'only EdDSA'],
    ['an encryption key', () => ({ billing: { ...publicJwk, use: 'enc' } }), 'expected sig'],
    ['a string', () => ({ billing: 'key' }), 'must be a public JWK'],
    ['an unknown scope', () => ({ billing: { jwk: publicJwk, scopes: ['tasks:nuke'] } }), 'unknown scopes tasks:nuke'],
    ['scopes that are not a list', () => ({ billing: { jwk: publicJwk, scopes: 'tasks:read' } }), 'list of scope'],
    ['missing scopes', () => ({ billing: { jwk: publicJwk } }), 'list of scope'],
    ['an unknown field', () => ({ billing: { jwk: publicJwk, scopes: [], role: 'admin' } }), 'unknown fields role'],
    ['an empty service name', () => ({ '': publicJwk }), 'service name'],
  ])('refuses %s, naming SERVICE_KEYS', (_name, value, message) => {
    const problems = configError(() => parseServiceKeys(value()));
    expect(problems).toMatch(/^SERVICE_KEYS: /);
    expect(problems).toContain(message);
    // Never echoes the private part of a key.
    expect(problems).not.toContain(privateJwk.d);
  });

  it('is checked when the verifier is created, before any request', () => {
    expect(configError(() => createServiceTokenVerifier({ billing: privateJwk }))).toContain('SERVICE_KEYS');
  });
});

describe('service token verification', () => {
  const verifier = () =>
    createServiceTokenVerifier(
      { billing: { jwk: publicJwk, scopes: ['tasks:read'] } },
      { publicUrl: 'https://gd.example.com' },
    );

  it('returns the service, the user and the configured scopes', async () => {
    const identity = await verifier()(await sign({ sub: '42' }));
    expect(identity?.service).toBe('billing');
    expect(identity?.userId).toBe('42');
    expect([...(identity?.scopes ?? [])]).toEqual(['tasks:read']);
  });

  it('accepts "gramdesk" and the public URL as audience, nothing else', async () => {
    expect(await verifier()(await sign({ sub: '1', aud: 'https://gd.example.com' }))).not.toBeNull();
    expect(await verifier()(await sign({ sub: '1', aud: 'https://other.example.com' }))).toBeNull();
  });

  it.each<[string, () => Promise<string>]>([
    ['an unknown issuer', () => sign({ sub: '1', iss: 'stranger' })],
    ['no subject', () => sign({})],
    ['a non-numeric subject', () => sign({ sub: 'admin' })],
    ['no expiry', () => sign({ sub: '1', exp: null })],
    ['an expired token', () => sign({ sub: '1', iat: now() - 1200, exp: now() - 600 })],
    ['a lifetime over an hour', () => sign({ sub: '1', exp: now() + 3601 })],
    ['an iat more than an hour ago', () => sign({ sub: '1', iat: now() - 4000, exp: now() + 60 })],
    ['an iat in the future', () => sign({ sub: '1', iat: now() + 600, exp: now() + 900 })],
    ['HS256 keyed with the public key', () => sign({ sub: '1' }, base64url.decode(publicJwk.x ?? ''), 'HS256')],
    [
      'alg none',
      async () =>
        new UnsecuredJWT({ sub: '1' })
          .setIssuer('billing')
          .setAudience('gramdesk')
          .setIssuedAt()
          .setExpirationTime('5m')
          .encode(),
    ],
    ['another key', async () => sign({ sub: '1' }, (await generateKeyPair('EdDSA', { crv: 'Ed25519' })).privateKey)],
    ['garbage', async () => 'not.a.jwt'],
    ['an opaque refresh token', async () => 'Wk2m4gWl3d2nq0kq8zQd0m1yq4oQ3yq1m9ZsYp7eKx0'],
  ])('rejects %s', async (_name, token) => {
    expect(await verifier()(await token())).toBeNull();
  });

  it('accepts a token right at the one-hour limit', async () => {
    const iat = now();
    expect(await verifier()(await sign({ sub: '7', iat, exp: iat + 3600 }))).not.toBeNull();
  });

  it('builds one verifier per configuration object', () => {
    const config = { serviceKeys: { billing: publicJwk }, publicUrl: 'http://localhost:3000' };
    expect(serviceTokenVerifierFor(config)).toBe(serviceTokenVerifierFor(config));
  });
});
