import { ForeignKeyConstraintViolationException } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Task } from '../../src/features/tasks/task.entities.js';
import { getVisibleTask } from '../../src/features/tasks/tasks.js';
import { User } from '../../src/features/users/user.entity.js';
import { executePrepared } from '../../src/platform/db/orm.js';
import { createAccount } from '../helpers/accounts.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';

/**
 * executePrepared (issue 17): a hot statement as a named prepared statement of the pg driver. It
 * must behave as `execute` does: the same rows, counted like every statement, errors converted
 * as the ORM's, and inside a transaction it runs on the transaction's connection.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

const ADD = `insert into messages (kind, from_id, to_id, text, sent_at) values ('pm', $1, $2, $3, now())
             returning id, text, from_id = $1 as same_sender`;

describe('executePrepared', () => {
  it('answers the same rows every time (a value used twice), each call counted as a statement', async () => {
    const em = db.orm.em.fork();
    const [a, b] = [em.create(User, { firstName: 'A' }), em.create(User, { firstName: 'B' })];
    await em.flush();
    db.queries.length = 0;
    for (const text of ['one', 'two', 'три ✓']) {
      const rows = await executePrepared<{ id: string; text: string; same_sender: boolean }>(
        db.orm.em,
        'test_add_message',
        ADD,
        [a.id, b.id, text],
      );
      expect(rows).toEqual([{ id: expect.any(String), text, same_sender: true }]);
    }
    expect(db.queries).toHaveLength(3);
    const stored = await db.orm.em
      .fork()
      .getConnection()
      .execute<{ text: string }[]>('select text from messages order by id');
    expect(stored.map((r: { text: string }) => r.text)).toEqual(['one', 'two', 'три ✓']);
  });

  it('inside a transaction, sees its writes and is undone with it', async () => {
    const em = db.orm.em.fork();
    const before = await em.count(User);
    await expect(
      em.transactional(async (tx) => {
        const user = tx.create(User, { firstName: 'In a transaction' });
        await tx.flush();
        // On another connection the uncommitted user would not exist and the insert would fail.
        const rows = await executePrepared(tx, 'test_add_message', ADD, [user.id, user.id, 'inside']);
        expect(rows).toHaveLength(1);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await db.orm.em.fork().count(User)).toBe(before);
    expect(await db.orm.em.fork().getConnection().execute(`select 1 from messages where text = 'inside'`)).toEqual([]);
  });

  it("converts the driver's errors as the ORM does", async () => {
    await expect(
      executePrepared(db.orm.em, 'test_add_message', ADD, ['999999999', '999999998', 'x']),
    ).rejects.toBeInstanceOf(ForeignKeyConstraintViolationException);
  });
});

describe('the caller read by a prepared statement', () => {
  const env = useTestEnvironment();

  it('keeps answering when a migration adds a column to users while the process runs', async () => {
    const { token } = await createAccount(env.services, { username: 'rolling' });
    expect((await apiRequest(env.app, 'GET', '/users/me', { token })).status).toBe(200);
    // A deployment's migration, run by the new version while this process still serves.
    await env.em().getConnection().execute('alter table users add column added_by_a_later_version int');
    const after = await apiRequest(env.app, 'GET', '/users/me', { token });
    expect(after.status).toBe(200);
    expect(after.body.username).toBe('rolling');
  });
});

describe('a task read by one prepared statement (getVisibleTask) as entities', () => {
  it('gives the task with its owner and assignee as the entities of the EntityManager, keeps unsaved changes, and hides it from others', async () => {
    const em = db.orm.em.fork();
    const [owner, assignee, stranger] = [
      em.create(User, { firstName: 'Owner', tags: ['a', 'b'] }),
      em.create(User, { firstName: 'Assignee' }),
      em.create(User, { firstName: 'Stranger' }),
    ];
    const task = em.create(Task, {
      owner,
      assignee,
      title: 'Shared',
      tags: ['x'],
      dueAt: new Date('2027-01-02T03:04:05Z'),
    });
    await em.flush();

    const reader = db.orm.em.fork();
    const held = await reader.findOneOrFail(User, { id: owner.id });
    held.firstName = 'Not saved yet';
    const read = await getVisibleTask(reader, { id: assignee.id }, task.id);
    expect(read.title).toBe('Shared');
    expect(read.tags).toEqual(['x']);
    expect(read.dueAt?.toISOString()).toBe('2027-01-02T03:04:05.000Z');
    // The owner is the entity this EntityManager already held, its unsaved change kept.
    expect(read.owner).toBe(held);
    expect(read.owner.firstName).toBe('Not saved yet');
    expect(read.assignee?.firstName).toBe('Assignee');
    expect(read.assignee?.id).toBe(assignee.id);
    // Owner and assignee see it; anyone else and a malformed id get "not found".
    expect((await getVisibleTask(db.orm.em.fork(), { id: owner.id }, task.id)).owner.tags).toEqual(['a', 'b']);
    await expect(getVisibleTask(db.orm.em.fork(), { id: stranger.id }, task.id)).rejects.toThrow(/No such task/);
    await expect(getVisibleTask(db.orm.em.fork(), { id: owner.id }, 'x1')).rejects.toThrow(/No such task/);
    // A change to the read task is flushed as an ORM change (the entity is managed).
    read.title = 'Renamed';
    await reader.flush();
    expect((await db.orm.em.fork().findOneOrFail(Task, { id: task.id })).title).toBe('Renamed');
  });
});
