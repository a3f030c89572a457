import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Em } from '../../platform/db/orm.js';
import { RefreshToken } from './account.entities.js';

/** SPEC §3.1: refresh tokens live 30 days and are used once. */
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Opaque refresh tokens: 32 random bytes, base64url (43 characters). The database keeps only their
 * SHA-256, so a leaked table cannot be replayed. A plain hash (no salt, no slow KDF) is enough for
 * 256 random bits, and lets the token be found by an indexed lookup.
 */
export function generateRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface IssuedRefreshToken {
  token: string;
  familyId: string;
  expiresAt: Date;
}

/** Stores a new refresh token for a user; without `familyId` it starts a new login (family). */
export async function issueRefreshToken(
  em: Em,
  userId: string,
  familyId: string = randomUUID(),
  now = new Date(),
): Promise<IssuedRefreshToken> {
  const token = generateRefreshToken();
  const expiresAt = new Date(now.getTime() + REFRESH_TOKEN_TTL_MS);
  em.create(RefreshToken, {
    id: randomUUID(),
    user: userId,
    familyId,
    tokenHash: hashRefreshToken(token),
    expiresAt,
    createdAt: now,
  });
  await em.flush();
  return { token, familyId, expiresAt };
}

export type RefreshTokenUse =
  /** The token was valid and is now used; the caller issues its successor in `familyId`. */
  | { status: 'used'; userId: string; familyId: string }
  /** The token had been used before: a replay. Its whole family has just been revoked. */
  | { status: 'reused'; familyId: string }
  /**
   * Never used, not expired, but revoked (a logout, a ban, a reuse elsewhere in its family): the
   * newest token its holder had. Refused like an invalid one; `userId` lets the caller say why.
   */
  | { status: 'revoked'; userId: string }
  /** Unknown or expired. */
  | { status: 'invalid' };

/**
 * Uses a refresh token once. The check and the use are one UPDATE, so of two concurrent requests
 * with the same token exactly one gets `used` (the other waits for the row lock, then sees `used_at`
 * set and is treated as a replay). Run it inside the transaction that issues the successor.
 */
export async function useRefreshToken(em: Em, token: string): Promise<RefreshTokenUse> {
  const tokenHash = hashRefreshToken(token);
  const used = await em.execute<Array<{ user_id: string | number; family_id: string }>>(
    `update refresh_tokens set used_at = now()
      where token_hash = ? and used_at is null and revoked_at is null and expires_at > now()
      returning user_id, family_id`,
    [tokenHash],
  );
  const row = used[0];
  if (row) return { status: 'used', userId: String(row.user_id), familyId: row.family_id };

  const known = await em.execute<
    Array<{ family_id: string; used_at: Date | null; user_id: string | number; live: boolean }>
  >('select family_id, used_at, user_id, expires_at > now() as live from refresh_tokens where token_hash = ?', [
    tokenHash,
  ]);
  const previous = known[0];
  if (previous?.used_at) {
    await revokeFamily(em, previous.family_id);
    return { status: 'reused', familyId: previous.family_id };
  }
  if (previous?.live) return { status: 'revoked', userId: String(previous.user_id) };
  return { status: 'invalid' };
}

/** Revokes every token of one login that is not revoked yet; returns how many. */
export async function revokeFamily(em: Em, familyId: string): Promise<number> {
  const result = await em.execute<{ affectedRows: number }>(
    'update refresh_tokens set revoked_at = now() where family_id = ? and revoked_at is null',
    [familyId],
    'run',
  );
  return result.affectedRows;
}

/** Logout: revokes the family the token belongs to. An unknown token revokes nothing (and says nothing). */
export async function revokeFamilyOfToken(em: Em, token: string): Promise<number> {
  const result = await em.execute<{ affectedRows: number }>(
    `update refresh_tokens set revoked_at = now()
      where family_id = (select family_id from refresh_tokens where token_hash = ?) and revoked_at is null`,
    [hashRefreshToken(token)],
    'run',
  );
  return result.affectedRows;
}

/** Ends every login of a user (e.g. when an admin bans them or the password changes). */
export async function revokeAllForUser(em: Em, userId: string): Promise<number> {
  const result = await em.execute<{ affectedRows: number }>(
    'update refresh_tokens set revoked_at = now() where user_id = ? and revoked_at is null',
    [userId],
    'run',
  );
  return result.affectedRows;
}
