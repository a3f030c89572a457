import type { RequestScope } from './request-scope.js';
import type { TrustedProxies } from './trusted-proxies.js';

/**
 * Hono environment of every API route: what the common middlewares put on `c.var`. The caller
 * (`c.var.principal`) is added by the users feature's `authenticate` (Hono's ContextVariableMap).
 */
export interface ApiEnv {
  Variables: {
    /** The caller's sane `X-Request-Id` or a generated UUID; echoed in the response. */
    requestId: string;
    /**
     * The request's logger and EntityManager, made on first use: read them through
     * `requestLog(c)` and `requestEm(c)` (request-scope.ts).
     */
    scope: RequestScope;
    /** TRUSTED_PROXIES, set by requestContext; read it through `clientAddress(c)`. */
    trustedProxies: TrustedProxies;
    /** Memo of `clientAddress(c)`; read it through that helper. */
    clientAddress: string;
  };
}
