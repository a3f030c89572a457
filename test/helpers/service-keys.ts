import { generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { AUDIENCE } from '../../src/platform/auth/access-token.js';
import { SERVICE_SCOPES, type ServiceScope } from '../../src/platform/auth/service-tokens.js';

/** Trusted services of SPEC §3.7 for tests: their key pairs, SERVICE_KEYS entries and tokens. */

export interface ServiceKeyPair {
  privateKey: KeyObject;
  publicJwk: JsonWebKey;
}

export function serviceKeyPair(): ServiceKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicJwk: publicKey.export({ format: 'jwk' }) };
}

/** A token a service signs to act for `userId` (`iss` its name, `aud` the API), valid for `ttlSeconds`. */
export function serviceToken(issuer: string, key: KeyObject, userId: string, ttlSeconds = 300): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA' })
    .setIssuer(issuer)
    .setAudience(AUDIENCE)
    .setSubject(userId)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(key);
}

/**
 * Per scope, a service that has every other scope (admin ones listed by name): the SERVICE_KEYS
 * entries to configure, and a token of the service that lacks a given scope.
 */
export function servicesLackingOneScope() {
  const keys = Object.fromEntries(SERVICE_SCOPES.map((scope) => [scope, serviceKeyPair()])) as Record<
    ServiceScope,
    ServiceKeyPair
  >;
  const nameOf = (scope: ServiceScope) => `all-but-${scope.replace(':', '-')}`;
  return {
    serviceKeys: Object.fromEntries(
      SERVICE_SCOPES.map((scope) => [
        nameOf(scope),
        { jwk: keys[scope].publicJwk, scopes: SERVICE_SCOPES.filter((s) => s !== scope) },
      ]),
    ),
    tokenWithout: (scope: ServiceScope, userId: string) => serviceToken(nameOf(scope), keys[scope].privateKey, userId),
  };
}
