import { describe, expect, it } from 'vitest';
import { listComments } from '../../src/features/tasks/comments.js';
import { tasksVersionKey } from '../../src/features/tasks/jobs/reminders.js';
import { Comment, Task } from '../../src/features/tasks/task.entities.js';
import { createAccount } from '../helpers/accounts.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';

const env = useTestEnvironment();
// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
const api = <T = any>(method: string, path: string, options: Parameters<typeof apiRequest>[3] = {}) =>
  apiRequest<T>(env.app, method, path, options);

const COMMENT_KEYS = ['author', 'createdAt', 'editedAt', 'id', 'taskId', 'text'];

async function setup(fields: Parameters<typeof createAccount>[1] = {}) {
  const account = await createAccount(env.services, fields);
  const res = await api('POST', '/tasks', { token: account.token, json: { title: 'Commented' } });
  expect(res.status).toBe(201);
  const taskId = res.body.id as string;
  const comment = async (text: string) => {
    const added = await api('POST', `/tasks/${taskId}/comments`, { token: account.token, json: { text } });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    return added.body as { id: string; text: string; editedAt: string | null };
  };
  const list = async (query = '') =>
    (await api('GET', `/tasks/${taskId}/comments${query}`, { token: account.token })).body;
  const texts = async () => (await list()).items.map((c: { text: string }) => c.text);
  const count = async () => (await env.em().findOneOrFail(Task, { id: taskId })).commentCount;
  return { ...account, taskId, comment, list, texts, count };
}

const commentQueries = () => env.db.queries.filter((q) => /from "comments"/.test(q)).length;

/**
 * The statements on the comments table sent while `action` ran, and how many rows PostgreSQL
 * returned for them: every statement goes through the driver's one connection, wrapped here.
 */
async function commentRowsRead(action: () => Promise<unknown>): Promise<{ statements: string[]; rows: number }> {
  const connection = env.db.orm.em.getDriver().getConnection('read');
  const original = connection.execute;
  const seen = { statements: [] as string[], rows: 0 };
  connection.execute = async function (this: typeof connection, ...args: Parameters<typeof original>) {
    const result = await original.apply(this, args);
    if (/from "comments"/.test(String(args[0]))) {
      seen.statements.push(String(args[0]));
      seen.rows += Array.isArray(result) ? result.length : 0;
    }
    return result;
  } as typeof original;
  try {
    await action();
  } finally {
    connection.execute = original;
  }
  return seen;
}

