import { createPublicKey, type KeyObject } from 'node:crypto';
import { decodeJwt, type JWK, jwtVerify } from 'jose';
import { type Config, ConfigError } from '../../config.js';
import { AUDIENCE } from './access-token.js';

/**
 * What a trusted service may do on behalf of a user (SPEC §3.7). Every route a service token can
 * reach names one of these (`requireScope`, src/platform/http/auth.ts); a user's own access
 * token has every scope. Routes that only the user's own token may call (POST/GET/DELETE /token,
 * GET /ws, /auth/*) have no scope: no service can ever call them.
 */
export const USER_SCOPES = [
  'profile:read',
  'profile:write',
  'messages:read',
  'messages:write',
  'tasks:read',
  'tasks:write',
] as const;

/**
 * Scopes of the admin routes (/admin/users, /mailings). They are granted only by being listed
 * for the service by name — never by "*" — and the user the token acts for must also be an admin.
 */
export const ADMIN_SCOPES = ['users:admin', 'mailings:admin'] as const;

export const SERVICE_SCOPES = [...USER_SCOPES, ...ADMIN_SCOPES] as const;
export type ServiceScope = (typeof SERVICE_SCOPES)[number];

/** Every user scope, present and future, but no admin scope: what a service configured with a bare JWK gets. */
export const ALL_SCOPES = '*';

/**
 * The one rule of what a service's configured scopes grant: a scope listed by name, and through
 * "*" every scope except the admin ones (a bare JWK, configured for convenience, must not turn
 * into a key that can ban users or send mailings).
 */
export function scopeGranted(granted: ReadonlySet<string>, scope: ServiceScope): boolean {
  if (granted.has(scope)) return true;
  return granted.has(ALL_SCOPES) && !(ADMIN_SCOPES as readonly string[]).includes(scope);
}

/** Service tokens must be short-lived: `exp` at most this long after `iat`. */
export const SERVICE_TOKEN_MAX_LIFETIME_SECONDS = 60 * 60;

/** Clock skew allowed between a service and us, for `iat` and `exp`. */
const CLOCK_TOLERANCE_SECONDS = 30;

export interface ServiceIdentity {
  service: string;
  userId: string;
  scopes: ReadonlySet<string>;
}

/** Resolves a bearer token to the service and user it speaks for, or null if it is not a valid service token. */
export type ServiceTokenVerifier = (token: string) => Promise<ServiceIdentity | null>;

interface TrustedService {
  key: KeyObject;
  scopes: ReadonlySet<string>;
}

const problem = (message: string) => new ConfigError([`SERVICE_KEYS: ${message}`]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Parses SERVICE_KEYS: `{"<service>": <public Ed25519 JWK>}` ("*": every user scope, no admin scope) or
 * `{"<service>": {"jwk": <public Ed25519 JWK>, "scopes": ["tasks:read", ...]}}`.
 * Throws ConfigError naming SERVICE_KEYS and the service on anything else — notably a private
 * key (a JWK with `d`), which must never be configured here.
 */
export function parseServiceKeys(raw: Record<string, unknown>): Map<string, TrustedService> {
  const services = new Map<string, TrustedService>();
  for (const [name, entry] of Object.entries(raw)) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/.test(name)) {
      throw problem(`service name "${name.slice(0, 40)}" must be 1-100 characters of A-Z a-z 0-9 . _ : / -`);
    }
    if (!isObject(entry)) throw problem(`"${name}" must be a public JWK or {"jwk": ..., "scopes": [...]}`);
    let jwk: unknown = entry;
    let scopes: string[] = [ALL_SCOPES];
    if ('jwk' in entry) {
      const extra = Object.keys(entry).filter((k) => k !== 'jwk' && k !== 'scopes');
      if (extra.length) throw problem(`"${name}" has unknown fields ${extra.join(', ')} (expected jwk, scopes)`);
      jwk = entry.jwk;
      if (!Array.isArray(entry.scopes) || !entry.scopes.every((s) => typeof s === 'string')) {
        throw problem(`"${name}".scopes must be a list of scope names`);
      }
      const unknown = entry.scopes.filter(
        (s) => s !== ALL_SCOPES && !(SERVICE_SCOPES as readonly string[]).includes(s),
      );
      if (unknown.length) {
        throw problem(`"${name}" has unknown scopes ${unknown.join(', ')} (known: ${SERVICE_SCOPES.join(', ')}, *)`);
      }
      scopes = entry.scopes as string[];
    }
    services.set(name, { key: importServicePublicKey(name, jwk), scopes: new Set(scopes) });
  }
  return services;
}

