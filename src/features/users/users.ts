import type { Em } from '../../platform/db/orm.js';
import { languageFromTelegram } from '../../platform/i18n/languages.js';
import { shownName } from './text-policy.js';
import { USER_TEXT_MAX, User } from './user.entity.js';
import type { UserCache, UserRow } from './user-cache.js';
import { updateUserRow } from './user-rows.js';

/** The one rule lives with the languages; the bot's outage answer needs it before a user is loaded. */
export { languageFromTelegram };

/** The fields of a Telegram `User` object we keep. */
export interface TelegramProfile {
  id: number;
  username?: string | undefined;
  first_name: string;
  last_name?: string | undefined;
  language_code?: string | undefined;
}

export interface UserPolicy {
  adminTelegramIds: readonly number[];
}

/** Records of when a user was last seen are refreshed at most this often, to keep updates read-only. */
const LAST_SEEN_RESOLUTION_MS = 60 * 60 * 1000;

/** At most `max` code points; a string of at most `max` UTF-16 units has no more, and is kept as is. */
const clip = (text: string, max: number) => (text.length <= max ? text : [...text].slice(0, max).join(''));

/**
 * The sender of an update. `profile` is for reading: the cached row as plain data, or the managed
 * entity once there is one. `user` is the managed entity of the update's EntityManager, made from
 * the cached row on first use (no query): most updates only read the sender, and making the entity
 * is most of what a cached read costs.
 */
export class LoadedUser {
  private made: User | undefined;

  private constructor(
    private row: UserRow,
    readonly created: boolean,
    private readonly em: () => Em,
    private readonly cache?: UserCache,
    /** The cache's generation when `row` was read (see UserCache.replace); none once it is unknown. */
    private generation?: string,
  ) {}

  static cached(row: UserRow, em: () => Em, cache: UserCache, generation?: string): LoadedUser {
    return new LoadedUser(row, false, em, cache, generation);
  }

  static managed(user: User, created: boolean, em: () => Em, cache?: UserCache): LoadedUser {
    const loaded = new LoadedUser(user, created, em, cache);
    loaded.made = user;
    return loaded;
  }

  get profile(): UserRow {
    return this.made ?? this.row;
  }

  get user(): User {
    this.made ??= (this.cache as UserCache).entity(this.em(), this.row);
    return this.made;
  }

  /** Another user becomes the sender (an HTTP account linked to this Telegram user). */
  set user(value: User) {
    this.made = value;
  }

  /**
   * Writes `changes` to the sender's row. Through the entity when the update has one (its flush
   * invalidates the cache); else as one UPDATE statement without an entity or a transaction (a
   * setting toggled in the bot cost about as much again as the rest of its update that way, issue
   * 17), and the changed row replaces the cached one, so the next update reads no SQL either —
   * unless the cache was invalidated since this update read it, or the UPDATE is part of a
   * transaction not yet committed: then the cached row is dropped. `profile` shows the change.
   */
  async change(changes: Partial<User>, now = new Date()): Promise<void> {
    if (this.made || !this.cache) {
      Object.assign(this.user, changes);
      await this.em().flush();
      return;
    }
    const em = this.em();
    await updateUserRow(em, this.row.id, changes, now);
    this.row = { ...this.row, ...changes, updatedAt: now };
    if (this.generation !== undefined && !em.isInTransaction()) {
      this.generation = (await this.cache.replace(this.row, this.generation)) ?? undefined;
    } else {
      this.generation = undefined;
      await this.cache.invalidate(this.row.telegramId);
    }
  }
}

/**
 * Loads the user behind a Telegram update, creating them on first contact (so a user who
 * never sent /start is still served), and keeps the profile in step with Telegram.
 * In the common case one Redis read (or one SELECT without the cache); a write only when
 * something changed. `em` is called only when the database is needed.
 */
