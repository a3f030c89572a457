import { mkdirSync } from 'node:fs';
import { type Configuration, DriverException, type EntityData, type EntityName } from '@mikro-orm/core';
import { MikroORM as PgliteOrm } from '@mikro-orm/pglite';
import {
  PostgreSqlConnection,
  PostgreSqlDriver,
  MikroORM as PostgresOrm,
  type SqlEntityManager,
} from '@mikro-orm/postgresql';
import type pg from 'pg';
import type { Logger } from '../logger.js';
import { CommitGroups } from './commit-groups.js';
import { releaseDeadConnections } from './dead-connections.js';
import { type EntityList, sharedOrmOptions } from './orm-options.js';
import { StatementLanes } from './statement-lanes.js';

export type Orm = PostgresOrm | PgliteOrm;
export type Em = SqlEntityManager;

export interface OrmSettings {
  /** Every entity class (src/entities.ts): the platform knows no feature's tables itself. */
  entities: EntityList;
  /** postgres:// URL; without it the embedded PGlite database in `pgliteDir` is used. */
  databaseUrl: string | undefined;
  pgliteDir: string;
  logger?: Logger;
  /** Called for every SQL statement; metrics and the query-count tests use it. */
  onQuery?: (sql: string) => void;
  /** Connection pool size for PostgreSQL. */
  poolSize?: number;
  /**
   * Pipelined connections for executePrepared's reads (statement-lanes.ts), and as many again for
   * its writes, committed in groups (commit-groups.ts), besides the pool; 0 sends both through the
   * pool. Default 2: measured on a 2-core machine, where two backends already keep PostgreSQL busy;
   * a database with cores to spare may use more.
   */
  statementLanes?: number;
}

/** What executePrepared sends on the lanes: reads. Other statements are writes, committed in groups. */
const READ = /^\s*select\s/i;

/**
 * The ORM's PostgreSQL connection, made to ride out a PostgreSQL restart (issue 18):
 *
 * - its transaction statements fail as its queries do. MikroORM converts a query's driver error
 *   (a DriverException carrying the socket code) but not one raised while a transaction is begun
 *   or committed: with PostgreSQL down, the pool's bare `connect ECONNREFUSED` came through, which
 *   unavailable.ts rightly does not take for the database's — so a request whose first statement
 *   opens a transaction (POST /auth/refresh) answered 500, and a worker loop starting one logged
 *   an error a second, instead of an outage;
 * - a pooled connection that dies while a transaction holds it goes back to the pool
 *   (dead-connections.ts) instead of filling it for ever.
 */
class OutageProofPostgreSqlConnection extends PostgreSqlConnection {
  override createKyselyDialect(overrides: pg.PoolConfig) {
    const { onPoolCreated } = overrides as { onPoolCreated?: (pool: pg.Pool) => unknown };
    return super.createKyselyDialect({
      ...overrides,
      onPoolCreated: (pool: pg.Pool) => {
        releaseDeadConnections(pool);
        return onPoolCreated?.(pool);
      },
    } as pg.PoolConfig);
  }

  override async begin(...args: Parameters<PostgreSqlConnection['begin']>) {
    try {
      return await super.begin(...args);
    } catch (err) {
      throw this.#converted(err);
    }
  }

  override async commit(...args: Parameters<PostgreSqlConnection['commit']>) {
    try {
      return await super.commit(...args);
    } catch (err) {
      throw this.#converted(err);
    }
  }

  #converted(err: unknown): unknown {
    return err instanceof DriverException || !(err instanceof Error)
      ? err
      : this.platform.getExceptionConverter().convertException(err);
  }
}

/**
 * The PostgreSQL driver, holding the ORM's statement lanes for reads and the commit groups for
 * writes (each on pipelined connections of its own; opened by createOrm, ended when the ORM closes).
 */
export class LanedPostgreSqlDriver extends PostgreSqlDriver {
  lanes?: StatementLanes;
  commits?: CommitGroups;
  #commitLanes?: StatementLanes;

  constructor(config: Configuration) {
    super(config);
    // PostgreSqlDriver names its connection class itself; ours replaces it before anything connects.
    (this as unknown as { connection: PostgreSqlConnection }).connection = new OutageProofPostgreSqlConnection(
      this.config,
    );
  }

