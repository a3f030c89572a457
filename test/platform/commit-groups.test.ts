import net from 'node:net';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CommitGroups } from '../../src/platform/db/commit-groups.js';
import { executePrepared, type LanedPostgreSqlDriver } from '../../src/platform/db/orm.js';
import { type Statement, StatementLanes } from '../../src/platform/db/statement-lanes.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

/**
 * Commit groups (issue 17): executePrepared's writes of one event-loop turn committed in one
 * transaction. What must hold: each caller gets its own rows or its own error, as through the
 * pool; a group a statement fails in is run again statement by statement (each stored once); a
 * group whose COMMIT is lost with its connection is not run again (it might have committed).
 */
let db: TestDatabase;
let pool: pg.Pool;
const opened: StatementLanes[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  await pool.query(`
    create table group_probe (id serial primary key, x int not null check (x < 100));
    -- A COMMIT that takes its time: a row with x = 42 sleeps in a deferred trigger, run at COMMIT.
    create function group_probe_slow_commit() returns trigger language plpgsql as $$
      begin if new.x = 42 then perform pg_sleep(30); end if; return null; end $$;
    create constraint trigger group_probe_slow_commit after insert on group_probe
      deferrable initially deferred for each row execute function group_probe_slow_commit();`);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(opened.splice(0).map((lanes) => lanes.close()));
  await pool.query('truncate group_probe');
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

function groups(maxGroup?: number) {
  const lanes = new StatementLanes({ connectionString: db.url }, 2);
  opened.push(lanes);
  const alone = vi.fn((statement: Statement) => pool.query(statement));
  const seen: string[] = [];
  const commits = new CommitGroups(lanes, alone, (sql) => seen.push(sql), maxGroup);
  return { commits, alone, seen, lanes };
}

const insert = (x: number): Statement => ({
  name: 'group_probe_insert',
  text: 'insert into group_probe (x) values ($1) returning x, xmin::text as tx',
  values: [x],
});

type Inserted = { x: number; tx: string };
const stored = async () =>
  (await pool.query<{ x: number }>('select x from group_probe order by id')).rows.map((row) => row.x);
const txOf = (answer: PromiseSettledResult<pg.QueryResult<Inserted>>) =>
  answer.status === 'fulfilled' ? [answer.value.rows[0]?.tx] : [];

describe('commit groups', () => {
  it('commit the writes of one turn as one transaction in one socket write; each caller gets its own rows', async () => {
    const { commits, alone, seen } = groups();
    await commits.query(insert(0)); // the connection is open
    seen.length = 0;
    const port = Number(new URL(db.url).port || 5432);
    const writev = vi.spyOn(net.Socket.prototype, '_writev');
    const write = vi.spyOn(net.Socket.prototype, '_write');
    const answers = await Promise.all([1, 2, 3, 4, 5].map((x) => commits.query<Inserted>(insert(x))));
    expect(answers.map((a) => a.rows.map((row) => row.x))).toEqual([[1], [2], [3], [4], [5]]);
    // Rows inserted by one transaction carry its id.
    expect(new Set(answers.map((a) => a.rows[0]?.tx)).size).toBe(1);
    const toPostgres = (calls: { mock: { contexts: unknown[] } }) =>
      calls.mock.contexts.filter((socket) => (socket as net.Socket).remotePort === port).length;
    expect(toPostgres(writev) + toPostgres(write)).toBe(1);
    expect(seen).toEqual(['begin', 'commit']);
    expect(alone).not.toHaveBeenCalled();
    expect(await stored()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('send a write alone in its turn on its own, without BEGIN and COMMIT', async () => {
    const { commits, seen } = groups();
    const first = await commits.query<Inserted>(insert(7));
    const second = await commits.query<Inserted>(insert(8));
    expect([first.rows[0]?.x, second.rows[0]?.x]).toEqual([7, 8]);
    expect(first.rows[0]?.tx).not.toBe(second.rows[0]?.tx);
    expect(seen).toEqual([]);
  });

  it('a statement that fails: its group is run again statement by statement, each stored once, the failing one gets its own error', async () => {
    const { commits, alone } = groups();
    const results = await Promise.allSettled([1, 2, 500, 3].map((x) => commits.query<Inserted>(insert(x))));
    expect(
      results.map((r) => (r.status === 'fulfilled' ? r.value.rows[0]?.x : (r.reason as { code?: string }).code)),
    ).toEqual([
      1,
      2,
      '23514', // check_violation
      3,
    ]);
    expect(alone).toHaveBeenCalledTimes(4);
    // Each stored once, in the order they came (ids keep it), each in a transaction of its own.
    expect(await stored()).toEqual([1, 2, 3]);
    expect(new Set(results.flatMap(txOf)).size).toBe(3);
  });

  it('a group whose connection is lost during its COMMIT: every statement rejects and none is run again', async () => {
    const { commits, alone, lanes } = groups();
    const results = Promise.allSettled([5, 42, 6].map((x) => commits.query<Inserted>(insert(x))));
    const committing = async () =>
      (
        await pool.query<{ pid: number }>(
          `select pid from pg_stat_activity where query = 'commit' and state = 'active' and datname = current_database()`,
        )
      ).rows;
    await vi.waitFor(async () => expect(await committing()).toHaveLength(1), { timeout: 5_000 });
    const [{ pid }] = (await committing()) as [{ pid: number }];
    await pool.query('select pg_terminate_backend($1)', [pid]);
    const settled = await results;
    expect(settled.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(alone).not.toHaveBeenCalled();
    expect(await stored()).toEqual([]);
    // The next write opens a new connection.
    await vi.waitFor(() => expect(lanes.open).toBe(0));
    expect((await commits.query<Inserted>(insert(9))).rows[0]?.x).toBe(9);
  });

  it('split a turn of more statements than a group holds into several transactions', async () => {
    const { commits, alone, seen } = groups(3);
    const answers = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((x) => commits.query<Inserted>(insert(x))));
    expect(answers.map((a) => a.rows[0]?.x)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const txs = answers.map((a) => a.rows[0]?.tx);
    // 3 + 3 together, the seventh alone.
    expect([new Set(txs.slice(0, 3)).size, new Set(txs.slice(3, 6)).size, new Set(txs).size]).toEqual([1, 1, 3]);
    expect(seen).toEqual(['begin', 'commit', 'begin', 'commit']);
    expect(alone).not.toHaveBeenCalled();
  });

  it('once its connections are closed, send every statement alone through the pool', async () => {
    const { commits, alone, lanes } = groups();
    await lanes.close();
    const answers = await Promise.all([1, 2].map((x) => commits.query<Inserted>(insert(x))));
    expect(answers.map((a) => a.rows[0]?.x)).toEqual([1, 2]);
    expect(alone).toHaveBeenCalledTimes(2);
    expect(await stored()).toEqual([1, 2]);
  });

  it("executePrepared commits its writes in the ORM's commit groups, and reads on the lanes", async () => {
    const driver = db.orm.driver as LanedPostgreSqlDriver;
    if (!driver.commits || !driver.lanes) throw new Error('the ORM has no commit groups');
    const grouped = vi.spyOn(driver.commits, 'query');
    const read = vi.spyOn(driver.lanes, 'query');
    const text = 'insert into group_probe (x) values ($1) returning x, xmin::text as tx';
    const rows = await Promise.all(
      [11, 12, 13].map((x) => executePrepared<Inserted>(db.orm.em, 'group_probe_insert', text, [x])),
    );
    expect(rows.map(([row]) => row?.x)).toEqual([11, 12, 13]);
    expect(new Set(rows.map(([row]) => row?.tx)).size).toBe(1);
    expect(grouped).toHaveBeenCalledTimes(3);
    expect(read).not.toHaveBeenCalled();
    await executePrepared(db.orm.em, 'group_probe_count', 'select count(*)::int as n from group_probe', []);
    expect(read).toHaveBeenCalledTimes(1);
    expect(grouped).toHaveBeenCalledTimes(3);
  });
});
