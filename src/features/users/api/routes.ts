import { createRoute, z } from '@hono/zod-openapi';
import { isRowId } from '../../../platform/db/row-id.js';
import { BEARER_AUTH, errorResponses } from '../../../platform/http/openapi.js';
import { pageLimitQuery } from '../../../platform/http/pagination.js';
import { LANGUAGES } from '../../../platform/i18n/languages.js';
import { AVATAR_MAX_BYTES, EMAIL_MAX, NAME_MAX } from '../profile.js';
import { AvatarInfoSchema, BlockedUserPageSchema, PublicProfileSchema, UserSchema } from './schemas.js';

const tags = ['Users'];
const security = [{ [BEARER_AUTH]: [] }];

/**
 * Types and shapes only. The limits that need more than a type (lengths in characters, phone,
 * time zone, control characters) are checked by the domain, which reports them in the same
 * 422 validation_failed shape; they are documented here.
 */
export const ProfilePatchSchema = z
  .strictObject({
    firstName: z.string().openapi({ minLength: 1, maxLength: NAME_MAX, example: 'Ann' }),
    lastName: z.string().nullable().openapi({ minLength: 1, maxLength: NAME_MAX, description: 'null clears it' }),
    email: z
      .string()
      .nullable()
      .openapi({ format: 'email', maxLength: EMAIL_MAX, description: 'null clears it', example: 'ann@example.com' }),
    phone: z.string().nullable().openapi({
      description: 'International format; stored as E.164 with its operator code. null clears it',
      example: '+7 916 123-45-67',
    }),
    language: z.enum(LANGUAGES),
    timezone: z.string().openapi({
      description: 'IANA name (any case) or a whole-hour UTC offset such as UTC+3',
      example: 'Europe/Moscow',
    }),
    notifications: z.boolean(),
    mailings: z.boolean().openapi({ description: 'Subscribed to mailings (false = unsubscribed)' }),
  })
  .partial()
  .openapi('ProfilePatch', {
    description: 'Only the fields given change. Any other field (role, status, username, …) is refused.',
    example: { firstName: 'Ann', language: 'ru', timezone: 'Europe/Moscow' },
  });

const UsernameParams = z.object({
  username: z.string().openapi({
    param: { name: 'username', in: 'path' },
    description: 'Username, any case',
    example: 'ann_lee',
  }),
});

const SearchQuery = z.strictObject({
  search: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,32}$/, 'Must be 1–32 characters of A–Z, a–z, 0–9 and _')
    .openapi({ description: 'Username prefix, case-insensitive', example: 'ann' }),
  limit: pageLimitQuery,
  cursor: z.string().max(128).optional().openapi({ description: '`nextCursor` of the previous page' }),
});

const UserPageSchema = z
  .object({
    items: z.array(PublicProfileSchema),
    nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null at the end' }),
  })
  .openapi('PublicProfilePage');

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const binary = z.string().openapi({ type: 'string', format: 'binary' });
const imageContent = {
  'image/png': { schema: binary },
  'image/jpeg': { schema: binary },
  'image/webp': { schema: binary },
};

const avatarImageResponse = {
  description: 'The image, with the type detected at upload',
  headers: z.object({
    ETag: z.string().openapi({ description: 'Send as If-None-Match to get 304 when unchanged' }),
    'Cache-Control': z.string().openapi({ example: 'private, max-age=300' }),
  }),
  content: imageContent,
};

// Authentication and scopes are attached where the routes are registered (index.ts), since
// they need the services; the scope each route needs is in its description.

export const getMe = createRoute({
  method: 'get',
  path: '/users/me',
  operationId: 'getMe',
  tags,
  security,
  summary: 'Your account',
  responses: { 200: json(UserSchema, 'Your account'), ...errorResponses(401, 403) },
});

export const patchMe = createRoute({
  method: 'patch',
  path: '/users/me',
  operationId: 'updateMe',
  tags,
  security,
  summary: 'Change your profile and settings',
  description:
    'The bot reads the same account, so a new language or time zone applies there at once. ' +
    'All fields are checked before anything changes: one invalid field changes nothing.',
  request: { body: { required: true, content: { 'application/json': { schema: ProfilePatchSchema } } } },
  responses: {
    200: json(UserSchema, 'The updated account'),
    ...errorResponses(400, 401, 403, 413, 415, 422),
  },
});

export const putAvatar = createRoute({
  method: 'put',
  path: '/users/me/avatar',
  operationId: 'uploadAvatar',
  tags,
  security,
  summary: 'Upload your avatar',
  description:
    `The raw image bytes as the body, at most ${AVATAR_MAX_BYTES} bytes (1 MiB). ` +
    'The type is detected from the content (PNG, JPEG or WebP); the Content-Type header is not trusted. ' +
    'Replaces any previous avatar.',
  request: {
    body: {
      required: true,
      content: { ...imageContent, 'application/octet-stream': { schema: binary } },
    },
  },
  responses: {
    200: json(AvatarInfoSchema, 'Stored'),
    ...errorResponses(401, 403, 413),
    422: json(
      z
        .object({ error: z.object({ code: z.enum(['unsupported_image', 'empty_image']), message: z.string() }) })
        .openapi('AvatarRejected'),
      'Not a PNG, JPEG or WebP image (unsupported_image), or an empty body (empty_image)',
    ),
  },
});