  /** Opens `size` lanes for reads and `size` for grouped writes, with the options the pool's clients are made with. */
  async openLanes(size: number): Promise<void> {
    const pool = (await (this.getConnection() as PostgreSqlConnection).getNativeClient()) as unknown as pg.Pool & {
      options: pg.ClientConfig;
    };
    await this.#closeLanes();
    this.lanes = new StatementLanes(pool.options, size);
    this.#commitLanes = new StatementLanes(pool.options, size);
    const onQuery = this.config.get('onQuery');
    this.commits = new CommitGroups(
      this.#commitLanes,
      (statement) => pool.query(statement),
      (sql) => onQuery?.(sql, []),
    );
  }

  override async close(force?: boolean): Promise<void> {
    await this.#closeLanes();
    await super.close(force);
  }

  async #closeLanes(): Promise<void> {
    const lanes = [this.lanes, this.#commitLanes];
    this.lanes = undefined;
    this.#commitLanes = undefined;
    this.commits = undefined;
    await Promise.all(lanes.map((l) => l?.close()));
  }
}

export class DatabaseUnavailableError extends Error {
  constructor(
    readonly target: string,
    readonly reason: unknown,
  ) {
    super(`PostgreSQL is not reachable at ${target}`);
    this.name = 'DatabaseUnavailableError';
  }
}

/** Shows where we connect without the password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

export async function createOrm(settings: OrmSettings): Promise<Orm> {
  const onQuery = (sql: string) => {
    settings.onQuery?.(sql);
    return sql;
  };
  const log = settings.logger?.child({ component: 'orm' });
  const common = {
    ...sharedOrmOptions(settings.entities),
    onQuery,
    logger: (message: string) => log?.debug(message),
  };
  if (settings.databaseUrl) {
    const orm = new PostgresOrm({
      ...common,
      driver: LanedPostgreSqlDriver,
      clientUrl: settings.databaseUrl,
      pool: { min: 0, max: settings.poolSize ?? 10 },
    });
    try {
      await orm.connect();
      await orm.em.getConnection().execute('select 1');
    } catch (err) {
      await orm.close(true).catch(() => undefined);
      throw new DatabaseUnavailableError(describeDatabaseUrl(settings.databaseUrl), err);
    }
    const lanes = settings.statementLanes ?? 2;
    if (lanes > 0) await (orm.driver as LanedPostgreSqlDriver).openLanes(lanes);
    return orm;
  }
  mkdirSync(settings.pgliteDir, { recursive: true });
  const orm = new PgliteOrm({ ...common, dbName: settings.pgliteDir });
  await orm.connect();
  return orm;
}

/** Applies pending migrations. Safe to run from several processes: each migration runs in a transaction. */
export async function migrate(orm: Orm, log?: Logger): Promise<void> {
  const applied = await orm.migrator.up();
  if (applied.length > 0) log?.info({ migrations: applied.map((m) => m.name) }, 'database migrated');
}

/**
 * Runs raw SQL in `em`'s transaction when it has one. `getConnection().execute` alone takes a
 * fresh pooled connection, which inside `em.transactional` would wait on the transaction's own
 * row locks (a self-deadlock) and see none of its writes. Its errors are the driver's own; they
 * are converted as the ORM converts its own queries' errors, so an unreachable PostgreSQL is told
 * apart the same way (unavailable.ts) whichever way a query was made.
 */
export async function execute<T = Record<string, unknown>[]>(
  em: Em,
  sql: string,
  params: unknown[] = [],
  method: 'all' | 'get' | 'run' = 'all',
): Promise<T> {
  try {
    return (await em.getConnection().execute(sql, params, method, em.getTransactionContext())) as T;
  } catch (err) {
    throw asOrmError(em, err);
  }
}

/** A driver's error as the ORM converts its own queries' errors (unavailable.ts tells outages apart by them). */
function asOrmError(em: Em, err: unknown): unknown {
  return err instanceof DriverException || !(err instanceof Error) ? err : em.getDriver().convertException(err);
}

/**
 * A hot statement run as a named prepared statement of the `pg` driver: PostgreSQL plans it once
 * per connection instead of once per call, and the values travel as parameters instead of being
 * inlined into the text by the ORM. A WebSocket PM's statement (a CTE with an INSERT) spent more
 * time being formatted and planned than executed: 1.3 ms per PM against 0.4 ms prepared (issue 17).
 * `sql` uses `$1`-style placeholders (a value may be used more than once). Inside a transaction, or
 * on the embedded database of the sandbox, it runs through `execute` instead. Otherwise a read (a
 * statement that starts with `select`) is sent on the ORM's statement lanes (pipelined, batched per
 * tick; statement-lanes.ts) unless they decline it; a write is committed with the other writes of
 * its turn of the event loop in one transaction (commit-groups.ts: one socket write, one commit and
 * WAL flush for a burst of PMs; a group that fails is run again statement by statement, so each
 * caller gets its own answer). Counted by the ORM's query hook like every other statement (a
 * group's BEGIN and COMMIT too); errors converted as `execute`'s.
 */
