import { describe, expect, it } from 'vitest';
import { tasksVersionKey } from '../../src/features/tasks/jobs/reminders.js';
import { taskSummaries } from '../../src/features/tasks/lists.js';
import { Comment, Task } from '../../src/features/tasks/task.entities.js';
import type { User } from '../../src/features/users/user.entity.js';
import { createAccount } from '../helpers/accounts.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';

const env = useTestEnvironment();
// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
const api = <T = any>(method: string, path: string, options: Parameters<typeof apiRequest>[3] = {}) =>
  apiRequest<T>(env.app, method, path, options);

const TASK_KEYS = [
  'assignee',
  'commentCount',
  'createdAt',
  'description',
  'dueAt',
  'id',
  'owner',
  'remindBefore',
  'status',
  'tags',
  'title',
  'updatedAt',
];
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

async function newTask(token: string, json: Record<string, unknown> = {}) {
  const res = await api('POST', '/tasks', { token, json: { title: 'A task', ...json } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; title: string; status: string; dueAt: string | null; updatedAt: string };
}

const rowsOf = (owner: User) => env.em().find(Task, { owner: owner.id }, { orderBy: { id: 'asc' } });
const countOf = (owner: User) => env.em().count(Task, { owner: owner.id });

describe('POST /tasks', () => {
  it('creates a task with every field and answers the SPEC §3.4 object', async () => {
    const { user, token } = await createAccount(env.services);
    const res = await api('POST', '/tasks', {
      token,
      json: {
        title: '  Renew   the passport ',
        description: 'Photos first,\nthen the form',
        status: 'in_progress',
        dueAt: '2030-12-01T18:00:00+03:00',
        tags: ['#Docs', 'urgent', 'docs', 'срочно'],
      },
    });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(TASK_KEYS);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^\d+$/),
      owner: { id: user.id, username: user.username, firstName: null },
      assignee: null,
      title: 'Renew the passport',
      description: 'Photos first,\nthen the form',
      status: 'in_progress',
      dueAt: '2030-12-01T15:00:00.000Z',
      remindBefore: null,
      tags: ['docs', 'urgent', 'срочно'],
      commentCount: 0,
      createdAt: expect.stringMatching(ISO_UTC),
      updatedAt: expect.stringMatching(ISO_UTC),
    });
    const [row] = await rowsOf(user);
    expect(row).toMatchObject({ id: res.body.id, title: 'Renew the passport', status: 'in_progress' });
    expect(row?.dueAt?.toISOString()).toBe('2030-12-01T15:00:00.000Z');
  });

  it('needs only a title; the rest has defaults', async () => {
    const { token } = await createAccount(env.services);
    const task = await newTask(token, { title: 'Only a title' });
    expect(task).toMatchObject({ description: '', status: 'todo', dueAt: null, tags: [], commentCount: 0 });
    expect(task.title).toBe('Only a title');
  });

  it('accepts the limits exactly, counted in characters (emoji and combined letters are one)', async () => {
    const { token } = await createAccount(env.services);
    const task = await newTask(token, {
      title: '😀'.repeat(200),
      description: 'ж'.repeat(4000),
      tags: Array.from({ length: 10 }, (_, i) => `${'t'.repeat(31)}${i}`),
    });
    expect([...task.title].length).toBe(200);
    // "e" + combining acute is normalised to one "é" (NFC) before counting.
    const combined = await newTask(token, { title: 'e\u0301'.repeat(200) });
    expect(combined.title).toBe('é'.repeat(200));
    // Duplicates (after "#" and case) do not count against the 10.
    const dupes = await newTask(token, { tags: [...Array(10).fill('same'), '#SAME', 'other'] });
    expect((await api('GET', `/tasks/${dupes.id}`, { token })).body.tags).toEqual(['same', 'other']);
  });

  it.each([
    ['no title', {}, 'title'],
    ['empty title', { title: '' }, 'title'],
    ['blank title', { title: ' \n\t ' }, 'title'],
    ['title of 201 characters', { title: 'x'.repeat(201) }, 'title'],
    ['title of 201 emoji', { title: '😀'.repeat(201) }, 'title'],
    ['title not a string', { title: 42 }, 'title'],
    ['title with NUL', { title: 'a\u0000b' }, 'title'],
    ['title with a bidi override', { title: 'invoice \u202Efdp.exe' }, 'title'],
    ['title with a lone surrogate', { title: 'a\uD800b' }, 'title'],
    ['description of 4001 characters', { title: 't', description: 'd'.repeat(4001) }, 'description'],
    ['description null', { title: 't', description: null }, 'description'],
    ['description with a control character', { title: 't', description: 'bell\u0007' }, 'description'],
    ['11 tags', { title: 't', tags: Array.from({ length: 11 }, (_, i) => `tag${i}`) }, 'tags'],
    ['tag of 33 characters', { title: 't', tags: ['t'.repeat(33)] }, 'tags'],
    ['tag with a space', { title: 't', tags: ['two words'] }, 'tags'],
    ['tag with punctuation', { title: 't', tags: ['<script>'] }, 'tags'],
    ['tags as a string', { title: 't', tags: 'a,b' }, 'tags'],
    ['tag not a string', { title: 't', tags: [1] }, 'tags.0'],
    ['unknown status', { title: 't', status: 'blocked' }, 'status'],
    ['dueAt in words', { title: 't', dueAt: 'tomorrow 9:00' }, 'dueAt'],
    ['dueAt without an offset', { title: 't', dueAt: '2030-01-01T10:00:00' }, 'dueAt'],
    ['dueAt as a number', { title: 't', dueAt: 1893456000000 }, 'dueAt'],
    ['dueAt in the past', { title: 't', dueAt: '2020-01-01T10:00:00Z' }, 'dueAt'],
    ['dueAt of an impossible day', { title: 't', dueAt: '2030-02-31T10:00:00Z' }, 'dueAt'],
    ['unknown field', { title: 't', priority: 'high' }, 'priority'],
    ['server-owned field', { title: 't', commentCount: 5 }, 'commentCount'],
    ['another owner', { title: 't', ownerId: '1' }, 'ownerId'],
  ])('refuses %s with 422 validation_failed and stores nothing', async (_name, json, path) => {
    const { user, token } = await createAccount(env.services);
    const res = await api('POST', '/tasks', { token, json });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path, message: expect.any(String) })]),
    );
    expect(await countOf(user)).toBe(0);
  });

  it('answers domain and zod problems in the same shape', async () => {
    const { token } = await createAccount(env.services);
    const zod = await api('POST', '/tasks', { token, json: { title: 7 } });
    const domain = await api('POST', '/tasks', { token, json: { title: 'x'.repeat(201) } });
    for (const res of [zod, domain]) {
      expect(Object.keys(res.body.error).sort()).toEqual(['code', 'details', 'message']);
    }
    expect(zod.body.error.details).toEqual([{ path: 'title', message: expect.any(String) }]);
    // A domain rule also names itself, for a client to say it in its own words.
    expect(domain.body.error.details).toEqual([{ path: 'title', message: expect.any(String), reason: 'too_long' }]);
    expect(domain.body.error.details[0].message).toContain('200');
  });

  it('400 for a body that is not JSON, 415 for another content type, 413 for a huge body, 401 without a token', async () => {
    const { user, token } = await createAccount(env.services);
    const broken = await api('POST', '/tasks', {
      token,
      body: '{"title": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_json');
    const form = await api('POST', '/tasks', {
      token,
      body: 'title=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    const huge = await api('POST', '/tasks', { token, json: { title: 't', description: 'd'.repeat(2 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    const anonymous = await api('POST', '/tasks', { json: { title: 't' } });
    expect(anonymous.status).toBe(401);
    expect(await countOf(user)).toBe(0);
  });
});

describe('GET /tasks', () => {
  it('lists only your own tasks, newest first, filtered by status', async () => {
    const { token } = await createAccount(env.services);
    const other = await createAccount(env.services);
    await newTask(other.token, { title: 'not yours' });
    const a = await newTask(token, { title: 'a', status: 'todo' });
    const b = await newTask(token, { title: 'b', status: 'in_progress' });
    const c = await newTask(token, { title: 'c', status: 'done' });
    const d = await newTask(token, { title: 'd' });
    const ids = async (query: string) =>
      (await api('GET', `/tasks${query}`, { token })).body.items.map((t: { id: string }) => t.id);
    expect(await ids('')).toEqual([d.id, c.id, b.id, a.id]);
    expect(await ids('?status=todo')).toEqual([d.id, a.id]);
    expect(await ids('?status=in_progress')).toEqual([b.id]);
    expect(await ids('?status=done')).toEqual([c.id]);
    expect(await ids('?status=open')).toEqual([d.id, b.id, a.id]);
    const res = await api('GET', '/tasks', { token });
    expect(res.body.nextCursor).toBeNull();
    expect(Object.keys(res.body.items[0]).sort()).toEqual(TASK_KEYS);
  });

  it('pages with limit and cursor, also within a filter, and defaults to 20', async () => {
    const { token } = await createAccount(env.services);
    const created: string[] = [];
    for (let i = 0; i < 25; i++) {
      created.push((await newTask(token, { title: `task ${i}`, status: i % 2 ? 'done' : 'todo' })).id);
    }
    const newestFirst = [...created].reverse();

    const first = await api('GET', '/tasks', { token });
    expect(first.body.items).toHaveLength(20);
    expect(first.body.nextCursor).toBe(newestFirst[19]);
    const rest = await api('GET', `/tasks?cursor=${first.body.nextCursor}`, { token });
    expect(rest.body.items.map((t: { id: string }) => t.id)).toEqual(newestFirst.slice(20));
    expect(rest.body.nextCursor).toBeNull();

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?status=done&limit=4${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await api<{ items: Array<{ id: string }>; nextCursor: string | null }>('GET', `/tasks${query}`, {
        token,
      });
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((t) => t.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(created.filter((_, i) => i % 2 === 1).reverse());
    expect(pages).toBe(3);

    const exact = await api('GET', '/tasks?limit=25', { token });
    expect(exact.body.items).toHaveLength(25);
    expect(exact.body.nextCursor).toBeNull();
    const max = await api('GET', '/tasks?limit=100', { token });
    expect(max.status).toBe(200);
  });

  it.each([
    'limit=0',
    'limit=101',
    'limit=-1',
    'limit=1.5',
    'limit=abc',
    'limit=',
    'cursor=abc',
    'cursor=-1',
    'cursor=',
    'cursor=1;drop',
    'cursor=9999999999999999999',
    'cursor=123456789012345678901234',
    'status=blocked',
    'status=',
    'status=todo&status=done',
    'page=2',
  ])('answers 422 validation_failed for ?%s', async (query) => {
    const { token } = await createAccount(env.services);
    const res = await api('GET', `/tasks?${query}`, { token });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details[0]).toEqual({ path: expect.any(String), message: expect.any(String) });
    // One reason per refused value: a string that is no cursor is not also "not a cursor of this list".
    if (query.startsWith('cursor=')) {
      expect(res.body.error.details).toEqual([{ path: 'cursor', message: 'Not a cursor returned by this endpoint' }]);
    }
  });
});

describe('GET, PATCH, DELETE /tasks/{id}', () => {
  it('reads a task', async () => {
    const { token } = await createAccount(env.services);
    const task = await newTask(token, { title: 'Read me', tags: ['x'] });
    const res = await api('GET', `/tasks/${task.id}`, { token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(task);
  });

  it.each(['999999', 'abc', '1.5', '-1', '0x10', '9999999999999999999', '1'.repeat(40), '%F0%9F%98%80'])(
    'answers 404 not_found for the id %s, like any unknown id',
    async (id) => {
      const { token } = await createAccount(env.services);
      for (const [method, path, json] of [
        ['GET', `/tasks/${id}`],
        ['PATCH', `/tasks/${id}`, { title: 'x' }],
        ['DELETE', `/tasks/${id}`],
        ['GET', `/tasks/${id}/comments`],
        ['POST', `/tasks/${id}/comments`, { text: 'x' }],
      ] as const) {
        const res = await api(method, path, { token, json });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.body).toEqual({ error: { code: 'not_found', message: 'No such task' } });
      }
    },
  );

  it('changes only the fields given', async () => {
    const { token } = await createAccount(env.services);
    const due = inDays(3).toISOString();
    const task = await newTask(token, { title: 'Before', description: 'keep', dueAt: due, tags: ['keep'] });
    await new Promise((r) => setTimeout(r, 5));
    const res = await api('PATCH', `/tasks/${task.id}`, { token, json: { title: 'After' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: 'After', description: 'keep', dueAt: due, tags: ['keep'], status: 'todo' });
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThan(Date.parse(task.updatedAt));
    expect((await api('GET', `/tasks/${task.id}`, { token })).body).toEqual(res.body);

    const status = await api('PATCH', `/tasks/${task.id}`, { token, json: { status: 'done', tags: [] } });
    expect(status.body).toMatchObject({ status: 'done', tags: [], title: 'After', dueAt: due });
    const cleared = await api('PATCH', `/tasks/${task.id}`, { token, json: { dueAt: null, description: '' } });
    expect(cleared.body).toMatchObject({ dueAt: null, description: '' });
    const moved = await api('PATCH', `/tasks/${task.id}`, { token, json: { dueAt: '2031-06-01T09:30:00-04:00' } });
    expect(moved.body.dueAt).toBe('2031-06-01T13:30:00.000Z');
    const nothing = await api('PATCH', `/tasks/${task.id}`, { token, json: {} });
    expect(nothing.status).toBe(200);
    expect(nothing.body).toEqual(moved.body);
  });

  it('keeps an unchanged due date even when it has passed since', async () => {
    const { user, token } = await createAccount(env.services);
    const task = await newTask(token);
    const past = new Date(Date.now() - 60_000);
    await env.em().nativeUpdate(Task, { id: task.id }, { dueAt: past });
    const res = await api('PATCH', `/tasks/${task.id}`, { token, json: { dueAt: past.toISOString(), title: 'Still' } });
    expect(res.status).toBe(200);
    expect((await rowsOf(user))[0]?.title).toBe('Still');
  });

  it.each([
    [{ title: '' }, 'title'],
    [{ title: 'ok', dueAt: '2001-01-01T00:00:00Z' }, 'dueAt'],
    [{ title: 'ok', tags: ['fine', 'not fine'] }, 'tags'],
    [{ status: 'archived' }, 'status'],
    [{ commentCount: 0 }, 'commentCount'],
    [{ id: '1' }, 'id'],
    [{ description: 'x'.repeat(4001) }, 'description'],
  ])('refuses %j with 422 and changes nothing', async (json, path) => {
    const { user, token } = await createAccount(env.services);
    const task = await newTask(token, { title: 'Unchanged', tags: ['a'] });
    const before = await rowsOf(user);
    const res = await api('PATCH', `/tasks/${task.id}`, { token, json });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path, message: expect.any(String) })]),
    );
    expect(await rowsOf(user)).toEqual(before);
  });

  it('deletes a task with its comments', async () => {
    const { user, token } = await createAccount(env.services);
    const task = await newTask(token);
    await api('POST', `/tasks/${task.id}/comments`, { token, json: { text: 'bye' } });
    const res = await api('DELETE', `/tasks/${task.id}`, { token });
    expect(res.status).toBe(204);
    expect(res.body).toBe('');
    expect(await countOf(user)).toBe(0);
    expect(await env.em().count(Comment, { task: task.id })).toBe(0);
    expect((await api('GET', `/tasks/${task.id}`, { token })).status).toBe(404);
    expect((await api('DELETE', `/tasks/${task.id}`, { token })).status).toBe(404);
  });
});

