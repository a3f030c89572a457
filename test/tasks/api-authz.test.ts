import { beforeAll, describe, expect, it } from 'vitest';
import { REMINDERS_QUEUE, tasksVersionKey } from '../../src/features/tasks/jobs/reminders.js';
import { Comment, Task } from '../../src/features/tasks/task.entities.js';
import type { User } from '../../src/features/users/user.entity.js';
import { createAccount } from '../helpers/accounts.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { serviceKeyPair, serviceToken as signServiceToken } from '../helpers/service-keys.js';
import { apiRequest } from '../helpers/services.js';

/**
 * SPEC §3.4: only the owner sees and changes a task, only a comment's author edits or deletes
 * it, and everyone else gets 404 — the same answer as for an id that does not exist — with
 * nothing changed. Plus the scopes of trusted service tokens (SPEC §3.7).
 */

const services = {
  reader: serviceKeyPair(),
  writer: serviceKeyPair(),
  profiler: serviceKeyPair(),
  all: serviceKeyPair(),
};

const env = useTestEnvironment({
  env: {
    SERVICE_KEYS: JSON.stringify({
      reader: { jwk: services.reader.publicJwk, scopes: ['tasks:read'] },
      writer: { jwk: services.writer.publicJwk, scopes: ['tasks:write'] },
      profiler: { jwk: services.profiler.publicJwk, scopes: ['profile:read', 'profile:write', 'messages:write'] },
      all: services.all.publicJwk,
    }),
  },
});

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
const api = <T = any>(method: string, path: string, options: Parameters<typeof apiRequest>[3] = {}) =>
  apiRequest<T>(env.app, method, path, options);

const serviceToken = (service: keyof typeof services, userId: string) =>
  signServiceToken(service, services[service].privateKey, userId);

interface Fixture {
  owner: { user: User; token: string };
  intruder: { user: User; token: string };
  taskId: string;
  commentId: string;
  secondTaskId: string;
  intruderTaskId: string;
}
let f: Fixture;

