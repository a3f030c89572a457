import { describe, expect, it } from 'vitest';
import { Registration } from '../../src/features/accounts/account.entities.js';
import { handleNotification, startNotificationsWorker } from '../../src/features/accounts/jobs/notifications.js';
import { User } from '../../src/features/users/user.entity.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';

const env = useTestEnvironment();
const em = () => env.em();
let nextTelegramId = 300_000;

/** A Telegram user who has started the env.bot. */
async function startedTelegramUser(language = 'en') {
  const client = env.bot.client({ id: nextTelegramId++, first_name: 'Tom', language_code: language });
  await client.sendCommand('start');
  return client;
}

async function registrationOf(username: string) {
  return em().findOneOrFail(Registration, { username }, { orderBy: { id: 'desc' } });
}

async function runJob(data: Parameters<typeof handleNotification>[1]['data']) {
  await handleNotification(env.services, { data });
}

describe('POST /auth/register without telegramId', () => {
  it('creates an active account at once', async () => {
    const res = await apiRequest(env.app, 'POST', '/auth/register', {
      json: { username: 'Alice_1', password: 'long enough pw', firstName: 'Alice', email: 'a@example.com' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'active',
      user: {
        username: 'Alice_1',
        firstName: 'Alice',
        email: 'a@example.com',
        telegramLinked: false,
        status: 'active',
      },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/password|hash/i);
    const stored = await em().findOneOrFail(User, { username: 'Alice_1' }, { populate: ['passwordHash'] });
    expect(stored.accountState).toBe('active');
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('refuses a taken username case-insensitively', async () => {
    const res = await apiRequest(env.app, 'POST', '/auth/register', {
      json: { username: 'alice_1', password: 'long enough pw' },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('username_taken');
  });

  it.each([
    [{ username: 'ab', password: 'long enough pw' }, 'username'],
    [{ username: 'bad name', password: 'long enough pw' }, 'username'],
    [{ username: 'okname', password: 'short' }, 'password'],
    [{ username: 'okname', password: 'x'.repeat(129) }, 'password'],
    [{ username: 'okname', password: 'long enough pw', role: 'admin' }, ''],
    [{ username: 'okname', password: 'long enough pw', telegramId: 'abc' }, 'telegramId'],
    [{ username: 'okname', password: 'long enough pw', firstName: 'a\u202Eb' }, 'firstName'],
    [{ username: 'okname', password: 'long enough pw', email: 'not-an-email' }, 'email'],
  ])('answers 422 for %j and creates nothing', async (json, field) => {
    const res = await apiRequest(env.app, 'POST', '/auth/register', { json });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    expect(JSON.stringify(res.body.error.details)).toContain(field);
    expect(await em().count(User, { username: 'okname' })).toBe(0);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await apiRequest(env.app, 'POST', '/auth/register', {
      body: '{"username":',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
  });
});

describe('POST /auth/register with telegramId', () => {
  it('refuses a Telegram user who has not started the env.bot, with the env.bot link', async () => {
    const res = await apiRequest(env.app, 'POST', '/auth/register', {
      json: { username: 'ghost', password: 'long enough pw', telegramId: 999_999_001 },
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: 'telegram_not_started',
      details: { botLink: 'https://t.me/gramdesk_test_bot' },
    });
  });

  it('creates a pending account, asks in Telegram, and Confirm activates it', async () => {
    const client = await startedTelegramUser();
    const res = await apiRequest(env.app, 'POST', '/auth/register', {
      json: { username: 'tom_http', password: 'long enough pw', telegramId: client.user.id },
    });
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('pending_confirmation');
    expect(new Date(res.body.expiresAt).getTime() - Date.now()).toBeGreaterThan(14 * 60 * 1000);
    // The person's row is untouched until they confirm.
    expect(await em().findOneOrFail(User, { telegramId: client.user.id })).toMatchObject({
      username: null,
      accountState: null,
    });

    await runJob({ type: 'registration-confirm', registrationId: (await registrationOf('tom_http')).id });
    expect(client.lastReply()).toContain('create the Gramdesk account <b>@tom_http</b>');
    expect(client.buttons()).toEqual(['✅ Confirm', '❌ Decline']);

    await client.click('✅ Confirm');
    expect(client.lastReply()).toBe(
      '✅ Confirmed: the account <b>@tom_http</b> is active. You can log in with its password.',
    );
    const user = await em().findOneOrFail(User, { telegramId: client.user.id });
    expect(user).toMatchObject({ username: 'tom_http', accountState: 'active' });
    expect((await registrationOf('tom_http')).status).toBe('confirmed');

    // A second registration naming the same Telegram user is refused.
    const again = await apiRequest(env.app, 'POST', '/auth/register', {
      json: { username: 'tom_again', password: 'long enough pw', telegramId: client.user.id },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('telegram_taken');
  });

  it('a request the worker gets to only after its window sends nothing (no buttons that can only say "expired")', async () => {
    const client = await startedTelegramUser('en');
    await apiRequest(env.app, 'POST', '/auth/register', {
      json: { username: 'too_late_one', password: 'long enough pw', telegramId: client.user.id },
    });
    const registration = await registrationOf('too_late_one');
    await em().nativeUpdate(Registration, { id: registration.id }, { expiresAt: new Date(Date.now() - 1000) });
    const before = client.replies().length;
    await runJob({ type: 'registration-confirm', registrationId: registration.id });
    expect(client.replies()).toHaveLength(before);
  });

  it('Decline removes the pending account and frees the username', async () => {
    const client = await startedTelegramUser('ru');
    await apiRequest(env.app, 'POST', '/auth/register', {
      json: { username: 'declined_one', password: 'long enough pw', firstName: 'D', telegramId: client.user.id },
    });
    await runJob({ type: 'registration-confirm', registrationId: (await registrationOf('declined_one')).id });
    expect(client.lastReply()).toContain('Кто-то хочет создать аккаунт Gramdesk <b>@declined_one</b>');
    await client.click('❌ Отклонить');
    expect(client.lastReply()).toBe('❌ Отклонено: аккаунт <b>@declined_one</b> не создан.');
    const user = await em().findOneOrFail(User, { telegramId: client.user.id });
    expect(user).toMatchObject({ username: null, accountState: null, firstName: null });

    const reuse = await apiRequest(env.app, 'POST', '/auth/register', {
      json: { username: 'declined_one', password: 'long enough pw' },
    });
    expect(reuse.status).toBe(201);
  });

  it('a Confirm pressed after the person was made an admin creates nothing and asks again, naming the admin rights', async () => {
    const client = await startedTelegramUser();
    await apiRequest(env.app, 'POST', '/auth/register', {
      json: { username: 'late_admin', password: 'long enough pw', telegramId: client.user.id },
    });
    await runJob({ type: 'registration-confirm', registrationId: (await registrationOf('late_admin')).id });
    expect(client.lastReply()).not.toContain('admin rights');
    const requestId = env.telegram.chat(client.chatId).at(-1)?.message_id;

    // Made an admin while the request waits (it said nothing of admin rights).
    const promoting = em();
    const row = await promoting.findOneOrFail(User, { telegramId: client.user.id });
    row.role = 'admin';
    await promoting.flush();
    await client.click('✅ Confirm');
    expect(env.telegram.callsOf('answerCallbackQuery').at(-1)?.payload.text).toBe(
      '⚠️ You have since been made an admin: confirming now hands over your admin rights too. Read the request again.',
    );
    expect((await registrationOf('late_admin')).status).toBe('pending');
    expect(await em().findOneOrFail(User, { telegramId: client.user.id })).toMatchObject({
      username: null,
      accountState: null,
    });
    // The same message now names them, and its new Confirm activates the account.
    expect(env.telegram.chat(client.chatId).at(-1)?.message_id).toBe(requestId);
    expect(client.lastReply()).toContain('with your admin rights');
    await client.click('✅ Confirm');
    expect(client.lastReply()).toBe(
      '✅ Confirmed: the account <b>@late_admin</b> is active. You can log in with its password.',
    );
  });

  it('the request names its deadline in the person’s own time zone, in both languages, also when shown again', async () => {
    for (const [language, zone, line] of [
      ['en', 'Asia/Tokyo', 'If it was you, confirm by '],
      ['ru', 'America/New_York', 'Если это вы, подтвердите до '],
    ] as const) {
      const client = await startedTelegramUser(language);
      await em().nativeUpdate(User, { telegramId: client.user.id }, { timezone: zone });
      const username = `deadline_${language}`;
      await apiRequest(env.app, 'POST', '/auth/register', {
        json: { username, password: 'long enough pw', telegramId: client.user.id },
      });
      const registration = await registrationOf(username);
      const deadline = new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        hour: '2-digit',
        minute: '2-digit',
        hour12: false,
      }).format(registration.expiresAt);
      await runJob({ type: 'registration-confirm', registrationId: registration.id });
      expect(client.lastReply()).toContain(`${line}${deadline}.`);
      // Shown again (made an admin meanwhile): the same deadline, not a fresh "15 minutes".
      await em().nativeUpdate(User, { telegramId: client.user.id }, { role: 'admin' });
      await client.click(language === 'en' ? '✅ Confirm' : '✅ Подтвердить');
      expect(client.lastReply()).toContain(`${line}${deadline}.`);
      expect(client.lastReply()).not.toMatch(/15 minutes|15 минут/);
    }
  });

  it('a press by another Telegram user (a forged callback) changes nothing', async () => {
    const owner = await startedTelegramUser();
    const intruder = await startedTelegramUser();
    await apiRequest(env.app, 'POST', '/auth/register', {
      json: { username: 'victim_acc', password: 'long enough pw', telegramId: owner.user.id },
    });
    const registration = await registrationOf('victim_acc');
    await intruder.pressCallback(undefined, `reg:${registration.id}:yes`);
    const answer = env.telegram.callsOf('answerCallbackQuery').at(-1);
    expect(answer?.payload.text).toBe('This request does not exist or is not yours.');
    expect((await registrationOf('victim_acc')).status).toBe('pending');
    expect((await em().findOneOrFail(User, { telegramId: owner.user.id })).accountState).toBeNull();
  });

  it('15 minutes without an answer: the expiry job removes the account exactly once', async () => {
    const client = await startedTelegramUser();
    await apiRequest(env.app, 'POST', '/auth/register', {
      json: { username: 'slow_user', password: 'long enough pw', telegramId: client.user.id },
    });
    const registration = await registrationOf('slow_user');
    await runJob({ type: 'registration-confirm', registrationId: registration.id });

    // Early: the job leaves a request that has not expired alone.
    await runJob({ type: 'registration-expire', registrationId: registration.id });
    expect((await registrationOf('slow_user')).status).toBe('pending');

    await em().nativeUpdate(Registration, { id: registration.id }, { expiresAt: new Date(Date.now() - 1000) });
    const editsBefore = env.telegram.callsOf('editMessageText').length;
    await runJob({ type: 'registration-expire', registrationId: registration.id });
    await runJob({ type: 'registration-expire', registrationId: registration.id });
    expect(env.telegram.callsOf('editMessageText').length - editsBefore).toBe(1);
    expect(client.lastReply()).toContain('expired without an answer');
    expect((await registrationOf('slow_user')).status).toBe('expired');
    expect((await em().findOneOrFail(User, { telegramId: client.user.id })).username).toBeNull();

    // The buttons are gone from the message; a late press (an old client) changes nothing.
    expect(client.buttons()).not.toContain('✅ Confirm');
    await client.pressCallback(undefined, `reg:${registration.id}:yes`);
    expect((await em().findOneOrFail(User, { telegramId: client.user.id })).accountState).toBeNull();
  });

  it('the worker sends the confirmation as soon as the registration is made', async () => {
    const worker = startNotificationsWorker(env.services);
    try {
      const client = await startedTelegramUser();
      await apiRequest(env.app, 'POST', '/auth/register', {
        json: { username: 'quick_one', password: 'long enough pw', telegramId: client.user.id },
      });
      await env.telegram.waitForCall(
        (c) =>
          c.method === 'sendMessage' &&
          c.payload.chat_id === client.user.id &&
          String(c.payload.text).includes('@quick_one'),
        5_000,
      );
      expect(client.buttons()).toEqual(['✅ Confirm', '❌ Decline']);
    } finally {
      await worker.close();
    }
  });

  it('two registrations of one username at once: exactly one wins', async () => {
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        apiRequest(env.app, 'POST', '/auth/register', { json: { username: 'race_name', password: 'long enough pw' } }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });
});
