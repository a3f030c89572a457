import type { Em } from '../db/orm.js';
import type { Logger } from '../logger.js';
import type { TrustedProxies } from './trusted-proxies.js';

/**
 * Hono environment of every API route: what the common middlewares put on `c.var`. The caller
 * (`c.var.principal`) is added by the users feature's `authenticate` (Hono's ContextVariableMap).
 */
export interface ApiEnv {
  Variables: {
    /** The caller's sane `X-Request-Id` or a generated UUID; echoed in the response. */
    requestId: string;
    /** Child logger carrying reqId, method and path; use it instead of the root logger. */
    log: Logger;
    /** This request's own EntityManager (set by ormContext on routes that use the database). */
    em: Em;
    /** TRUSTED_PROXIES, set by requestContext; read it through `clientAddress(c)`. */
    trustedProxies: TrustedProxies;
    /** Memo of `clientAddress(c)`; read it through that helper. */
    clientAddress: string;
  };
}
