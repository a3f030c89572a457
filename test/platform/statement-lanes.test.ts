import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { entities } from '../../src/entities.js';
import { User } from '../../src/features/users/user.entity.js';
import { createOrm, executePrepared, type LanedPostgreSqlDriver } from '../../src/platform/db/orm.js';
import { StatementLanes } from '../../src/platform/db/statement-lanes.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

/**
 * The statement lanes (issue 17): executePrepared's statements pipelined on a few connections,
 * those of one tick in one socket write. What must hold: every statement gets its own answer, one
 * that fails fails alone, a lane whose connection dies is replaced, a lane too deep declines, and
 * the lanes end with the ORM.
 */
let db: TestDatabase;
const opened: StatementLanes[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(opened.splice(0).map((lanes) => lanes.close()));
});
afterAll(() => db?.drop());

function lanes(size: number, maxDepth?: number): StatementLanes {
  const made = new StatementLanes({ connectionString: db.url }, size, maxDepth);
  opened.push(made);
  return made;
}

/** Sends `text` with `values`; fails the test if the lanes decline it. */
function send<R extends Record<string, unknown>>(
  on: StatementLanes,
  name: string,
  text: string,
  values: unknown[] = [],
) {
  const sent = on.query<R>({ name, text, values });
  if (!sent) throw new Error('the lanes declined the statement');
  return sent;
}

const pidOf = async (on: StatementLanes) =>
  Number((await send<{ pid: number }>(on, 'lanes_pid', 'select pg_backend_pid() as pid')).rows[0]?.pid);

const backendAlive = async (pid: number) =>
  (await db.orm.em.getConnection().execute('select 1 from pg_stat_activity where pid = ?', [pid])).length === 1;