export async function loadTelegramUser(
  em: () => Em,
  from: TelegramProfile,
  policy: UserPolicy,
  cache?: UserCache,
  now = new Date(),
): Promise<LoadedUser> {
  const isConfiguredAdmin = policy.adminTelegramIds.includes(from.id);
  let entity: User | null;
  if (cache) {
    const cached = await cache.peek(from.id);
    const row = cached.row ?? (await cache.read(em(), from.id, cached.generation));
    if (row && !profileChanges(row, from, isConfiguredAdmin, now)) {
      return LoadedUser.cached(row, em, cache, cached.generation);
    }
    entity = row ? cache.entity(em(), row) : null;
  } else {
    entity = await em().findOne(User, { telegramId: from.id });
  }
  if (!entity) {
    const user = em().create(User, {
      telegramId: from.id,
      telegramUsername: from.username ?? null,
      telegramFirstName: clip(from.first_name, USER_TEXT_MAX.telegramFirstName),
      telegramLastName: from.last_name ? clip(from.last_name, USER_TEXT_MAX.telegramLastName) : null,
      language: languageFromTelegram(from.language_code),
      role: isConfiguredAdmin ? 'admin' : 'user',
      lastSeenAt: now,
    });
    await em().flush();
    return LoadedUser.managed(user, true, em, cache);
  }
  const changes = profileChanges(entity, from, isConfiguredAdmin, now);
  // Most updates change nothing; a flush would still compute a change set for the row.
  if (changes) {
    Object.assign(entity, changes);
    await em().flush();
  }
  return LoadedUser.managed(entity, false, em, cache);
}

/** What to write so the row is in step with Telegram's profile (and the configured admins); null when nothing. */
function profileChanges(
  user: UserRow,
  from: TelegramProfile,
  isConfiguredAdmin: boolean,
  now: Date,
): Partial<User> | null {
  const changes: Partial<User> = {};
  let changed = false;
  const username = from.username ?? null;
  if (user.telegramUsername !== username) {
    changes.telegramUsername = username;
    changed = true;
  }
  const firstName = clip(from.first_name, USER_TEXT_MAX.telegramFirstName);
  if (user.telegramFirstName !== firstName) {
    changes.telegramFirstName = firstName;
    changed = true;
  }
  const lastName = from.last_name ? clip(from.last_name, USER_TEXT_MAX.telegramLastName) : null;
  if (user.telegramLastName !== lastName) {
    changes.telegramLastName = lastName;
    changed = true;
  }
  if (!user.lastSeenAt || now.getTime() - user.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
    changes.lastSeenAt = now;
    changed = true;
  }
  // A user who writes to the bot has evidently unblocked it.
  if (user.botBlocked) {
    changes.botBlocked = false;
    changed = true;
  }
  if (isConfiguredAdmin && user.role !== 'admin') {
    changes.role = 'admin';
    changed = true;
  }
  return changed ? changes : null;
}

type NamedUser = Pick<
  User,
  'displayName' | 'firstName' | 'lastName' | 'telegramFirstName' | 'telegramLastName' | 'username'
>;

/**
 * The name other users see: the chosen display name, else the account name, else the Telegram
 * name, as shownName shows it (never posing as a handle).
 */
export function visibleName(user: NamedUser): string {
  const account = [user.firstName, user.lastName].filter(Boolean).join(' ');
  const telegram = [user.telegramFirstName, user.telegramLastName].filter(Boolean).join(' ');
  return shownName(user.displayName || account || telegram) || user.username || '—';
}

/**
 * The name a user goes by beside their handle: the chosen display name, else the account's first
 * name, else Telegram's; null for none. As stored (the API's `firstName`); the bot shows it through
 * shownName.
 */
export function chosenName(user: Pick<User, 'displayName' | 'firstName' | 'telegramFirstName'>): string | null {
  return user.displayName ?? user.firstName ?? user.telegramFirstName ?? null;
}

/** The first name used in greetings such as the echo: the account's, else Telegram's (SPEC §2.3). */
export function firstNameOf(user: Pick<User, 'firstName' | 'telegramFirstName' | 'username'>): string {
  return user.firstName || user.telegramFirstName || user.username || '';
}

/**
 * Telegram told us (403 or my_chat_member) whether this user blocked the bot. Written through
 * the entity (not a native update) so the user cache hears of it.
 */
/** `sendOnce`'s onBlocked: a 403 from Telegram marks the user as having blocked the bot. */
export const markBlocked =
  (services: { orm: { em: { fork(): Em } } }) =>
  (chatId: number): Promise<void> =>
    setBotBlocked(services.orm.em.fork(), chatId, true);

export async function setBotBlocked(em: Em, telegramId: number, blocked: boolean): Promise<void> {
  const user = await em.findOne(User, { telegramId });
  if (!user || user.botBlocked === blocked) return;
  user.botBlocked = blocked;
  await em.flush();
}
