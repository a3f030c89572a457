import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses } from '../../../platform/http/openapi.js';

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
    'Unknown, expired, revoked or reused tokens, and tokens of blocked or deleted users, answer 401',
    '`invalid_refresh_token`. Of two concurrent requests with the same token, one succeeds.',
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
    ...errorResponses(400, 401, 413, 415, 422),
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
