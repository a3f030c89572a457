import type { KeyObject } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { User } from '../../src/features/users/user.entity.js';
import { ADMIN_SCOPES, type ServiceScope } from '../../src/platform/auth/service-tokens.js';
import { createAccount } from '../helpers/accounts.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { serviceKeyPair, servicesLackingOneScope, serviceToken } from '../helpers/service-keys.js';
import { apiRequest } from '../helpers/services.js';

/**
 * SPEC §3.7 / issue 10: every route a service token can reach names its scope; admin routes need
 * an admin scope (never granted by "*") AND an admin user; a token without the route's scope gets
 * 403 insufficient_scope — also when it acts for an admin — and changes nothing.
 */

/** A service for each scope that has every other scope (listed by name, admin ones included). */
const lacking = servicesLackingOneScope();
const keys = {
  reader: serviceKeyPair(), // tasks:read only
  star: serviceKeyPair(), // a bare JWK: "*"
  usersAdmin: serviceKeyPair(),
  mailingsAdmin: serviceKeyPair(),
};

const env = useTestEnvironment({
  env: {
    SERVICE_KEYS: JSON.stringify({
      reader: { jwk: keys.reader.publicJwk, scopes: ['tasks:read'] },
      star: keys.star.publicJwk,
      usersAdmin: { jwk: keys.usersAdmin.publicJwk, scopes: ['users:admin'] },
      mailingsAdmin: { jwk: keys.mailingsAdmin.publicJwk, scopes: ['mailings:admin'] },
      ...lacking.serviceKeys,
    }),
  },
});

const tokenOf = (name: keyof typeof keys, userId: string) =>
  serviceToken(name, keys[name].privateKey as KeyObject, userId);
const tokenWithout = lacking.tokenWithout;

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
const api = <T = any>(method: string, path: string, options: Parameters<typeof apiRequest>[3] = {}) =>
  apiRequest<T>(env.app, method, path, options);

let adminId = '';
let adminToken = '';
let plainId = '';
let victimId = '';
let victimName = '';
let mailingId = '';
let taskId = '';
let commentId = '';

const future = (ms: number) => new Date(Date.now() + ms).toISOString();

/** Everything a scoped route could change. */
async function dbState() {
  const c = env.em().getConnection();
  return {
    users: await c.execute(
      'select id, role, status, tags, first_name, phone, operator_code, timezone from users order by id',
    ),
    mailings: await c.execute('select * from mailings order by id'),
    tasks: await c.execute('select * from tasks order by id'),
    comments: await c.execute('select * from comments order by id'),
    messages: await c.execute('select count(*) from messages'),
    audit: await c.execute('select * from audit_log order by id'),
  };
}

beforeAll(async () => {
  const admin = await createAccount(env.services, { username: 'scope_admin' });
  const plain = await createAccount(env.services, { username: 'scope_plain' });
  const victim = await createAccount(env.services, { username: 'scope_victim' });
  const em = env.em();
  await em.nativeUpdate(User, { id: admin.user.id }, { role: 'admin' });
  await em.nativeUpdate(User, { id: victim.user.id }, { tags: ['vip'] });
  adminId = admin.user.id;
  adminToken = admin.token;
  plainId = plain.user.id;
  victimId = victim.user.id;
  victimName = 'scope_victim';

  const mailing = await api('POST', '/mailings', {
    token: adminToken,
    json: { text: 'Scheduled', startAt: future(3_600_000), endAt: future(7_200_000) },
  });
  expect(mailing.status).toBe(201);
  mailingId = mailing.body.id;
  const task = await api('POST', '/tasks', { token: adminToken, json: { title: 'Admin task' } });
  expect(task.status).toBe(201);
  taskId = task.body.id;
  const comment = await api('POST', `/tasks/${taskId}/comments`, { token: adminToken, json: { text: 'hello' } });
  expect(comment.status).toBe(201);
  commentId = comment.body.id;
});

