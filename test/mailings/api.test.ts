import { describe, expect, it } from 'vitest';
import { AuditEntry } from '../../src/features/audit/audit.entity.js';
import { Mailing } from '../../src/features/mailings/mailing.entities.js';
import { countAudience } from '../../src/features/mailings/mailings.js';
import { User } from '../../src/features/users/user.entity.js';
import { createAccount } from '../helpers/accounts.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { engineHarness, seedUsers, waitForMailing } from '../helpers/mailings.js';
import { apiRequest } from '../helpers/services.js';

const env = useTestEnvironment();

async function admin() {
  const account = await createAccount(env.services);
  const em = env.em();
  await em.nativeUpdate(User, { id: account.user.id }, { role: 'admin' });
  return account;
}

const future = (ms: number) => new Date(Date.now() + ms).toISOString();

describe('mailings API (admin only)', () => {
  it('every route answers 401 without a token and 403 forbidden for a non-admin', async () => {
    const { token } = await createAccount(env.services);
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/mailings'],
      ['POST', '/mailings', { text: 'x', endAt: future(60_000) }],
      ['GET', '/mailings/stats'],
      ['GET', '/mailings/1'],
      ['PATCH', '/mailings/1', { text: 'y' }],
      ['DELETE', '/mailings/1'],
      ['POST', '/mailings/1/cancel'],
      ['GET', '/mailings/1/deliveries'],
      ['POST', '/mailings/audience', { filter: {} }],
    ];
    for (const [method, path, json] of routes) {
      const anonymous = await apiRequest(env.app, method, path, { json });
      expect(anonymous.status, `${method} ${path}`).toBe(401);
      const user = await apiRequest(env.app, method, path, { json, token });
      expect(user.status, `${method} ${path}`).toBe(403);
      expect(user.body.error.code).toBe('forbidden');
    }
  });

  it('POST /mailings/audience counts who a filter reaches now, as a mailing would; bad filters 422; changes nothing', async () => {
    const { token } = await admin();
    const mailingsBefore = await env.em().count(Mailing, {});
    await seedUsers(env.em(), 3, { tags: ['aud-count'], language: 'ru', operatorCode: '916' });
    await seedUsers(env.em(), 2, { tags: ['aud-count'], language: 'en' });
    await seedUsers(env.em(), 1, { tags: ['aud-count'], language: 'ru', botBlocked: true });
    const count = async (filter: unknown) =>
      apiRequest(env.app, 'POST', '/mailings/audience', { token, json: { filter } });
    expect((await count({ tags: ['aud-count'] })).body).toEqual({ count: 5 });
    expect((await count({ tags: ['aud-count'], languages: ['ru'] })).body).toEqual({ count: 3 });
    expect((await count({ tags: ['aud-count'], operatorCodes: ['916'], languages: ['en'] })).body).toEqual({
      count: 0,
    });
    const everyone = (await count({})).body.count;
    expect(everyone).toBeGreaterThanOrEqual(5);
    expect(await countAudience(env.em(), {})).toBe(everyone);
    for (const filter of [{ tags: 'vip' }, { tags: ['x'.repeat(65)] }, { colour: ['red'] }, 'vip', null]) {
      const refused = await count(filter);
      expect(refused.status, JSON.stringify(filter)).toBe(422);
      expect(refused.body.error.code).toBe('validation_failed');
    }
    expect(await env.em().count(Mailing, {})).toBe(mailingsBefore);
  });

  it('create, validate, get, patch and delete before start; 409 after; audit entries', async () => {
    const { token } = await admin();
    const bad = async (json: unknown) => apiRequest(env.app, 'POST', '/mailings', { token, json });
    expect((await bad({ text: '<b>unclosed', endAt: future(60_000) })).status).toBe(422);
    expect((await bad({ text: '<script>x</script>', endAt: future(60_000) })).status).toBe(422);
    // A link opens a web page, a Telegram chat or a mail, never a script.
    for (const href of ['javascript:alert(1)', ' JavaScript:alert(1)', 'data:text/html,x', 'file:///etc/passwd']) {
      const refused = await bad({ text: `<a href="${href}">tap</a>`, endAt: future(60_000) });
      expect(refused.status, href).toBe(422);
      expect(refused.body.error.details[0].message).toContain('http://');
    }
    expect((await bad({ text: 'a'.repeat(4097), endAt: future(60_000) })).status).toBe(422);
    expect((await bad({ text: 'ok', startAt: future(60_000), endAt: future(30_000) })).body.error.details[0].path).toBe(
      'endAt',
    );
    expect((await bad({ text: 'ok', endAt: future(60_000), window: { from: '25:00', to: '10:00' } })).status).toBe(422);
    expect((await bad({ text: 'ok', endAt: future(60_000), extra: 1 })).status).toBe(422);
    expect((await bad({ text: 'ok', endAt: 'tomorrow' })).status).toBe(422);

    const created = await apiRequest(env.app, 'POST', '/mailings', {
      token,
      json: {
        text: 'Hi <a href="https://example.com">there</a> &amp; <tg-spoiler>s</tg-spoiler>',
        filter: { tags: ['api-x'], languages: [] },
        startAt: future(3_600_000),
        endAt: future(7_200_000),
        window: { from: '09:00', to: '21:00' },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'scheduled',
      filter: { tags: ['api-x'] },
      window: { from: '09:00', to: '21:00' },
    });
    expect(created.body.counts).toEqual({
      pending: 0,
      processing: 0,
      sent: 0,
      error: 0,
      expired: 0,
      unknown: 0,
      recalled: 0,
    });
    const id = created.body.id as string;

    const patched = await apiRequest(env.app, 'PATCH', `/mailings/${id}`, {
      token,
      json: { text: 'Changed', window: null },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ text: 'Changed', window: null });
    expect((await apiRequest(env.app, 'GET', `/mailings/${id}`, { token })).body.text).toBe('Changed');
    expect((await apiRequest(env.app, 'GET', '/mailings/999999', { token })).status).toBe(404);
    expect((await apiRequest(env.app, 'GET', '/mailings/abc', { token })).status).toBe(404);

    const list = await apiRequest(env.app, 'GET', '/mailings?limit=1', { token });
    expect(list.body.items[0].id).toBe(id);

    expect((await apiRequest(env.app, 'DELETE', `/mailings/${id}`, { token })).status).toBe(204);
    expect((await apiRequest(env.app, 'GET', `/mailings/${id}`, { token })).status).toBe(404);

    // A started mailing: PATCH/DELETE 409, cancel works once.
    await seedUsers(env.em(), 3, { tags: ['api-run'] });
    const running = await apiRequest(env.app, 'POST', '/mailings', {
      token,
      json: { text: 'run', filter: { tags: ['api-run'] }, endAt: future(60_000) },
    });
    const h = await engineHarness(env.services);
    try {
      await h.engine({ rate: 2 }).startDueMailing();
      expect(
        (await apiRequest(env.app, 'PATCH', `/mailings/${running.body.id}`, { token, json: { text: 'x' } })).status,
      ).toBe(409);
      expect((await apiRequest(env.app, 'DELETE', `/mailings/${running.body.id}`, { token })).status).toBe(409);
      const cancelled = await apiRequest(env.app, 'POST', `/mailings/${running.body.id}/cancel`, { token });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', counts: { expired: 3 } });
      expect((await apiRequest(env.app, 'POST', `/mailings/${running.body.id}/cancel`, { token })).status).toBe(409);
    } finally {
      await h.stop();
    }
    const actions = (await env.em().find(AuditEntry, { targetType: 'mailing' })).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(['mailing.create', 'mailing.update', 'mailing.delete', 'mailing.cancel']),
    );
  });

  it('per-recipient detail and overall statistics', async () => {
    const { token } = await admin();
    const chats = await seedUsers(env.em(), 4, { tags: ['api-stats'] });
    const h = await engineHarness(env.services);
    h.fake.blocked.add(chats[0] as number);
    try {
      const created = await apiRequest(env.app, 'POST', '/mailings', {
        token,
        json: { text: 'stats', filter: { tags: ['api-stats'] }, endAt: future(60_000) },
      });
      h.engine().start();
      await waitForMailing(env.services, created.body.id);
      const detail = await apiRequest(env.app, 'GET', `/mailings/${created.body.id}/deliveries?limit=2`, { token });
      expect(detail.status).toBe(200);
      expect(detail.body.items).toHaveLength(2);
      expect(detail.body.nextCursor).not.toBeNull();
      const errors = await apiRequest(env.app, 'GET', `/mailings/${created.body.id}/deliveries?status=error`, {
        token,
      });
      expect(errors.body.items).toEqual([
        expect.objectContaining({ chatId: chats[0], status: 'error', error: expect.stringMatching(/^403/) }),
      ]);
      expect(
        (await apiRequest(env.app, 'GET', `/mailings/${created.body.id}/deliveries?status=nope`, { token })).status,
      ).toBe(422);
      const stats = await apiRequest(env.app, 'GET', '/mailings/stats', { token });
      expect(stats.status).toBe(200);
      const item = stats.body.items.find((i: { id: string }) => i.id === created.body.id);
      expect(item.counts).toMatchObject({ sent: 3, error: 1 });
      expect(stats.body.deliveries.sent).toBeGreaterThanOrEqual(3);
      const doc = await apiRequest(env.app, 'GET', '/openapi.json');
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining([
          '/mailings',
          '/mailings/stats',
          '/mailings/{id}',
          '/mailings/{id}/cancel',
          '/mailings/{id}/deliveries',
        ]),
      );
    } finally {
      await h.stop();
    }
  });
});
