import type { Em } from '../../platform/db/orm.js';
import { DomainError } from '../../platform/errors.js';
import { LANGUAGES, type Language } from '../../platform/i18n/languages.js';
import { normalizeTimezone, TIMEZONE_HINT } from '../../platform/time/timezone.js';
import { revokeAllForUser } from '../accounts/index.js';
import { type AuditEntry, audit, listAuditEntries } from '../audit/index.js';
import { parseTags } from '../tasks/index.js';
import { PHONE_FORMAT_HINT, parsePhoneInput, type Role, User } from '../users/index.js';

/**
 * Admin use cases (SPEC §2.4, §3.6): stats, user search, ban / unban, role and tag changes.
 * Every change writes an audit entry in the same flush as the change itself. Callers check that
 * the actor is an admin (the bot on every press, the API in a middleware); the domain checks
 * again, so a forgotten check cannot turn into a change.
 */

export const isAdmin = (user: Pick<User, 'role' | 'status'> | null | undefined): boolean =>
  !!user && user.role === 'admin' && user.status !== 'banned';

function requireAdmin(actor: User): void {
  if (!isAdmin(actor)) throw new DomainError('forbidden', 'Not allowed');
}

/** The Redis key remembering that a banned user was told so (bot/middlewares/user.ts); cleared on unban. */
export const bannedNoticeKey = (keyPrefix: string, userId: string) => `${keyPrefix}banned-notice:${userId}`;

// ---------------------------------------------------------------------------------------------
// Stats: a handful of COUNT queries.

export interface AdminStats {
  users: { total: number; active7d: number; blockedBot: number; banned: number };
  tasks: Record<string, number>;
  messages24h: number;
  mailings: Record<string, number>;
}