/** A request that would change or read something if the scope check were missing. */
function requestFor(method: string, path: string): { path: string; json?: unknown } {
  const concrete = path
    .replace('/admin/users/{id}', `/admin/users/${victimId}`)
    .replace('/mailings/{id}', `/mailings/${mailingId}`)
    .replace('/tasks/{id}', `/tasks/${taskId}`)
    .replace('{commentId}', commentId)
    .replace('{username}', victimName);
  const bodies: Record<string, unknown> = {
    'PATCH /admin/users/{id}': { banned: true, role: 'admin', tags: [] },
    'POST /mailings': { text: 'Injected', endAt: future(60_000) },
    'PATCH /mailings/{id}': { text: 'Changed' },
    'POST /tasks': { title: 'Injected' },
    'PATCH /tasks/{id}': { title: 'Changed' },
    'POST /tasks/{id}/comments': { text: 'Injected' },
    'PATCH /tasks/{id}/comments/{commentId}': { text: 'Changed' },
    'PATCH /users/me': { firstName: 'Changed' },
    'POST /messages': { text: 'Injected' },
  };
  return { path: concrete, json: bodies[`${method.toUpperCase()} ${path}`] };
}

interface Operation {
  method: string;
  path: string;
  scope?: ServiceScope;
  security?: unknown;
  description?: string;
  responses: Record<string, { description: string; headers?: Record<string, unknown> }>;
}

async function operations(): Promise<Operation[]> {
  const doc = await api('GET', '/openapi.json');
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.body.paths as Record<string, Record<string, Operation>>)) {
    for (const [method, op] of Object.entries(item)) {
      out.push({ ...op, method, path, scope: (op as unknown as Record<string, ServiceScope>)['x-required-scope'] });
    }
  }
  return out;
}

const ADMIN_ROUTES: Array<[string, string]> = [
  ['GET', '/admin/users'],
  ['GET', '/admin/users/{id}'],
  ['PATCH', '/admin/users/{id}'],
  ['GET', '/admin/audit'],
  ['GET', '/admin/stats'],
  ['GET', '/mailings'],
  ['POST', '/mailings'],
  ['GET', '/mailings/stats'],
  ['GET', '/mailings/{id}'],
  ['PATCH', '/mailings/{id}'],
  ['DELETE', '/mailings/{id}'],
  ['POST', '/mailings/{id}/cancel'],
  ['GET', '/mailings/{id}/deliveries'],
];

describe('scopes of the OpenAPI document', () => {
  it('every operation a bearer token reaches names its scope, except the user-token-only ones', async () => {
    const ops = await operations();
    const secured = ops.filter((op) => Array.isArray(op.security) && op.security.length > 0);
    const unscoped = secured.filter((op) => !op.scope).map((op) => `${op.method.toUpperCase()} ${op.path}`);
    expect(unscoped.sort()).toEqual(['DELETE /token', 'GET /token', 'GET /ws', 'POST /token']);
    for (const op of secured.filter((o) => o.scope)) {
      expect(op.description, `${op.method} ${op.path}`).toContain(`Scope \`${op.scope}\``);
      expect(op.responses['403']?.description, `${op.method} ${op.path}`).toContain('insufficient_scope');
    }
    const scopeOf = (method: string, path: string) =>
      ops.find((op) => op.method === method.toLowerCase() && op.path === path)?.scope;
    for (const [method, path] of ADMIN_ROUTES) {
      expect(scopeOf(method, path), `${method} ${path}`).toBe(
        path.startsWith('/admin') ? 'users:admin' : 'mailings:admin',
      );
    }
    expect(scopeOf('GET', '/tasks')).toBe('tasks:read');
    expect(scopeOf('POST', '/messages')).toBe('messages:write');
    expect(scopeOf('PATCH', '/users/me')).toBe('profile:write');
  });

  it('documents 429 with Retry-After on POST /auth/register', async () => {
    const register = (await operations()).find((op) => op.path === '/auth/register' && op.method === 'post');
    expect(register?.responses['429']?.headers).toHaveProperty('Retry-After');
    expect(register?.description).toContain('429 `rate_limited`');
  });
});

