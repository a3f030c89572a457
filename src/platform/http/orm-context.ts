import type { MiddlewareHandler } from 'hono';
import type { Orm } from '../db/orm.js';
import type { ApiEnv } from './context.js';

/** Every request gets its own EntityManager (ARCHITECTURE rule 1): no identity map shared across requests. */
export function ormContext(orm: Orm): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    c.set('em', orm.em.fork());
    await next();
  };
}
