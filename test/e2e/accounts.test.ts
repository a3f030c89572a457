import { afterAll, describe, expect, it } from 'vitest';
import { e2eRedisUrl, flushRedis, pollingClient, startE2eApp } from '../helpers/program.js';

const REDIS_DATABASE = 10;
afterAll(() => flushRedis(e2eRedisUrl(REDIS_DATABASE)));

describe('accounts end to end (the real program)', () => {
  it('register → confirm in Telegram → login → /users/me → POST /messages → the echo arrives', async () => {
    const app = await startE2eApp(REDIS_DATABASE);
    try {
      const telegramId = 810_000_000 + Math.floor(Math.random() * 1_000_000);
      const client = pollingClient(app.telegram, { id: telegramId, first_name: 'Erin', language_code: 'en' });
      await client.sendCommand('start');

      const registered = await app.register({
        username: 'erin_e2e',
        password: 'e2e password 123',
        firstName: 'Erin',
        telegramId,
      });
      expect(registered.status).toBe(202);

      // The worker asks in Telegram.
      await app.telegram.waitForCall(
        (c) =>
          c.method === 'sendMessage' &&
          c.payload.chat_id === telegramId &&
          String(c.payload.text).includes('@erin_e2e'),
      );
      const pendingLogin = await app.call('/auth/login', {
        body: { username: 'erin_e2e', password: 'e2e password 123' },
      });
      expect(pendingLogin.status).toBe(403);
      expect(pendingLogin.body.error.code).toBe('pending_confirmation');

      await client.click('✅ Confirm');
      expect(client.lastReply()).toContain('the account <b>@erin_e2e</b> is active');

      const login = await app.call('/auth/login', { body: { username: 'erin_e2e', password: 'e2e password 123' } });
      expect(login.status).toBe(200);
      const token = login.body.access_token as string;

      const me = await app.call('/users/me', { token });
      expect(me.body).toMatchObject({
        username: 'erin_e2e',
        firstName: 'Erin',
        telegramLinked: true,
        status: 'active',
      });

      const posted = await app.call('/messages', { body: { text: 'Hello from the e2e test' }, token });
      expect(posted.status).toBe(201);
      const echo = await app.telegram.waitForCall(
        (c) =>
          c.method === 'sendMessage' &&
          c.payload.chat_id === telegramId &&
          String(c.payload.text).startsWith('Erin, I got'),
      );
      expect(echo.payload.text).toBe('Erin, I got a message from you:\nHello from the e2e test');

      const history = await app.call('/messages', { token });
      expect(history.body.items.map((m: { text: string }) => m.text)).toEqual(['Hello from the e2e test']);

      expect(await app.program.stop()).toBe(0);
      expect(app.program.output()).not.toContain('E2E-secret_token');
      expect(app.program.output()).not.toContain('e2e password 123');
    } finally {
      await app.close();
    }
  }, 120_000);

  it('a link from a stranger: the tap shows a consent screen, Decline attaches nothing, Confirm by the owner merges', async () => {
    const app = await startE2eApp(REDIS_DATABASE);
    try {
      const registered = await app.call('/auth/register', {
        body: { username: 'link_e2e', password: 'e2e password 123' },
      });
      expect(registered.status).toBe(201);
      const login = await app.call('/auth/login', { body: { username: 'link_e2e', password: 'e2e password 123' } });
      const token = login.body.access_token as string;
      const created = await app.call('/token', { method: 'POST', token });
      expect(created.status).toBe(201);
      expect(Date.parse(created.body.expiresAt) - Date.parse(created.body.createdAt)).toBe(15 * 60 * 1000);
      const payload = String(created.body.link).split('start=')[1] ?? '';

      // Someone else taps the link: they are asked, and declining burns the token.
      const victimId = 820_000_000 + Math.floor(Math.random() * 1_000_000);
      const victim = pollingClient(app.telegram, { id: victimId, first_name: 'Vic', language_code: 'en' });
      await victim.sendCommand('start');
      await victim.sendCommand('start', payload);
      await app.telegram.waitForCall(
        (c) =>
          c.method === 'sendMessage' && c.payload.chat_id === victimId && String(c.payload.text).includes('@link_e2e'),
      );
      expect((await app.call('/users/me', { token })).body.telegramLinked).toBe(false);
      await victim.click('❌ Decline');
      expect(victim.lastReply()).toContain('Nothing was linked');
      expect((await app.call('/token', { token })).status).toBe(404);

      // The owner makes a new token and confirms it in their own Telegram.
      const again = await app.call('/token', { method: 'POST', token });
      const ownerId = victimId + 1;
      const owner = pollingClient(app.telegram, { id: ownerId, first_name: 'Lin', language_code: 'en' });
      await owner.sendCommand('start');
      await owner.sendCommand('start', String(again.body.link).split('start=')[1] ?? '');
      await app.telegram.waitForCall(
        (c) =>
          c.method === 'sendMessage' && c.payload.chat_id === ownerId && String(c.payload.text).includes('@link_e2e'),
      );
      await owner.click('✅ Link my Telegram');
      expect(owner.lastReply()).toContain(`Successfully attached token '${again.body.token}'`);
      expect((await app.call('/users/me', { token })).body.telegramLinked).toBe(true);
      expect(await app.program.stop()).toBe(0);
    } finally {
      await app.close();
    }
  }, 120_000);
});
