import { createRoute, z } from '@hono/zod-openapi';
import { passwordProblem } from '../../../platform/auth/passwords.js';
import { BEARER_AUTH, errorResponses } from '../../../platform/http/openapi.js';
import { UserSchema } from '../../users/index.js';

const TAGS = ['Auth'];

const REFRESH_TOKEN_EXAMPLE = 'Wk2m4gWl3d2nq0kq8zQd0m1yq4oQ3yq1m9ZsYp7eKx0';

/**
 * Login fields. The limits only keep absurd input away from the hash: a username that cannot
 * exist or a wrong-length password simply fails as invalid_credentials, like any wrong guess.
 */
const username = z.string().min(1).max(64).openapi({ description: 'Case-insensitive', example: 'ann_smith' });
const password = z.string().min(1).max(1024).openapi({ example: 'correct horse battery staple' });

export const LoginJsonSchema = z.strictObject({ username, password }).openapi('LoginRequest', {
  example: { username: 'ann_smith', password: 'correct horse battery staple' },
});

/**
 * The OAuth2 password grant form (RFC 6749 §4.3), as Swagger UI's "Authorize" and OAuth2 client
 * libraries send it. `scope` and `client_id`/`client_secret` are accepted and ignored: a user's
 * token always has every scope of its user, and there are no registered clients.
 */
export const LoginFormSchema = z
  .strictObject({
    grant_type: z.literal('password').optional().openapi({ description: 'If sent, must be `password`' }),
    username,
    password,
    scope: z.string().max(1024).optional().openapi({ description: 'Ignored' }),
    client_id: z.string().max(256).optional().openapi({ description: 'Ignored' }),
    client_secret: z.string().max(256).optional().openapi({ description: 'Ignored' }),
  })
  .openapi('LoginForm', {
    example: { grant_type: 'password', username: 'ann_smith', password: 'correct horse battery staple' },
  });

export const TokenPairSchema = z
  .object({
    access_token: z.string().openapi({ description: 'EdDSA JWT; send as `Authorization: Bearer <token>`' }),
    refresh_token: z.string().openapi({ description: 'Opaque, single use, 30 days; trade it at POST /auth/refresh' }),
    token_type: z.literal('bearer'),
    expires_in: z.number().int().openapi({ description: 'Seconds until the access token expires' }),
  })
  .openapi('TokenPair', {
    example: {
      access_token: 'eyJhbGciOiJFZERTQSIsImtpZCI6Ii4uLiIsInR5cCI6IkpXVCJ9.eyJ0eXAiOiJhY2Nlc3MiLCJzdWIiOiI0MiJ9.c2ln',
      refresh_token: REFRESH_TOKEN_EXAMPLE,
      token_type: 'bearer',
      expires_in: 900,
    },
  });

export const RefreshTokenBodySchema = z
  .strictObject({
    refresh_token: z.string().min(1).max(512).openapi({ example: REFRESH_TOKEN_EXAMPLE }),
  })
  .openapi('RefreshTokenRequest', { example: { refresh_token: REFRESH_TOKEN_EXAMPLE } });

export const login = createRoute({
  method: 'post',
  path: '/auth/login',
  operationId: 'login',
  tags: TAGS,
  security: [],
  summary: 'Log in with username and password',
  description: [
    'Takes JSON `{username, password}` or an OAuth2 password form (`application/x-www-form-urlencoded`:',
    '`grant_type=password&username=…&password=…`). The username is case-insensitive.',
    'Returns an access token (15 minutes) and a refresh token (30 days, single use).',
    '',
    'A wrong username and a wrong password both answer 401 `invalid_credentials`.',
    'After 5 failures for one username, or 30 from one address, within 15 minutes the answer is',
    '429 `too_many_attempts` with `Retry-After` (seconds) until the window frees.',
    'An account waiting for its Telegram confirmation gets 403 `pending_confirmation`; a blocked one 403 `user_banned`.',
  ].join('\n'),
  request: {
    // Not `required`: with two media types zod-openapi validates the one the request declares.
    // The handler re-checks a request that sent neither.
    body: {
      content: {
        'application/json': { schema: LoginJsonSchema },
        'application/x-www-form-urlencoded': { schema: LoginFormSchema },
      },
    },
  },
  responses: {
    200: {
      description: 'Logged in',
      headers: { 'Cache-Control': { schema: { type: 'string', example: 'no-store' } } },
      content: { 'application/json': { schema: TokenPairSchema } },
    },
    ...errorResponses(400, 401, 403, 413, 415, 422, 429),
  },
});

