import { afterAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase } from '../helpers/db.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { e2eRedisUrl, flushRedis, freePort, pollingClient, startProgram } from '../helpers/program.js';

/** This file's own Redis database, flushed at the end. */
const E2E_REDIS_URL = e2eRedisUrl(10);

afterAll(() => flushRedis(E2E_REDIS_URL));

describe('accounts end to end (the real program)', () => {
  it('register → confirm in Telegram → login → /users/me → POST /messages → the echo arrives', async () => {
    const db = await createEmptyDatabase();
    const telegram = new FakeTelegram();
    const apiRoot = await telegram.listen();
    const port = await freePort();
    const api = `http://127.0.0.1:${port}`;
    const program = startProgram({
      BOT_TOKEN: '7000000001:E2E-accounts_token',
      TELEGRAM_API_ROOT: apiRoot,
      REDIS_URL: E2E_REDIS_URL,
      DATABASE_URL: db.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
    const json = async (path: string, init: { method?: string; body?: unknown; token?: string } = {}) => {
      const response = await fetch(`${api}${path}`, {
        method: init.method ?? (init.body ? 'POST' : 'GET'),
        headers: {
          'content-type': 'application/json',
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        },
        body: init.body ? JSON.stringify(init.body) : undefined,
      });
      // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };
    try {
      await program.waitForOutput(/gramdesk started/, 90_000);
      const telegramId = 810_000_000 + Math.floor(Math.random() * 1_000_000);
      const client = pollingClient(telegram, { id: telegramId, first_name: 'Erin', language_code: 'en' });
      await client.sendCommand('start');

      const registered = await json('/auth/register', {
        body: { username: 'erin_e2e', password: 'e2e password 123', firstName: 'Erin', telegramId },
      });
      expect(registered.status).toBe(202);

      // The worker asks in Telegram.
      await telegram.waitForCall(
        (c) =>
          c.method === 'sendMessage' &&
          c.payload.chat_id === telegramId &&
          String(c.payload.text).includes('@erin_e2e'),
      );
      const pendingLogin = await json('/auth/login', { body: { username: 'erin_e2e', password: 'e2e password 123' } });
      expect(pendingLogin.status).toBe(403);
      expect(pendingLogin.body.error.code).toBe('pending_confirmation');

      await client.click('✅ Confirm');
      expect(client.lastReply()).toContain('the account <b>@erin_e2e</b> is active');

      const login = await json('/auth/login', { body: { username: 'erin_e2e', password: 'e2e password 123' } });
      expect(login.status).toBe(200);
      const token = login.body.access_token as string;

      const me = await json('/users/me', { token });
      expect(me.body).toMatchObject({
        username: 'erin_e2e',
        firstName: 'Erin',
        telegramLinked: true,
        status: 'active',
      });

      const posted = await json('/messages', { body: { text: 'Hello from the e2e test' }, token });
      expect(posted.status).toBe(201);
      const echo = await telegram.waitForCall(
        (c) =>
          c.method === 'sendMessage' &&
          c.payload.chat_id === telegramId &&
          String(c.payload.text).startsWith('Erin, I got'),
      );
      expect(echo.payload.text).toBe('Erin, I got a message from you:\nHello from the e2e test');

      const history = await json('/messages', { token });
      expect(history.body.items.map((m: { text: string }) => m.text)).toEqual(['Hello from the e2e test']);

      expect(await program.stop()).toBe(0);
      expect(program.output()).not.toContain('E2E-accounts_token');
      expect(program.output()).not.toContain('e2e password 123');
    } finally {
      await program.stop('SIGKILL');
      await telegram.close();
      await db.drop();
    }
  }, 120_000);
});
