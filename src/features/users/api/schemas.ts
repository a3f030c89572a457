import { z } from '@hono/zod-openapi';
import { LANGUAGES } from '../../../platform/i18n/languages.js';
import type { BlockedUserDto } from '../blocks.js';
import { AVATAR_CONTENT_TYPES, type AvatarInfoDto, type PublicProfileDto, type UserDto } from '../profile.js';
import { ROLES, USER_STATUSES } from '../user.entity.js';

export type { AvatarInfoDto, PublicProfileDto, UserDto } from '../profile.js';
export { toUserDto } from '../profile.js';

const id = z.string().regex(/^\d+$/).openapi({ description: 'User id (a decimal string)', example: '42' });
const createdAt = z.iso.datetime().openapi({ description: 'ISO 8601, UTC', example: '2026-03-01T09:30:00.000Z' });
const username = z.string().openapi({
  description: 'HTTP account username, `^[A-Za-z0-9_]{3,32}$`, unique case-insensitively',
  example: 'ann_lee',
});
const telegramLinked = z.boolean().openapi({ description: 'Whether a Telegram account is attached', example: true });

/**
 * The User object of SPEC §3.1, the caller's own view of their account. Shared by every route
 * that returns one (auth, users); build it with `toUserDto`.
 */
export const UserSchema = z
  .object({
    id,
    username: username.nullable().openapi({ description: 'Null for a Telegram-only user acting through a service' }),
    firstName: z.string().nullable().openapi({
      description: "The account's first name, else the Telegram first name",
      example: 'Ann',
    }),
    lastName: z.string().nullable().openapi({ example: 'Lee' }),
    email: z.string().nullable().openapi({ example: 'ann@example.com' }),
    phone: z.string().nullable().openapi({ description: 'E.164', example: '+79161234567' }),
    operatorCode: z.string().nullable().openapi({
      description: 'Mobile operator code derived from the phone (mailings filter on it)',
      example: '916',
    }),
    language: z.enum(LANGUAGES).openapi({ description: 'Language of the bot and of messages', example: 'en' }),
    timezone: z.string().openapi({ description: 'IANA time zone', example: 'Europe/Moscow' }),
    notifications: z.boolean().openapi({ description: 'Reminders and message notices in Telegram', example: true }),
    mailings: z
      .boolean()
      .openapi({ description: 'Subscribed to mailings (🔕 Unsubscribe or Settings turn it off)', example: true }),
    role: z.enum(ROLES).openapi({ example: 'user' }),
    status: z.enum(USER_STATUSES).openapi({ example: 'active' }),
    telegramLinked,
    createdAt,
  })
  .openapi('User', {
    example: {
      id: '42',
      username: 'ann_lee',
      firstName: 'Ann',
      lastName: 'Lee',
      email: 'ann@example.com',
      phone: '+79161234567',
      operatorCode: '916',
      language: 'en',
      timezone: 'Europe/Moscow',
      notifications: true,
      mailings: true,
      role: 'user',
      status: 'active',
      telegramLinked: true,
      createdAt: '2026-03-01T09:30:00.000Z',
    },
  });

/** What other users see of a user (GET /users/{username}, search results). */
export const PublicProfileSchema = z
  .object({
    id,
    username,
    firstName: z.string().nullable().openapi({ example: 'Ann' }),
    lastName: z.string().nullable().openapi({ example: 'Lee' }),
    displayName: z
      .string()
      .optional()
      .openapi({ description: 'The name chosen in the bot, when set; show it instead of the names', example: 'Annie' }),
    hasAvatar: z.boolean().openapi({ description: 'GET /users/{username}/avatar has an image', example: true }),
    telegramLinked,
    createdAt,
  })
  .openapi('PublicProfile', {
    example: {
      id: '42',
      username: 'ann_lee',
      firstName: 'Ann',
      lastName: 'Lee',
      hasAvatar: true,
      telegramLinked: true,
      createdAt: '2026-03-01T09:30:00.000Z',
    },
  });

export const AvatarInfoSchema = z
  .object({
    contentType: z.enum(AVATAR_CONTENT_TYPES).openapi({ description: 'Detected from the bytes, not the header' }),
    size: z.number().int().openapi({ description: 'Bytes', example: 48213 }),
    updatedAt: createdAt,
  })
  .openapi('AvatarInfo', { example: { contentType: 'image/png', size: 48213, updatedAt: '2026-03-01T09:30:00.000Z' } });

/** One person the caller blocked (GET /users/me/blocked): shaped as the API's other user summaries. */
export const BlockedUserSchema = z
  .object({
    id,
    username: z.string().nullable().openapi({
      description: 'Their Gramdesk username, else their Telegram one; null when they have neither',
      example: 'bob_smith',
    }),
    firstName: z.string().nullable().openapi({ example: 'Bob' }),
    blockedAt: createdAt.openapi({ description: 'When you blocked them (ISO 8601, UTC)' }),
  })
  .openapi('BlockedUser', {
    example: { id: '43', username: 'bob_smith', firstName: 'Bob', blockedAt: '2026-03-01T09:30:00.000Z' },
  });

export const BlockedUserPageSchema = z
  .object({
    items: z.array(BlockedUserSchema),
    nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null at the end' }),
  })
  .openapi('BlockedUserPage');

// The domain builds plain objects; this fails to compile if they drift apart from the schemas.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type SchemasMatchDtos = [
  Assert<Same<z.infer<typeof UserSchema>, UserDto>>,
  Assert<Same<z.infer<typeof PublicProfileSchema>, PublicProfileDto>>,
  Assert<Same<z.infer<typeof AvatarInfoSchema>, AvatarInfoDto>>,
  Assert<Same<z.infer<typeof BlockedUserSchema>, BlockedUserDto>>,
];
