import type { Logger } from '../logger.js';

/** Hono environment of every API route: what the common middlewares put on `c.var`. */
export interface ApiEnv {
  Variables: {
    /** The caller's sane `X-Request-Id` or a generated UUID; echoed in the response. */
    requestId: string;
    /** Child logger carrying reqId, method and path; use it instead of the root logger. */
    log: Logger;
  };
}