export const deleteAvatar = createRoute({
  method: 'delete',
  path: '/users/me/avatar',
  operationId: 'deleteAvatar',
  tags,
  security,
  summary: 'Remove your avatar',
  description: 'Succeeds also when there is none.',
  responses: { 204: { description: 'Removed' }, ...errorResponses(401, 403) },
});

export const getMyAvatar = createRoute({
  method: 'get',
  path: '/users/me/avatar',
  operationId: 'getMyAvatar',
  tags,
  security,
  summary: 'Your avatar',
  description: 'Same as GET /users/{username}/avatar with your own username.',
  responses: {
    200: avatarImageResponse,
    304: { description: 'Not modified (If-None-Match matched)' },
    ...errorResponses(401, 403, 404),
  },
});

export const getAvatar = createRoute({
  method: 'get',
  path: '/users/{username}/avatar',
  operationId: 'getUserAvatar',
  tags,
  security,
  summary: "A user's avatar",
  description: 'Cacheable privately for 5 minutes; revalidate with If-None-Match.',
  request: { params: UsernameParams },
  responses: {
    200: avatarImageResponse,
    304: { description: 'Not modified (If-None-Match matched)' },
    ...errorResponses(401, 403, 404),
  },
});

export const getProfile = createRoute({
  method: 'get',
  path: '/users/{username}',
  operationId: 'getUserProfile',
  tags,
  security,
  summary: "A user's public profile",
  description: 'Username in any case. Unknown names, pending registrations and blocked users are 404 alike.',
  request: { params: UsernameParams },
  responses: { 200: json(PublicProfileSchema, 'The public profile'), ...errorResponses(401, 403, 404) },
});

export const search = createRoute({
  method: 'get',
  path: '/users',
  operationId: 'searchUsers',
  tags,
  security,
  summary: 'Search users by username prefix',
  description: 'Case-insensitive prefix match, ordered by username.',
  request: { query: SearchQuery },
  responses: { 200: json(UserPageSchema, 'One page of profiles'), ...errorResponses(401, 403, 422) },
});

// ---------------------------------------------------------------------------------------------
// Blocking a person (../blocks.ts)

/** Whom to block: named as a private message's recipient is (`to` of POST /messages). */
const BlockTargetParams = z.object({
  username: z.string().openapi({
    param: { name: 'username', in: 'path' },
    description: 'Their Gramdesk or Telegram username, any case, "@" optional (as `to` of POST /messages)',
    example: 'bob_smith',
  }),
});

const BlockedQuery = z.strictObject({
  limit: pageLimitQuery,
  // `<milliseconds>_<user id>`; an id past PostgreSQL's bigint would fail the query instead of being refused.
  cursor: z
    .string()
    .regex(/^\d{1,15}_\d{1,19}$/, { message: 'Not a cursor returned by this list', abort: true })
    .refine((cursor) => isRowId(cursor.slice(cursor.indexOf('_') + 1)), {
      message: 'Not a cursor returned by this list',
    })
    .optional()
    .openapi({ description: '`nextCursor` of the previous page' }),
});

const BLOCKING =
  'Blocking is one-way, as in Telegram: their private messages to you are refused from then on — in the ' +
  'bot, `POST /messages` and the WebSocket alike, with 409 `recipient_unreachable` and ' +
  '`details.reason` "blocked", and nothing is stored — while you can still write to them and your ' +
  'conversation with them stays in `GET /messages?with=`. The room is a common chat and is not affected.';

export const listBlocked = createRoute({
  method: 'get',
  path: '/users/me/blocked',
  operationId: 'listBlockedUsers',
  tags,
  security,
  summary: 'The people you blocked',
  description: `The most recently blocked first. Pages follow \`nextCursor\`.\n\n${BLOCKING}`,
  request: { query: BlockedQuery },
  responses: {
    200: json(BlockedUserPageSchema, 'One page of the people you blocked'),
    ...errorResponses(401, 403, 422),
  },
});

export const blockUser = createRoute({
  method: 'put',
  path: '/users/{username}/block',
  operationId: 'blockUser',
  tags,
  security,
  summary: 'Block a user',
  description:
    `${BLOCKING}\n\nIdempotent: blocking someone already blocked succeeds and changes nothing. ` +
    '404 user_not_found for an unknown (or banned) username; 422 cannot_block_self for your own.',
  request: { params: BlockTargetParams },
  responses: { 204: { description: 'Blocked' }, ...errorResponses(401, 403, 404, 422) },
});

export const unblockUser = createRoute({
  method: 'delete',
  path: '/users/{username}/block',
  operationId: 'unblockUser',
  tags,
  security,
  summary: 'Unblock a user',
  description:
    'Their private messages reach you again. Idempotent: unblocking someone not blocked succeeds. ' +
    '404 user_not_found for an unknown username; 422 cannot_block_self for your own.',
  request: { params: BlockTargetParams },
  responses: { 204: { description: 'Not blocked (any more)' }, ...errorResponses(401, 403, 404, 422) },
});