describe('statement lanes', () => {
  it('send the statements of one tick in one socket write, each answered with its own rows', async () => {
    const one = lanes(1);
    await pidOf(one); // the lane's connection is open
    const port = Number(new URL(db.url).port || 5432);
    const writev = vi.spyOn(net.Socket.prototype, '_writev');
    const write = vi.spyOn(net.Socket.prototype, '_write');
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => send<{ n: number }>(one, 'lanes_echo', 'select $1::int * 10 as n', [i])),
    );
    expect(answers.map((a) => a.rows)).toEqual(Array.from({ length: 10 }, (_, i) => [{ n: i * 10 }]));
    const toPostgres = (calls: { mock: { contexts: unknown[] } }) =>
      calls.mock.contexts.filter((socket) => (socket as net.Socket).remotePort === port).length;
    expect({ writev: toPostgres(writev), write: toPostgres(write) }).toEqual({ writev: 1, write: 0 });
  });

  it('a statement that fails fails alone; those sent with it are answered', async () => {
    const one = lanes(1);
    const results = await Promise.allSettled([
      send<{ n: number }>(one, 'lanes_one', 'select 1 as n'),
      send(one, 'lanes_divide', 'select 1 / $1::int as n', [0]),
      send<{ n: number }>(one, 'lanes_two', 'select 2 as n'),
    ]);
    expect(
      results.map((r) => (r.status === 'fulfilled' ? r.value.rows : (r.reason as { code?: string }).code)),
    ).toEqual([
      [{ n: 1 }],
      '22012', // division_by_zero
      [{ n: 2 }],
    ]);
    expect((await send<{ n: number }>(one, 'lanes_one', 'select 1 as n')).rows).toEqual([{ n: 1 }]);
    expect(one.open).toBe(1); // an SQL error is the statement's, not the connection's: the lane stays
  });

  it('spread statements over the lanes, opening one only when the others are busy', async () => {
    const two = lanes(2);
    expect(two.open).toBe(0);
    await pidOf(two);
    expect(two.open).toBe(1); // one statement at a time needs one connection
    const pids = await Promise.all([pidOf(two), pidOf(two), pidOf(two), pidOf(two)]);
    expect(two.open).toBe(2);
    expect(new Set(pids).size).toBe(2);
  });

  it('a lane whose connection dies: its statement in flight rejects at once, the others go on, the next statement opens a new lane', async () => {
    const two = lanes(2);
    const [first, second] = await Promise.all([pidOf(two), pidOf(two)]);
    const sleeping = send(two, 'lanes_sleep', 'select pg_sleep(30), pg_backend_pid() as pid');
    sleeping.catch(() => undefined);
    await vi.waitFor(async () => {
      const rows = await db.orm.em
        .getConnection()
        .execute<{ pid: number }[]>(`select pid from pg_stat_activity where query like 'select pg_sleep(30)%'`);
      expect(rows).toHaveLength(1);
    });
    const [{ pid: victim }] = (await db.orm.em
      .getConnection()
      .execute(`select pid from pg_stat_activity where query like 'select pg_sleep(30)%'`)) as [{ pid: number }];
    expect([first, second]).toContain(victim);
    const started = Date.now();
    await db.orm.em.getConnection().execute('select pg_terminate_backend(?)', [victim]);
    await expect(sleeping).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(10_000); // not after the 30 s sleep
    await vi.waitFor(() => expect(two.open).toBe(1));
    const survivor = first === victim ? second : first;
    expect(await pidOf(two)).toBe(survivor);
    const after = await Promise.all([pidOf(two), pidOf(two), pidOf(two)]);
    expect(two.open).toBe(2);
    expect(after.filter((pid) => pid !== survivor && pid !== victim).length).toBeGreaterThan(0);
  });

  it('decline a statement when every lane is maxDepth deep (the caller uses the pool)', async () => {
    const shallow = lanes(1, 2);
    await pidOf(shallow);
    const slow = [0, 1].map(() => send(shallow, 'lanes_nap', 'select pg_sleep(0.2)'));
    expect(shallow.query({ name: 'lanes_one', text: 'select 1 as n', values: [] })).toBeUndefined();
    await Promise.all(slow);
    expect((await send<{ n: number }>(shallow, 'lanes_one', 'select 1 as n')).rows).toEqual([{ n: 1 }]);
  });

  it('the ORM ends its lanes when it closes', async () => {
    const orm = await createOrm({ entities, databaseUrl: db.url, pgliteDir: '' });
    const ormLanes = (orm.driver as LanedPostgreSqlDriver).lanes;
    expect(ormLanes).toBeDefined();
    const [{ pid }] = (await executePrepared<{ pid: number }>(
      orm.em,
      'lanes_pid',
      'select pg_backend_pid() as pid',
      [],
    )) as [{ pid: number }];
    expect(ormLanes?.open).toBe(1);
    await orm.close();
    expect(ormLanes?.open).toBe(0);
    await vi.waitFor(async () => expect(await backendAlive(pid)).toBe(false));
  });

  it('close ends their connections; later statements decline', async () => {
    const two = lanes(2);
    const pids = await Promise.all([pidOf(two), pidOf(two)]);
    await two.close();
    expect(two.open).toBe(0);
    for (const pid of pids) await vi.waitFor(async () => expect(await backendAlive(pid)).toBe(false));
    expect(two.query({ name: 'lanes_one', text: 'select 1 as n', values: [] })).toBeUndefined();
  });

  it("executePrepared sends reads on the ORM's lanes outside transactions; writes, and anything in a transaction, elsewhere", async () => {
    const ormLanes = (db.orm.driver as LanedPostgreSqlDriver).lanes;
    if (!ormLanes) throw new Error('the ORM has no statement lanes');
    const sent = vi.spyOn(ormLanes, 'query');
    const em = db.orm.em.fork();
    const user = em.create(User, { firstName: 'Lane' });
    await em.flush();
    const seen = 'select (select count(*)::int from users where id = $1) as seen';
    expect(await executePrepared(db.orm.em, 'lanes_seen', seen, [user.id])).toEqual([{ seen: 1 }]);
    expect(sent).toHaveBeenCalledTimes(1);
    await em.transactional(async (tx) => {
      const mine = tx.create(User, { firstName: 'Uncommitted' });
      await tx.flush();
      // Sees the transaction's own row: its connection, not a lane.
      expect(await executePrepared(tx, 'lanes_seen', seen, [mine.id])).toEqual([{ seen: 1 }]);
    });
    expect(sent).toHaveBeenCalledTimes(1);
    // A write is not sent on the read lanes: a reader queued behind its commit would wait for the
    // flush (writes are committed in groups on connections of their own: commit-groups.test.ts).
    const rename = 'update users set first_name = $1 where id = $2 returning first_name';
    expect(await executePrepared(db.orm.em, 'lanes_rename', rename, ['Renamed', user.id])).toEqual([
      { first_name: 'Renamed' },
    ]);
    expect(sent).toHaveBeenCalledTimes(1);
  });
});