describe('comments over the API', () => {
  it('adds, lists (oldest first), edits and deletes, keeping the task’s count', async () => {
    const t = await setup({ firstName: 'Ann', username: 'ann_comments' });
    const first = await t.comment('  First <b>note</b>  ');
    expect(Object.keys(first).sort()).toEqual(COMMENT_KEYS);
    expect(first).toEqual({
      id: expect.stringMatching(/^\d+$/),
      taskId: t.taskId,
      author: { id: t.user.id, username: 'ann_comments', firstName: 'Ann' },
      text: 'First <b>note</b>',
      createdAt: expect.stringMatching(/Z$/),
      editedAt: null,
    });
    const second = await t.comment('Second');
    expect(await t.texts()).toEqual(['First <b>note</b>', 'Second']);
    expect(await t.count()).toBe(2);
    expect((await api('GET', `/tasks/${t.taskId}`, { token: t.token })).body.commentCount).toBe(2);

    const edited = await api('PATCH', `/tasks/${t.taskId}/comments/${first.id}`, {
      token: t.token,
      json: { text: 'First, edited' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ id: first.id, text: 'First, edited', editedAt: expect.stringMatching(/Z$/) });
    expect(await t.texts()).toEqual(['First, edited', 'Second']);
    expect(await t.count()).toBe(2);

    const removed = await api('DELETE', `/tasks/${t.taskId}/comments/${second.id}`, { token: t.token });
    expect(removed.status).toBe(204);
    expect(await t.texts()).toEqual(['First, edited']);
    expect(await t.count()).toBe(1);
    expect((await api('DELETE', `/tasks/${t.taskId}/comments/${second.id}`, { token: t.token })).status).toBe(404);
    expect(await t.count()).toBe(1);
  });

  it('counts comments added at the same time exactly', async () => {
    const t = await setup();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        api('POST', `/tasks/${t.taskId}/comments`, { token: t.token, json: { text: `parallel ${i}` } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(await t.count()).toBe(12);
    expect(await env.em().count(Comment, { task: t.taskId })).toBe(12);
  });

  it('accepts 2000 characters (emoji count as one) and keeps line breaks', async () => {
    const t = await setup();
    expect((await t.comment('🙂'.repeat(2000))).text).toHaveLength(4000);
    expect((await t.comment('line 1\nline 2')).text).toBe('line 1\nline 2');
  });

  it.each([
    [{}, 'text'],
    [{ text: '' }, 'text'],
    [{ text: ' \n ' }, 'text'],
    [{ text: 'x'.repeat(2001) }, 'text'],
    [{ text: '🙂'.repeat(2001) }, 'text'],
    [{ text: 42 }, 'text'],
    [{ text: null }, 'text'],
    [{ text: 'nul\u0000' }, 'text'],
    [{ text: 'rtl \u202E override' }, 'text'],
    [{ text: 'half \uDC00 pair' }, 'text'],
    [{ text: 'ok', author: '1' }, 'author'],
  ])('refuses %j with 422 validation_failed, for adding and editing, changing nothing', async (json, path) => {
    const t = await setup();
    const kept = await t.comment('kept');
    const before = await env.em().find(Comment, { task: t.taskId });
    for (const [method, url] of [
      ['POST', `/tasks/${t.taskId}/comments`],
      ['PATCH', `/tasks/${t.taskId}/comments/${kept.id}`],
    ] as const) {
      const res = await api(method, url, { token: t.token, json });
      expect(res.status, method).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ path, message: expect.any(String) })]),
      );
    }
    expect(await env.em().find(Comment, { task: t.taskId })).toEqual(before);
    expect(await t.count()).toBe(1);
  });

  it('pages oldest first with limit and cursor', async () => {
    const t = await setup();
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) ids.push((await t.comment(`c${i}`)).id);
    const page1 = await t.list('?limit=2');
    expect(page1.items.map((c: { id: string }) => c.id)).toEqual(ids.slice(0, 2));
    expect(page1.nextCursor).toBe(ids[1]);
    const page2 = await t.list(`?limit=2&cursor=${page1.nextCursor}`);
    expect(page2.items.map((c: { id: string }) => c.id)).toEqual(ids.slice(2, 4));
    const page3 = await t.list(`?limit=2&cursor=${page2.nextCursor}`);
    expect(page3.items.map((c: { id: string }) => c.id)).toEqual(ids.slice(4));
    expect(page3.nextCursor).toBeNull();
    expect((await t.list()).items).toHaveLength(5);
    expect((await t.list('?limit=5')).nextCursor).toBeNull();
    expect((await t.list(`?cursor=${ids[4]}`)).items).toEqual([]);
  });

  it('reads only the page in SQL: ?limit=1 on a task with 40 comments reads at most 2 rows', async () => {
    const t = await setup();
    const em = env.em();
    const task = await em.findOneOrFail(Task, { id: t.taskId });
    const rows = Array.from({ length: 40 }, (_, i) =>
      em.create(Comment, { task, author: t.user.id, text: `c${i + 1}` }),
    );
    await em.flush();
    const ids = rows.map((c) => c.id);

    let first: { items: Array<{ id: string; text: string }>; nextCursor: string | null } | undefined;
    const read = await commentRowsRead(async () => {
      first = await t.list('?limit=1');
    });
    expect(first).toEqual({ items: [expect.objectContaining({ id: ids[0], text: 'c1' })], nextCursor: ids[0] });
    expect(read.statements).toHaveLength(1);
    expect(read.rows).toBeLessThanOrEqual(2);

    // The next pages (keyset by id) read no more either, and the last one says there is no next.
    const second = await commentRowsRead(async () => {
      expect(await t.list(`?limit=1&cursor=${ids[0]}`)).toMatchObject({ items: [{ text: 'c2' }], nextCursor: ids[1] });
    });
    expect(second.rows).toBeLessThanOrEqual(2);
    const last = await commentRowsRead(async () => {
      expect(await t.list(`?limit=3&cursor=${ids[36]}`)).toMatchObject({
        items: [{ text: 'c38' }, { text: 'c39' }, { text: 'c40' }],
        nextCursor: null,
      });
    });
    expect(last.rows).toBeLessThanOrEqual(4);
  });

  it.each(['limit=0', 'limit=101', 'limit=x', 'cursor=abc', 'cursor=-5', 'cursor=99999999999999999999', 'status=done'])(
    'answers 422 for ?%s',
    async (query) => {
      const t = await setup();
      const res = await api('GET', `/tasks/${t.taskId}/comments?${query}`, { token: t.token });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
    },
  );

  it('edits and deletes only under the comment’s own task', async () => {
    const a = await setup();
    const c = await a.comment('on task A');
    const other = (await api('POST', '/tasks', { token: a.token, json: { title: 'B' } })).body.id;
    const res = await api('PATCH', `/tasks/${other}/comments/${c.id}`, { token: a.token, json: { text: 'x' } });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect(await a.texts()).toEqual(['on task A']);
  });
});

