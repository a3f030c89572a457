import { beforeAll, describe, expect, it } from 'vitest';
import { User } from '../../src/features/users/user.entity.js';
import { createAccount } from '../helpers/accounts.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { serviceKeyPair, serviceToken as signServiceToken } from '../helpers/service-keys.js';
import { apiRequest } from '../helpers/services.js';

/**
 * The admin API the console is built on (SPEC §3.6, issue 19): PATCH /admin/users/{id} with phone,
 * operator code and time zone (checked like a user's own, every change audited), GET
 * /admin/users/{id}, the user list's search and filters, GET /admin/audit and GET /admin/stats.
 */

const keys = { usersAdmin: serviceKeyPair(), everythingElse: serviceKeyPair() };

const env = useTestEnvironment({
  env: {
    SERVICE_KEYS: JSON.stringify({
      usersAdmin: { jwk: keys.usersAdmin.publicJwk, scopes: ['users:admin'] },
      everythingElse: {
        jwk: keys.everythingElse.publicJwk,
        scopes: ['mailings:admin', 'tasks:read', 'tasks:write', 'messages:write', 'profile:write'],
      },
    }),
  },
});

const serviceToken = (name: keyof typeof keys, userId: string) => signServiceToken(name, keys[name].privateKey, userId);

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
const api = <T = any>(method: string, path: string, options: Parameters<typeof apiRequest>[3] = {}) =>
  apiRequest<T>(env.app, method, path, options);

let adminId = '';
let adminToken = '';
let plainToken = '';
let targetId = '';

async function auditRows(targetUserId: string) {
  return env
    .em()
    .getConnection()
    .execute<Array<{ action: string; details: unknown; actor_id: string }>>(
      'select action, details, actor_id from audit_log where target_type = ? and target_id = ? order by id',
      ['user', targetUserId],
    );
}

async function userRow(id: string) {
  const [row] = await env
    .em()
    .getConnection()
    .execute<Array<{ phone: string | null; operator_code: string | null; timezone: string }>>(
      'select phone, operator_code, timezone from users where id = ?',
      [id],
    );
  return row;
}

beforeAll(async () => {
  const admin = await createAccount(env.services, { username: 'adm_console' });
  const plain = await createAccount(env.services, { username: 'plain_console' });
  const target = await createAccount(env.services, { username: 'target_console', firstName: 'Tanya' });
  await env.em().nativeUpdate(User, { id: admin.user.id }, { role: 'admin' });
  adminId = admin.user.id;
  adminToken = admin.token;
  plainToken = plain.token;
  targetId = target.user.id;
});