beforeAll(async () => {
  const owner = await createAccount(env.services, { firstName: 'Owner' });
  const intruder = await createAccount(env.services, { firstName: 'Intruder' });
  const post = async (token: string, path: string, json: unknown) => {
    const res = await api('POST', path, { token, json });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const taskId = await post(owner.token, '/tasks', {
    title: 'Secret plan',
    description: 'nobody else',
    dueAt: new Date(Date.now() + 86_400_000).toISOString(),
    tags: ['secret'],
  });
  const commentId = await post(owner.token, `/tasks/${taskId}/comments`, { text: 'first' });
  const secondTaskId = await post(owner.token, '/tasks', { title: 'Another of mine' });
  const intruderTaskId = await post(intruder.token, '/tasks', { title: 'Intruder’s own' });
  f = { owner, intruder, taskId, commentId, secondTaskId, intruderTaskId };
});

/** Everything a request could have changed: the rows, the reminder job, the cache and the bot's version keys. */
async function snapshot() {
  const em = env.em();
  const tasks = await em.find(Task, {}, { orderBy: { id: 'asc' } });
  const comments = await em.find(Comment, {}, { orderBy: { id: 'asc' } });
  const job = await env.services.jobs.queue(REMINDERS_QUEUE).getJob(`reminder-${f.taskId}`);
  const redis = env.services.redis;
  return JSON.stringify({
    tasks: tasks.map((t) => ({ ...t, owner: t.owner.id })),
    comments: comments.map((c) => ({ ...c, task: c.task.id, author: c.author.id })),
    job: job ? { id: job.id, data: job.data, delay: job.delay } : null,
    versions: await Promise.all(
      [f.owner.user.id, f.intruder.user.id].map((id) => redis.get(tasksVersionKey(env.services.keyPrefix, id))),
    ),
    cached: await redis.get(`${env.services.keyPrefix}comments:${f.taskId}`),
  });
}

type Call = [method: string, path: (ids: Fixture) => string, json?: unknown];

/** Every task and comment route, addressed with the owner's ids. */
const ROUTES: Call[] = [
  ['GET', (x) => `/tasks/${x.taskId}`],
  ['PATCH', (x) => `/tasks/${x.taskId}`, { title: 'Hijacked', status: 'done' }],
  ['PATCH', (x) => `/tasks/${x.taskId}`, {}],
  ['DELETE', (x) => `/tasks/${x.taskId}`],
  ['GET', (x) => `/tasks/${x.taskId}/comments`],
  ['POST', (x) => `/tasks/${x.taskId}/comments`, { text: 'I was here' }],
  ['PATCH', (x) => `/tasks/${x.taskId}/comments/${x.commentId}`, { text: 'Hijacked' }],
  ['DELETE', (x) => `/tasks/${x.taskId}/comments/${x.commentId}`],
  // The owner's comment through a task the intruder does own.
  ['PATCH', (x) => `/tasks/${x.intruderTaskId}/comments/${x.commentId}`, { text: 'Hijacked' }],
  ['DELETE', (x) => `/tasks/${x.intruderTaskId}/comments/${x.commentId}`],
];

describe('another user’s ids', () => {
  it.each(
    ROUTES.map(
      (r) =>
        [
          `${r[0]} ${r[1]({ taskId: '{id}', commentId: '{commentId}', intruderTaskId: '{own}' } as Fixture)}`,
          r,
        ] as const,
    ),
  )('%s answers 404 exactly like an unknown id and changes nothing', async (_name, [method, path, json]) => {
    // Warm the comment cache so a change to it would show.
    await api('GET', `/tasks/${f.taskId}/comments`, { token: f.owner.token });
    const before = await snapshot();
    const res = await api(method, path(f), { token: f.intruder.token, json });
    expect(res.status).toBe(404);
    const unknown = await api(
      method,
      path({ ...f, taskId: '987654321', commentId: '987654321', intruderTaskId: f.intruderTaskId }),
      { token: f.intruder.token, json },
    );
    expect(res.body).toEqual(unknown.body);
    expect(Object.keys(res.body.error).sort()).toEqual(['code', 'message']);
    expect(res.body.error.code).toBe('not_found');
    expect(await snapshot()).toBe(before);
  });

  it('a body the domain would refuse still answers 404 for another user’s task (ownership is checked first)', async () => {
    const before = await snapshot();
    for (const [path, json] of [
      [`/tasks/${f.taskId}`, { title: '' }],
      [`/tasks/${f.taskId}`, { dueAt: '2001-01-01T00:00:00Z' }],
      [`/tasks/${f.taskId}/comments/${f.commentId}`, { text: '' }],
    ] as const) {
      const res = await api('PATCH', path, { token: f.intruder.token, json });
      expect(res.status, path).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('Secret');
    }
    expect(await snapshot()).toBe(before);
  });

  it('the list shows only the caller’s tasks, whatever the cursor', async () => {
    const all = await api('GET', '/tasks', { token: f.intruder.token });
    expect(all.body.items.map((t: { id: string }) => t.id)).toEqual([f.intruderTaskId]);
    const after = await api('GET', `/tasks?cursor=${BigInt(f.intruderTaskId) + 1n}&status=todo`, {
      token: f.intruder.token,
    });
    expect(after.body.items.map((t: { id: string }) => t.id)).toEqual([f.intruderTaskId]);
    expect(JSON.stringify(after.body)).not.toContain('Secret');
  });

  it('the owner still sees everything unchanged afterwards', async () => {
    const task = await api('GET', `/tasks/${f.taskId}`, { token: f.owner.token });
    expect(task.body).toMatchObject({ title: 'Secret plan', status: 'todo', commentCount: 1, tags: ['secret'] });
    const comments = await api('GET', `/tasks/${f.taskId}/comments`, { token: f.owner.token });
    expect(comments.body.items.map((c: { id: string; text: string }) => [c.id, c.text])).toEqual([
      [f.commentId, 'first'],
    ]);
  });
});

describe('comments: only the author edits or deletes', () => {
  it('a comment by someone else on your task is shown to you but you cannot edit or delete it', async () => {
    // The domain lets only a task's owner comment, so such a comment comes from elsewhere
    // (an admin tool, a former owner); the API must still leave it to its author.
    const { user: author } = await createAccount(env.services, { firstName: 'Guest' });
    const em = env.em();
    const foreign = em.create(Comment, { task: f.secondTaskId, author: author.id, text: 'a guest’s note' });
    await em.flush();

    const list = await api('GET', `/tasks/${f.secondTaskId}/comments`, { token: f.owner.token });
    expect(list.body.items).toEqual([
      expect.objectContaining({
        id: foreign.id,
        author: { id: author.id, username: author.username, firstName: 'Guest' },
      }),
    ]);
    const before = await snapshot();
    const edit = await api('PATCH', `/tasks/${f.secondTaskId}/comments/${foreign.id}`, {
      token: f.owner.token,
      json: { text: 'rewritten by the owner' },
    });
    expect(edit.status).toBe(404);
    expect(edit.body.error.code).toBe('not_found');
    const remove = await api('DELETE', `/tasks/${f.secondTaskId}/comments/${foreign.id}`, { token: f.owner.token });
    expect(remove.status).toBe(404);
    expect(await snapshot()).toBe(before);
    expect((await env.em().findOneOrFail(Comment, { id: foreign.id })).text).toBe('a guest’s note');
  });

  it('a comment id is only found under its own task', async () => {
    const before = await snapshot();
    for (const method of ['PATCH', 'DELETE']) {
      const res = await api(method, `/tasks/${f.secondTaskId}/comments/${f.commentId}`, {
        token: f.owner.token,
        json: method === 'PATCH' ? { text: 'moved?' } : undefined,
      });
      expect(res.status, method).toBe(404);
    }
    for (const id of ['abc', '-1', '9999999999999999999', '0']) {
      const res = await api('DELETE', `/tasks/${f.taskId}/comments/${id}`, { token: f.owner.token });
      expect(res.status, id).toBe(404);
      expect(res.body).toEqual({ error: { code: 'not_found', message: 'No such comment' } });
    }
    expect(await snapshot()).toBe(before);
  });
});

describe('service tokens', () => {
  const route = (method: string, path: string, json?: unknown) => ({ method, path, json });
  /** Fresh objects of the owner's for each check, so deletions do not get in the way. */
  async function targets() {
    const taskId = (await api('POST', '/tasks', { token: f.owner.token, json: { title: 'for services' } })).body.id;
    const commentId = (await api('POST', `/tasks/${taskId}/comments`, { token: f.owner.token, json: { text: 'c' } }))
      .body.id;
    return {
      reads: [route('GET', '/tasks'), route('GET', `/tasks/${taskId}`), route('GET', `/tasks/${taskId}/comments`)],
      writes: [
        route('POST', '/tasks', { title: 'by a service' }),
        route('PATCH', `/tasks/${taskId}`, { title: 'renamed by a service' }),
        route('POST', `/tasks/${taskId}/comments`, { text: 'by a service' }),
        route('PATCH', `/tasks/${taskId}/comments/${commentId}`, { text: 'edited by a service' }),
        route('DELETE', `/tasks/${taskId}/comments/${commentId}`),
        route('DELETE', `/tasks/${taskId}`),
      ],
    };
  }
  const call = (r: { method: string; path: string; json?: unknown }, token: string) =>
    api(r.method, r.path, { token, json: r.json });

  it('tasks:read reads, and is refused every change with 403 insufficient_scope (nothing changes)', async () => {
    const token = await serviceToken('reader', f.owner.user.id);
    const { reads, writes } = await targets();
    for (const r of reads) expect((await call(r, token)).status, `${r.method} ${r.path}`).toBe(200);
    const before = await snapshot();
    for (const r of writes) {
      const res = await call(r, token);
      expect(res.status, `${r.method} ${r.path}`).toBe(403);
      expect(res.body.error.code).toBe('insufficient_scope');
    }
    expect(await snapshot()).toBe(before);
  });

  it('tasks:write changes, and is refused reads', async () => {
    const token = await serviceToken('writer', f.owner.user.id);
    const { reads, writes } = await targets();
    for (const r of writes) expect((await call(r, token)).status, `${r.method} ${r.path}`).toBeLessThan(300);
    for (const r of reads) {
      const res = await call(r, token);
      expect(res.status, `${r.method} ${r.path}`).toBe(403);
      expect(res.body.error.code).toBe('insufficient_scope');
    }
  });

  it('a service without tasks scopes gets 403 on every route', async () => {
    const token = await serviceToken('profiler', f.owner.user.id);
    const { reads, writes } = await targets();
    const before = await snapshot();
    for (const r of [...reads, ...writes]) {
      const res = await call(r, token);
      expect(res.status, `${r.method} ${r.path}`).toBe(403);
      expect(res.body.error.message).toMatch(/tasks:(read|write)/);
    }
    expect(await snapshot()).toBe(before);
  });

  it('a service with every scope acts as the user: the user’s tasks only', async () => {
    const { reads, writes } = await targets();
    const forOwner = await serviceToken('all', f.owner.user.id);
    for (const r of [...reads, ...writes]) {
      expect((await call(r, forOwner)).status, `${r.method} ${r.path}`).toBeLessThan(300);
    }
    const forIntruder = await serviceToken('all', f.intruder.user.id);
    const before = await snapshot();
    for (const [method, path, json] of ROUTES) {
      expect((await api(method, path(f), { token: forIntruder, json })).status, `${method} ${path(f)}`).toBe(404);
    }
    expect(await snapshot()).toBe(before);
  });

  it('no token or a bad one: 401 on every route', async () => {
    for (const [method, path, json] of [
      ...ROUTES,
      ['GET', () => '/tasks'] as Call,
      ['POST', () => '/tasks', { title: 'x' }] as Call,
    ]) {
      for (const token of [undefined, 'not-a-jwt']) {
        const res = await api(method, path(f), { token, json });
        expect(res.status, `${method} ${path(f)}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toContain('Bearer');
      }
    }
  });
});
