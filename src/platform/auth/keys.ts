import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  importPKCS8,
  type JWK,
  type JWTPayload,
} from 'jose';
import type { Em } from '../db/orm.js';
import { SigningKey } from './signing-key.entity.js';
import { VerifiedTokens } from './verified-tokens.js';

export const JWT_ALGORITHM = 'EdDSA';
/** How long access tokens live; a retired key keeps verifying for this long (plus leeway). */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const RETIRED_KEY_GRACE_MS = (ACCESS_TOKEN_TTL_SECONDS + 60) * 1000;
/** Keys are re-read this often, so a rotation made by another process reaches every process. */
const REFRESH_INTERVAL_MS = 60_000;
/** Unknown `kid`s (another process just rotated) trigger a reload, at most this often. */
const UNKNOWN_KID_RELOAD_MS = 10_000;

interface VerificationKey {
  kid: string;
  key: CryptoKey;
  publicJwk: JWK;
  retiredAt: Date | null;
}

/**
 * The JWT signing keys shared by every API process (SPEC §1 JWT_PRIVATE_KEY). The active key
 * signs; retired keys keep verifying until every token they signed has expired, so a rotation
 * never logs anyone out. /.well-known/jwks.json publishes all keys that still verify.
 */
export class SigningKeys {
  /** Access tokens verified by this process, until they expire (access-token.ts). */
  readonly verifiedTokens = new VerifiedTokens<JWTPayload>();
  private verification = new Map<string, VerificationKey>();
  private lastReload = 0;
  private lastUnknownKidReload = 0;
  private reloading: Promise<void> | undefined;

  private constructor(
    private readonly fork: () => Em,
    private active: { kid: string; key: CryptoKey },
    /** True when JWT_PRIVATE_KEY decides the signing key. */
    private readonly configured: boolean,
    private readonly refreshIntervalMs: number,
  ) {}

  /**
   * Loads the active key. With `configuredKey` (JWT_PRIVATE_KEY) that key is active, and a
   * different previously active key is retired (rotation by configuration). Without it, the
   * stored active key is used, or one is generated on first start. Call under a start-up lock
   * so concurrent processes agree on one generated key.
   */
  static async load(
    fork: () => Em,
    configuredKey?: string,
    options: { refreshIntervalMs?: number } = {},
  ): Promise<SigningKeys> {
    const em = fork();
    let active: { kid: string; key: CryptoKey };
    if (configuredKey) {
      const { privateKey, publicJwk, kid } = await importConfiguredKey(configuredKey);
      const existing = await em.findOne(SigningKey, { kid });
      if (!existing) {
        em.create(SigningKey, { kid, privateJwk: null, publicJwk, retiredAt: null });
      } else if (existing.retiredAt) {
        existing.retiredAt = null;
      }
      await em.nativeUpdate(SigningKey, { kid: { $ne: kid }, retiredAt: null }, { retiredAt: new Date() });
      await em.flush();
      active = { kid, key: privateKey };
    } else {
      const stored = await em.findOne(
        SigningKey,
        { retiredAt: null, privateJwk: { $ne: null } },
        { populate: ['privateJwk'], orderBy: { createdAt: 'desc' } },
      );
      if (stored?.privateJwk) {
        active = { kid: stored.kid, key: (await importJWK(stored.privateJwk as JWK, JWT_ALGORITHM)) as CryptoKey };
      } else {
        active = await generateAndStore(em);
      }
    }
    const keys = new SigningKeys(
      fork,
      active,
      Boolean(configuredKey),
      options.refreshIntervalMs ?? REFRESH_INTERVAL_MS,
    );
    await keys.reload();
    return keys;
  }

  /** Generates a new active key and retires the current one (tokens it signed stay valid). */
  static async rotate(fork: () => Em): Promise<string> {
    const em = fork();
    await em.nativeUpdate(SigningKey, { retiredAt: null }, { retiredAt: new Date() });
    const { kid } = await generateAndStore(em);
    return kid;
  }

  /** The key that signs now (as of the last reload; see `currentSigningKey` for a fresh one). */
  get signingKey(): { kid: string; key: CryptoKey } {
    return this.active;
  }

  /** The signing key, re-read at most every minute so a rotation elsewhere is followed. */
  async currentSigningKey(): Promise<{ kid: string; key: CryptoKey }> {
    await this.refreshIfStale();
    return this.active;
  }

