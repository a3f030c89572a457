import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import { type Em, execute } from '../../platform/db/orm.js';
import { DomainError } from '../../platform/errors.js';
import { audit } from '../audit/index.js';
import { DEFAULT_TIMEZONE, dropBlocksBeforeMerge, User } from '../users/index.js';
import { LinkToken } from './account.entities.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function looksLikeToken(text: string): boolean {
  return UUID.test(text.trim());
}

/** How long a link token works after POST /token (SPEC §3.3). */
export const LINK_TOKEN_TTL_MS = 15 * 60 * 1000;

export interface LinkTokenView {
  token: string;
  createdAt: Date;
  expiresAt: Date;
}

const view = (link: LinkToken): LinkTokenView => ({
  token: link.token,
  createdAt: link.createdAt,
  expiresAt: link.expiresAt,
});

/** A token that can still be attached: not used and not expired. */
const isLive = (link: LinkToken, now: Date) =>
  link.attachedTelegramId == null && link.expiresAt.getTime() > now.getTime();

/**
 * POST /token: one live token per account; none for an account already in Telegram. A used or
 * expired token is replaced.
 */
export async function createLinkToken(em: Em, user: User, now = new Date()): Promise<LinkTokenView> {
  if (user.telegramId != null) {
    throw new DomainError('telegram_already_linked', 'This account is already linked to Telegram');
  }
  const existing = await em.findOne(LinkToken, { user });
  if (existing && isLive(existing, now)) {
    throw new DomainError('token_exists', 'A token already exists; GET /token shows it, DELETE /token revokes it');
  }
  const fresh = { token: randomUUID(), createdAt: now, expiresAt: new Date(now.getTime() + LINK_TOKEN_TTL_MS) };
  // An expired token is replaced in place (one row per account).
  const link = existing
    ? em.assign(existing, { ...fresh, attachedTelegramId: null, attachedAt: null })
    : em.create(LinkToken, { user, ...fresh });
  await em.flush();
  return view(link);
}

/** GET /token: the live token, if any. */
export async function getLinkToken(em: Em, user: User, now = new Date()): Promise<LinkTokenView> {
  const link = await em.findOne(LinkToken, { user });
  if (!link || !isLive(link, now)) throw new DomainError('not_found', 'No token; POST /token creates one');
  return view(link);
}

export async function revokeLinkToken(em: Em, user: User, now = new Date()): Promise<void> {
  const deleted = await em.nativeDelete(LinkToken, {
    user,
    attachedTelegramId: null,
    expiresAt: { $gt: now },
  });
  if (deleted === 0) throw new DomainError('not_found', 'No token to revoke');
}

/** Seed 000's answers to a token that cannot be attached. */
export type LinkRefusal =
  | { outcome: 'invalid_format' }
  | { outcome: 'no_such_token' }
  | { outcome: 'in_use' }
  | { outcome: 'already_attached'; token: string | null; username: string };

/** What the consent screen shows: the account asking, and what it would get (SPEC §3.3). */
export interface LinkRequest {
  outcome: 'confirm';
  token: string;
  username: string;
  accountCreatedAt: Date;
  expiresAt: Date;
  /** The Telegram user's role, which the account takes over. */
  role: User['role'];
}

export type AttachResult =
  | LinkRefusal
  | { outcome: 'attached'; token: string; account: User; mergedUserId: string }
  | { outcome: 'ask_again'; request: LinkRequest };

/** Why `telegramUser` cannot attach `link` (or null if it can). */
function refusalFor(link: LinkToken | null, telegramUser: User, now: Date): LinkRefusal | null {
  if (!link || (!isLive(link, now) && link.attachedTelegramId == null)) return { outcome: 'no_such_token' };
  const account = link.user;
  if (account.status === 'banned') return { outcome: 'no_such_token' };
  if (link.attachedTelegramId != null || account.telegramId != null) return { outcome: 'in_use' };
  if (account.id === telegramUser.id) return { outcome: 'in_use' };
  return null;
}

/** A Telegram user who already is an HTTP account's Telegram side. */
async function alreadyAttached(em: Em, telegramUser: User): Promise<LinkRefusal | null> {
  if (!telegramUser.username || telegramUser.accountState !== 'active') return null;
  const own = await em.findOne(LinkToken, { attachedTelegramId: telegramUser.telegramId });
  return { outcome: 'already_attached', token: own?.token ?? null, username: telegramUser.username };
}

/**
 * A Telegram user sent a link token (bare, or through `/start link_<token>`). Nothing is
 * attached yet: this says who is asking and what they would get, for the consent screen —
 * linking hands this chat to whoever holds the account's password, so it needs a Confirm.
 */
export async function previewLink(
  em: Em,
  telegramUser: User,
  text: string,
  now = new Date(),
): Promise<LinkRequest | LinkRefusal> {
  const attached = await alreadyAttached(em, telegramUser);
  if (attached) return attached;
  const tokenText = text.trim().toLowerCase();
  if (!looksLikeToken(tokenText)) return { outcome: 'invalid_format' };
  const link = await em.findOne(LinkToken, { token: tokenText }, { populate: ['user'] });
  const refused = refusalFor(link, telegramUser, now);
  if (refused || !link) return refused ?? { outcome: 'no_such_token' };
  return requestOf(link, telegramUser);
}

function requestOf(link: LinkToken, telegramUser: User): LinkRequest {
  return {
    outcome: 'confirm',
    token: link.token,
    username: link.user.username ?? '',
    accountCreatedAt: link.user.createdAt,
    expiresAt: link.expiresAt,
    role: telegramUser.role,
  };
}

