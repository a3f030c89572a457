import { beforeAll, describe, expect, it } from 'vitest';
import { User } from '../../src/features/users/user.entity.js';
import { createAccount } from '../helpers/accounts.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { dataOf, lastMessage, lastToast, userOf } from '../helpers/tasks.js';

/**
 * Authorization matrix for the admin panel: a non-admin sends the admin commands and presses
 * every admin button with an admin's real callback_data, and calls every admin API route. The
 * bot answers "⛔ Not allowed" once per attempt and changes nothing; the API answers 403.
 */
const env = useTestEnvironment();
const NOT_ALLOWED = '⛔ Not allowed';

let admin: BotClient;
let intruder: BotClient;
let victimId = '';
/** The admin's real callback_data, by button. */
const owned: Record<string, string> = {};

async function dbState() {
  const c = env.em().getConnection();
  return {
    users: await c.execute('select id, role, status, tags from users order by id'),
    audit: await c.execute('select * from audit_log order by id'),
    mailings: await c.execute('select * from mailings order by id'),
  };
}

beforeAll(async () => {
  admin = env.bot.client({ id: 760_001, first_name: 'Root', username: 'root760', language_code: 'en' });
  intruder = env.bot.client({ id: 760_002, first_name: 'Eve', username: 'eve760', language_code: 'en' });
  const victim = env.bot.client({ id: 760_003, first_name: 'Vic', username: 'vic760', language_code: 'en' });
  for (const c of [admin, intruder, victim]) await c.sendCommand('start');
  const em = env.em();
  const adminUser = await em.findOneOrFail(User, { telegramId: admin.user.id });
  adminUser.role = 'admin';
  const victimUser = await em.findOneOrFail(User, { telegramId: victim.user.id });
  victimUser.tags = ['vip'];
  await em.flush();
  victimId = victimUser.id;

  await admin.sendCommand('menu');
  owned['main: admin'] = dataOf(env, admin, '🛠 Admin');
  await admin.click('🛠 Admin');
  owned['home: stats'] = dataOf(env, admin, '📊 Stats');
  owned['home: users'] = dataOf(env, admin, '👥 Users');
  owned['home: mailings'] = dataOf(env, admin, '📨 Mailings');
  owned['home: back'] = dataOf(env, admin, '◀️ Back');
  await admin.click('📊 Stats');
  owned['stats: refresh'] = dataOf(env, admin, '🔄 Refresh');
  await admin.sendCommand('admin');
  await admin.click('👥 Users');
  await admin.sendText('vic');
  owned['results: open'] = dataOf(env, admin, 'Vic @vic760');
  owned['results: new search'] = dataOf(env, admin, '🔎 New search');
  await admin.click('Vic @vic760');
  owned['card: ban'] = dataOf(env, admin, '⛔ Ban');
  owned['card: make admin'] = dataOf(env, admin, '⭐ Make admin');
  owned['card: add tag'] = dataOf(env, admin, '🏷 Add tag');
  owned['card: remove tag'] = dataOf(env, admin, '❌ #vip');
  owned['card: results'] = dataOf(env, admin, '◀️ Back to results');

  await intruder.sendCommand('menu');
});

describe('a non-admin', () => {
  it('does not see the admin entry', () => {
    expect(intruder.buttons()).not.toContain('🛠 Admin');
  });

  it.each(['admin', 'newmailing'])('sending /%s gets "not allowed" only', async (command) => {
    const before = await dbState();
    const count = intruder.replies().length;
    await intruder.sendCommand(command);
    expect(intruder.replies().slice(count)).toEqual([NOT_ALLOWED]);
    expect(await dbState()).toEqual(before);
  });

  it('collected the admin’s buttons', () => {
    expect(Object.keys(owned)).toHaveLength(13);
    expect(owned['card: ban']).toContain(victimId);
  });

  it.each(
    Object.keys({
      'main: admin': 1,
      'home: stats': 1,
      'home: users': 1,
      'home: mailings': 1,
      'home: back': 1,
      'stats: refresh': 1,
      'results: open': 1,
      'results: new search': 1,
      'card: ban': 1,
      'card: make admin': 1,
      'card: add tag': 1,
      'card: remove tag': 1,
      'card: results': 1,
    }),
  )('pressing "%s" gets "not allowed" and changes nothing', async (name) => {
    const before = await dbState();
    const count = intruder.replies().length;
    const answers = env.telegram.callsOf('answerCallbackQuery').length;
    await intruder.pressCallback(lastMessage(env, intruder), owned[name] ?? '');
    expect(lastToast(env)).toBe(NOT_ALLOWED);
    expect(env.telegram.callsOf('answerCallbackQuery')).toHaveLength(answers + 1);
    expect(intruder.replies().slice(count)).toEqual([]);
    expect(await dbState()).toEqual(before);
    // No dialog was started: a text is not taken as a search or a tag.
    await intruder.sendText('vip');
    expect(intruder.lastReply()).toContain("I'm not sure what you mean");
  });
});

describe('a demoted admin', () => {
  it('old buttons do nothing', async () => {
    const em = env.em();
    const adminUser = await em.findOneOrFail(User, { telegramId: admin.user.id });
    adminUser.role = 'user';
    await em.flush();
    const before = await dbState();
    await admin.pressCallback(lastMessage(env, admin), owned['card: ban'] ?? '');
    expect(lastToast(env)).toBe(NOT_ALLOWED);
    await admin.sendCommand('admin');
    expect(admin.lastReply()).toBe(NOT_ALLOWED);
    expect(await dbState()).toEqual(before);
    adminUser.role = 'admin';
    await em.flush();
  });
});

