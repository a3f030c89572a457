import { randomUUID } from 'node:crypto';
import { errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { ACCESS_TOKEN_TTL_SECONDS, JWT_ALGORITHM, type SigningKeys } from './keys.js';

/** The audience of every token Gramdesk issues or accepts (SPEC §3.1). */
export const AUDIENCE = 'gramdesk';

export interface AccessTokenClaims extends JWTPayload {
  sub: string;
  typ: 'access';
}

export class InvalidTokenError extends Error {
  constructor(readonly reason: string) {
    super(`invalid token: ${reason}`);
    this.name = 'InvalidTokenError';
  }
}

/** Signs a 15-minute access token for a user (EdDSA, `kid` of the active key). */
export async function issueAccessToken(
  keys: SigningKeys,
  issuer: string,
  userId: string,
  now = Math.floor(Date.now() / 1000),
): Promise<{ token: string; expiresIn: number }> {
  const { kid, key } = await keys.currentSigningKey();
  const token = await new SignJWT({ typ: 'access' })
    .setProtectedHeader({ alg: JWT_ALGORITHM, kid, typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(AUDIENCE)
    .setSubject(userId)
    .setIssuedAt(now)
    .setExpirationTime(now + ACCESS_TOKEN_TTL_SECONDS)
    .setJti(randomUUID())
    .sign(key);
  return { token, expiresIn: ACCESS_TOKEN_TTL_SECONDS };
}

/**
 * Verifies a user access token: EdDSA only (an `alg: none` or HS256 token is refused before
 * any key is looked at), a known `kid`, our issuer and audience, not expired, and `typ: access`
 * (a refresh or service token is not an access token). A token verified before is taken from
 * `keys.verifiedTokens` until it expires, as long as its key still verifies.
 */
export async function verifyAccessToken(keys: SigningKeys, issuer: string, token: string): Promise<AccessTokenClaims> {
  const known = keys.verifiedTokens.get(token, issuer);
  if (known && (await keys.verificationKey(known.kid))) return known.claims as AccessTokenClaims;
  try {
    let kid = '';
    const { payload } = await jwtVerify(
      token,
      async (header) => {
        const key = await keys.verificationKey(header.kid);
        if (!key) throw new InvalidTokenError('unknown signing key');
        kid = header.kid as string;
        return key;
      },
      { algorithms: [JWT_ALGORITHM], issuer, audience: AUDIENCE, requiredClaims: ['sub', 'exp', 'iat'] },
    );
    if (payload.typ !== 'access') throw new InvalidTokenError('not an access token');
    if (typeof payload.sub !== 'string' || !/^\d{1,19}$/.test(payload.sub)) throw new InvalidTokenError('bad subject');
    const claims = payload as AccessTokenClaims;
    keys.verifiedTokens.remember(token, issuer, kid, claims);
    return claims;
  } catch (err) {
    if (err instanceof InvalidTokenError) throw err;
    if (err instanceof errors.JWTExpired) throw new InvalidTokenError('expired');
    if (err instanceof errors.JOSEError) throw new InvalidTokenError(err.code);
    throw new InvalidTokenError('malformed');
  }
}