/** Decline on the consent screen: the token is burnt, so the same link cannot be tried again. */
export async function declineLink(
  em: Em,
  telegramUser: User,
  text: string,
  now = new Date(),
): Promise<LinkRefusal | { outcome: 'declined' }> {
  // As Confirm answers: a stale Decline of the token this person has just attached (on a second
  // consent screen) must not tell them it is "in use", as if someone else had taken it.
  const attached = await alreadyAttached(em, telegramUser);
  if (attached) return attached;
  const tokenText = text.trim().toLowerCase();
  if (!looksLikeToken(tokenText)) return { outcome: 'invalid_format' };
  const link = await em.findOne(LinkToken, { token: tokenText }, { populate: ['user'] });
  const refused = refusalFor(link, telegramUser, now);
  if (refused) return refused;
  await em.nativeDelete(LinkToken, { token: tokenText, attachedTelegramId: null });
  return { outcome: 'declined' };
}

/**
 * Confirm on the consent screen (seed 000's attach). The HTTP account takes over the Telegram
 * identity and keeps its id (so its tokens stay valid); everything the Telegram-only row owned
 * moves to the account — every row of every table that refers to a user — and only then is
 * that row removed, so nothing cascades away. One transaction, audited.
 */
export async function attachToken(
  em: Em,
  telegramUser: User,
  text: string,
  consent: { adminNamed: boolean },
  now = new Date(),
): Promise<AttachResult> {
  const attached = await alreadyAttached(em, telegramUser);
  if (attached) return attached;
  const tokenText = text.trim().toLowerCase();
  if (!looksLikeToken(tokenText)) return { outcome: 'invalid_format' };
  return em.transactional(async (tx) => {
    const link = await tx.findOne(
      LinkToken,
      { token: tokenText },
      { populate: ['user'], lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    const refused = refusalFor(link, telegramUser, now);
    if (refused || !link) return refused ?? { outcome: 'no_such_token' as const };
    const account = await tx.findOneOrFail(User, { id: link.user.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const source = await tx.findOneOrFail(User, { id: telegramUser.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (source.username || source.status === 'banned') return { outcome: 'in_use' as const };
    // Confirmed on a screen that did not say admin rights go too (made an admin since): ask again.
    if (source.role === 'admin' && !consent.adminNamed)
      return { outcome: 'ask_again' as const, request: requestOf(link, source) };
    const telegramId = source.telegramId;
    const moved = await moveEverythingOwned(tx, source.id, account.id, now);
    // Free the unique telegram_id before the account takes it. Nothing refers to the row any more.
    await tx.nativeDelete(User, { id: source.id });
    tx.assign(account, {
      telegramId,
      telegramUsername: source.telegramUsername,
      telegramFirstName: source.telegramFirstName,
      telegramLastName: source.telegramLastName,
      language: source.language,
      // UTC is also what a skipped time-zone question leaves: it does not replace a zone the
      // account chose (PATCH /users/me), which SPEC §3.3's "nothing of either side is lost" keeps.
      timezone: source.timezone === DEFAULT_TIMEZONE ? account.timezone : source.timezone,
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
    audit(
      tx,
      account,
      'account.link',
      { type: 'user', id: account.id },
      {
        telegramId,
        mergedUserId: source.id,
        moved,
      },
    );
    await tx.flush();
    return { outcome: 'attached' as const, token: link.token, account, mergedUserId: source.id };
  });
}

/** Every (table, column) that refers to users.id, read from the catalog so a new table is never forgotten. */
async function userReferences(em: Em): Promise<Array<{ table: string; column: string }>> {
  return execute<Array<{ table: string; column: string }>>(
    em,
    `select cl.relname as "table", att.attname as "column"
       from pg_constraint con
       join pg_class cl on cl.oid = con.conrelid
       join pg_attribute att on att.attrelid = con.conrelid and att.attnum = any (con.conkey)
      where con.contype = 'f' and con.confrelid = 'users'::regclass
      order by 1, 2`,
  );
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Re-points every row that refers to `from` at `to`. Tables holding one row per user decide
 * first who keeps theirs: the account keeps its avatar and link token; a mailing delivery is
 * the Telegram side's (that is where the message went); an open registration of the Telegram
 * user ends, since they chose to link an existing account instead; a block both sides made of
 * one person stays one (and the two sides' blocks of each other go). Returns the rows moved per table.
 */
async function moveEverythingOwned(em: Em, from: string, to: string, now: Date): Promise<Record<string, number>> {
  await execute(em, 'delete from avatars where user_id = ? and exists (select 1 from avatars where user_id = ?)', [
    from,
    to,
  ]);
  await execute(em, 'delete from link_tokens where user_id = ?', [from]);
  await dropBlocksBeforeMerge(em, from, to);
  await execute(
    em,
    'delete from deliveries d where d.user_id = ? and exists (select 1 from deliveries s where s.user_id = ? and s.mailing_id = d.mailing_id)',
    [to, from],
  );
  await execute(
    em,
    "update registrations set status = 'expired', decided_at = ?, password_hash = null where user_id = ? and status = 'pending'",
    [now, from],
  );
  const moved: Record<string, number> = {};
  for (const { table, column } of await userReferences(em)) {
    const result = await execute(
      em,
      `update ${quoteIdent(table)} set ${quoteIdent(column)} = ? where ${quoteIdent(column)} = ?`,
      [to, from],
      'run',
    );
    const count = Number((result as { affectedRows?: number }).affectedRows ?? 0);
    if (count > 0) moved[`${table}.${column}`] = (moved[`${table}.${column}`] ?? 0) + count;
  }
  return moved;
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
    if (telegramId == null || !locked.username) throw new DomainError('not_linked', 'Not linked');
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
