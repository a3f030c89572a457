import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Avatar } from '../../src/features/users/avatar.entity.js';
import { encodeCursor } from '../../src/features/users/profile.js';
import { User } from '../../src/features/users/user.entity.js';
import { type UsersApi, usersApi } from './fixtures.js';

let t: UsersApi;
let viewer: string;
beforeAll(async () => {
  t = await usersApi();
  viewer = (await t.createUser({ username: 'the_viewer' })).token;
});
afterAll(async () => {
  await t?.close();
});

const PROFILE_KEYS = ['createdAt', 'firstName', 'hasAvatar', 'id', 'lastName', 'telegramLinked', 'username'];

describe('GET /users/{username}', () => {
  it('shows the public profile only: no email, phone, role, status, time zone or settings', async () => {
    const { user } = await t.createUser({
      username: 'Public_Ann',
      firstName: 'Ann',
      lastName: 'Lee',
      email: 'secret@example.com',
      phone: '+79161234567',
      operatorCode: '916',
      timezone: 'Asia/Tokyo',
      role: 'admin',
      passwordHash: '$argon2id$secret',
      telegramId: 7_770_001,
      telegramUsername: 'ann_tg',
      tags: ['vip'],
    });
    const res = await t.request('GET', '/users/Public_Ann', { token: viewer });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(PROFILE_KEYS);
    expect(res.body).toEqual({
      id: user.id,
      username: 'Public_Ann',
      firstName: 'Ann',
      lastName: 'Lee',
      hasAvatar: false,
      telegramLinked: true,
      createdAt: user.createdAt.toISOString(),
    });
    const text = JSON.stringify(res.body);
    for (const secret of ['secret@', '+7916', '916', 'Tokyo', 'admin', 'argon2', 'ann_tg', 'vip', '7770001']) {
      expect(text).not.toContain(secret);
    }
  });

  it('matches the username in any case and shows a display name and avatar when there are', async () => {
    const { user } = await t.createUser({ username: 'MiXeD_Case', displayName: 'Mixy', telegramFirstName: 'Tg' });
    const em = t.db.orm.em.fork();
    em.create(Avatar, { user: user.id, contentType: 'image/png', data: Buffer.from([0x89]), size: 1 });
    await em.flush();
    for (const name of ['MiXeD_Case', 'mixed_case', 'MIXED_CASE']) {
      const res = await t.request('GET', `/users/${name}`, { token: viewer });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        username: 'MiXeD_Case',
        displayName: 'Mixy',
        firstName: 'Tg',
        lastName: null,
        hasAvatar: true,
        telegramLinked: false,
      });
    }
  });

  it('404 not_found for unknown names, pending accounts, Telegram-only users and banned users', async () => {
    await t.createUser({ username: 'pending_one', accountState: 'pending' });
    await t.createUser({ username: 'banned_one', status: 'banned' });
    const em = t.db.orm.em.fork();
    em.create(User, { telegramId: 7_770_002, telegramUsername: 'tg_only', telegramFirstName: 'Tg' } as User);
    await em.flush();

    t.db.queries.length = 0;
    const long = await t.request('GET', `/users/${'x'.repeat(10_000)}`, { token: viewer });
    expect(long.status).toBe(404);
    // A name that cannot exist is not looked up at all.
    expect(t.db.queries.filter((q) => q.includes('lower(u.username)'))).toEqual([]);

    const odd = ['x'.repeat(10_000), '%00', '%F0%9F%98%80', 'a%20b', "a'--", 'a%25', 'a_', '__', 'ab'];
    for (const name of ['nobody', 'pending_one', 'banned_one', 'tg_only', ...odd]) {
      const res = await t.request('GET', `/users/${name}`, { token: viewer });
      expect(res.status, name.slice(0, 20)).toBe(404);
      expect(res.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    }
  });

  it('needs a token', async () => {
    const res = await t.request('GET', '/users/the_viewer');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });
});

