import { type User, visibleName } from '../users/index.js';

/**
 * How a chat party is named to another user in Telegram: @username when they have one (the
 * Gramdesk username before the Telegram one, the order in which findByHandle resolves a handle, so
 * the name shown can be typed back into /pm), else their visible name. Here, not in bot/ or jobs/,
 * because the bot's answers and dialogs and the worker's deliveries all name people this way.
 */
export function handleOf(user: User): string {
  const username = user.username ?? user.telegramUsername;
  return username ? `@${username}` : visibleName(user);
}

/**
 * How the sender of a PM is named to its recipient: the display name they chose, with the handle
 * that /pm understands ("Ann Lee (@ann)"); without a display name, as handleOf.
 */
export function senderName(user: User): string {
  const handle = handleOf(user);
  if (!user.displayName || handle === user.displayName) return handle;
  return handle.startsWith('@') ? `${user.displayName} (${handle})` : user.displayName;
}
