import { defineEntity, p } from '@mikro-orm/core';
import { User } from '../users/index.js';

export const REGISTRATION_STATUSES = ['pending', 'confirmed', 'declined', 'expired'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

/**
 * An HTTP registration that names a Telegram user and waits for them to press Confirm or
 * Decline in the bot. Until Confirm, the requested account lives here and only here: the
 * Telegram user's row is not touched (a stranger's chosen names must not appear as theirs),
 * and the pending username is reserved by the partial unique index below. Confirm copies the
 * account onto the user row; any other outcome clears the password hash.
 */
const RegistrationSchema = defineEntity({
  name: 'Registration',
  tableName: 'registrations',
  indexes: [
    {
      // A pending request holds its username (case-insensitively) against other registrations.
      name: 'registrations_pending_username_unique',
      expression:
        'create unique index "registrations_pending_username_unique" on "registrations" (lower("username")) where "status" = \'pending\'',
    },
    {
      // One open request per Telegram user: a second one would be a second prompt to the same person.
      name: 'registrations_pending_user_unique',
      expression:
        'create unique index "registrations_pending_user_unique" on "registrations" ("user_id") where "status" = \'pending\'',
    },
    {
      // The expiry sweep (jobs/expiry-sweep.ts, issue 18): pending requests by expiry.
      name: 'registrations_pending_expiry_idx',
      expression:
        'create index "registrations_pending_expiry_idx" on "registrations" ("expires_at") where "status" = \'pending\'',
    },
  ],
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    user: () => p.manyToOne(User).deleteRule('cascade').index('registrations_user_idx'),
    username: p.string().length(32),
    /** The requested account, applied to the user row on Confirm; the hash is cleared on any decision. */
    passwordHash: p.text().nullable().hidden().lazy(),
    firstName: p.string().length(128).nullable(),
    lastName: p.string().length(128).nullable(),
    email: p.string().length(254).nullable(),
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
 * creates it, the Telegram user sends it to the bot (or opens the t.me link) and confirms.
 * It works once and for LINK_TOKEN_TTL_MS; a Decline deletes it.
 */
const LinkTokenSchema = defineEntity({
  name: 'LinkToken',
  tableName: 'link_tokens',
  properties: {
    user: () => p.oneToOne(User).primary().deleteRule('cascade'),
    token: p.uuid().unique('link_tokens_token_unique'),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
    /** The Telegram user who attached it; a token is used once. */
    attachedTelegramId: p.bigint('number').nullable(),
    attachedAt: p.datetime().nullable(),
  },
});
export class LinkToken extends LinkTokenSchema.class {}
LinkTokenSchema.setClass(LinkToken);
