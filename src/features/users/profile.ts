import type { Em } from '../../platform/db/orm.js';
import { DomainError } from '../../platform/errors.js';
import { LANGUAGES, type Language } from '../../platform/i18n/languages.js';
import { normalizeTimezone, TIMEZONE_HINT } from '../../platform/time/timezone.js';
import { Avatar } from './avatar.entity.js';
import { PHONE_FORMAT_HINT, parsePhoneInput } from './phone.js';
import { describeTextProblem, parseEmail, parseText, TEXT_MAX, type TextField } from './text-policy.js';
import type { Role, User, UserStatus } from './user.entity.js';

/**
 * Profile use cases (SPEC §3.1–3.2): the user's own profile and settings (changed from the API and
 * from the bot's Settings alike), avatars, and what other users may see. Framework-free:
 * (em, input) → plain DTOs; failures are DomainErrors.
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
  /** Subscribed to mailings (SPEC §2.5, §3.6). */
  mailings: boolean;
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
    mailings: user.mailings,
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
// Updating one's own profile and settings

/** Documented by the API's schema (api/routes.ts); the limits themselves are the text policy's. */
export const NAME_MAX = TEXT_MAX.firstName;
export const EMAIL_MAX = TEXT_MAX.email;

/** Longer than any phone number written by hand; refused before parsing so a huge string costs nothing. */

/**
 * What a user may change of their own account, from the bot's Settings or PATCH /users/me
 * (whose schema decides which of these it exposes). Anything else is not theirs to change.
 * `null` clears a field.
 */
export interface ProfilePatch {
  firstName?: string;
  lastName?: string | null;
  displayName?: string | null;
  email?: string | null;
  phone?: string | null;
  language?: Language;
  timezone?: string;
  notifications?: boolean;
  mailings?: boolean;
}

/** One entry of a validation_failed error's details: the same shape the API's zod errors have. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** All problems of one input at once, so a client can fix every field in one round trip. */
export function validationFailed(problems: FieldProblem[]): DomainError {
  return new DomainError('validation_failed', 'The request is invalid', problems);
}

export type ProfileChanges = Partial<
  Pick<
    User,
    | 'firstName'
    | 'lastName'
    | 'displayName'
    | 'email'
    | 'phone'
    | 'operatorCode'
    | 'language'
    | 'timezone'
    | 'notifications'
    | 'mailings'
  >
>;

/**
 * The one use case that changes a user's own profile and settings: the bot's Settings (language,
 * time zone, notifications, display name, shared phone) and PATCH /users/me call it. Texts follow
 * the text policy (text-policy.ts). Every field is checked before anything changes, so an update
 * with one bad field changes nothing; the failure is one validation_failed DomainError naming
 * every bad field. The bot and the API read the same row, so a change made through one applies
 * to the other from its next update or request on.
 */
export async function updateProfile(em: Em, user: User, patch: ProfilePatch): Promise<UserDto> {
  Object.assign(user, checkedProfileChanges(patch));
  await em.flush();
  return toUserDto(user);
}

/**
 * What `patch` changes in the row, after every field was checked (updateProfile's rules; the bot
 * writes its sender's settings with them too, see LoadedUser.change). Throws validation_failed
 * naming every bad field.
 */
export function checkedProfileChanges(patch: ProfilePatch): ProfileChanges {
  const problems: FieldProblem[] = [];
  const changes: ProfileChanges = {};

  const text = (field: TextField, input: string | null | undefined) => {
    if (input === undefined) return;
    if (input === null) {
      changes[field] = null;
      return;
    }
    const parsed = field === 'email' ? parseEmail(input) : parseText(field, input);
    if ('problem' in parsed) problems.push({ path: field, message: describeTextProblem(parsed.problem) });
    else changes[field] = parsed.value;
  };
  text('firstName', patch.firstName);
  text('lastName', patch.lastName);
  text('displayName', patch.displayName);
  text('email', patch.email);

  if (patch.phone !== undefined) {
    if (patch.phone === null) {
      changes.phone = null;
      changes.operatorCode = null;
    } else {
      const parsed = parsePhoneInput(patch.phone);
      if (!parsed) {
        problems.push({ path: 'phone', message: PHONE_FORMAT_HINT });
      } else {
        changes.phone = parsed.phone;
        changes.operatorCode = parsed.operatorCode;
      }
    }
  }
  if (patch.language !== undefined) {
    if (!LANGUAGES.includes(patch.language)) {
      problems.push({ path: 'language', message: `Must be one of ${LANGUAGES.join(', ')}` });
    } else changes.language = patch.language;
  }
  if (patch.timezone !== undefined) {
    const timezone = normalizeTimezone(patch.timezone);
    if (!timezone) {
      problems.push({ path: 'timezone', message: TIMEZONE_HINT });
    } else changes.timezone = timezone;
  }
  if (patch.notifications !== undefined) changes.notifications = patch.notifications;
  if (patch.mailings !== undefined) changes.mailings = patch.mailings;
  if (problems.length) throw validationFailed(problems);
  return changes;
}

/** Mailings on or off (🔕 Unsubscribe under a mailing, its Undo, Settings): later audiences follow it. */
export async function setMailingsSubscription(em: Em, user: User, on: boolean): Promise<void> {
  await updateProfile(em, user, { mailings: on });
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
    throw new DomainError('payload_too_large', `An avatar is at most ${AVATAR_MAX_BYTES} bytes`, {
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
  | { kind: 'unchanged'; version: string }
  | { kind: 'image'; version: string; contentType: string; data: Uint8Array<ArrayBuffer>; updatedAt: Date };

/**
 * Whether the caller already holds this version of the avatar. The API builds it from
 * If-None-Match (and quotes the version as the ETag); the domain knows no HTTP header.
 */
export type HoldsVersion = (version: string) => boolean;

/** Changes whenever the avatar does; known without reading the image, so "unchanged" costs no blob read. */
function avatarVersion(avatar: Pick<Avatar, 'updatedAt' | 'size'>): string {
  return `${avatar.updatedAt.getTime().toString(36)}-${avatar.size.toString(36)}`;
}

/**
 * The avatar of a visible user (see `publicProfile`), by username. When `holds` says the
 * caller has the current version, the image is not read at all.
 */
export async function getAvatar(em: Em, username: string, holds?: HoldsVersion): Promise<AvatarResult> {
  const [profile] = await queryProfiles(em, { username });
  if (!profile?.hasAvatar) throw notFound();
  return getAvatarOf(em, profile.id, holds);
}

/** The avatar of a user by id (their own, for GET /users/me/avatar). */
export async function getAvatarOf(em: Em, userId: string, holds?: HoldsVersion): Promise<AvatarResult> {
  if (holds) {
    const meta = await em.findOne(Avatar, { user: userId }, { fields: ['updatedAt', 'size'] });
    if (!meta) throw notFound();
    const version = avatarVersion(meta);
    if (holds(version)) return { kind: 'unchanged', version };
  }
  const avatar = await em.findOne(Avatar, { user: userId }, { populate: ['data'] });
  // Also when it was deleted between the two reads.
  if (!avatar) throw notFound();
  return {
    kind: 'image',
    version: avatarVersion(avatar),
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

const notFound = () => new DomainError('not_found', 'No such user');

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
