import type { Em } from '../../platform/db/orm.js';
import { languageFromTelegram } from '../../platform/i18n/languages.js';
import { USER_TEXT_MAX, User } from './user.entity.js';
import type { UserCache } from './user-cache.js';

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
 * Loads the user behind a Telegram update, creating them on first contact (so a user who
 * never sent /start is still served), and keeps the profile in step with Telegram.
 * One SELECT per update in the common case; a write only when something changed.
 */
export async function loadTelegramUser(
  em: Em,
  from: TelegramProfile,
  policy: UserPolicy,
  cache?: UserCache,
  now = new Date(),
): Promise<{ user: User; created: boolean }> {
  const existing = cache ? await cache.find(em, from.id) : await em.findOne(User, { telegramId: from.id });
  const isConfiguredAdmin = policy.adminTelegramIds.includes(from.id);
  if (!existing) {
    const user = em.create(User, {
      telegramId: from.id,
      telegramUsername: from.username ?? null,
      telegramFirstName: clip(from.first_name, USER_TEXT_MAX.telegramFirstName),
      telegramLastName: from.last_name ? clip(from.last_name, USER_TEXT_MAX.telegramLastName) : null,
      language: languageFromTelegram(from.language_code),
      role: isConfiguredAdmin ? 'admin' : 'user',
      lastSeenAt: now,
    });
    await em.flush();
    return { user, created: true };
  }
  let changed = syncProfile(existing, from, now);
  if (isConfiguredAdmin && existing.role !== 'admin') {
    existing.role = 'admin';
    changed = true;
  }
  // Most updates change nothing; a flush would still compute a change set for the row.
  if (changed) await em.flush();
  return { user: existing, created: false };
}

/** Brings the row in step with Telegram's profile; true when a field changed. */
function syncProfile(user: User, from: TelegramProfile, now: Date): boolean {
  let changed = false;
  const username = from.username ?? null;
  if (user.telegramUsername !== username) {
    user.telegramUsername = username;
    changed = true;
  }
  const firstName = clip(from.first_name, USER_TEXT_MAX.telegramFirstName);
  if (user.telegramFirstName !== firstName) {
    user.telegramFirstName = firstName;
    changed = true;
  }
  const lastName = from.last_name ? clip(from.last_name, USER_TEXT_MAX.telegramLastName) : null;
  if (user.telegramLastName !== lastName) {
    user.telegramLastName = lastName;
    changed = true;
  }
  if (!user.lastSeenAt || now.getTime() - user.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
    user.lastSeenAt = now;
    changed = true;
  }
  // A user who writes to the bot has evidently unblocked it.
  if (user.botBlocked) {
    user.botBlocked = false;
    changed = true;
  }
  return changed;
}

type NamedUser = Pick<
  User,
  'displayName' | 'firstName' | 'lastName' | 'telegramFirstName' | 'telegramLastName' | 'username'
>;

/** The name other users see: the chosen display name, else the account name, else the Telegram name. */
export function visibleName(user: NamedUser): string {
  if (user.displayName) return user.displayName;
  const account = [user.firstName, user.lastName].filter(Boolean).join(' ');
  if (account) return account;
  const telegram = [user.telegramFirstName, user.telegramLastName].filter(Boolean).join(' ');
  return telegram || user.username || '—';
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
