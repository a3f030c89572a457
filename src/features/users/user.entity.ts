import { defineEntity, p } from '@mikro-orm/core';

import { LANGUAGES, type Language } from '../../platform/i18n/languages.js';

export { LANGUAGES, type Language };
/** A new user's time zone until they choose one (the first-start question can be skipped). */
export const DEFAULT_TIMEZONE = 'UTC';
export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const USER_STATUSES = ['active', 'banned'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];
/** State of the HTTP account (username + password) of a user, if they have one. */
export const ACCOUNT_STATES = ['pending', 'active'] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];

/**
 * Column lengths, in characters, of the texts a user or Telegram gives us. Named once here so the
 * text policy (text-policy.ts) refuses, and the Telegram sync clips, at exactly what the column holds.
 */
export const USER_TEXT_MAX = {
  telegramFirstName: 128,
  telegramLastName: 128,
  email: 254,
  firstName: 128,
  lastName: 128,
  displayName: 64,
} as const;

/**
 * A Gramdesk user: one person, reachable through Telegram (telegramId), an HTTP account
 * (username + password), or both once linked. `/start` creates the Telegram side; HTTP
 * registration creates (or, with a telegramId, adds) the account side. Telegram ids fit in
 * 52 bits, so they are plain numbers in JS and bigint columns in PostgreSQL.
 */
const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  indexes: [
    {
      // Usernames are unique regardless of case ("Ann" and "ann" are one name).
      name: 'users_username_lower_unique',
      expression: 'create unique index "users_username_lower_unique" on "users" (lower("username"))',
    },
    {
      // Prefix search (GET /users?search=) and /pm by username, case-insensitively.
      name: 'users_username_prefix_idx',
      expression: 'create index "users_username_prefix_idx" on "users" (lower("username") text_pattern_ops)',
    },
    {
      // Mailing audiences filter on tags (any of).
      name: 'users_tags_gin_idx',
      expression: 'create index "users_tags_gin_idx" on "users" using gin ("tags")',
    },
    {
      name: 'users_telegram_username_lower_idx',
      expression:
        'create index "users_telegram_username_lower_idx" on "users" (lower("telegram_username") text_pattern_ops)',
    },
  ],
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    // The Telegram side, kept in step with Telegram on every update.
    telegramId: p.bigint('number').nullable().unique('users_telegram_id_unique'),
    telegramUsername: p.string().length(64).nullable(),
    telegramFirstName: p.string().length(USER_TEXT_MAX.telegramFirstName).nullable(),
    telegramLastName: p.string().length(USER_TEXT_MAX.telegramLastName).nullable(),
    // The HTTP account side. `username` is unique case-insensitively (index in the migration).
    username: p.string().length(32).nullable(),
    passwordHash: p.text().nullable().hidden().lazy(),
    accountState: p.enum(ACCOUNT_STATES).nullable(),
    email: p.string().length(USER_TEXT_MAX.email).nullable(),
    firstName: p.string().length(USER_TEXT_MAX.firstName).nullable(),
    lastName: p.string().length(USER_TEXT_MAX.lastName).nullable(),
    /** The name the user chose in Settings; shown to others instead of their other names. */
    displayName: p.string().length(USER_TEXT_MAX.displayName).nullable(),
    language: p.enum(LANGUAGES).default('en'),
    timezone: p.string().length(64).default(DEFAULT_TIMEZONE),
    phone: p.string().length(20).nullable(),
    operatorCode: p.string().length(8).nullable().index('users_operator_code_idx'),
    tags: p.array().columnType('text[]').default([]),
    role: p.enum(ROLES).default('user'),
    status: p.enum(USER_STATUSES).default('active'),
    notifications: p.boolean().default(true),
    /** Subscribed to mailings (SPEC §2.5): off after 🔕 Unsubscribe or in Settings; reminders and PMs are not affected. */
    mailings: p.boolean().default(true),
    /** Set when Telegram answers 403 for this chat; mailings skip such users. */
    botBlocked: p.boolean().default(false),
    /**
     * Set when the user enters the chat's room mode in the bot, cleared when they leave it or are
     * told it ended. Membership itself is a Redis set (features/chat/room.ts); this survives an
     * empty Redis, so the bot can tell them their room session ended instead of ignoring them.
     */
    inRoomSince: p.datetime().nullable(),
    lastSeenAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class User extends UserSchema.class {}
UserSchema.setClass(User);