describe('the admin API', () => {
  it('answers 401 without a token and 403 to a non-admin, for every route', async () => {
    const { token } = await createAccount(env.services, { username: 'plain_api_user' });
    const before = await dbState();
    const calls: Array<[string, RequestInit]> = [
      ['/admin/users', {}],
      ['/admin/users?tag=vip', {}],
      [
        `/admin/users/${victimId}`,
        { method: 'PATCH', body: JSON.stringify({ banned: true }), headers: { 'content-type': 'application/json' } },
      ],
      [
        `/admin/users/${victimId}`,
        { method: 'PATCH', body: JSON.stringify({ role: 'admin' }), headers: { 'content-type': 'application/json' } },
      ],
    ];
    for (const [path, init] of calls) {
      const anonymous = await env.app.request(path, init);
      expect(anonymous.status).toBe(401);
      const res = await env.app.request(path, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    }
    expect(await dbState()).toEqual(before);
  });
});

describe('the admin API for an admin', () => {
  let token = '';
  beforeAll(async () => {
    const account = await createAccount(env.services, { username: 'api_admin' });
    const em = env.em();
    const user = await em.findOneOrFail(User, { id: account.user.id });
    user.role = 'admin';
    await em.flush();
    token = account.token;
  });
  const call = (path: string, init: RequestInit = {}) =>
    env.app.request(path, {
      ...init,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    });

  it('lists users with filters and pages', async () => {
    const all = await call('/admin/users?limit=2');
    expect(all.status).toBe(200);
    const page = (await all.json()) as { items: Array<{ id: string }>; nextCursor: string | null };
    expect(page.items).toHaveLength(2);
    expect(page.nextCursor).not.toBeNull();
    const next = (await (await call(`/admin/users?limit=2&cursor=${page.nextCursor}`)).json()) as {
      items: Array<{ id: string }>;
    };
    expect(next.items[0]?.id).not.toBe(page.items[0]?.id);

    const vip = (await (await call('/admin/users?tag=vip')).json()) as {
      items: Array<{ id: string; tags: string[]; role: string }>;
    };
    expect(vip.items.map((u) => u.id)).toEqual([victimId]);
    expect(vip.items[0]?.tags).toEqual(['vip']);
    const en = (await (await call('/admin/users?language=en&operatorCode=916')).json()) as { items: unknown[] };
    expect(en.items).toEqual([]);
    expect((await call('/admin/users?language=xx')).status).toBe(422);
    expect((await call('/admin/users?cursor=abc')).status).toBe(422);
  });

  it('patches tags, role and ban (audited), strictly', async () => {
    const ok = await call(`/admin/users/${victimId}`, {
      method: 'PATCH',
      body: JSON.stringify({ tags: ['vip', 'Beta'], banned: true }),
    });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { tags: string[]; status: string };
    expect(body.tags).toEqual(['vip', 'beta']);
    expect(body.status).toBe('banned');
    const audit = await env
      .em()
      .getConnection()
      .execute<Array<{ action: string }>>('select action from audit_log where target_id = ? order by id', [victimId]);
    expect(audit.map((a) => a.action)).toEqual(['user.tags', 'user.ban']);

    expect(
      (await call(`/admin/users/${victimId}`, { method: 'PATCH', body: JSON.stringify({ banned: false }) })).status,
    ).toBe(200);
    expect((await call(`/admin/users/${victimId}`, { method: 'PATCH', body: JSON.stringify({ x: 1 }) })).status).toBe(
      422,
    );
    expect(
      (await call(`/admin/users/${victimId}`, { method: 'PATCH', body: JSON.stringify({ role: 'root' }) })).status,
    ).toBe(422);
    expect(
      (await call(`/admin/users/${victimId}`, { method: 'PATCH', body: JSON.stringify({ tags: ['bad tag'] }) })).status,
    ).toBe(422);
    expect(
      (await call('/admin/users/99999999', { method: 'PATCH', body: JSON.stringify({ banned: true }) })).status,
    ).toBe(404);
    expect((await call('/admin/users/abc', { method: 'PATCH', body: JSON.stringify({ banned: true }) })).status).toBe(
      404,
    );
    expect((await call(`/admin/users/${victimId}`, { method: 'PATCH', body: '{' })).status).toBe(400);
  });

  it('role change over the API registers the admin commands in the user’s chat', async () => {
    env.telegram.clear();
    const res = await call(`/admin/users/${victimId}`, { method: 'PATCH', body: JSON.stringify({ role: 'admin' }) });
    expect(res.status).toBe(200);
    expect(env.telegram.callsOf('setMyCommands').at(-1)?.payload.scope).toEqual({ type: 'chat', chat_id: 760_003 });
  });

  it('a banned user is refused by the API', async () => {
    const victimUser = await userOf(env, intruder);
    const res = await call(`/admin/users/${victimUser.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ banned: true }),
    });
    expect(res.status).toBe(200);
    const count = intruder.replies().length;
    await intruder.sendCommand('menu');
    await intruder.sendCommand('menu');
    expect(intruder.replies().slice(count)).toEqual([
      '⛔ Your access to Gramdesk has been blocked by an administrator.',
    ]);
  });
});