function importServicePublicKey(name: string, jwk: unknown): KeyObject {
  if (!isObject(jwk) || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw problem(`"${name}" is not an Ed25519 public JWK (expected kty "OKP", crv "Ed25519", x)`);
  }
  if ('d' in jwk) throw problem(`"${name}" is a private key; configure only the public part (drop "d")`);
  if (jwk.alg !== undefined && jwk.alg !== 'EdDSA' && jwk.alg !== 'Ed25519') {
    throw problem(`"${name}" has alg "${String(jwk.alg)}"; only EdDSA is accepted`);
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') throw problem(`"${name}" has use "${String(jwk.use)}"; expected sig`);
  if (!/^[A-Za-z0-9_-]{43}$/.test(jwk.x)) throw problem(`"${name}".x is not a 32-byte base64url Ed25519 key`);
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x } as JWK, format: 'jwk' });
  } catch {
    throw problem(`"${name}".x is not a valid Ed25519 public key`);
  }
}

/**
 * Verifies tokens of trusted services (SPEC §3.7): signed with the service's own Ed25519 key
 * (EdDSA only), `iss` = a configured service name, `aud` = "gramdesk" or the public URL,
 * `sub` = the user id it acts for, `exp` required and at most an hour after `iat`.
 * Parses SERVICE_KEYS at once, so a bad value stops the start (ConfigError naming SERVICE_KEYS).
 */
export function createServiceTokenVerifier(
  serviceKeys: Record<string, unknown>,
  options: { publicUrl?: string } = {},
): ServiceTokenVerifier {
  const services = parseServiceKeys(serviceKeys);
  const audience = options.publicUrl ? [AUDIENCE, options.publicUrl] : [AUDIENCE];
  return async (token) => {
    if (services.size === 0) return null;
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      return null;
    }
    const trusted = typeof issuer === 'string' ? services.get(issuer) : undefined;
    if (!trusted || typeof issuer !== 'string') return null;
    try {
      const { payload } = await jwtVerify(token, trusted.key, {
        algorithms: ['EdDSA'],
        issuer,
        audience,
        requiredClaims: ['sub', 'exp', 'iat'],
        // Also rejects an `iat` in the future (beyond the tolerance).
        maxTokenAge: SERVICE_TOKEN_MAX_LIFETIME_SECONDS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      const { sub, exp, iat } = payload as { sub: unknown; exp: number; iat: number };
      if (exp - iat > SERVICE_TOKEN_MAX_LIFETIME_SECONDS) return null;
      if (typeof sub !== 'string' || !/^\d{1,19}$/.test(sub)) return null;
      return { service: issuer, userId: sub, scopes: trusted.scopes };
    } catch {
      return null;
    }
  };
}

const verifiers = new WeakMap<object, ServiceTokenVerifier>();

/**
 * The verifier for a configuration, built once per Config object, so every `authenticate(...)`
 * of every router shares one parsed SERVICE_KEYS.
 */
export function serviceTokenVerifierFor(config: Pick<Config, 'serviceKeys' | 'publicUrl'>): ServiceTokenVerifier {
  let verifier = verifiers.get(config);
  if (!verifier) {
    verifier = createServiceTokenVerifier(config.serviceKeys, { publicUrl: config.publicUrl });
    verifiers.set(config, verifier);
  }
  return verifier;
}