describe('what the bot sees', () => {
  it('every change over the API bumps the version the bot’s list checks, and the bot reads the new state', async () => {
    const { user, token } = await createAccount(env.services);
    const key = tasksVersionKey(env.services.keyPrefix, user.id);
    const version = async () => Number((await env.services.redis.get(key)) ?? 0);
    const steps: Array<[string, () => Promise<unknown>]> = [];
    let id = '';
    let commentId = '';
    steps.push(['create', async () => (id = (await newTask(token, { title: 'v1' })).id)]);
    steps.push(['update', () => api('PATCH', `/tasks/${id}`, { token, json: { title: 'v2', status: 'done' } })]);
    steps.push([
      'comment',
      async () => (commentId = (await api('POST', `/tasks/${id}/comments`, { token, json: { text: 'c' } })).body.id),
    ]);
    steps.push(['uncomment', () => api('DELETE', `/tasks/${id}/comments/${commentId}`, { token })]);
    steps.push(['delete', () => api('DELETE', `/tasks/${id}`, { token })]);
    let last = await version();
    for (const [name, step] of steps) {
      await step();
      const now = await version();
      expect(now, name).toBeGreaterThan(last);
      last = now;
      if (name === 'update') {
        expect(await taskSummaries(env.em(), user.id)).toEqual([{ id, title: 'v2', status: 'done', dueAt: null }]);
      }
    }
    expect(await taskSummaries(env.em(), user.id)).toEqual([]);
  });

  it('a refused change does not bump the version', async () => {
    const { user, token } = await createAccount(env.services);
    const task = await newTask(token);
    const key = tasksVersionKey(env.services.keyPrefix, user.id);
    const before = await env.services.redis.get(key);
    await api('PATCH', `/tasks/${task.id}`, { token, json: { title: '' } });
    await api('POST', '/tasks', { token, json: { title: '' } });
    expect(await env.services.redis.get(key)).toBe(before);
  });
});

