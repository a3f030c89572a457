import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import { LinkToken, Message, User } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import { DomainError } from '../errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function looksLikeToken(text: string): boolean {
  return UUID.test(text.trim());
}

export interface LinkTokenView {
  token: string;
  createdAt: Date;
}

/** POST /token: one token per account while it exists; none for an account already in Telegram. */
export async function createLinkToken(em: Em, user: User): Promise<LinkTokenView> {
  if (user.telegramId != null) {
    throw new DomainError('telegram_already_linked', 'This account is already linked to Telegram', 409);
  }
  const existing = await em.findOne(LinkToken, { user });
  if (existing)
    throw new DomainError('token_exists', 'A token already exists; GET /token shows it, DELETE /token revokes it', 409);
  const link = em.create(LinkToken, { user, token: randomUUID() });
  await em.flush();
  return { token: link.token, createdAt: link.createdAt };
}

export async function getLinkToken(em: Em, user: User): Promise<LinkTokenView> {
  const link = await em.findOne(LinkToken, { user });
  if (!link) throw new DomainError('not_found', 'No token; POST /token creates one', 404);
  return { token: link.token, createdAt: link.createdAt };
}

export async function revokeLinkToken(em: Em, user: User): Promise<void> {
  const deleted = await em.nativeDelete(LinkToken, { user });
  if (deleted === 0) throw new DomainError('not_found', 'No token to revoke', 404);
}

export type AttachResult =
  | { outcome: 'attached'; token: string; account: User }
  | { outcome: 'invalid_format' }
  | { outcome: 'no_such_token' }
  | { outcome: 'in_use' }
  | { outcome: 'already_attached'; token: string | null; username: string };

/**
 * A Telegram user sends a link token (seed 000). On success the HTTP account takes over the
 * Telegram identity: the account keeps its id (so its tokens stay valid) and gains the
 * Telegram user's id, names and bot settings; what the Telegram-only row owned moves to the
 * account and that row is removed. Everything happens in one transaction.
 */
export async function attachToken(em: Em, telegramUser: User, text: string, now = new Date()): Promise<AttachResult> {
  const tokenText = text.trim().toLowerCase();
  if (telegramUser.username && telegramUser.accountState === 'active') {
    const own = await em.findOne(LinkToken, { attachedTelegramId: telegramUser.telegramId });
    return { outcome: 'already_attached', token: own?.token ?? null, username: telegramUser.username };
  }
  if (!looksLikeToken(tokenText)) return { outcome: 'invalid_format' };
  return em.transactional(async (tx) => {
    const link = await tx.findOne(
      LinkToken,
      { token: tokenText },
      { populate: ['user'], lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!link) return { outcome: 'no_such_token' as const };
    const account = link.user;
    if (link.attachedTelegramId != null || account.telegramId != null) return { outcome: 'in_use' as const };
    if (account.status === 'banned') return { outcome: 'no_such_token' as const };
    const source = await tx.findOneOrFail(User, { id: telegramUser.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (source.username) {
      // A pending registration of this Telegram user: it names another account; refuse rather than merge two.
      return { outcome: 'in_use' as const };
    }
    const telegramId = source.telegramId;
    // Move what the Telegram-only row owned. (Later features add their tables here.)
    await tx.nativeUpdate(Message, { from: source }, { from: account });
    await tx.nativeUpdate(Message, { to: source }, { to: account });
    // Free the unique telegram_id before the account takes it.
    await tx.nativeDelete(User, { id: source.id });
    tx.assign(account, {
      telegramId,
      telegramUsername: source.telegramUsername,
      telegramFirstName: source.telegramFirstName,
      telegramLastName: source.telegramLastName,
      language: source.language,
      timezone: source.timezone,
      notifications: source.notifications,
      displayName: account.displayName ?? source.displayName,
      phone: account.phone ?? source.phone,
      operatorCode: account.phone ? account.operatorCode : source.operatorCode,
      tags: [...new Set([...account.tags, ...source.tags])],
      role: source.role === 'admin' ? 'admin' : account.role,
      botBlocked: false,
      lastSeenAt: now,
    });
    link.attachedTelegramId = telegramId ?? null;
    link.attachedAt = now;
    await tx.flush();
    return { outcome: 'attached' as const, token: link.token, account };
  });
}

/**
 * Settings → Unlink: the HTTP account keeps its data and loses the Telegram identity, which
 * goes to a fresh Telegram-only user with the same bot settings. The link token is removed,
 * so the account can create a new one.
 */
export async function unlinkTelegram(em: Em, account: User): Promise<User> {
  return em.transactional(async (tx) => {
    const locked = await tx.findOneOrFail(User, { id: account.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const telegramId = locked.telegramId;
    if (telegramId == null || !locked.username) throw new DomainError('not_linked', 'Not linked', 409);
    locked.telegramId = null;
    await tx.flush();
    const fresh = tx.create(User, {
      telegramId,
      telegramUsername: locked.telegramUsername,
      telegramFirstName: locked.telegramFirstName,
      telegramLastName: locked.telegramLastName,
      language: locked.language,
      timezone: locked.timezone,
      notifications: locked.notifications,
      role: locked.role,
      lastSeenAt: new Date(),
    });
    await tx.nativeDelete(LinkToken, { user: locked });
    await tx.flush();
    return fresh;
  });
}
