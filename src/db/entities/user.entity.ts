import { defineEntity, p } from '@mikro-orm/core';

export const LANGUAGES = ['ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const USER_STATUSES = ['active', 'banned'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/**
 * A person who uses Gramdesk: created by `/start` in the bot. Telegram ids fit in 52 bits,
 * so they are plain numbers in JS and `bigint` columns in PostgreSQL.
 */
const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    telegramId: p.bigint('number').nullable().unique('users_telegram_id_unique'),
    telegramUsername: p.string().length(64).nullable(),
    firstName: p.string().length(128).default(''),
    lastName: p.string().length(128).nullable(),
    /** The name the user chose in Settings; shown to others instead of the Telegram name. */
    displayName: p.string().length(64).nullable(),
    language: p.enum(LANGUAGES).default('en'),
    timezone: p.string().length(64).default('UTC'),
    phone: p.string().length(20).nullable(),
    operatorCode: p.string().length(8).nullable().index('users_operator_code_idx'),
    tags: p.array().columnType('text[]').default([]),
    role: p.enum(ROLES).default('user'),
    status: p.enum(USER_STATUSES).default('active'),
    notifications: p.boolean().default(true),
    /** Set when Telegram answers 403 for this chat; mailings skip such users. */
    botBlocked: p.boolean().default(false),
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
