import { raw } from '@mikro-orm/core';
import { issueAccessToken } from '../../platform/auth/access-token.js';
import type { SigningKeys } from '../../platform/auth/keys.js';
import { type PasswordHasher, passwordHasher } from '../../platform/auth/passwords.js';
import type { Em } from '../../platform/db/orm.js';
import { DomainError } from '../../platform/errors.js';
import { User } from '../users/index.js';
import { Registration } from './account.entities.js';
import type { LoginThrottle } from './login-throttle.js';
import { issueRefreshToken, revokeFamily, revokeFamilyOfToken, useRefreshToken } from './refresh-tokens.js';

/** What issuing tokens needs: the signing keys and our issuer (PUBLIC_URL). */
export interface TokenIssuer {
  keys: SigningKeys;
  issuer: string;
}

export interface LoginContext extends TokenIssuer {
  throttle: LoginThrottle;
  /** Defaults to the process-wide hasher (and its concurrency cap). */
  hasher?: PasswordHasher;
}

export interface LoginInput {
  username: string;
  password: string;
  /** The client address the per-IP limit counts. */
  ip: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token lives. */
  expiresIn: number;
}

/** Only names of this shape can exist (registration enforces it), so others skip the lookup. */
const USERNAME = /^[A-Za-z0-9_]{3,32}$/;

/** Opaque refresh tokens are 43 base64url characters; anything else cannot be one. */
const REFRESH_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** One error for an unknown username and a wrong password, so neither reveals which it was. */
export const invalidCredentials = () => new DomainError('invalid_credentials', 'Wrong username or password');

export const invalidRefreshToken = () =>
  new DomainError('invalid_refresh_token', 'The refresh token is invalid, expired or revoked; log in again');

/** 429 with how long to wait; the API turns `retryAfterSeconds` into a Retry-After header. */
export class TooManyAttemptsError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('too_many_attempts', `Too many failed logins; try again in ${retryAfterSeconds} seconds`, {
      retryAfterSeconds,
    });
    this.name = 'TooManyAttemptsError';
  }
}

const pendingConfirmation = () => new DomainError('pending_confirmation', 'Confirm the registration in Telegram first');

/** Why this user may not hold tokens right now, if they may not. */
function refusal(user: User): DomainError | undefined {
  if (user.status === 'banned') return new DomainError('user_banned', 'This account is blocked');
  if (user.accountState === 'pending') return pendingConfirmation();
  return undefined;
}

/**
 * POST /auth/login. Throttled before anything is hashed; an unknown username (or a user without
 * an HTTP account) costs one verification against a dummy hash, the same as a wrong password.
 * The state of an account (pending, banned) is revealed only to someone who knows its password.
 */
export async function login(em: Em, ctx: LoginContext, input: LoginInput): Promise<TokenPair & { user: User }> {
  const hasher = ctx.hasher ?? passwordHasher();
  const decision = await ctx.throttle.begin(input.username, input.ip);
  if (!decision.allowed) throw new TooManyAttemptsError(decision.retryAfterSeconds);
  const { attempt } = decision;

  const user = USERNAME.test(input.username)
    ? await em.findOne(User, { [raw('lower(username)')]: input.username.toLowerCase() }, { populate: ['passwordHash'] })
    : null;
  // A registration waiting for its Telegram confirmation keeps the account on its own row.
  const pending =
    !user && USERNAME.test(input.username)
      ? await em.findOne(
          Registration,
          { [raw('lower(username)')]: input.username.toLowerCase(), status: 'pending' },
          { populate: ['passwordHash'] },
        )
      : null;
  const storedHash = user?.accountState ? user.passwordHash : (pending?.passwordHash ?? null);
  // Even without a user this verifies (against the dummy hash), so both failures take as long.
  const matches = await hasher.verify(input.password, storedHash);
  if (!storedHash || !matches) throw invalidCredentials();
  if (!user) {
    await attempt.release();
    throw pendingConfirmation();
  }

  const refused = refusal(user);
  if (refused) {
    await attempt.release();
    throw refused;
  }
  await attempt.succeeded();
  if (hasher.needsRehash(storedHash)) {
    // The cost parameters changed since this hash was made; upgrade it while we know the password.
    user.passwordHash = await hasher.hash(input.password);
    await em.flush();
  }
  return { ...(await issueTokens(em, ctx, user.id)), user };
}

/** A fresh access token and the first refresh token of a new login (family). */
export async function issueTokens(em: Em, ctx: TokenIssuer, userId: string): Promise<TokenPair> {
  const refresh = await issueRefreshToken(em, userId);
  const access = await issueAccessToken(ctx.keys, ctx.issuer, userId);
  return { accessToken: access.token, refreshToken: refresh.token, expiresIn: access.expiresIn };
}

/**
 * POST /auth/refresh: uses the refresh token once and returns a new pair in the same family.
 * A token used before revokes its whole family (reuse detection: whoever holds the newest token
 * is logged out too, since we cannot tell the thief from the owner). A blocked user loses the
 * family and is told why (403 `user_banned`, as every other route tells them: the token proves
 * who they are); a deleted one gets 401.
 */
export async function refresh(em: Em, ctx: TokenIssuer, refreshToken: string): Promise<TokenPair> {
  if (!REFRESH_TOKEN.test(refreshToken)) throw invalidRefreshToken();
  // The use, the checks and the successor commit together; a revocation on reuse commits too.
  const next = await em.transactional(async (tx) => {
    const use = await useRefreshToken(tx, refreshToken);
    // A ban revokes every login at once: the holder of its newest token is told why, not just 401.
    if (use.status === 'revoked') {
      const owner = await tx.findOne(User, { id: use.userId });
      return owner?.status === 'banned' ? (refusal(owner) ?? null) : null;
    }
    if (use.status !== 'used') return null;
    const user = await tx.findOne(User, { id: use.userId });
    const refused = user && refusal(user);
    if (user?.accountState !== 'active' || refused) {
      await revokeFamily(tx, use.familyId);
      return refused ?? null;
    }
    const issued = await issueRefreshToken(tx, user.id, use.familyId);
    return { userId: user.id, refreshToken: issued.token };
  });
  if (next instanceof DomainError) throw next;
  if (!next) throw invalidRefreshToken();
  const access = await issueAccessToken(ctx.keys, ctx.issuer, next.userId);
  return { accessToken: access.token, refreshToken: next.refreshToken, expiresIn: access.expiresIn };
}

/** POST /auth/logout: that login's refresh tokens stop working. Says nothing about unknown tokens. */
export async function logout(em: Em, refreshToken: string): Promise<void> {
  if (!REFRESH_TOKEN.test(refreshToken)) return;
  await revokeFamilyOfToken(em, refreshToken);
}
