import { type Em, execute } from '../../platform/db/orm.js';
import { User } from './user.entity.js';
import { visibleName } from './users.js';

/**
 * Handles: how a person is named by "@username" (SPEC §3.1), found by one, and named to others.
 * Here, with the users, because the chat (/pm, /history, POST /messages, the WebSocket), the
 * tasks (an assignee) and blocking (PUT /users/{username}/block) all resolve a typed handle the
 * same way, and the bot's answers and the worker's deliveries all name people this way.
 */

/** "@Ann", "ann" → "ann"; null if it cannot be a Gramdesk or Telegram username. */
export function normalizeHandle(handle: string): string | null {
  const name = handle.trim().replace(/^@/, '');
  return /^[A-Za-z0-9_]{3,32}$/.test(name) ? name.toLowerCase() : null;
}

/**
 * The user behind a username, in any case, with or without "@". One handle names one person
 * (SPEC §3.1), and when two rows carry it the older holder keeps it:
 * 1. an active HTTP account with that username — registration refuses a handle that someone's
 *    Telegram account carries, so whoever took it later is the Telegram side;
 * 2. otherwise the Telegram user who carries it, the most recently seen first — Telegram lets
 *    one account hold a username at a time, so an older sighting is a stale one.
 * Banned users are not found (and the handle does not fall through to anyone else), unless
 * `banned` is asked for: a caller that must say "this user is banned" rather than "unknown"
 * (assigning a task) checks the status itself.
 */
export async function findByHandle(em: Em, handle: string, options: { banned?: boolean } = {}): Promise<User | null> {
  const name = normalizeHandle(handle);
  if (!name) return null;
  const rows = await execute<{ id: string; rank: number }[]>(
    em,
    `select id, case when lower(username) = ? and account_state = 'active' then 0 else 1 end as rank
       from users
      where (lower(username) = ? and account_state = 'active') or lower(telegram_username) = ?
      order by rank, last_seen_at desc nulls last, id limit 1`,
    [name, name, name],
  );
  const id = rows[0]?.id;
  if (!id) return null;
  const user = await em.findOne(User, { id: String(id) });
  return user && (options.banned || user.status !== 'banned') ? user : null;
}

/**
 * How a person is named to another user in Telegram: @username when they have one (the Gramdesk
 * username before the Telegram one, the order in which findByHandle resolves a handle, so the
 * name shown can be typed back into /pm), else their visible name.
 */
export function handleOf(user: User): string {
  const username = user.username ?? user.telegramUsername;
  return username ? `@${username}` : visibleName(user);
}

/**
 * How a person is named in lists and on a PM they sent: the display name they chose, with the
 * handle that /pm understands ("Ann Lee (@ann)"); without a display name, as handleOf.
 */
export function senderName(user: User): string {
  const handle = handleOf(user);
  if (!user.displayName || handle === user.displayName) return handle;
  return handle.startsWith('@') ? `${user.displayName} (${handle})` : user.displayName;
}
