import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entities } from '../../src/entities.js';
import { createOrm, execute, type Orm } from '../../src/platform/db/orm.js';
import { isDatabaseUnavailable } from '../../src/platform/db/unavailable.js';
import { createThrowawayPostgres, type ThrowawayPostgres } from '../helpers/throwaway-postgres.js';

/**
 * Issue 18: a PostgreSQL restart under transactions. kysely (under MikroORM) gives a transaction's
 * connection back to the pool only when its BEGIN, COMMIT or ROLLBACK succeeds; on a restart none
 * can, so every connection a transaction held — or that a BEGIN was sent on while it was already
 * dead — stayed checked out for ever, and once they filled the pool every later statement waited
 * for ever: after PostgreSQL was back the process still hung (a test without the fix times out
 * at the first statement after the restart). Each round fills the whole pool (two connections).
 * The database that is stopped is a throwaway cluster of this file's own.
 */
let pg: ThrowawayPostgres;
let orm: Orm;

beforeAll(async () => {
  pg = await createThrowawayPostgres();
  orm = await createOrm({ entities, databaseUrl: pg.url, pgliteDir: '', poolSize: 2, statementLanes: 0 });
}, 120_000);

afterAll(async () => {
  await orm?.close(true);
  await pg?.close();
}, 60_000);

const inTransaction = (sql: string) =>
  orm.em
    .fork()
    .transactional((tx) => execute(tx, sql))
    .then(
      () => 'committed',
      (err: unknown) => (isDatabaseUnavailable(err) ? 'unavailable' : err),
    );

const answers = async () => execute<Array<{ answer: number }>>(orm.em.fork(), 'select 42 as answer');

describe('the ORM through a PostgreSQL restart', () => {
  it('transactions cut by the restart fail as an outage and give their connections back', async () => {
    const cut = [inTransaction('select pg_sleep(30)'), inTransaction('select pg_sleep(30)')];
    // Both are running, holding the pool's two connections (asked on another ORM's connection).
    for (let i = 0; i < 100; i++) {
      const running = await pg.orm.em
        .fork()
        .getConnection()
        .execute(`select count(*)::int as n from pg_stat_activity where query = 'select pg_sleep(30)'`)
        .catch(() => [{ n: 0 }]);
      if (running[0]?.n === 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    pg.stop();
    expect(await Promise.all(cut)).toEqual(['unavailable', 'unavailable']);
    pg.start();
    expect(await answers()).toEqual([{ answer: 42 }]);
    expect(await inTransaction('select 1')).toBe('committed');
  }, 60_000);

  it('a BEGIN sent on connections that died idle fails as an outage and gives them back', async () => {
    // Two idle connections in the pool, both killed by the restart (this process blocked meanwhile,
    // so the pool has not yet heard of it when the BEGINs go out on them).
    await Promise.all([inTransaction('select pg_sleep(0.1)'), inTransaction('select pg_sleep(0.1)')]);
    pg.stop();
    pg.start();
    expect(await Promise.all([inTransaction('select 1'), inTransaction('select 1')])).toEqual([
      'unavailable',
      'unavailable',
    ]);
    expect(await answers()).toEqual([{ answer: 42 }]);
    expect(await inTransaction('select 1')).toBe('committed');
  }, 60_000);
});
