import type { Em } from '../../platform/db/orm.js';
import { DomainError } from '../../platform/errors.js';
import type { Language } from '../../platform/i18n/languages.js';
import { normalizeTimezone } from '../../platform/time/timezone.js';
import { Avatar } from './avatar.entity.js';
import { parsePhone } from './phone.js';
import type { Role, User, UserStatus } from './user.entity.js';

/**
 * Profile use cases of the HTTP API (SPEC §3.1–3.2): the user's own profile, avatars, and what
 * other users may see. Framework-free: (em, input) → plain DTOs; failures are DomainErrors.
 */

// ---------------------------------------------------------------------------------------------
// DTOs

/** The user's own view of their account (SPEC §3.1). Never anything secret. */
export interface UserDto {
  id: string;
  username: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  operatorCode: string | null;
  language: Language;
  timezone: string;
  notifications: boolean;
  role: Role;
  status: UserStatus;
  telegramLinked: boolean;
  createdAt: string;
}

/** What any signed-in user may see of another: no contact data, settings, role or status. */
export interface PublicProfileDto {
  id: string;
  username: string;
  firstName: string | null;
  lastName: string | null;
  /** Only present when the user chose one in the bot's Settings. */
  displayName?: string;
  hasAvatar: boolean;
  telegramLinked: boolean;
  createdAt: string;
}

export interface AvatarInfoDto {
  contentType: AvatarContentType;
  size: number;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Built field by field (never by spreading the entity) so a column added later, such as a
 * secret, cannot leak into responses by accident.
 */
export function toUserDto(user: User): UserDto {
  return {
    id: user.id,
    username: user.username ?? null,
    // The echo and the bot greet with the account's first name, else Telegram's (SPEC §2.3).
    firstName: user.firstName ?? user.telegramFirstName ?? null,
    lastName: user.lastName ?? null,
    email: user.email ?? null,
    phone: user.phone ?? null,
    operatorCode: user.operatorCode ?? null,
    language: user.language,
    timezone: user.timezone,
    notifications: user.notifications,
    role: user.role,
    status: user.status,
    telegramLinked: user.telegramId != null,
    createdAt: user.createdAt.toISOString(),
  };
}

/** The columns a public profile is made of, whether they come from an entity or a search row. */
interface ProfileSource {
  id: string;
  username: string;
  firstName: string | null;
  telegramFirstName: string | null;
  lastName: string | null;
  displayName: string | null;
  telegramLinked: boolean;
  hasAvatar: boolean;
  createdAt: Date;
}

function toPublicProfile(source: ProfileSource): PublicProfileDto {
  return {
    id: source.id,
    username: source.username,
    firstName: source.firstName ?? source.telegramFirstName ?? null,
    lastName: source.lastName ?? null,
    ...(source.displayName ? { displayName: source.displayName } : {}),
    hasAvatar: source.hasAvatar,
    telegramLinked: source.telegramLinked,
    createdAt: source.createdAt.toISOString(),
  };
}

// ---------------------------------------------------------------------------------------------
// Updating one's own profile

export const NAME_MAX = 128;
export const EMAIL_MAX = 254;

/** Fields the user may change over PATCH /users/me; anything else is not theirs to change. */
export interface ProfilePatch {
  firstName?: string;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  language?: Language;
  timezone?: string;
  notifications?: boolean;
}

/** One entry of a validation_failed error's details: the same shape the API's zod errors have. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** All problems of one input at once, so a client can fix every field in one round trip. */
export function validationFailed(problems: FieldProblem[]): DomainError {
  return new DomainError('validation_failed', 'The request is invalid', 422, problems);
}

/**
 * Characters that make a name unreadable or lie about what it says: control characters (NUL,
 * newlines), lone surrogates, line/paragraph separators, and format characters such as the
 * bidi overrides (U+202E shows the text after it backwards) and zero-width spaces. Kept: ZWJ and
 * ZWNJ (emoji sequences, Persian and Indic scripts) and tag characters (the flags of Scotland or Wales).
 */
const UNSAFE_IN_NAME = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}\uFFFE\uFFFF]|(?!\u200C|\u200D|[\u{E0020}-\u{E007F}])\p{Cf}/u;
/** A name must show something: a letter, digit, symbol (emoji) or punctuation mark. */
const VISIBLE = /[\p{L}\p{N}\p{S}\p{P}]/u;