export const refresh = createRoute({
  method: 'post',
  path: '/auth/refresh',
  operationId: 'refreshTokens',
  tags: TAGS,
  security: [],
  summary: 'Trade a refresh token for a new pair',
  description: [
    'Uses the refresh token (once) and returns a new access token and a new refresh token of the same login.',
    'Presenting a refresh token that was already used revokes every refresh token of that login',
    '(reuse detection); access tokens already issued simply expire.',
    'Unknown, expired, revoked or reused tokens, and tokens of deleted users, answer 401',
    '`invalid_refresh_token`. A blocked user gets 403 `user_banned`, and that login ends (unblocking',
    'does not bring it back: log in again). Of two concurrent requests with the same token, one succeeds and the other',
    'counts as reuse, which revokes the pair the first one got: a client refreshes one request at a time',
    '(and does not retry a refresh whose answer it lost: it logs in again).',
  ].join('\n'),
  request: {
    body: { required: true, content: { 'application/json': { schema: RefreshTokenBodySchema } } },
  },
  responses: {
    200: {
      description: 'A new token pair',
      headers: { 'Cache-Control': { schema: { type: 'string', example: 'no-store' } } },
      content: { 'application/json': { schema: TokenPairSchema } },
    },
    ...errorResponses(400, 401, 403, 413, 415, 422),
  },
});

export const logout = createRoute({
  method: 'post',
  path: '/auth/logout',
  operationId: 'logout',
  tags: TAGS,
  security: [],
  summary: 'Log out (revoke a login’s refresh tokens)',
  description: [
    'Revokes every refresh token of the login this refresh token belongs to. Access tokens already',
    'issued expire on their own (at most 15 minutes). An unknown token also answers 204.',
  ].join('\n'),
  request: {
    body: { required: true, content: { 'application/json': { schema: RefreshTokenBodySchema } } },
  },
  responses: {
    204: { description: 'Logged out (or the token was unknown)' },
    ...errorResponses(400, 413, 415, 422),
  },
});

// ---------------------------------------------------------------------------------------------
// POST /auth/register (SPEC §3.1)

/**
 * Registrations per client address (SPEC §3.1): every one costs an Argon2 hash and an account
 * needs no credentials, so without a limit one address could fill the database and the hash
 * queue. Every attempt that passes validation counts (taken usernames too), before any hashing.
 */
export const REGISTRATION_LIMIT = { perAddress: 10, windowSeconds: 10 * 60 } as const;

/** Names of people: 1–128 characters, no control or bidi-override characters. */
const PersonName = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .refine((v) => !/[\p{Cc}\u202A-\u202E\u2066-\u2069]/u.test(v), { message: 'Contains control characters' });

