import type { Em, Orm } from '../db/orm.js';
import type { Logger } from '../logger.js';

/** What every request's log lines carry. */
export interface RequestBindings {
  reqId: string;
  method: string;
  path: string;
  ip: string;
}

/**
 * A request's logger and EntityManager, each made on first use: most requests log nothing but
 * their access line (written with the bindings inline, see request-context.ts), and a probe or a
 * cached answer needs no EntityManager. Made eagerly they cost GET /health a sixth of its time
 * (issue 17's profile: pino's child() serialises and redacts its bindings; MikroORM's fork()
 * rewrites process.env twice through Configuration.set).
 */
export class RequestScope {
  #log?: Logger;
  #em?: Em;

  constructor(
    readonly bindings: RequestBindings,
    private readonly root: Logger,
    private readonly orm?: Orm,
  ) {}

  get log(): Logger {
    this.#log ??= this.root.child(this.bindings);
    return this.#log;
  }

  /**
   * What the request's hand-written statements (`executeStatement`, `execute`) run on: its own
   * EntityManager once it has one (a transaction of it is then seen), else the ORM's root one. A
   * statement reads and fills no identity map, so it needs no fork: forking one only for the
   * caller's row and a list page was 2 % of GET /tasks (issue 17). Never for finds or entities —
   * the root EntityManager refuses them (allowGlobalContext is off).
   */
  get db(): Em {
    if (this.#em) return this.#em;
    if (!this.orm) throw new Error('this app was built without a database (createApi without orm)');
    return this.orm.em as Em;
  }

  /** This request's own EntityManager (ARCHITECTURE rule 1: no identity map shared across requests). */
  get em(): Em {
    if (!this.#em) {
      if (!this.orm) throw new Error('this app was built without a database (createApi without orm)');
      this.#em = this.orm.em.fork() as Em;
    }
    return this.#em;
  }
}

/** What the accessors need of a Hono context of ApiEnv (context.ts), without importing it back. */
interface ScopedContext {
  get(key: 'scope'): RequestScope;
}

/** The request's child logger (reqId, method, path, ip). */
export const requestLog = (c: ScopedContext): Logger => c.get('scope').log;

/** The request's own EntityManager; routes that touch the database use it, never the root one. */
export const requestEm = (c: ScopedContext): Em => c.get('scope').em;

/** What the request's hand-written statements run on (see RequestScope.db); entities need requestEm. */
export const requestDb = (c: ScopedContext): Em => c.get('scope').db;