describe('the comment cache (the bot’s whole list)', () => {
  /** The list the bot's comment screens page (SPEC §2.2: cached in Redis per task). */
  const botList = (t: Awaited<ReturnType<typeof setup>>) =>
    listComments(env.em(), env.services.commentCache, t.user, t.taskId);
  const botTexts = async (t: Awaited<ReturnType<typeof setup>>) => (await botList(t)).map((c) => c.text);

  it('serves the second read from Redis, and every change shows at the next read', async () => {
    const t = await setup();
    const c1 = await t.comment('one');
    env.db.queries.length = 0;
    expect(await botTexts(t)).toEqual(['one']);
    expect(commentQueries()).toBe(1);
    expect(await env.services.redis.exists(`${env.services.keyPrefix}comments:${t.taskId}`)).toBe(1);
    env.db.queries.length = 0;
    expect(await botTexts(t)).toEqual(['one']);
    expect(commentQueries()).toBe(0);

    const c2 = await t.comment('two');
    expect(await botTexts(t)).toEqual(['one', 'two']);
    await api('PATCH', `/tasks/${t.taskId}/comments/${c1.id}`, { token: t.token, json: { text: 'one, edited' } });
    const afterEdit = await botList(t);
    expect(afterEdit.map((c) => c.text)).toEqual(['one, edited', 'two']);
    expect(afterEdit[0]?.editedAt).not.toBeNull();
    await api('DELETE', `/tasks/${t.taskId}/comments/${c2.id}`, { token: t.token });
    expect(await botTexts(t)).toEqual(['one, edited']);

    // Each of these reads after a change went to the database once, then the cache again.
    env.db.queries.length = 0;
    await botTexts(t);
    expect(commentQueries()).toBe(0);
  });

  it('keeps the dates and authors of cached comments intact', async () => {
    const t = await setup({ firstName: 'Cached' });
    await t.comment('x');
    const fromDb = await botList(t);
    const fromCache = await botList(t);
    expect(fromCache).toEqual(fromDb);
    expect(fromCache[0]?.createdAt).toBeInstanceOf(Date);
    expect(fromCache[0]?.author.firstName).toBe('Cached');
    // The API's page shows the same comment.
    expect((await t.list()).items[0]).toEqual({ ...fromDb[0], createdAt: fromDb[0]?.createdAt.toISOString() });
  });

  it('a reader racing a writer does not put back the list the writer dropped', async () => {
    const t = await setup();
    await t.comment('before');
    const cache = env.services.commentCache;
    await cache.invalidate(t.taskId);
    // A reader takes its stamp and reads the database...
    const stamp = await cache.stamp?.(t.taskId);
    expect(stamp).toBeDefined();
    const stale = await listComments(env.em(), { ...cache, set: async () => undefined }, t.user, t.taskId);
    // ...a writer adds a comment and drops the cache meanwhile...
    await t.comment('after');
    // ...and the reader's late write is refused.
    await cache.set(t.taskId, stale, stamp);
    expect(await cache.get(t.taskId)).toBeNull();
    expect(await botTexts(t)).toEqual(['before', 'after']);
    // An up-to-date stamp stores as before.
    expect(await cache.get(t.taskId)).toHaveLength(2);
  });

  it('adding and deleting a comment bump the version the bot’s task list checks', async () => {
    const t = await setup();
    const key = tasksVersionKey(env.services.keyPrefix, t.user.id);
    const v0 = Number(await env.services.redis.get(key));
    const c = await t.comment('x');
    const v1 = Number(await env.services.redis.get(key));
    expect(v1).toBeGreaterThan(v0);
    await api('DELETE', `/tasks/${t.taskId}/comments/${c.id}`, { token: t.token });
    expect(Number(await env.services.redis.get(key))).toBeGreaterThan(v1);
  });
});