export const RegisterBody = z
  .strictObject({
    username: z
      .string()
      .regex(/^[a-zA-Z0-9_]{3,32}$/, { message: '3–32 characters: letters a–z, digits and _' })
      .openapi({ example: 'ann_lee' }),
    password: z
      .string()
      .superRefine((v, ctx) => {
        const problem = passwordProblem(v);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .openapi({ example: 'correct horse battery staple' }),
    firstName: PersonName.optional().openapi({ example: 'Ann' }),
    lastName: PersonName.optional().openapi({ example: 'Lee' }),
    email: z.email().max(254).optional().openapi({ example: 'ann@example.com' }),
    telegramId: z
      .number()
      .int()
      .positive()
      .max(2 ** 52)
      .optional()
      .openapi({
        description: 'Telegram user id; that user must have started the bot and confirms there',
        example: 123456789,
      }),
  })
  .openapi('RegisterRequest');

const Pending = z
  .object({ status: z.literal('pending_confirmation'), expiresAt: z.iso.datetime() })
  .openapi('RegistrationPending', {
    example: { status: 'pending_confirmation', expiresAt: '2026-11-22T12:15:00.000Z' },
  });

const Active = z.object({ status: z.literal('active'), user: UserSchema }).openapi('RegistrationActive');

export const register = createRoute({
  method: 'post',
  path: '/auth/register',
  operationId: 'registerAccount',
  tags: ['Auth'],
  security: [],
  summary: 'Create an account',
  description:
    'Without `telegramId` the account is active at once and can be linked to Telegram later (POST /token). ' +
    'With `telegramId`, that Telegram user must have started the bot: they get Confirm / Decline buttons, ' +
    'login answers 403 pending_confirmation until they confirm, and a decline or 15 minutes without an ' +
    'answer removes the account again. 422 telegram_not_started carries the bot link in `details.botLink`. ' +
    '409 telegram_taken, one answer whatever the reason: that Telegram user has an account, has a request ' +
    'open, declined one within the hour, left three unconfirmed within a day, or is blocked (register ' +
    'without `telegramId` and link from the bot instead). 409 username_taken. ' +
    `At most ${REGISTRATION_LIMIT.perAddress} registrations per client address in ${REGISTRATION_LIMIT.windowSeconds / 60} minutes, ` +
    'counted whatever their outcome; then 429 `rate_limited` with `Retry-After` (seconds).',
  request: { body: { required: true, content: { 'application/json': { schema: RegisterBody } } } },
  responses: {
    201: { description: 'Account created and active', content: { 'application/json': { schema: Active } } },
    202: { description: 'Waiting for confirmation in Telegram', content: { 'application/json': { schema: Pending } } },
    ...errorResponses(400, 409, 413, 415, 422, 429),
  },
});

// ---------------------------------------------------------------------------------------------
// GET /.well-known/jwks.json (SPEC §3.1)

/** Short enough that clients see a new key soon after a rotation, long enough to spare us their polling. */
export const JWKS_CACHE_CONTROL = 'public, max-age=300';

const JwkSchema = z
  .object({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    x: z.string().openapi({ description: 'The public key, base64url' }),
    kid: z.string().openapi({ description: 'Matches the `kid` header of the tokens it verifies' }),
    alg: z.literal('EdDSA'),
    use: z.literal('sig'),
  })
  .openapi('Jwk');

export const JwksSchema = z.object({ keys: z.array(JwkSchema) }).openapi('Jwks', {
  example: {
    keys: [
      {
        kty: 'OKP',
        crv: 'Ed25519',
        x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
        kid: 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k',
        alg: 'EdDSA',
        use: 'sig',
      },
    ],
  },
});

export const jwks = createRoute({
  method: 'get',
  path: '/.well-known/jwks.json',
  operationId: 'getJwks',
  tags: ['Auth'],
  security: [],
  summary: 'Public keys that verify access tokens',
  description: [
    'The JSON Web Key Set of every key whose tokens may still be valid: the active signing key and,',
    'after a rotation, the retired one until the last token it signed has expired.',
    'Pick the key by the token header’s `kid`. Cacheable for 5 minutes.',
  ].join('\n'),
  responses: {
    200: {
      description: 'The key set',
      headers: { 'Cache-Control': { schema: { type: 'string', example: JWKS_CACHE_CONTROL } } },
      content: { 'application/json': { schema: JwksSchema } },
    },
  },
});

// ---------------------------------------------------------------------------------------------
// /token (SPEC §3.3)

const LinkTokenSchema = z
  .object({
    token: z.uuid().openapi({ description: 'Send this text to the bot, or open the link' }),
    link: z.url().openapi({ description: 'Opens the bot with the token as the start parameter' }),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime().openapi({ description: 'The token works once, until this time (15 minutes)' }),
  })
  .openapi('LinkToken', {
    example: {
      token: '0b4c7f1e-2d7a-4f7e-9d8b-1c2e3f4a5b6c',
      link: 'https://t.me/gramdesk_bot?start=link_0b4c7f1e-2d7a-4f7e-9d8b-1c2e3f4a5b6c',
      createdAt: '2026-11-22T12:00:00.000Z',
      expiresAt: '2026-11-22T12:15:00.000Z',
    },
  });

const LINK_TAGS = ['Telegram link'];
const linkSecurity = [{ [BEARER_AUTH]: [] }];

/**
 * POST /token (SPEC §3.3, seed 000): link an HTTP account to a Telegram chat. User tokens only
 * (index.ts adds the guard: authenticate, then requireUserToken).
 */
export const createLinkToken = createRoute({
  method: 'post',
  path: '/token',
  operationId: 'createLinkToken',
  tags: LINK_TAGS,
  security: linkSecurity,
  summary: 'Create a link token',
  description:
    'Creates the one-time token that links this account to Telegram: send it to the bot or open `link`; ' +
    'the Telegram user then sees who is asking and what the account would get, and only their Confirm ' +
    'attaches it (Decline burns the token). It works once and expires after 15 minutes (`expiresAt`). ' +
    'While a live token exists, another POST answers 409 token_exists.',
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: LinkTokenSchema } } },
    ...errorResponses(401, 403, 409),
  },
});

export const getLinkToken = createRoute({
  method: 'get',
  path: '/token',
  operationId: 'getLinkToken',
  tags: LINK_TAGS,
  security: linkSecurity,
  summary: 'Show the link token',
  responses: {
    200: { description: 'The token', content: { 'application/json': { schema: LinkTokenSchema } } },
    ...errorResponses(401, 403, 404),
  },
});

export const revokeLinkToken = createRoute({
  method: 'delete',
  path: '/token',
  operationId: 'revokeLinkToken',
  tags: LINK_TAGS,
  security: linkSecurity,
  summary: 'Revoke the link token',
  responses: { 204: { description: 'Revoked' }, ...errorResponses(401, 403, 404) },
});
