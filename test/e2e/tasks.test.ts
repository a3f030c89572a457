import { afterAll, describe, expect, it } from 'vitest';
import { e2eRedisUrl, flushRedis, startE2eApp } from '../helpers/program.js';

const REDIS_DATABASE = 12;
afterAll(() => flushRedis(e2eRedisUrl(REDIS_DATABASE)));

describe('tasks end to end (the real program)', () => {
  it('a task made over the API shows in the bot; one made with /newtask shows in GET /tasks; a reminder arrives once', async () => {
    const app = await startE2eApp(REDIS_DATABASE);
    try {
      const { telegramId, token, client } = await app.member('tess_e2e', 'Tess');

      // API → bot.
      const created = await app.call('/tasks', { body: { title: 'Made over HTTP', tags: ['e2e'] }, token });
      expect(created.status).toBe(201);
      await client.sendCommand('tasks');
      expect(client.buttons().join(' ')).toContain('Made over HTTP');

      // Bot → API.
      await client.sendCommand('newtask');
      await client.sendText('Made in the bot');
      await client.sendText('/skip');
      await client.sendText('/skip');
      const list = await app.call('/tasks', { token });
      expect(list.body.items.map((t: { title: string }) => t.title)).toEqual(['Made in the bot', 'Made over HTTP']);

      // A reminder, due in two seconds, arrives once with Done, Snooze and Open buttons.
      const dueAt = new Date(Date.now() + 2_000).toISOString();
      expect((await app.call(`/tasks/${created.body.id}`, { method: 'PATCH', body: { dueAt }, token })).status).toBe(
        200,
      );
      const isReminder = (c: { method: string; payload: Record<string, unknown> }) =>
        c.method === 'sendMessage' && c.payload.chat_id === telegramId && String(c.payload.text).startsWith('🔔');
      const reminder = await app.telegram.waitForCall(isReminder, 15_000);
      expect(reminder.payload.text).toContain('Made over HTTP');
      expect(JSON.stringify(reminder.payload.reply_markup)).toContain(`rm:${created.body.id}:o`);
      expect(JSON.stringify(reminder.payload.reply_markup)).toContain(`rm:${created.body.id}:z15`);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(app.telegram.calls.filter(isReminder)).toHaveLength(1);

      expect(await app.program.stop()).toBe(0);
    } finally {
      await app.close();
    }
  }, 120_000);
});