describe('a service token without the route’s scope', () => {
  it('gets 403 insufficient_scope on every scoped route, acting for an admin, and changes nothing', async () => {
    const ops = (await operations()).filter((op) => op.scope);
    expect(ops.length).toBeGreaterThanOrEqual(ADMIN_ROUTES.length + 15);
    const before = await dbState();
    for (const op of ops) {
      const scope = op.scope as ServiceScope;
      const { path, json } = requestFor(op.method, op.path);
      const res = await api(op.method.toUpperCase(), path, { token: await tokenWithout(scope, adminId), json });
      expect(res.status, `${op.method} ${path} without ${scope}`).toBe(403);
      expect(res.body.error.code, `${op.method} ${path}`).toBe('insufficient_scope');
    }
    expect(await dbState()).toEqual(before);
  });

  it('with only tasks:read, acting for an admin, cannot ban a user, grant admin, or see the user list', async () => {
    const token = await tokenOf('reader', adminId);
    const before = await dbState();
    for (const json of [{ banned: true }, { role: 'admin' }, { tags: [] }]) {
      const res = await api('PATCH', `/admin/users/${victimId}`, { token, json });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('insufficient_scope');
    }
    expect((await api('GET', '/admin/users', { token })).body.error.code).toBe('insufficient_scope');
    expect(await dbState()).toEqual(before);
    const victim = await env.em().findOneOrFail(User, { id: victimId });
    expect([victim.role, victim.status, victim.tags]).toEqual(['user', 'active', ['vip']]);
    // The token itself is good for what it was given.
    expect((await api('GET', '/tasks', { token })).status).toBe(200);
  });

  it('with "*" (a bare JWK), acting for an admin, reaches no admin or mailing route', async () => {
    const token = await tokenOf('star', adminId);
    const before = await dbState();
    for (const [method, template] of ADMIN_ROUTES) {
      const { path, json } = requestFor(method, template);
      const res = await api(method, path, { token, json });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code, `${method} ${path}`).toBe('insufficient_scope');
    }
    expect(await dbState()).toEqual(before);
    // "*" still covers the user scopes.
    expect((await api('GET', '/users/me', { token })).status).toBe(200);
    expect((await api('GET', `/tasks/${taskId}`, { token })).status).toBe(200);
  });
});

describe('a service token with an admin scope', () => {
  it('users:admin acting for an admin manages users, and nothing else of the admin', async () => {
    const token = await tokenOf('usersAdmin', adminId);
    const list = await api('GET', '/admin/users', { token });
    expect(list.status).toBe(200);
    expect(list.body.items.map((u: { id: string }) => u.id)).toContain(victimId);
    const banned = await api('PATCH', `/admin/users/${victimId}`, { token, json: { banned: true } });
    expect(banned.status).toBe(200);
    expect(banned.body.status).toBe('banned');
    expect((await api('PATCH', `/admin/users/${victimId}`, { token, json: { banned: false } })).status).toBe(200);
    // The audit log names the admin the service acted for.
    const audit = await env
      .em()
      .getConnection()
      .execute<Array<{ actor_id: string }>>(
        "select actor_id from audit_log where target_id = ? and action = 'user.ban'",
        [victimId],
      );
    expect(audit.map((a) => String(a.actor_id))).toEqual([adminId]);

    const mailings = await api('GET', '/mailings', { token });
    expect(mailings.status).toBe(403);
    expect(mailings.body.error.code).toBe('insufficient_scope');
    // Not a user scope either.
    expect((await api('GET', '/tasks', { token })).body.error.code).toBe('insufficient_scope');
  });

  it('mailings:admin acting for an admin manages mailings, not users', async () => {
    const token = await tokenOf('mailingsAdmin', adminId);
    expect((await api('GET', `/mailings/${mailingId}`, { token })).status).toBe(200);
    const created = await api('POST', '/mailings', {
      token,
      json: { text: 'From a service', startAt: future(3_600_000), endAt: future(7_200_000) },
    });
    expect(created.status).toBe(201);
    expect((await api('DELETE', `/mailings/${created.body.id}`, { token })).status).toBe(204);
    expect((await api('GET', '/admin/users', { token })).body.error.code).toBe('insufficient_scope');
  });

  it('an admin scope acting for a user who is not an admin is 403 forbidden, and changes nothing', async () => {
    const before = await dbState();
    const users = await tokenOf('usersAdmin', plainId);
    const res = await api('PATCH', `/admin/users/${victimId}`, { token: users, json: { role: 'admin' } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    const mailings = await tokenOf('mailingsAdmin', plainId);
    const created = await api('POST', '/mailings', { token: mailings, json: { text: 'x', endAt: future(60_000) } });
    expect(created.status).toBe(403);
    expect(created.body.error.code).toBe('forbidden');
    expect(await dbState()).toEqual(before);
  });

  it('admin scopes are exactly users:admin and mailings:admin', () => {
    expect([...ADMIN_SCOPES]).toEqual(['users:admin', 'mailings:admin']);
  });
});

describe('routes for the user’s own token only', () => {
  it('refuse every service token, even one with every scope', async () => {
    const token = await tokenWithout('tasks:read', adminId); // has users:admin, mailings:admin and more
    for (const method of ['POST', 'GET', 'DELETE']) {
      expect((await api(method, '/token', { token })).status, method).toBe(401);
    }
    expect((await api('POST', '/token', { token: adminToken })).status).toBe(201);
  });
});