describe('PATCH /admin/users/{id}: phone, operator code, time zone', () => {
  it('stores the phone in E.164 and derives the operator code, auditing both', async () => {
    const res = await api('PATCH', `/admin/users/${targetId}`, {
      token: adminToken,
      json: { phone: '8 (916) 123-45-67' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: targetId, phone: '+79161234567', operatorCode: '916' });
    expect(await userRow(targetId)).toMatchObject({ phone: '+79161234567', operator_code: '916' });
    const rows = await auditRows(targetId);
    expect(rows.map((r) => [r.action, r.details, String(r.actor_id)])).toEqual([
      ['user.phone', { before: null, after: '+79161234567' }, adminId],
      ['user.operator_code', { before: null, after: '916' }, adminId],
    ]);
  });

  it('takes an explicit operator code over the derived one, and audits only what changed', async () => {
    const before = (await auditRows(targetId)).length;
    const res = await api('PATCH', `/admin/users/${targetId}`, {
      token: adminToken,
      json: { phone: '+7 916 123 45 67', operatorCode: '926' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ phone: '+79161234567', operatorCode: '926' });
    const rows = (await auditRows(targetId)).slice(before);
    expect(rows.map((r) => [r.action, r.details])).toEqual([['user.operator_code', { before: '916', after: '926' }]]);
  });

  it('normalises the time zone as users’ own (IANA name in any case, or a UTC offset)', async () => {
    const res = await api('PATCH', `/admin/users/${targetId}`, {
      token: adminToken,
      json: { timezone: 'asia/yekaterinburg' },
    });
    expect(res.status).toBe(200);
    expect(res.body.timezone).toBe('Asia/Yekaterinburg');
    const offset = await api('PATCH', `/admin/users/${targetId}`, { token: adminToken, json: { timezone: 'UTC+3' } });
    expect(offset.body.timezone).toBe('Etc/GMT-3');
    const rows = await auditRows(targetId);
    expect(rows.filter((r) => r.action === 'user.timezone').map((r) => r.details)).toEqual([
      { before: 'UTC', after: 'Asia/Yekaterinburg' },
      { before: 'Asia/Yekaterinburg', after: 'Etc/GMT-3' },
    ]);
  });

  it('clears the phone and its operator code with null', async () => {
    const res = await api('PATCH', `/admin/users/${targetId}`, { token: adminToken, json: { phone: null } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ phone: null, operatorCode: null });
    // Put them back for the list tests.
    await api('PATCH', `/admin/users/${targetId}`, { token: adminToken, json: { phone: '+79161234567' } });
  });

  it.each([
    [{ phone: 'call me maybe' }, 'phone'],
    [{ phone: '+12' }, 'phone'],
    [{ phone: `+7${'9'.repeat(40)}` }, 'phone'],
    [{ operatorCode: '9a6' }, 'operatorCode'],
    [{ operatorCode: '123456789' }, 'operatorCode'],
    [{ operatorCode: '' }, null],
    [{ timezone: 'Mars/Olympus' }, 'timezone'],
    [{ timezone: 'UTC+15' }, 'timezone'],
    [{ timezone: '' }, 'timezone'],
    [{ timezone: 42 }, 'timezone'],
    [{ phone: 79161234567 }, 'phone'],
  ])('refuses %j with 422 naming the field, changing nothing', async (json, field) => {
    const before = { row: await userRow(targetId), audit: await auditRows(targetId) };
    const res = await api('PATCH', `/admin/users/${targetId}`, { token: adminToken, json });
    if (field === null) {
      // An empty operator code clears it, like null.
      expect(res.status).toBe(200);
      expect(res.body.operatorCode).toBeNull();
      await api('PATCH', `/admin/users/${targetId}`, { token: adminToken, json: { operatorCode: '916' } });
      return;
    }
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    expect({ row: await userRow(targetId), audit: await auditRows(targetId) }).toEqual(before);
  });

  it('checks every field before changing any: one bad field, nothing changes', async () => {
    const before = { row: await userRow(targetId), audit: await auditRows(targetId) };
    const res = await api('PATCH', `/admin/users/${targetId}`, {
      token: adminToken,
      json: { timezone: 'Europe/Paris', operatorCode: '95', phone: 'nope', tags: ['x'] },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['phone']);
    expect({ row: await userRow(targetId), audit: await auditRows(targetId) }).toEqual(before);
  });

  it('answers 404 for an unknown user and 422 for an unknown field', async () => {
    expect((await api('PATCH', '/admin/users/999999', { token: adminToken, json: { timezone: 'UTC' } })).status).toBe(
      404,
    );
    const unknown = await api('PATCH', `/admin/users/${targetId}`, { token: adminToken, json: { email: 'x@y.z' } });
    expect(unknown.status).toBe(422);
  });

  it('is 403 forbidden for a non-admin, and changes nothing', async () => {
    const before = { row: await userRow(targetId), audit: await auditRows(targetId) };
    const res = await api('PATCH', `/admin/users/${targetId}`, { token: plainToken, json: { timezone: 'UTC' } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect({ row: await userRow(targetId), audit: await auditRows(targetId) }).toEqual(before);
  });

  it('takes a service token only with users:admin, acting for an admin', async () => {
    const without = await serviceToken('everythingElse', adminId);
    const refused = await api('PATCH', `/admin/users/${targetId}`, { token: without, json: { timezone: 'UTC' } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('insufficient_scope');
    for (const path of ['/admin/audit', '/admin/stats', `/admin/users/${targetId}`]) {
      expect((await api('GET', path, { token: without })).body.error.code, path).toBe('insufficient_scope');
    }
    const token = await serviceToken('usersAdmin', adminId);
    const res = await api('PATCH', `/admin/users/${targetId}`, { token, json: { timezone: 'Europe/Berlin' } });
    expect(res.status).toBe(200);
    expect(res.body.timezone).toBe('Europe/Berlin');
    const [last] = (await auditRows(targetId)).slice(-1);
    expect(String(last?.actor_id)).toBe(adminId);
    const forNonAdmin = await serviceToken('usersAdmin', (await userByName('plain_console')).id);
    expect((await api('GET', '/admin/audit', { token: forNonAdmin })).body.error.code).toBe('forbidden');
  });
});

async function userByName(username: string) {
  return env.em().findOneOrFail(User, { username });
}

describe('GET /admin/users/{id} and the list’s search', () => {
  it('shows one user to an admin; 404 for an unknown or malformed id; 403 for others', async () => {
    const res = await api('GET', `/admin/users/${targetId}`, { token: adminToken });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: targetId, username: 'target_console', phone: '+79161234567' });
    expect((await api('GET', '/admin/users/424242', { token: adminToken })).status).toBe(404);
    expect((await api('GET', '/admin/users/abc', { token: adminToken })).status).toBe(404);
    expect((await api('GET', `/admin/users/${targetId}`, { token: plainToken })).status).toBe(403);
  });

  it('searches by username or name prefix, id and phone digits, combined with the filters', async () => {
    const ids = async (query: string) =>
      (await api('GET', `/admin/users?${query}`, { token: adminToken })).body.items.map((u: { id: string }) => u.id);
    expect(await ids('search=target_con')).toEqual([targetId]);
    expect(await ids('search=%40TARGET')).toEqual([targetId]);
    expect(await ids('search=tanya')).toEqual([targetId]);
    expect(await ids(`search=${targetId}`)).toContain(targetId);
    expect(await ids('search=9161234')).toEqual([targetId]);
    expect(await ids('search=target&operatorCode=916')).toEqual([targetId]);
    expect(await ids('search=target&operatorCode=111')).toEqual([]);
    expect(await ids('search=%25')).toEqual([]);
    expect(await ids('search=_')).toEqual([]);
    const long = await api('GET', `/admin/users?search=${'a'.repeat(65)}`, { token: adminToken });
    expect(long.status).toBe(422);
  });
});

describe('GET /admin/audit', () => {
  it('lists the audit log newest first with actor, action, target, details and time, paged', async () => {
    const first = await api('GET', '/admin/audit?limit=2', { token: adminToken });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const [newest] = first.body.items;
    expect(newest).toMatchObject({
      actor: { id: adminId, username: 'adm_console' },
      action: 'user.timezone',
      target: { type: 'user', id: targetId },
      details: { after: 'Europe/Berlin' },
    });
    expect(new Date(newest.createdAt).toISOString()).toBe(newest.createdAt);

    const all: Array<{ id: string }> = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null } } = await api(
        'GET',
        `/admin/audit?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        { token: adminToken },
      );
      expect(page.status).toBe(200);
      all.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    const total = await env
      .em()
      .getConnection()
      .execute<Array<{ n: number }>>('select count(*)::int as n from audit_log');
    expect(all).toHaveLength(total[0]?.n ?? -1);
    const ids = all.map((e) => BigInt(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
  });

  it('validates limit and cursor; 401 without a token; 403 for a non-admin', async () => {
    for (const query of ['limit=0', 'limit=101', 'limit=x', 'cursor=abc', 'other=1']) {
      expect((await api('GET', `/admin/audit?${query}`, { token: adminToken })).status, query).toBe(422);
    }
    expect((await api('GET', '/admin/audit')).status).toBe(401);
    const res = await api('GET', '/admin/audit', { token: plainToken });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });
});

describe('GET /admin/stats', () => {
  it('gives the numbers of the bot’s Stats to an admin only', async () => {
    const res = await api('GET', '/admin/stats', { token: adminToken });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      users: { total: expect.any(Number), active7d: expect.any(Number), blockedBot: 0, banned: 0 },
      tasks: expect.any(Object),
      messages24h: 0,
      mailings: expect.any(Object),
    });
    expect(res.body.users.total).toBeGreaterThanOrEqual(3);
    expect((await api('GET', '/admin/stats', { token: plainToken })).status).toBe(403);
  });
});

describe('PATCH /admin/users/{id}: the role of someone banned', () => {
  it('does not make a banned user an admin (409 target_banned, nothing changes) unless the same request unbans them', async () => {
    const banned = await createAccount(env.services, { username: 'banned_console' });
    const id = banned.user.id;
    await env.em().nativeUpdate(User, { id }, { status: 'banned' });
    for (const json of [{ role: 'admin' }, { role: 'admin', banned: true }, { role: 'admin', tags: ['vip'] }]) {
      const res = await api('PATCH', `/admin/users/${id}`, { token: adminToken, json });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('target_banned');
    }
    // Banning and promoting at once is refused as well.
    const active = await createAccount(env.services, { username: 'active_console' });
    const both = await api('PATCH', `/admin/users/${active.user.id}`, {
      token: adminToken,
      json: { role: 'admin', banned: true },
    });
    expect(both.body.error?.code).toBe('target_banned');
    const rows = await env
      .em()
      .getConnection()
      .execute<Array<{ role: string; status: string; tags: string[] }>>(
        'select role, status, tags from users where id in (?, ?) order by id',
        [id, active.user.id],
      );
    expect(rows).toEqual([
      { role: 'user', status: 'banned', tags: [] },
      { role: 'user', status: 'active', tags: [] },
    ]);
    expect([...(await auditRows(id)), ...(await auditRows(active.user.id))]).toEqual([]);

    // Unbanned in the same request: promoted, both changes audited.
    const res = await api('PATCH', `/admin/users/${id}`, { token: adminToken, json: { role: 'admin', banned: false } });
    expect(res.status).toBe(200);
    expect(res.body.role).toBe('admin');
    expect((await auditRows(id)).map((a) => a.action).sort()).toEqual(['user.role', 'user.unban']);
    // A banned admin can still be demoted.
    await env.em().nativeUpdate(User, { id }, { status: 'banned' });
    const demoted = await api('PATCH', `/admin/users/${id}`, { token: adminToken, json: { role: 'user' } });
    expect(demoted.status).toBe(200);
    expect(demoted.body.role).toBe('user');
  });
});
