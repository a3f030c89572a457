import { exportPKCS8, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueAccessToken, verifyAccessToken } from '../../src/platform/auth/access-token.js';
import { SigningKeys } from '../../src/platform/auth/keys.js';
import { SigningKey } from '../../src/platform/auth/signing-key.entity.js';
import { type TestDatabase, useTestEnvironment } from '../helpers/environment.js';

// No services: they would load (and so create) the signing key these tests start without.
const env = useTestEnvironment({ services: false });
let db: TestDatabase;
const fork = () => db.orm.em.fork();
const ISSUER = 'http://localhost:3000';

beforeAll(() => {
  db = env.db;
});

describe('signing keys shared by API processes', () => {
  it('the first start generates one key; later starts use it', async () => {
    const first = await SigningKeys.load(fork);
    const second = await SigningKeys.load(fork);
    expect(second.signingKey.kid).toBe(first.signingKey.kid);
    const { token } = await issueAccessToken(first, ISSUER, '1');
    expect((await verifyAccessToken(second, ISSUER, token)).sub).toBe('1');
  });

  it('a rotation made by one process is followed by the others; old tokens stay valid', async () => {
    const a = await SigningKeys.load(fork, undefined, { refreshIntervalMs: 0 });
    const before = await issueAccessToken(a, ISSUER, '2');
    const newKid = await SigningKeys.rotate(fork);
    expect((await a.currentSigningKey()).kid).toBe(newKid);
    const after = await issueAccessToken(a, ISSUER, '2');
    expect((await verifyAccessToken(a, ISSUER, before.token)).sub).toBe('2');
    expect((await verifyAccessToken(a, ISSUER, after.token)).sub).toBe('2');
    expect((await a.jwks()).keys.map((k) => k.kid)).toContain(newKid);
  });

  it('JWT_PRIVATE_KEY (PEM) signs; its private half is not stored; changing it retires the old key', async () => {
    const pem = async () =>
      exportPKCS8((await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })).privateKey);
    const firstPem = await pem();
    const keys = await SigningKeys.load(fork, firstPem);
    const stored = await fork().findOneOrFail(SigningKey, { kid: keys.signingKey.kid }, { populate: ['privateJwk'] });
    expect(stored.privateJwk).toBeNull();
    const token = await issueAccessToken(keys, ISSUER, '3');

    const rotated = await SigningKeys.load(fork, await pem());
    expect(rotated.signingKey.kid).not.toBe(keys.signingKey.kid);
    expect((await fork().findOneOrFail(SigningKey, { kid: keys.signingKey.kid })).retiredAt).not.toBeNull();
    // Tokens of the retired key verify until they expire.
    expect((await verifyAccessToken(rotated, ISSUER, token.token)).sub).toBe('3');
  });
});
