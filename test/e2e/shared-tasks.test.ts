import { afterAll, describe, expect, it } from 'vitest';
import { e2eRedisUrl, flushRedis, startE2eApp } from '../helpers/program.js';

const REDIS_DATABASE = 6;
afterAll(() => flushRedis(e2eRedisUrl(REDIS_DATABASE)));

describe('shared tasks end to end (the real program)', () => {
  it('an HTTP user assigns a task to a Telegram user, who is told, finds it, and marks it done in the bot', async () => {
    const app = await startE2eApp(REDIS_DATABASE);
    try {
      const olga = await app.member('olga_e2e', 'Olga');
      const bea = await app.member('bea_e2e', 'Bea');

      const created = await app.call('/tasks', { body: { title: 'Ship the release' }, token: olga.token });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const assigned = await app.call(`/tasks/${id}`, {
        method: 'PATCH',
        body: { assignee: '@bea_e2e' },
        token: olga.token,
      });
      expect(assigned.status).toBe(200);
      expect(assigned.body.assignee).toMatchObject({ username: 'bea_e2e' });

      // Bea is told at once, with Open and Accept.
      const notice = await app.telegram.waitForCall(
        (c) =>
          c.method === 'sendMessage' &&
          c.payload.chat_id === bea.telegramId &&
          String(c.payload.text).includes('assigned you a task'),
        15_000,
      );
      expect(JSON.stringify(notice.payload.reply_markup)).toContain(`tn:${id}:o`);

      // She finds it under Assigned to me and marks it done from the card.
      await bea.client.sendCommand('tasks');
      await bea.client.click('Assigned to me');
      await bea.client.click('⏳ 📥 Ship the release');
      expect(bea.client.lastReply()).toContain('👑 Owner: Olga');
      await bea.client.click('✅ Done');

      const task = await app.call(`/tasks/${id}`, { token: olga.token });
      expect(task.body.status).toBe('done');
      // Olga hears of it in Telegram, with a button to open the task.
      const back = await app.telegram.waitForCall(
        (c) =>
          c.method === 'sendMessage' &&
          c.payload.chat_id === olga.telegramId &&
          String(c.payload.text).includes('moved <b>Ship the release</b>'),
        15_000,
      );
      expect(JSON.stringify(back.payload.reply_markup)).toContain(`tn:${id}:o`);
      // A third person still gets 404.
      const tom = await app.member('tom_e2e', 'Tom');
      expect((await app.call(`/tasks/${id}`, { token: tom.token })).status).toBe(404);

      expect(await app.program.stop()).toBe(0);
    } finally {
      await app.close();
    }
  }, 120_000);
});
