import type { RouteHandler } from '@hono/zod-openapi';
import { clientAddress } from '../../../platform/http/client-address.js';
import type { ApiEnv } from '../../../platform/http/context.js';
import { ApiError } from '../../../platform/http/errors.js';
import { requestEm } from '../../../platform/http/request-scope.js';
import type { Services } from '../../../platform/services.js';
import { toUserDto } from '../../users/index.js';
import { Notifications } from '../jobs/notifications.js';
import { createLinkToken, getLinkToken, type LinkTokenView, revokeLinkToken } from '../linking.js';
import { type LoginContext, login, logout, refresh, type TokenPair } from '../login.js';
import { addressKey, LoginThrottle } from '../login-throttle.js';
import { register } from '../registration.js';
import type * as routes from './routes.js';
import { JWKS_CACHE_CONTROL, JwksSchema, LoginJsonSchema, REGISTRATION_LIMIT } from './routes.js';

/** RFC 6749 §5.1: responses carrying tokens must not be cached anywhere. */
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

const tokenBody = (pair: TokenPair) => ({
  access_token: pair.accessToken,
  refresh_token: pair.refreshToken,
  token_type: 'bearer' as const,
  expires_in: pair.expiresIn,
});

export function createLoginHandler(services: Services): RouteHandler<typeof routes.login, ApiEnv> {
  const ctx: LoginContext = {
    keys: services.keys,
    issuer: services.config.publicUrl,
    throttle: new LoginThrottle(services.redis, services.keyPrefix),
  };
  return async (c) => {
    const isForm = /^application\/x-www-form-urlencoded|^multipart\/form-data/i.test(
      c.req.header('content-type') ?? '',
    );
    // A request without a Content-Type passed zod-openapi unvalidated (as `{}`); this rejects it with 422.
    const { username, password } = isForm ? c.req.valid('form') : LoginJsonSchema.parse(c.req.valid('json'));
    // 429 too_many_attempts gets its Retry-After from onError (details.retryAfterSeconds).
    const result = await login(requestEm(c), ctx, { username, password, ip: clientAddress(c) });
    return c.json(tokenBody(result), 200, NO_STORE);
  };
}

export function createRefreshHandler(services: Services): RouteHandler<typeof routes.refresh, ApiEnv> {
  const ctx = { keys: services.keys, issuer: services.config.publicUrl };
  return async (c) => {
    const pair = await refresh(requestEm(c), ctx, c.req.valid('json').refresh_token);
    return c.json(tokenBody(pair), 200, NO_STORE);
  };
}

export const logoutHandler: RouteHandler<typeof routes.logout, ApiEnv> = async (c) => {
  await logout(requestEm(c), c.req.valid('json').refresh_token);
  return c.body(null, 204);
};

/** POST /auth/register (SPEC §3.1). */
export function createRegisterHandler(services: Services): RouteHandler<typeof routes.register, ApiEnv> {
  const notifications = new Notifications(services);
  return async (c) => {
    const body = c.req.valid('json');
    const limit = await services.limiter.hit(
      `register:ip:${addressKey(clientAddress(c))}`,
      REGISTRATION_LIMIT.perAddress,
      REGISTRATION_LIMIT.windowSeconds,
    );
    if (!limit.allowed) {
      throw new ApiError(
        429,
        'rate_limited',
        `Too many registrations from this address; try again in ${limit.retryAfter} seconds`,
        { retryAfterSeconds: limit.retryAfter },
        { 'Retry-After': String(limit.retryAfter) },
      );
    }
    // The bot's link helps the caller; if Telegram cannot tell us the bot's name right now, leave it out.
    const botLink = async () => ({ botLink: await services.bot.link('').catch(() => undefined) });
    const result = await register(requestEm(c), body, botLink);
    if (result.status === 'active') {
      return c.json({ status: 'active' as const, user: toUserDto(result.user) }, 201);
    }
    await notifications.registrationCreated(result.registration.id, result.registration.expiresAt);
    return c.json(
      { status: 'pending_confirmation' as const, expiresAt: result.registration.expiresAt.toISOString() },
      202,
    );
  };
}

/** GET /.well-known/jwks.json (SPEC §3.1). */
export function createJwksHandler(services: Pick<Services, 'keys'>): RouteHandler<typeof routes.jwks, ApiEnv> {
  return async (c) =>
    c.json(JwksSchema.parse(await services.keys.jwks()), 200, { 'Cache-Control': JWKS_CACHE_CONTROL });
}

/** POST/GET/DELETE /token (SPEC §3.3): the link token, with the bot link it opens. */
export function createLinkTokenHandlers(services: Pick<Services, 'bot'>) {
  const view = async (token: LinkTokenView) => ({
    token: token.token,
    link: await services.bot.link(`link_${token.token}`),
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt.toISOString(),
  });
  const create: RouteHandler<typeof routes.createLinkToken, ApiEnv> = async (c) => {
    const created = await createLinkToken(requestEm(c), c.var.principal.user);
    return c.json(await view(created), 201);
  };
  const get: RouteHandler<typeof routes.getLinkToken, ApiEnv> = async (c) => {
    const token = await getLinkToken(requestEm(c), c.var.principal.user);
    return c.json(await view(token), 200);
  };
  const revoke: RouteHandler<typeof routes.revokeLinkToken, ApiEnv> = async (c) => {
    await revokeLinkToken(requestEm(c), c.var.principal.user);
    return c.body(null, 204);
  };
  return { create, get, revoke };
}