/** NFC-normalized, trimmed, inner whitespace collapsed; a message when the name is not acceptable. */
export function parseName(input: string): { value: string } | { problem: string } {
  if (UNSAFE_IN_NAME.test(input)) {
    return { problem: 'Contains control or invisible formatting characters' };
  }
  const value = input.normalize('NFC').replace(/\s+/gu, ' ').trim();
  if (!VISIBLE.test(value)) return { problem: 'Must not be empty' };
  // Counted in code points, as PostgreSQL's varchar(128) counts them (an emoji is one).
  const length = [...value].length;
  if (length > NAME_MAX) return { problem: `Must be at most ${NAME_MAX} characters (got ${length})` };
  return { value };
}

/**
 * A deliberately plain check: one @, a local part without spaces or specials, and a domain
 * with a dot and a TLD of 2+ letters. Whether the address exists is not ours to know.
 */
const EMAIL = /^[^\s@"(),:;<>[\\\]\p{C}]{1,64}@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,63}$/u;

export function parseEmail(input: string): { value: string } | { problem: string } {
  const value = input.trim();
  if (value.length > EMAIL_MAX) return { problem: `Must be at most ${EMAIL_MAX} characters` };
  if (!EMAIL.test(value) || value.includes('..')) return { problem: 'Not a valid email address' };
  return { value };
}

/**
 * Applies PATCH /users/me. Every field is checked before anything changes, so a request with
 * one bad field changes nothing. The bot reads the same row, so a language or time zone
 * changed here is what the bot uses from the next update on.
 */
export async function updateProfile(em: Em, user: User, patch: ProfilePatch): Promise<UserDto> {
  const problems: FieldProblem[] = [];
  const changes: Partial<Pick<User, 'firstName' | 'lastName' | 'email' | 'phone' | 'operatorCode' | 'timezone'>> = {};

  if (patch.firstName !== undefined) {
    const name = parseName(patch.firstName);
    if ('problem' in name) problems.push({ path: 'firstName', message: name.problem });
    else changes.firstName = name.value;
  }
  if (patch.lastName !== undefined) {
    if (patch.lastName === null) changes.lastName = null;
    else {
      const name = parseName(patch.lastName);
      if ('problem' in name) problems.push({ path: 'lastName', message: name.problem });
      else changes.lastName = name.value;
    }
  }
  if (patch.email !== undefined) {
    if (patch.email === null) changes.email = null;
    else {
      const email = parseEmail(patch.email);
      if ('problem' in email) problems.push({ path: 'email', message: email.problem });
      else changes.email = email.value;
    }
  }
  if (patch.phone !== undefined) {
    if (patch.phone === null) {
      changes.phone = null;
      changes.operatorCode = null;
    } else {
      const parsed = patch.phone.length <= 32 ? parsePhone(patch.phone.trim()) : null;
      if (!parsed) {
        problems.push({ path: 'phone', message: 'Not a phone number: use international format, e.g. +79161234567' });
      } else {
        changes.phone = parsed.phone;
        changes.operatorCode = parsed.operatorCode;
      }
    }
  }
  if (patch.timezone !== undefined) {
    const timezone = normalizeTimezone(patch.timezone);
    if (!timezone) {
      problems.push({
        path: 'timezone',
        message: 'Unknown time zone: use an IANA name such as Europe/Moscow, or a UTC offset such as UTC+3',
      });
    } else changes.timezone = timezone;
  }
  if (problems.length) throw validationFailed(problems);

  Object.assign(user, changes);
  if (patch.language !== undefined) user.language = patch.language;
  if (patch.notifications !== undefined) user.notifications = patch.notifications;
  await em.flush();
  return toUserDto(user);
}

// ---------------------------------------------------------------------------------------------
// Avatars

export const AVATAR_MAX_BYTES = 1024 * 1024;
export const AVATAR_CONTENT_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type AvatarContentType = (typeof AVATAR_CONTENT_TYPES)[number];

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((byte, i) => bytes[offset + i] === byte);

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const RIFF = [0x52, 0x49, 0x46, 0x46];
const WEBP = [0x57, 0x45, 0x42, 0x50];

/**
 * The image type by its magic bytes. The client's Content-Type is not trusted: serving an
 * SVG or HTML file labelled image/png back to other users would be stored XSS.
 */
export function sniffImageType(bytes: Uint8Array): AvatarContentType | null {
  if (startsWith(bytes, PNG)) return 'image/png';
  if (startsWith(bytes, JPEG)) return 'image/jpeg';
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return 'image/webp';
  return null;
}

/** Stores (or replaces) the user's avatar after checking its size and content. */
export async function setAvatar(em: Em, user: User, bytes: Uint8Array): Promise<AvatarInfoDto> {
  if (bytes.byteLength > AVATAR_MAX_BYTES) {
    throw new DomainError('payload_too_large', `An avatar is at most ${AVATAR_MAX_BYTES} bytes`, 413, {
      max: AVATAR_MAX_BYTES,
    });
  }
  if (bytes.byteLength === 0) {
    throw new DomainError('empty_image', 'The request body is empty: send the image bytes (PNG, JPEG or WebP)');
  }
  const contentType = sniffImageType(bytes);
  if (!contentType) {
    throw new DomainError(
      'unsupported_image',
      'The body is not a PNG, JPEG or WebP image; send the raw image bytes (not a form or base64)',
    );
  }
  const updatedAt = new Date();
  // One statement (INSERT … ON CONFLICT), so two uploads at once cannot collide on the key.
  await em.upsert(Avatar, { user: user.id, contentType, data: Buffer.from(bytes), size: bytes.byteLength, updatedAt });
  return { contentType, size: bytes.byteLength, updatedAt: updatedAt.toISOString() };
}

/** Removes the user's avatar; removing one that is not there is not an error. */
export async function deleteAvatar(em: Em, user: User): Promise<void> {
  await em.nativeDelete(Avatar, { user: user.id });
}

export type AvatarResult =
  | { kind: 'not_modified'; etag: string }
  | { kind: 'image'; etag: string; contentType: string; data: Uint8Array<ArrayBuffer>; updatedAt: Date };

/** Changes whenever the avatar does; known without reading the image, so a 304 costs no blob read. */
function avatarEtag(avatar: Pick<Avatar, 'updatedAt' | 'size'>): string {
  return `"${avatar.updatedAt.getTime().toString(36)}-${avatar.size.toString(36)}"`;
}

/** RFC 9110 If-None-Match: `*` or a list of (possibly weak) tags, compared weakly. */
function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/**
 * The avatar of a visible user (see `publicProfile`), by username. `ifNoneMatch` is the
 * client's If-None-Match: when it matches, the image is not read at all.
 */
export async function getAvatar(em: Em, username: string, ifNoneMatch?: string): Promise<AvatarResult> {
  const [profile] = await queryProfiles(em, { username });
  if (!profile?.hasAvatar) throw notFound();
  return getAvatarOf(em, profile.id, ifNoneMatch);
}

/** The avatar of a user by id (their own, for GET /users/me/avatar). */
export async function getAvatarOf(em: Em, userId: string, ifNoneMatch?: string): Promise<AvatarResult> {
  if (ifNoneMatch) {
    const meta = await em.findOne(Avatar, { user: userId }, { fields: ['updatedAt', 'size'] });
    if (!meta) throw notFound();
    const etag = avatarEtag(meta);
    if (matchesIfNoneMatch(ifNoneMatch, etag)) return { kind: 'not_modified', etag };
  }
  const avatar = await em.findOne(Avatar, { user: userId }, { populate: ['data'] });
  // Also when it was deleted between the two reads.
  if (!avatar) throw notFound();
  return {
    kind: 'image',
    etag: avatarEtag(avatar),
    contentType: avatar.contentType,
    data: new Uint8Array(avatar.data),
    updatedAt: avatar.updatedAt,
  };
}

// ---------------------------------------------------------------------------------------------
// Other users: profiles and search

/** Usernames are `^[A-Za-z0-9_]{3,32}$` (SPEC §3.1); search prefixes and cursors share the alphabet. */
const USERNAME_CHARS = /^[A-Za-z0-9_]{1,32}$/;
export const SEARCH_LIMIT_DEFAULT = 20;
export const SEARCH_LIMIT_MAX = 100;

const notFound = () => new DomainError('not_found', 'No such user', 404);

/** The public profile of a user with an active HTTP account, by username in any case. */
export async function publicProfile(em: Em, username: string): Promise<PublicProfileDto> {
  const [profile] = await queryProfiles(em, { username });
  if (!profile) throw notFound();
  return toPublicProfile(profile);
}

export interface UserSearch {
  /** Username prefix, 1–32 of [A-Za-z0-9_], any case. */
  prefix: string;
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** Keyset pagination over lower(username): the cursor is the last name shown, base64url-encoded. */
export function encodeCursor(lowerUsername: string): string {
  return Buffer.from(lowerUsername, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return null;
  const value = Buffer.from(cursor, 'base64url').toString('utf8');
  return USERNAME_CHARS.test(value) && value === value.toLowerCase() ? value : null;
}

/** Escapes LIKE's wildcards so a prefix matches literally ("a_b" must not match "axb"). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/** GET /users?search=: visible users whose username starts with `prefix`, case-insensitively. */
export async function searchUsers(em: Em, search: UserSearch): Promise<Page<PublicProfileDto>> {
  const limit = search.limit ?? SEARCH_LIMIT_DEFAULT;
  const problems: FieldProblem[] = [];
  if (!USERNAME_CHARS.test(search.prefix)) {
    problems.push({ path: 'search', message: 'Must be 1–32 characters of A–Z, a–z, 0–9 and _' });
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_LIMIT_MAX) {
    problems.push({ path: 'limit', message: `Must be an integer from 1 to ${SEARCH_LIMIT_MAX}` });
  }
  const after = search.cursor === undefined ? undefined : decodeCursor(search.cursor);
  if (after === null) problems.push({ path: 'cursor', message: 'Not a cursor returned by this list' });
  if (problems.length || after === null) throw validationFailed(problems);

  // One row more than asked tells whether there is a next page.
  const rows = await queryProfiles(em, { prefix: search.prefix.toLowerCase(), after, limit: limit + 1 });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(toPublicProfile),
    nextCursor: rows.length > limit && last ? encodeCursor(last.username.toLowerCase()) : null,
  };
}

type ProfileQuery = { username: string } | { prefix: string; after: string | undefined; limit: number };

interface ProfileRow {
  id: string;
  username: string;
  first_name: string | null;
  telegram_first_name: string | null;
  last_name: string | null;
  display_name: string | null;
  telegram_linked: boolean;
  has_avatar: boolean;
  created_at: Date | string;
}

/**
 * The one query behind profiles, avatars by username and search. Only users with an active
 * HTTP account who are not banned are visible: a pending registration's reserved name, a
 * Telegram-only user and a banned user all look like unknown names.
 *
 * Raw SQL because search must walk the `lower(username) text_pattern_ops` index in order:
 * `LIKE 'pre%'` becomes an index range, and ordering and the keyset with the pattern operators
 * (`USING ~<~`, `~>~`) lets the same index return rows already sorted, so a page costs
 * `limit` index entries however many names share the prefix. (A plain ORDER BY under the
 * database's collation could not use this index and would sort every match.)
 */
async function queryProfiles(em: Em, query: ProfileQuery): Promise<ProfileSource[]> {
  let where: string;
  let tail = '';
  const params: unknown[] = [];
  if ('username' in query) {
    // A name that cannot exist needs no query (and a 10 KB path segment gets none).
    if (!USERNAME_CHARS.test(query.username)) return [];
    where = 'lower(u.username) = ?';
    params.push(query.username.toLowerCase());
    tail = 'limit 1';
  } else {
    where = `lower(u.username) like ? escape '\\'`;
    params.push(`${escapeLike(query.prefix)}%`);
    if (query.after !== undefined) {
      where += ' and lower(u.username) ~>~ ?';
      params.push(query.after);
    }
    tail = 'order by lower(u.username) using ~<~ limit ?';
    params.push(query.limit);
  }
  const rows = await em.execute<ProfileRow[]>(
    `select u.id, u.username, u.first_name, u.telegram_first_name, u.last_name, u.display_name,
            u.telegram_id is not null as telegram_linked,
            exists (select 1 from avatars a where a.user_id = u.id) as has_avatar,
            u.created_at
       from users u
      where ${where} and u.account_state = 'active' and u.status = 'active'
      ${tail}`,
    params,
  );
  return rows.map((row) => ({
    id: String(row.id),
    username: row.username,
    firstName: row.first_name,
    telegramFirstName: row.telegram_first_name,
    lastName: row.last_name,
    displayName: row.display_name,
    telegramLinked: row.telegram_linked,
    hasAvatar: row.has_avatar,
    createdAt: new Date(row.created_at),
  }));
}