describe('GET /users?search=', () => {
  const names = ['srch_alpha', 'Srch_Beta', 'SRCH_gamma', 'srch_delta', 'srchx', 'srch9', 'srch_epsilon'];
  beforeAll(async () => {
    for (const username of names) await t.createUser({ username, email: `${username}@example.com` });
    await t.createUser({ username: 'srch_pending', accountState: 'pending' });
    await t.createUser({ username: 'srch_banned', status: 'banned' });
    await t.createUser({ username: 'other_srch' });
  });

  const search = (query: string, token: string | undefined = viewer) => t.request('GET', `/users?${query}`, { token });
  const usernames = (body: { items: Array<{ username: string }> }) => body.items.map((p) => p.username);
  const sorted = [...names].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));

  it('finds visible users by username prefix, case-insensitively, ordered by lower(username)', async () => {
    for (const prefix of ['srch', 'SRCH', 'SrCh']) {
      const res = await search(`search=${prefix}`);
      expect(res.status).toBe(200);
      expect(usernames(res.body)).toEqual(sorted);
      expect(res.body.nextCursor).toBeNull();
    }
    const res = await search('search=srch_');
    expect(usernames(res.body)).toEqual(sorted.filter((n) => n.toLowerCase().startsWith('srch_')));
  });

  it('treats _ as a literal character, not a LIKE wildcard', async () => {
    // "srch_" must not match srchx or srch9 (with _ as a wildcard it would).
    const res = await search('search=srch_');
    expect(usernames(res.body)).not.toContain('srchx');
    expect(usernames(res.body)).not.toContain('srch9');
    expect((await search('search=_')).body.items).toEqual([]);
  });

  it('returns public profiles only', async () => {
    const res = await search('search=srch_alpha');
    expect(res.body.items).toHaveLength(1);
    expect(Object.keys(res.body.items[0]).sort()).toEqual(PROFILE_KEYS);
    expect(JSON.stringify(res.body)).not.toContain('example.com');
  });

  it('pages with an opaque keyset cursor until nextCursor is null', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `search=srch&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await search(query);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...usernames(res.body));
      cursor = res.body.nextCursor;
      if (cursor) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual(sorted);
    expect(pages).toBe(3);
  });

  it('a page that ends exactly at the last match has no next cursor', async () => {
    const res = await search(`search=srch&limit=${names.length}`);
    expect(res.body.items).toHaveLength(names.length);
    expect(res.body.nextCursor).toBeNull();
  });

  it('keeps its place when users are added before the cursor', async () => {
    const first = await search('search=srch&limit=2');
    await t.createUser({ username: 'srch_aaa' });
    const second = await search(`search=srch&limit=2&cursor=${first.body.nextCursor}`);
    const firstNames = usernames(first.body);
    expect(usernames(second.body)).toEqual(sorted.slice(2, 4));
    expect(usernames(second.body)).not.toContain('srch_aaa');
    expect(firstNames).toEqual(sorted.slice(0, 2));
  });

  it('defaults to 20 per page and allows up to 100', async () => {
    for (let i = 0; i < 25; i++) await t.createUser({ username: `many_${String(i).padStart(2, '0')}` });
    const page = await search('search=many_');
    expect(page.body.items).toHaveLength(20);
    expect(page.body.nextCursor).toEqual(encodeCursor('many_19'));
    const all = await search('search=many&limit=100');
    expect(all.body.items).toHaveLength(25);
    expect(all.body.nextCursor).toBeNull();
  });

  it.each([
    ['', 'search'],
    ['search=', 'search'],
    [`search=${'a'.repeat(33)}`, 'search'],
    ['search=a%25', 'search'],
    ['search=a%20b', 'search'],
    ['search=%00', 'search'],
    ['search=%F0%9F%98%80', 'search'],
    ['search=a&search=b', 'search'],
    ['search=a&limit=0', 'limit'],
    ['search=a&limit=101', 'limit'],
    ['search=a&limit=abc', 'limit'],
    ['search=a&limit=1.5', 'limit'],
    ['search=a&limit=-1', 'limit'],
    ['search=a&cursor=***', 'cursor'],
    ['search=a&cursor=%00', 'cursor'],
    [`search=a&cursor=${Buffer.from('NOT_LOWER').toString('base64url')}`, 'cursor'],
    [`search=a&cursor=${Buffer.from("x' or 1=1 --").toString('base64url')}`, 'cursor'],
    [`search=a&cursor=${'A'.repeat(200)}`, 'cursor'],
    // An unknown parameter (a typo of a real one) is refused, as on every list (SPEC §3).
    ['search=a&limt=5', 'limt'],
  ])('refuses ?%s with 422 naming %s', async (query, field) => {
    const res = await search(query);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
  });

  it('walks the lower(username) text_pattern_ops index in order (no sort of all matches)', async () => {
    t.db.queries.length = 0;
    await search(`search=srch&limit=2&cursor=${encodeCursor('srch_b')}`);
    const sql = t.db.queries.find((q) => q.includes('~<~'));
    expect(sql).toBeDefined();
    const em = t.db.orm.em.fork();
    await em.transactional(async (tx) => {
      // On a table this small the planner prefers a sequential scan; forbid it to see the index plan.
      await tx.execute('set local enable_seqscan = off');
      // The statement as the API sent it, with the values of that request (limit + 1 rows).
      const plan = (await tx.execute(`explain ${sql}`, ['srch%', 'srch_b', 3])) as Array<{ 'QUERY PLAN': string }>;
      const text = plan.map((row) => row['QUERY PLAN']).join('\n');
      expect(text).toContain('Index Scan using users_username_prefix_idx');
      // Both the prefix range and the keyset bound are index conditions.
      expect(text).toMatch(/Index Cond:.*~>=~.*~<~.*~>~|Index Cond:.*~>~/);
      expect(text).not.toMatch(/\bSort\b/);
    });
  });

  it('needs a token', async () => {
    expect((await t.request('GET', '/users?search=srch')).status).toBe(401);
  });
});

describe('authorization and the OpenAPI document', () => {
  const ROUTES: Array<[string, string]> = [
    ['GET', '/users/me'],
    ['PATCH', '/users/me'],
    ['PUT', '/users/me/avatar'],
    ['DELETE', '/users/me/avatar'],
    ['GET', '/users/me/avatar'],
    ['GET', '/users/someone/avatar'],
    ['GET', '/users/someone'],
    ['GET', '/users?search=a'],
  ];

  it.each(ROUTES)('%s %s answers 401 with the error shape without a valid token', async (method, path) => {
    for (const token of [undefined, 'garbage']) {
      const res = await t.request(method, path, { token });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
    }
  });

  it('enforces the scopes: reads need profile:read, changes need profile:write (service tokens)', async () => {
    const { user } = await t.createUser({ username: 'served_user' });
    const grants: Record<string, string[]> = { 'svc-read': ['profile:read'], 'svc-write': ['profile:write'] };
    const app = t.customApp({
      verifyService: async (token) =>
        grants[token] ? { service: 'crm', userId: user.id, scopes: new Set(grants[token]) } : null,
    });
    const call = async (method: string, path: string, token: string) => {
      const init: RequestInit = { method, headers: { authorization: `Bearer ${token}` } };
      if (method === 'PATCH') {
        init.headers = { ...init.headers, 'content-type': 'application/json' };
        init.body = '{}';
      }
      if (method === 'PUT') init.body = new Uint8Array([0xff, 0xd8, 0xff, 0xe0]);
      const res = await app.request(path, init);
      // biome-ignore lint/suspicious/noExplicitAny: asserted field by field
      const body: any = res.status === 204 ? null : await res.json().catch(() => null);
      return { status: res.status, body };
    };
    const reads = ['GET /users/me', 'GET /users/served_user', 'GET /users?search=served', 'GET /users/me/avatar'];
    const writes = ['PATCH /users/me', 'PUT /users/me/avatar', 'DELETE /users/me/avatar'];
    for (const route of reads) {
      const [method = '', path = ''] = route.split(' ');
      expect((await call(method, path, 'svc-read')).status, route).not.toBe(403);
      const refused = await call(method, path, 'svc-write');
      expect(refused.status, route).toBe(403);
      expect(refused.body.error.code).toBe('insufficient_scope');
    }
    for (const route of writes) {
      const [method = '', path = ''] = route.split(' ');
      expect((await call(method, path, 'svc-write')).status, route).toBeLessThan(300);
      const refused = await call(method, path, 'svc-read');
      expect(refused.status, route).toBe(403);
      expect(refused.body.error.code).toBe('insufficient_scope');
    }
  });

  it('documents every route with tag Users, bearer security and the statuses it answers', async () => {
    const doc = (await t.request('GET', '/openapi.json')).body;
    const expected: Record<string, Record<string, string[]>> = {
      '/users/me': { get: ['200', '401', '403'], patch: ['200', '400', '401', '403', '413', '415', '422'] },
      '/users/me/avatar': {
        put: ['200', '401', '403', '413', '422'],
        delete: ['204', '401', '403', '413'],
        get: ['200', '304', '401', '403', '404'],
      },
      '/users/{username}/avatar': { get: ['200', '304', '401', '403', '404'] },
      '/users/{username}': { get: ['200', '401', '403', '404'] },
      '/users': { get: ['200', '401', '403', '422'] },
    };
    for (const [path, methods] of Object.entries(expected)) {
      for (const [method, statuses] of Object.entries(methods)) {
        const op = doc.paths[path]?.[method];
        expect(op, `${method} ${path}`).toBeDefined();
        expect(op.tags).toEqual(['Users']);
        expect(op.security).toEqual([{ bearerAuth: [] }]);
        expect(op.summary).toEqual(expect.any(String));
        // And 503 while PostgreSQL or Redis is away, shared by every operation that needs them.
        expect(Object.keys(op.responses).sort()).toEqual([...statuses, '503']);
      }
    }
    expect(doc.components.schemas.User.example).toMatchObject({ id: '42', telegramLinked: true });
    expect(Object.keys(doc.components.schemas.User.properties).sort()).toEqual([
      'createdAt',
      'email',
      'firstName',
      'id',
      'language',
      'lastName',
      'mailings',
      'notifications',
      'operatorCode',
      'phone',
      'role',
      'status',
      'telegramLinked',
      'timezone',
      'username',
    ]);
    expect(doc.components.schemas.ProfilePatch.additionalProperties).toBe(false);
    expect(Object.keys(doc.paths['/users/me/avatar'].put.requestBody.content).sort()).toEqual([
      'application/octet-stream',
      'image/jpeg',
      'image/png',
      'image/webp',
    ]);
  });
});
