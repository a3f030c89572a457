import type { MiddlewareHandler } from 'hono';
import { InvalidTokenError, verifyAccessToken } from '../../../platform/auth/access-token.js';
import {
  type ServiceScope,
  type ServiceTokenVerifier,
  scopeGranted,
  serviceTokenVerifierFor,
} from '../../../platform/auth/service-tokens.js';
import type { ApiEnv } from '../../../platform/http/context.js';
import { ApiError } from '../../../platform/http/errors.js';
import { requestDb, requestEm } from '../../../platform/http/request-scope.js';
import { isAdminScope, REQUIRED_SCOPE } from '../../../platform/http/scopes.js';
import type { Services } from '../../../platform/services.js';
import { User } from '../user.entity.js';
import { readUserRow } from '../user-rows.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** The authenticated caller (set by `authenticate`). */
    principal: Principal;
  }
}

/** The authenticated caller of a request. */
export interface Principal {
  /** The caller's id: what most handlers need of the caller. */
  userId: string;
  /**
   * The caller as an entity of the request's EntityManager, made on first use: mapping the row
   * onto an entity (and forking the EntityManager for it) was ~7 % of GET /tasks's CPU, and
   * most requests only need the id (issue 17).
   */
  readonly user: User;
  /** `user` for a user's own access token; `service` for a trusted service acting for the user (SPEC §3.7). */
  kind: 'user' | 'service';
  service?: string;
  /** What a service may do; a user's own token may do everything its owner may. */
  scopes: ReadonlySet<string> | 'all';
  /** When the user's own access token expires (epoch seconds); a WebSocket it opened closes then. */
  exp?: number;
}

export interface AuthenticateOptions {
  /**
   * Also take the access token from `?token=` when there is no Authorization header: only for
   * GET /ws, since browsers cannot set headers on a WebSocket. Elsewhere a token in the URL would
   * end up in access logs and browser history.
   */
  queryToken?: boolean;
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+([A-Za-z0-9\-_.~+/]+=*)\s*$/i.exec(header ?? '');
  return match?.[1];
}

const unauthorized = (message = 'A valid access token is required') =>
  new ApiError(401, 'unauthorized', message, undefined, { 'WWW-Authenticate': 'Bearer realm="gramdesk"' });

/**
 * Resolves the caller from `Authorization: Bearer`. Accepts user access tokens and trusted
 * service tokens (SPEC §3.7; by default those of SERVICE_KEYS, pass `null` to refuse them). The
 * user must exist, have an active account (or be a Telegram user acting through a service) and
 * not be banned (403 user_banned). Building it parses SERVICE_KEYS, so a bad value fails at start.
 */
export function authenticate(
  services: Pick<Services, 'keys' | 'config'>,
  verifyService: ServiceTokenVerifier | null = serviceTokenVerifierFor(services.config),
  options: AuthenticateOptions = {},
): MiddlewareHandler<ApiEnv> {
  const refused = options.queryToken
    ? () => unauthorized('A valid access token is required (Authorization: Bearer or ?token=)')
    : () => unauthorized();
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization')) ?? (options.queryToken ? c.req.query('token') : undefined);
    if (!token) throw refused();
    let principal: Omit<Principal, 'user'>;
    try {
      const claims = await verifyAccessToken(services.keys, services.config.publicUrl, token);
      principal = { kind: 'user', scopes: 'all', userId: claims.sub, exp: Number(claims.exp) };
    } catch (err) {
      if (!(err instanceof InvalidTokenError)) throw err;
      const service = verifyService ? await verifyService(token) : null;
      if (!service) throw refused();
      principal = { kind: 'service', service: service.service, scopes: service.scopes, userId: service.userId };
    }
    // Read on every request (a ban or a deletion applies to the very next one).
    const row = await readUserRow(requestDb(c), 'id', principal.userId);
    if (!row) throw refused();
    if (principal.kind === 'user' && row.account_state !== 'active') throw refused();
    if (row.status === 'banned') throw new ApiError(403, 'user_banned', 'This account is blocked');
    let user: User | undefined;
    c.set('principal', {
      ...principal,
      get user() {
        user ??= requestEm(c).map(User, row);
        return user;
      },
    });
    await next();
  };
}

/**
 * Requires a scope; a user's own token always has it, a service token only if its configuration
 * grants it (scopeGranted: "*" never grants an admin scope). Prefer `scoped(...)`, which also
 * documents the scope and adds the admin check of admin scopes.
 */
export function requireScope(scope: ServiceScope): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const { scopes } = c.var.principal;
    if (scopes !== 'all' && !scopeGranted(scopes, scope)) {
      throw new ApiError(403, 'insufficient_scope', `This token lacks the scope ${scope}`);
    }
    await next();
  };
}

/**
 * The guard of a route a service token may call (SPEC §3.7), spread into the route config:
 * authenticate → scope → (for admin scopes) admin role, in that order, so a service without the
 * scope gets 403 insufficient_scope whoever it acts for, and an admin scope is never enough
 * without an admin behind it. It also marks the operation with its scope for the OpenAPI document.
 */
export function scopeGuard(auth: MiddlewareHandler<ApiEnv>, scope: ServiceScope) {
  return {
    [REQUIRED_SCOPE]: scope,
    middleware: isAdminScope(scope) ? [auth, requireScope(scope), requireAdmin] : [auth, requireScope(scope)],
  };
}

/** `route` guarded by `scopeGuard(auth, scope)`. */
export function scoped<R extends object>(route: R, auth: MiddlewareHandler<ApiEnv>, scope: ServiceScope) {
  return { ...route, ...scopeGuard(auth, scope) };
}

/**
 * For routes only the user themselves may call, never a service on their behalf (they have no
 * scope): POST/GET/DELETE /token, whose link token would attach the account to a Telegram chat.
 */
export const requireUserToken: MiddlewareHandler<ApiEnv> = async (c, next) => {
  if (c.var.principal.kind !== 'user') throw unauthorized('This endpoint needs a user access token');
  await next();
};

/** For admin-only routes (SPEC §3.6): the caller's user must have the admin role, else 403 forbidden. */
export const requireAdmin: MiddlewareHandler<ApiEnv> = async (c, next) => {
  if (c.var.principal.user.role !== 'admin') throw new ApiError(403, 'forbidden', 'Only admins may do this');
  await next();
};