export async function adminStats(em: Em, now = new Date()): Promise<AdminStats> {
  const conn = em.getConnection();
  const weekAgo = new Date(now.getTime() - 7 * 24 * 60 * 60 * 1000);
  const dayAgo = new Date(now.getTime() - 24 * 60 * 60 * 1000);
  const [users] = await conn.execute<Array<{ total: number; active: number; blocked: number; banned: number }>>(
    `select count(*)::int as total,
            count(*) filter (where last_seen_at > ?)::int as active,
            count(*) filter (where bot_blocked)::int as blocked,
            count(*) filter (where status = 'banned')::int as banned
       from users`,
    [weekAgo],
  );
  const byStatus = async (table: 'tasks' | 'mailings') => {
    const rows = await conn.execute<Array<{ status: string; n: number }>>(
      `select status, count(*)::int as n from ${table} group by status`,
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  };
  const [messages] = await conn.execute<Array<{ n: number }>>(
    'select count(*)::int as n from messages where sent_at > ?',
    [dayAgo],
  );
  return {
    users: {
      total: users?.total ?? 0,
      active7d: users?.active ?? 0,
      blockedBot: users?.blocked ?? 0,
      banned: users?.banned ?? 0,
    },
    tasks: await byStatus('tasks'),
    messages24h: messages?.n ?? 0,
    mailings: await byStatus('mailings'),
  };
}

// ---------------------------------------------------------------------------------------------
// Finding users.

export const ADMIN_SEARCH_MAX = 50;
const ID_QUERY = /^\d{1,18}$/;
const PREFIX_QUERY = /^@?[A-Za-z0-9_]{1,32}$/;

/** Whether a search text can be understood: a numeric id (user or Telegram) or a username prefix. */
export const isSearchQuery = (query: string) => ID_QUERY.test(query.trim()) || PREFIX_QUERY.test(query.trim());

/**
 * Users whose id or Telegram id equals a number, or whose account or Telegram username starts
 * with a prefix (case-insensitive, `@` optional), oldest first, at most ADMIN_SEARCH_MAX.
 */
export async function searchUsersAsAdmin(em: Em, query: string): Promise<User[]> {
  const q = query.trim();
  if (ID_QUERY.test(q)) {
    return em.find(User, { $or: [{ id: q }, { telegramId: Number(q) }] }, { orderBy: { id: 'asc' }, limit: 10 });
  }
  if (!PREFIX_QUERY.test(q)) return [];
  const pattern = `${q.replace(/^@/, '').replace(/_/g, '\\_')}%`;
  return em.find(
    User,
    { $or: [{ username: { $ilike: pattern } }, { telegramUsername: { $ilike: pattern } }] },
    { orderBy: { id: 'asc' }, limit: ADMIN_SEARCH_MAX },
  );
}

/** A user by id, or null for an unknown or malformed id. */
export async function findUserById(em: Em, id: string): Promise<User | null> {
  if (!ID_QUERY.test(id)) return null;
  return em.findOne(User, { id });
}

async function targetOf(em: Em, id: string): Promise<User> {
  const user = await findUserById(em, id);
  if (!user) throw new DomainError('not_found', 'No such user');
  return user;
}

// ---------------------------------------------------------------------------------------------
// Changes.

export interface AdminUserPatch {
  tags?: readonly string[];
  role?: Role;
  banned?: boolean;
  /**
   * The phone, by the rules of the user's own (users/phone.ts): any common writing of an
   * international number, stored in E.164; `null` clears it (and the operator code, unless given).
   */
  phone?: string | null;
  /** Digits; derived from `phone` when that changes and this is not given; `null` clears it. */
  operatorCode?: string | null;
  /** An IANA name or a UTC offset, normalised as users' own (platform/time/timezone.ts). */
  timezone?: string;
}

/** What the mailing filters match on: the digits after the country code (users.operator_code is 8 wide). */
export const OPERATOR_CODE = /^\d{1,8}$/;

interface FieldProblem {
  path: string;
  message: string;
}

/** The contact and locale fields of a patch, checked all at once: the values to store, or the problems. */
function checkContactFields(
  user: User,
  patch: AdminUserPatch,
): { problems: FieldProblem[]; phone?: string | null; operatorCode?: string | null; timezone?: string } {
  const problems: FieldProblem[] = [];
  const out: { phone?: string | null; operatorCode?: string | null; timezone?: string } = {};
  if (patch.phone !== undefined) {
    if (patch.phone === null || patch.phone.trim() === '') {
      out.phone = null;
      out.operatorCode = null;
    } else {
      const parsed = parsePhoneInput(patch.phone);
      if (!parsed) {
        problems.push({ path: 'phone', message: PHONE_FORMAT_HINT });
      } else if (parsed.phone !== user.phone) {
        out.phone = parsed.phone;
        out.operatorCode = parsed.operatorCode;
      }
    }
  }
  if (patch.operatorCode !== undefined) {
    if (patch.operatorCode === null || patch.operatorCode === '') out.operatorCode = null;
    else if (!OPERATOR_CODE.test(patch.operatorCode)) {
      problems.push({ path: 'operatorCode', message: 'An operator code is 1–8 digits, e.g. 916' });
    } else out.operatorCode = patch.operatorCode;
  }
  if (patch.timezone !== undefined) {
    const timezone = normalizeTimezone(patch.timezone);
    if (!timezone) {
      problems.push({ path: 'timezone', message: TIMEZONE_HINT });
    } else out.timezone = timezone;
  }
  return { problems, ...out };
}

export interface AdminChange {
  user: User;
  /** Set when the role changed: the bot's admin commands must be (un)registered in the user's chat. */
  roleChanged: boolean;
  /** Set when the user was unbanned (the "you are blocked" notice may be shown again later). */
  unbanned: boolean;
  /**
   * Set when the user was banned: the caller closes their WebSockets on every API process
   * (closeUserSockets in src/features/chat/pubsub.ts) now that the ban is committed. The domain only
   * decides; like the other effects here it has no Redis.
   */
  banned: boolean;
}

/**
 * Applies an admin's change to a user: all fields are checked before anything changes, then
 * the changes and their audit entries are saved in one flush. Banning ends every login of the
 * user (refresh tokens revoked); an admin cannot change their own role or ban themselves.
 */
export async function updateUserAsAdmin(em: Em, actor: User, id: string, patch: AdminUserPatch): Promise<AdminChange> {
  requireAdmin(actor);
  const user = await targetOf(em, id);
  const tags = patch.tags === undefined ? undefined : parseTags(patch.tags);
  const contact = checkContactFields(user, patch);
  if (contact.problems.length) throw new DomainError('validation_failed', 'The request is invalid', contact.problems);
  const self = user.id === actor.id;
  if (self && patch.role !== undefined && patch.role !== user.role) {
    throw new DomainError('cannot_change_own_role', 'You cannot change your own role');
  }
  if (self && patch.banned) throw new DomainError('cannot_ban_self', 'You cannot ban yourself');
  // A banned admin keeps no power (a ban refuses everything), but promoting someone banned would
  // hand it back silently at the unban, which another admin may do without knowing: unban first.
  const bannedAfter = patch.banned ?? user.status === 'banned';
  if (patch.role === 'admin' && user.role !== 'admin' && bannedAfter) {
    throw new DomainError('target_banned', 'A banned user cannot be made an admin; unban them first');
  }

  const target = { type: 'user' as const, id: user.id };
  let roleChanged = false;
  let unbanned = false;
  let banned = false;
  if (tags !== undefined && !sameTags(tags, user.tags)) {
    audit(em, actor, 'user.tags', target, { before: [...user.tags], after: tags });
    user.tags = tags;
  }
  if (patch.role !== undefined && patch.role !== user.role) {
    audit(em, actor, 'user.role', target, { before: user.role, after: patch.role });
    user.role = patch.role;
    roleChanged = true;
  }
  if (contact.phone !== undefined && contact.phone !== (user.phone ?? null)) {
    audit(em, actor, 'user.phone', target, { before: user.phone ?? null, after: contact.phone });
    user.phone = contact.phone;
  }
  if (contact.operatorCode !== undefined && contact.operatorCode !== (user.operatorCode ?? null)) {
    audit(em, actor, 'user.operator_code', target, { before: user.operatorCode ?? null, after: contact.operatorCode });
    user.operatorCode = contact.operatorCode;
  }
  if (contact.timezone !== undefined && contact.timezone !== user.timezone) {
    audit(em, actor, 'user.timezone', target, { before: user.timezone, after: contact.timezone });
    user.timezone = contact.timezone;
  }
  if (patch.banned !== undefined && patch.banned !== (user.status === 'banned')) {
    audit(em, actor, patch.banned ? 'user.ban' : 'user.unban', target);
    user.status = patch.banned ? 'banned' : 'active';
    banned = patch.banned;
    unbanned = !patch.banned;
  }
  // Everything inside goes through `tx` (a fork holding em's pending changes): the outer em would
  // take a connection of its own — outside the transaction, and on the embedded PGlite database,
  // whose one connection the transaction holds, never (a hung request and a frozen database).
  await em.transactional(async (tx) => {
    await tx.flush();
    if (banned) await revokeAllForUser(tx, user.id);
  });
  return { user, roleChanged, unbanned, banned };
}

const sameTags = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((tag, i) => tag === b[i]);

export const setBanned = (em: Em, actor: User, id: string, banned: boolean) =>
  updateUserAsAdmin(em, actor, id, { banned });

export const setRole = (em: Em, actor: User, id: string, role: Role) => updateUserAsAdmin(em, actor, id, { role });

/** Adds tags (`#a b, c`) to a user's tags; the result is checked like a full list. */
export async function addTags(em: Em, actor: User, id: string, input: string): Promise<AdminChange> {
  requireAdmin(actor);
  const user = await targetOf(em, id);
  const added = parseTags(input);
  return updateUserAsAdmin(em, actor, id, { tags: [...user.tags, ...added.filter((t) => !user.tags.includes(t))] });
}

export async function removeTag(em: Em, actor: User, id: string, tag: string): Promise<AdminChange> {
  requireAdmin(actor);
  const user = await targetOf(em, id);
  return updateUserAsAdmin(em, actor, id, { tags: user.tags.filter((t) => t !== tag) });
}

// ---------------------------------------------------------------------------------------------
// The API's user list.

export interface AdminUserFilter {
  tag?: string;
  operatorCode?: string;
  language?: Language;
  /**
   * Words the user is found by: a prefix of their username, Telegram username or any of their
   * names (case-insensitive, `@` optional), their id or Telegram id, or digits of their phone.
   */
  search?: string;
  limit: number;
  cursor?: string;
}

export interface AdminUserDto {
  id: string;
  telegramId: number | null;
  telegramUsername: string | null;
  username: string | null;
  firstName: string | null;
  lastName: string | null;
  telegramFirstName: string | null;
  telegramLastName: string | null;
  displayName: string | null;
  email: string | null;
  phone: string | null;
  operatorCode: string | null;
  language: Language;
  timezone: string;
  tags: string[];
  role: Role;
  status: User['status'];
  botBlocked: boolean;
  lastSeenAt: string | null;
  createdAt: string;
}

export function toAdminUserDto(user: User): AdminUserDto {
  return {
    id: user.id,
    telegramId: user.telegramId ?? null,
    telegramUsername: user.telegramUsername ?? null,
    username: user.username ?? null,
    firstName: user.firstName ?? null,
    lastName: user.lastName ?? null,
    telegramFirstName: user.telegramFirstName ?? null,
    telegramLastName: user.telegramLastName ?? null,
    displayName: user.displayName ?? null,
    email: user.email ?? null,
    phone: user.phone ?? null,
    operatorCode: user.operatorCode ?? null,
    language: user.language,
    timezone: user.timezone,
    tags: [...user.tags],
    role: user.role,
    status: user.status,
    botBlocked: user.botBlocked,
    lastSeenAt: user.lastSeenAt ? user.lastSeenAt.toISOString() : null,
    createdAt: user.createdAt.toISOString(),
  };
}

/** Users matching every given filter, by id; the cursor is the last id of the previous page. */
export async function listUsersAsAdmin(
  em: Em,
  filter: AdminUserFilter,
): Promise<{ items: AdminUserDto[]; nextCursor: string | null }> {
  const where: Record<string, unknown> = {};
  if (filter.tag !== undefined) where.tags = { $contains: [filter.tag.replace(/^#/, '').toLowerCase()] };
  if (filter.operatorCode !== undefined) where.operatorCode = filter.operatorCode;
  if (filter.language !== undefined) {
    if (!(LANGUAGES as readonly string[]).includes(filter.language)) return { items: [], nextCursor: null };
    where.language = filter.language;
  }
  const search = filter.search?.trim();
  if (search) where.$or = searchConditions(search);
  if (filter.cursor !== undefined) where.id = { $gt: filter.cursor };
  const rows = await em.find(User, where, {
    orderBy: { id: 'asc' },
    limit: filter.limit + 1,
  });
  const items = rows.slice(0, filter.limit);
  return {
    items: items.map(toAdminUserDto),
    nextCursor: rows.length > filter.limit ? (items.at(-1)?.id ?? null) : null,
  };
}

export const ADMIN_SEARCH_TEXT_MAX = 64;

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The `$or` of the list's search: name and handle prefixes, exact ids, phone digits. */
function searchConditions(search: string): Array<Record<string, unknown>> {
  const prefix = `${likeEscape(search.replace(/^@/, ''))}%`;
  const conditions: Array<Record<string, unknown>> = [
    'username',
    'telegramUsername',
    'firstName',
    'lastName',
    'telegramFirstName',
    'telegramLastName',
    'displayName',
  ].map((field) => ({ [field]: { $ilike: prefix } }));
  if (ID_QUERY.test(search)) conditions.push({ id: search }, { telegramId: Number(search) });
  const digits = search.replace(/[\s()\-.+]/g, '');
  if (/^\d{3,15}$/.test(digits)) conditions.push({ phone: { $like: `%${digits}%` } });
  return conditions;
}

// ---------------------------------------------------------------------------------------------
// The audit log, for the API.

export interface AuditEntryDto {
  id: string;
  actor: { id: string; username: string | null; firstName: string | null } | null;
  action: string;
  target: { type: string; id: string };
  details: Record<string, unknown> | null;
  createdAt: string;
}

function toAuditDto(entry: AuditEntry): AuditEntryDto {
  const actor = entry.actor as User | null | undefined;
  return {
    id: entry.id,
    actor: actor
      ? {
          id: actor.id,
          username: actor.username ?? actor.telegramUsername ?? null,
          firstName: actor.firstName ?? actor.telegramFirstName ?? null,
        }
      : null,
    action: entry.action,
    target: { type: entry.targetType, id: entry.targetId },
    details: entry.details ?? null,
    createdAt: entry.createdAt.toISOString(),
  };
}

/** The audit log, newest first (GET /admin/audit). */
export async function listAuditAsAdmin(
  em: Em,
  page: { limit: number; cursor?: string },
): Promise<{ items: AuditEntryDto[]; nextCursor: string | null }> {
  const result = await listAuditEntries(em, page);
  return { items: result.items.map(toAuditDto), nextCursor: result.nextCursor };
}
