import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type UsersApi, usersApi } from './fixtures.js';

let t: UsersApi;
beforeAll(async () => {
  t = await usersApi();
});
afterAll(async () => {
  await t?.close();
});

const USER_KEYS = [
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
];

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('GET /users/me', () => {
  it('answers 401 in the error shape without a token or with a bad one', async () => {
    for (const token of [undefined, 'not-a-jwt', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.']) {
      const res = await t.request('GET', '/users/me', { token });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
  });

  it('returns exactly the User object of SPEC §3.1, with no secret even when one is stored', async () => {
    const { user, token } = await t.createUser({
      username: 'Ann_Lee',
      passwordHash: '$argon2id$v=19$secret-hash',
      firstName: 'Ann',
      lastName: 'Lee',
      email: 'ann@example.com',
      timezone: 'Europe/Moscow',
    });
    const res = await t.request('GET', '/users/me', { token });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(USER_KEYS);
    expect(res.body).toEqual({
      id: user.id,
      username: 'Ann_Lee',
      firstName: 'Ann',
      lastName: 'Lee',
      email: 'ann@example.com',
      phone: null,
      operatorCode: null,
      language: 'en',
      timezone: 'Europe/Moscow',
      notifications: true,
      mailings: true,
      role: 'user',
      status: 'active',
      telegramLinked: false,
      createdAt: user.createdAt.toISOString(),
    });
    expect(typeof res.body.id).toBe('string');
    expect(res.body.createdAt).toMatch(ISO_UTC);
    expect(JSON.stringify(res.body)).not.toContain('argon2');
  });

  it('falls back to the Telegram first name and reports the Telegram link', async () => {
    const { token } = await t.createUser({ telegramId: 5_550_001, telegramFirstName: 'Telegram Ann' });
    const res = await t.request('GET', '/users/me', { token });
    expect(res.body).toMatchObject({ firstName: 'Telegram Ann', telegramLinked: true });

    const { token: both } = await t.createUser({ telegramId: 5_550_002, telegramFirstName: 'Tg', firstName: 'Acc' });
    expect((await t.request('GET', '/users/me', { token: both })).body.firstName).toBe('Acc');
  });

  it('refuses banned users (403) and accounts still pending confirmation (401)', async () => {
    const { token: banned } = await t.createUser({ status: 'banned' });
    expect((await t.request('GET', '/users/me', { token: banned })).status).toBe(403);
    const { token: pending } = await t.createUser({ accountState: 'pending' });
    expect((await t.request('GET', '/users/me', { token: pending })).status).toBe(401);
  });
});

describe('PATCH /users/me', () => {
  const patch = (token: string, json: unknown) => t.request('PATCH', '/users/me', { token, json });

  it('changes every allowed field, normalizes them, stores them and returns the User', async () => {
    const { user, token } = await t.createUser();
    const res = await patch(token, {
      firstName: '  Анна   Мария ',
      lastName: 'Ли',
      email: ' anna@example.org ',
      phone: '8 (916) 123-45-67',
      language: 'ru',
      timezone: 'europe/moscow',
      notifications: false,
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(USER_KEYS);
    expect(res.body).toMatchObject({
      id: user.id,
      firstName: 'Анна Мария',
      lastName: 'Ли',
      email: 'anna@example.org',
      phone: '+79161234567',
      operatorCode: '916',
      language: 'ru',
      timezone: 'Europe/Moscow',
      notifications: false,
    });
    const row = await t.reload(user.id);
    expect(row).toMatchObject({
      firstName: 'Анна Мария',
      lastName: 'Ли',
      email: 'anna@example.org',
      phone: '+79161234567',
      operatorCode: '916',
      language: 'ru',
      timezone: 'Europe/Moscow',
      notifications: false,
    });
  });

  it('a language set over the API is the one the bot speaks (same row)', async () => {
    const telegramId = 5_550_100;
    const { user, token } = await t.createUser({ telegramId, telegramFirstName: 'Ann', language: 'en' });
    expect((await patch(token, { language: 'ru' })).status).toBe(200);
    expect((await t.reload(user.id)).language).toBe('ru');

    const bot = t.env.newBot();
    const client = bot.client({ id: telegramId, first_name: 'Ann', language_code: 'en' });
    await client.sendCommand('start');
    expect(client.lastReply()).toContain('С возвращением');
  });

  it('accepts UTC offsets as time zones', async () => {
    const { token } = await t.createUser();
    expect((await patch(token, { timezone: 'UTC+3' })).body.timezone).toBe('Etc/GMT-3');
    expect((await patch(token, { timezone: 'utc' })).body.timezone).toBe('UTC');
  });

  it('an empty body changes nothing and answers the unchanged User', async () => {
    const { user, token } = await t.createUser({ firstName: 'Ann', email: 'a@b.io' });
    const before = await t.request('GET', '/users/me', { token });
    const res = await patch(token, {});
    expect(res.status).toBe(200);
    expect(res.body).toEqual(before.body);
    const row = await t.reload(user.id);
    expect(row.updatedAt.getTime()).toBe(user.updatedAt.getTime());

    // No body at all behaves like {}.
    const bare = await t.request('PATCH', '/users/me', { token });
    expect(bare.status).toBe(200);
    expect(bare.body).toEqual(before.body);
  });

  it('null clears lastName, email and phone (with its operator code)', async () => {
    const { user, token } = await t.createUser({
      lastName: 'Lee',
      email: 'a@b.io',
      phone: '+79161234567',
      operatorCode: '916',
    });
    const res = await patch(token, { lastName: null, email: null, phone: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ lastName: null, email: null, phone: null, operatorCode: null });
    expect(await t.reload(user.id)).toMatchObject({ lastName: null, email: null, phone: null, operatorCode: null });
  });

  it.each([
    'role',
    'status',
    'username',
    'id',
    'telegramId',
    'passwordHash',
    'accountState',
    'createdAt',
    'telegramLinked',
    'operatorCode',
    'displayName',
    'tags',
    '__proto__',
  ])('refuses the field %s with 422 naming it, changing nothing', async (field) => {
    const { user, token } = await t.createUser({ firstName: 'Ann' });
    // Raw JSON so that "__proto__" is a real key of the body.
    const res = await t.request('PATCH', '/users/me', {
      token,
      headers: { 'content-type': 'application/json' },
      body: `{"firstName": "Changed", ${JSON.stringify(field)}: "admin"}`,
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toContainEqual({ path: field, message: expect.any(String) });
    const row = await t.reload(user.id);
    expect(row).toMatchObject({ firstName: 'Ann', role: 'user', status: 'active', username: user.username });
  });

  it.each([
    [{ firstName: 5 }, 'firstName'],
    [{ firstName: null }, 'firstName'],
    [{ firstName: ['Ann'] }, 'firstName'],
    [{ lastName: { a: 1 } }, 'lastName'],
    [{ email: true }, 'email'],
    [{ phone: 79161234567 }, 'phone'],
    [{ language: 'de' }, 'language'],
    [{ language: 'RU' }, 'language'],
    [{ language: null }, 'language'],
    [{ timezone: 3 }, 'timezone'],
    [{ notifications: 'yes' }, 'notifications'],
    [{ notifications: null }, 'notifications'],
  ])('refuses wrong types: %j', async (body, field) => {
    const { token } = await t.createUser();
    const res = await patch(token, body);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual([field]);
  });

  it('refuses bodies that are not a JSON object', async () => {
    const { token } = await t.createUser();
    for (const body of ['null', '[]', '"text"', '42']) {
      const res = await t.request('PATCH', '/users/me', {
        token,
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status, body).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const broken = await t.request('PATCH', '/users/me', {
      token,
      headers: { 'content-type': 'application/json' },
      body: '{"firstName": ',
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_json');
    const text = await t.request('PATCH', '/users/me', {
      token,
      headers: { 'content-type': 'text/plain' },
      body: 'firstName=Ann',
    });
    expect(text.status).toBe(415);
  });

  describe('names', () => {
    it.each([
      ['', 'empty'],
      ['   ', 'blank'],
      ['\u200D\u200D', 'only joiners'],
      ['x'.repeat(129), '129 characters'],
      ['x'.repeat(10 * 1024), '10 KB'],
      ['Ann\u0000', 'NUL'],
      ['Ann\nLee', 'newline'],
      ['Ann\tLee', 'tab'],
      ['Ann\u001B[31m', 'ANSI escape'],
      ['\u202Eexe.txt', 'RTL override'],
      ['Ann\u2066Lee\u2069', 'bidi isolate'],
      ['A\u200Bnn', 'zero-width space'],
      ['Ann\uFEFF', 'BOM'],
      ['Ann\u2028', 'line separator'],
      ['Ann\uD800', 'lone surrogate'],
    ])('refuses %j (%s) in firstName and lastName', async (name) => {
      const { user, token } = await t.createUser({ firstName: 'Ann', lastName: 'Lee' });
      for (const field of ['firstName', 'lastName']) {
        const res = await patch(token, { [field]: name });
        expect(res.status, field).toBe(422);
        expect(res.body.error).toMatchObject({
          code: 'validation_failed',
          details: [{ path: field, message: expect.any(String) }],
        });
      }
      expect(await t.reload(user.id)).toMatchObject({ firstName: 'Ann', lastName: 'Lee' });
    });

    it.each([
      ['x'.repeat(128), '128 characters'],
      ['😀'.repeat(128), '128 emoji (256 UTF-16 units)'],
      ['👩‍👩‍👧‍👦 Family', 'ZWJ emoji sequence'],
      ['🏴󠁧󠁢󠁳󠁣󠁴󠁿', 'subdivision flag (tag characters)'],
      ['میرزا\u200Cعلی', 'ZWNJ in Persian'],
      ["D'Artagnan-Smith Jr.", 'punctuation'],
      ['Zoë', 'accents'],
    ])('accepts %j (%s)', async (name) => {
      const { user, token } = await t.createUser();
      const res = await patch(token, { firstName: name, lastName: name });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ firstName: name.normalize('NFC'), lastName: name.normalize('NFC') });
      expect((await t.reload(user.id)).firstName).toBe(name.normalize('NFC'));
    });
  });

  it.each([
    'plainaddress',
    'a@b',
    'a@b.c',
    '@example.com',
    'a b@example.com',
    'a@@example.com',
    'a@exam ple.com',
    'a..b@example.com',
    'a@example..com',
    `${'a'.repeat(250)}@b.io`,
    'ann\u0000@example.com',
  ])('refuses the email %j', async (email) => {
    const { user, token } = await t.createUser({ email: 'old@example.com' });
    const res = await patch(token, { email });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([{ path: 'email', message: expect.any(String) }]);
    expect((await t.reload(user.id)).email).toBe('old@example.com');
  });

  it('refuses phones that are not phone numbers', async () => {
    const { user, token } = await t.createUser({ phone: '+79161234567', operatorCode: '916' });
    for (const phone of ['', 'call me', '+7 916', '12', `+${'1'.repeat(40)}`, '+7916123456\u0000']) {
      const res = await patch(token, { phone });
      expect(res.status, phone).toBe(422);
      expect(res.body.error.details).toEqual([{ path: 'phone', message: expect.any(String) }]);
    }
    expect(await t.reload(user.id)).toMatchObject({ phone: '+79161234567', operatorCode: '916' });
  });

  it('refuses unknown time zones with a message that says what is expected', async () => {
    const { user, token } = await t.createUser({ timezone: 'Europe/Berlin' });
    for (const timezone of ['Mars/Olympus', '', 'UTC+15', 'UTC-13', 'x'.repeat(10_000)]) {
      const res = await patch(token, { timezone });
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual([{ path: 'timezone', message: expect.stringContaining('time zone') }]);
    }
    // A NUL is refused before any field rule, as in every field of every request (openapi.ts).
    const nul = await patch(token, { timezone: 'Europe/Moscow\u0000' });
    expect(nul.status).toBe(422);
    expect(nul.body.error.details).toEqual([{ path: 'timezone', message: expect.stringContaining('NUL') }]);
    expect((await t.reload(user.id)).timezone).toBe('Europe/Berlin');
  });

  it('reports every invalid field at once and changes none of the valid ones', async () => {
    const { user, token } = await t.createUser({ firstName: 'Ann', language: 'en' });
    const res = await patch(token, {
      firstName: 'Bob',
      language: 'ru',
      email: 'nope',
      phone: 'nope',
      timezone: 'Nowhere/City',
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['email', 'phone', 'timezone']);
    expect(await t.reload(user.id)).toMatchObject({ firstName: 'Ann', language: 'en' });
  });

  it('changes only the caller: another user stays as they were', async () => {
    const other = await t.createUser({ firstName: 'Other', language: 'en' });
    const { token } = await t.createUser();
    expect((await patch(token, { firstName: 'Me', language: 'ru' })).status).toBe(200);
    expect(await t.reload(other.user.id)).toMatchObject({ firstName: 'Other', language: 'en' });
  });

  it('answers 413 for a body over 1 MiB and never a 5xx for odd bodies', async () => {
    const { token } = await t.createUser();
    const huge = await patch(token, { firstName: 'x'.repeat(1024 * 1024 + 1) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');

    const odd: unknown[] = [
      { firstName: '\u0000'.repeat(1000) },
      { firstName: { toString: 'x' } },
      { email: `a@${'b'.repeat(300)}.com` },
      { phone: '+'.repeat(1000) },
      { timezone: '../../etc/passwd' },
      { timezone: 'Etc/GMT+99' },
      { firstName: '😀'.repeat(5000) },
      { constructor: { prototype: { admin: true } } },
      Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i])),
    ];
    for (const body of odd) {
      const res = await patch(token, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
  });
});