export async function executePrepared<T = Record<string, unknown>>(
  em: Em,
  name: string,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  const connection = em.getConnection();
  if (em.getTransactionContext() || !(connection instanceof PostgreSqlConnection)) {
    const values: unknown[] = [];
    const positional = sql.replace(/\$(\d+)/g, (_, n: string) => {
      values.push(params[Number(n) - 1]);
      return '?';
    });
    return execute<T[]>(em, positional, values, 'all');
  }
  em.config.get('onQuery')?.(sql, params);
  try {
    const statement = { name, text: sql, values: params };
    const driver = em.getDriver();
    const laned = driver instanceof LanedPostgreSqlDriver ? driver : undefined;
    const sent = READ.test(sql) ? laned?.lanes?.query(statement) : laned?.commits?.query(statement);
    const result = await (sent ?? (await connection.getNativeClient()).query(statement));
    return result.rows as T[];
  } catch (err) {
    throw asOrmError(em, err);
  }
}

/** Statements `executeStatement` has named, by their `?`-style text (bounded: see below). */
const statements = new Map<string, { name: string; text: string }>();
/**
 * Distinct statements kept prepared. Each connection keeps what it prepared for its lifetime, so
 * the number of names is bounded; texts built from a bounded set of clauses (list filters, search
 * words, cursors) stay far below it, and any beyond it run through `execute`.
 */
const MAX_STATEMENTS = 256;

/**
 * `executePrepared` for SQL written with `?` placeholders (as `execute` takes them), named after
 * its text: for hot statements whose text is built from a few clauses (a task list's filters).
 * Every `?` of `sql` must be a placeholder (no `?` in literals, comments or jsonb operators).
 */
export function executeStatement<T = Record<string, unknown>>(em: Em, sql: string, params: unknown[]): Promise<T[]> {
  let statement = statements.get(sql);
  if (!statement) {
    if (statements.size >= MAX_STATEMENTS) return execute<T[]>(em, sql, params, 'all');
    let n = 0;
    statement = { name: `gd_statement_${statements.size + 1}`, text: sql.replace(/\?/g, () => `$${++n}`) };
    statements.set(sql, statement);
  }
  return executePrepared<T>(em, statement.name, statement.text, params);
}

/**
 * The columns of an entity's persisted, eagerly loaded properties, as `<alias>."<column>" as
 * "<prefix><column>"`: for a hot statement run with `executeStatement` whose rows are made entities
 * with `em.map` (`rowPart` takes one entity's columns back out of a joined row). By name rather than
 * `*`: a prepared `select *` fails ("cached plan must not change result type") in a process still
 * running when a deployment's migration adds a column.
 */
export function entityColumns(em: Em, entity: EntityName<object>, alias: string, prefix = ''): string {
  return em
    .getMetadata()
    .get(entity)
    .props.filter((prop) => prop.persist !== false && !prop.lazy && prop.fieldNames?.length)
    .flatMap((prop) => prop.fieldNames.map((column) => `${alias}."${column}" as "${prefix}${column}"`))
    .join(', ');
}

/** The columns of `row` named `<prefix><column>`, under their own names. */
export function rowPart(row: Record<string, unknown>, prefix: string): Record<string, unknown> {
  const part: Record<string, unknown> = {};
  for (const key in row) if (key.startsWith(prefix)) part[key.slice(prefix.length)] = row[key];
  return part;
}

/**
 * A row of `executeStatement` (columns by name) as a managed entity, as `em.map` makes it, except
 * that an entity the EntityManager already holds is returned as it is, with its unsaved changes,
 * as a find returns it (`em.map` would overwrite them with the row).
 */
export function mapRow<T extends object>(em: Em, entity: EntityName<T>, row: Record<string, unknown>): T {
  const data = em.getDriver().mapResult(row as EntityData<T>, em.getMetadata().get(entity)) as EntityData<T>;
  return em.merge(entity, data, { refresh: false, convertCustomTypes: true, validate: false }) as T;
}
