import { defineEntity, p } from '@mikro-orm/core';
import { User } from './user.entity.js';

export const REGISTRATION_STATUSES = ['pending', 'confirmed', 'declined', 'expired'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

/**
 * An HTTP registration that names a Telegram user and waits for them to press Confirm or
 * Decline in the bot. The username is reserved on the user row meanwhile; this row remembers
 * the request and the Telegram message to edit with the outcome.
 */
const RegistrationSchema = defineEntity({
  name: 'Registration',
  tableName: 'registrations',
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    user: () => p.manyToOne(User).deleteRule('cascade').index('registrations_user_idx'),
    username: p.string().length(32),
    status: p.enum(REGISTRATION_STATUSES).default('pending'),
    expiresAt: p.datetime(),
    /** The confirmation message in the user's chat, once sent. */
    messageId: p.integer().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    decidedAt: p.datetime().nullable(),
  },
});
export class Registration extends RegistrationSchema.class {}
RegistrationSchema.setClass(Registration);

/**
 * Opaque refresh tokens (only their SHA-256 is stored). Tokens of one login form a family;
 * each refresh uses one token (usedAt) and issues the next. Presenting a used token again
 * means it was stolen or replayed, so the whole family is revoked.
 */
const RefreshTokenSchema = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_tokens',
  properties: {
    id: p.uuid().primary(),
    user: () => p.manyToOne(User).deleteRule('cascade').index('refresh_tokens_user_idx'),
    familyId: p.uuid().index('refresh_tokens_family_idx'),
    tokenHash: p.string().length(64).unique('refresh_tokens_hash_unique'),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class RefreshToken extends RefreshTokenSchema.class {}
RefreshTokenSchema.setClass(RefreshToken);

/**
 * The one-time token that links an HTTP account to a Telegram chat (seed 000): the account
 * creates it, the Telegram user sends it to the bot (or opens the t.me link).
 */
const LinkTokenSchema = defineEntity({
  name: 'LinkToken',
  tableName: 'link_tokens',
  properties: {
    user: () => p.oneToOne(User).primary().deleteRule('cascade'),
    token: p.uuid().unique('link_tokens_token_unique'),
    createdAt: p.datetime().onCreate(() => new Date()),
    /** The Telegram user who attached it; a token is used once. */
    attachedTelegramId: p.bigint('number').nullable(),
    attachedAt: p.datetime().nullable(),
  },
});
export class LinkToken extends LinkTokenSchema.class {}
LinkTokenSchema.setClass(LinkToken);

/** Profile pictures, checked by content (PNG, JPEG, WebP) and at most 1 MiB. */
const AvatarSchema = defineEntity({
  name: 'Avatar',
  tableName: 'avatars',
  properties: {
    user: () => p.oneToOne(User).primary().deleteRule('cascade'),
    contentType: p.string().length(32),
    data: p.blob().lazy(),
    size: p.integer(),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export class Avatar extends AvatarSchema.class {}
AvatarSchema.setClass(Avatar);