  /** The key for a token's `kid`, if it still verifies. Unknown kids cause one (throttled) reload. */
  async verificationKey(kid: string | undefined): Promise<CryptoKey | undefined> {
    if (!kid) return undefined;
    await this.refreshIfStale();
    let entry = this.verification.get(kid);
    if (!entry && Date.now() - this.lastUnknownKidReload > UNKNOWN_KID_RELOAD_MS) {
      this.lastUnknownKidReload = Date.now();
      await this.reload();
      entry = this.verification.get(kid);
    }
    if (!entry) return undefined;
    if (entry.retiredAt && Date.now() - entry.retiredAt.getTime() > RETIRED_KEY_GRACE_MS) return undefined;
    return entry.key;
  }

  /** The JSON Web Key Set of every key that still verifies. */
  async jwks(): Promise<{ keys: JWK[] }> {
    await this.refreshIfStale();
    const now = Date.now();
    return {
      keys: [...this.verification.values()]
        .filter((k) => !k.retiredAt || now - k.retiredAt.getTime() <= RETIRED_KEY_GRACE_MS)
        .map((k) => ({ ...k.publicJwk, kid: k.kid, alg: JWT_ALGORITHM, use: 'sig' })),
    };
  }

  private async refreshIfStale(): Promise<void> {
    if (Date.now() - this.lastReload > this.refreshIntervalMs) await this.reload();
  }

  /** Re-reads the keys; concurrent callers share one reload. */
  private reload(): Promise<void> {
    this.reloading ??= this.readKeys().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  private async readKeys(): Promise<void> {
    this.lastReload = Date.now();
    const since = new Date(Date.now() - RETIRED_KEY_GRACE_MS);
    const rows = await this.fork().find(SigningKey, { $or: [{ retiredAt: null }, { retiredAt: { $gt: since } }] });
    const next = new Map<string, VerificationKey>();
    for (const row of rows) {
      const known = this.verification.get(row.kid);
      const key = known?.key ?? ((await importJWK(row.publicJwk as JWK, JWT_ALGORITHM)) as CryptoKey);
      next.set(row.kid, { kid: row.kid, key, publicJwk: row.publicJwk as JWK, retiredAt: row.retiredAt ?? null });
    }
    this.verification = next;
    // Another process may have rotated: sign with the newest active stored key from now on.
    // (A key configured through JWT_PRIVATE_KEY has no stored private half and stays as it is.)
    const newest = rows
      .filter((row) => !row.retiredAt)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
    if (newest && newest.kid !== this.active.kid && !this.configured) {
      const withPrivate = await this.fork().findOne(SigningKey, { kid: newest.kid }, { populate: ['privateJwk'] });
      if (withPrivate?.privateJwk) {
        this.active = {
          kid: newest.kid,
          key: (await importJWK(withPrivate.privateJwk as JWK, JWT_ALGORITHM)) as CryptoKey,
        };
      }
    }
  }
}

async function generateAndStore(em: Em): Promise<{ kid: string; key: CryptoKey }> {
  const { privateKey, publicKey } = await generateKeyPair(JWT_ALGORITHM, { crv: 'Ed25519', extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  em.create(SigningKey, {
    kid,
    privateJwk: privateJwk as Record<string, unknown>,
    publicJwk: publicJwk as Record<string, unknown>,
  });
  await em.flush();
  return { kid, key: privateKey };
}

/** JWT_PRIVATE_KEY is an Ed25519 private JWK (JSON) or a PKCS#8 PEM. */
export async function importConfiguredKey(text: string) {
  const trimmed = text.trim();
  let privateKey: CryptoKey;
  if (trimmed.startsWith('{')) {
    const jwk = JSON.parse(trimmed) as JWK;
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.d) {
      throw new Error('JWT_PRIVATE_KEY: expected an Ed25519 private JWK (kty OKP, crv Ed25519, with d)');
    }
    privateKey = (await importJWK(jwk, JWT_ALGORITHM)) as CryptoKey;
  } else {
    privateKey = await importPKCS8(trimmed.replace(/\\n/g, '\n'), JWT_ALGORITHM, { extractable: true });
  }
  const privateJwk = await exportJWK(privateKey);
  const { d: _secret, ...publicJwk } = privateJwk;
  const kid = await calculateJwkThumbprint(publicJwk);
  return { privateKey, privateJwk, publicJwk: publicJwk as Record<string, unknown>, kid };
}
