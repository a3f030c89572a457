import { afterAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase } from '../helpers/db.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { e2eRedisUrl, flushRedis, freePort, pollingClient, startProgram } from '../helpers/program.js';

const E2E_REDIS_URL = e2eRedisUrl(12);
afterAll(() => flushRedis(E2E_REDIS_URL));

describe('tasks end to end (the real program)', () => {
  it('a task made over the API shows in the bot; one made with /newtask shows in GET /tasks; a reminder arrives once', async () => {
    const db = await createEmptyDatabase();
    const telegram = new FakeTelegram();
    const apiRoot = await telegram.listen();
    const port = await freePort();
    const api = `http://127.0.0.1:${port}`;
    const program = startProgram({
      BOT_TOKEN: '7000000001:E2E-tasks_token',
      TELEGRAM_API_ROOT: apiRoot,
      REDIS_URL: E2E_REDIS_URL,
      DATABASE_URL: db.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
    const call = async (path: string, init: { method?: string; body?: unknown; token?: string } = {}) => {
      const response = await fetch(`${api}${path}`, {
        method: init.method ?? (init.body ? 'POST' : 'GET'),
        headers: {
          'content-type': 'application/json',
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        },
        body: init.body ? JSON.stringify(init.body) : undefined,
      });
      // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
      return { status: response.status, body: (await response.json().catch(() => null)) as any };
    };
    try {
      await program.waitForOutput(/gramdesk started/, 90_000);
      const telegramId = 820_000_000 + Math.floor(Math.random() * 1_000_000);
      const client = pollingClient(telegram, { id: telegramId, first_name: 'Tess', language_code: 'en' });
      await client.sendCommand('start');

      // An account for this Telegram user, confirmed in the bot.
      expect(
        (await call('/auth/register', { body: { username: 'tess_e2e', password: 'tasks e2e pw', telegramId } })).status,
      ).toBe(202);
      await telegram.waitForCall((c) => c.method === 'sendMessage' && String(c.payload.text).includes('@tess_e2e'));
      await client.click('✅ Confirm');
      const login = await call('/auth/login', { body: { username: 'tess_e2e', password: 'tasks e2e pw' } });
      const token = login.body.access_token as string;

      // API → bot.
      const created = await call('/tasks', { body: { title: 'Made over HTTP', tags: ['e2e'] }, token });
      expect(created.status).toBe(201);
      await client.sendCommand('tasks');
      expect(client.buttons().join(' ')).toContain('Made over HTTP');

      // Bot → API.
      await client.sendCommand('newtask');
      await client.sendText('Made in the bot');
      await client.sendText('/skip');
      await client.sendText('/skip');
      const list = await call('/tasks', { token });
      expect(list.body.items.map((t: { title: string }) => t.title)).toEqual(['Made in the bot', 'Made over HTTP']);

      // A reminder, due in two seconds, arrives once with an Open button.
      const dueAt = new Date(Date.now() + 2_000).toISOString();
      const patched = await call(`/tasks/${created.body.id}`, { method: 'PATCH', body: { dueAt }, token });
      expect(patched.status).toBe(200);
      const reminder = await telegram.waitForCall(
        (c) =>
          c.method === 'sendMessage' && c.payload.chat_id === telegramId && String(c.payload.text).startsWith('🔔'),
        15_000,
      );
      expect(reminder.payload.text).toContain('Made over HTTP');
      expect(JSON.stringify(reminder.payload.reply_markup)).toContain(`task:${created.body.id}`);
      await new Promise((r) => setTimeout(r, 1_500));
      const reminders = telegram.calls.filter(
        (c) =>
          c.method === 'sendMessage' && c.payload.chat_id === telegramId && String(c.payload.text).startsWith('🔔'),
      );
      expect(reminders).toHaveLength(1);

      expect(await program.stop()).toBe(0);
    } finally {
      await program.stop('SIGKILL');
      await telegram.close();
      await db.drop();
    }
  }, 120_000);
});