describe('OpenAPI', () => {
  it('documents every task and comment route with tag, bearer security, statuses and examples', async () => {
    const doc = (await api('GET', '/openapi.json')).body;
    const expected: Record<string, Record<string, string[]>> = {
      '/tasks': {
        get: ['200', '401', '403', '422'],
        post: ['201', '400', '401', '403', '413', '415', '422', '429'],
      },
      '/tasks/{id}': {
        get: ['200', '401', '403', '404'],
        patch: ['200', '400', '401', '403', '404', '413', '415', '422'],
        delete: ['204', '401', '403', '404', '413'],
      },
      '/tasks/{id}/comments': {
        get: ['200', '401', '403', '404', '422'],
        post: ['201', '400', '401', '403', '404', '413', '415', '422', '429'],
      },
      '/tasks/{id}/comments/{commentId}': {
        patch: ['200', '400', '401', '403', '404', '413', '415', '422'],
        delete: ['204', '401', '403', '404', '413'],
      },
    };
    for (const [path, methods] of Object.entries(expected)) {
      for (const [method, statuses] of Object.entries(methods)) {
        const op = doc.paths[path]?.[method];
        expect(op, `${method} ${path}`).toBeDefined();
        expect(op.tags).toEqual(['Tasks']);
        expect(op.security).toEqual([{ bearerAuth: [] }]);
        expect(op.summary).toBeTruthy();
        expect(op.description).toMatch(/tasks:(read|write)/);
        // And 503 while PostgreSQL or Redis is away, shared by every operation that needs them.
        expect(Object.keys(op.responses).sort()).toEqual([...statuses, '503']);
        type Media = { example?: unknown; schema?: { $ref?: string } };
        type Response = {
          $ref?: string;
          description?: string;
          headers?: Record<string, unknown>;
          content?: Record<string, Media>;
        };
        for (const [status, listed] of Object.entries(op.responses as Record<string, Response>)) {
          const response: Response = listed.$ref
            ? doc.components.responses[listed.$ref.split('/').pop() ?? '']
            : listed;
          expect(response.description, `${method} ${path} ${status}`).toBeTruthy();
          const media = response.content?.['application/json'];
          // The limits of new tasks and comments say when to come back.
          if (status === '429') expect(Object.keys(listed.headers ?? {}), `${method} ${path}`).toEqual(['Retry-After']);
          if (/^[45]/.test(status)) expect(media?.example, `${method} ${path} ${status}`).toBeDefined();
          else if (media)
            expect(doc.components.schemas[media.schema?.$ref?.split('/').pop() ?? '']?.example).toBeDefined();
        }
      }
    }
    expect(doc.components.schemas.Task.required.sort()).toEqual(TASK_KEYS);
    expect(doc.components.schemas.Comment.required.sort()).toEqual([
      'author',
      'createdAt',
      'editedAt',
      'id',
      'taskId',
      'text',
    ]);
    expect(doc.components.schemas.CreateTask.additionalProperties).toBe(false);
  });
});
