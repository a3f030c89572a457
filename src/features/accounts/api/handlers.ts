import type { RouteHandler } from '@hono/zod-openapi';
import { clientAddress } from '../../../platform/http/client-address.js';
import type { ApiEnv } from '../../../platform/http/context.js';
import { ApiError } from '../../../platform/http/errors.js';
import type { Services } from '../../../platform/services.js';
import { type LoginContext, login, logout, refresh, type TokenPair, TooManyAttemptsError } from '../login.js';
import { LoginThrottle } from '../login-throttle.js';
import type * as routes from './routes.js';
import { LoginJsonSchema } from './routes.js';

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
    try {
      const result = await login(c.var.em, ctx, { username, password, ip: clientAddress(c) });
      return c.json(tokenBody(result), 200, NO_STORE);
    } catch (err) {
      if (err instanceof TooManyAttemptsError) {
        throw new ApiError(429, err.code, err.message, err.details, {
          'Retry-After': String(err.retryAfterSeconds),
        });
      }
      throw err;
    }
  };
}

export function createRefreshHandler(services: Services): RouteHandler<typeof routes.refresh, ApiEnv> {
  const ctx = { keys: services.keys, issuer: services.config.publicUrl };
  return async (c) => {
    const pair = await refresh(c.var.em, ctx, c.req.valid('json').refresh_token);
    return c.json(tokenBody(pair), 200, NO_STORE);
  };
}

export const logoutHandler: RouteHandler<typeof routes.logout, ApiEnv> = async (c) => {
  await logout(c.var.em, c.req.valid('json').refresh_token);
  return c.body(null, 204);
};
