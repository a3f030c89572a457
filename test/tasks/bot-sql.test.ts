import { describe, expect, it } from 'vitest';
import { createAccount } from '../helpers/accounts.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';
import { findTask, isTaskListRead, lastToast, seedTasks, sqlOf, userOf } from '../helpers/tasks.js';

const env = useTestEnvironment();

let nextId = 730_000;
const titles = (n: number) => Array.from({ length: n }, (_, i) => `Task ${String(i + 1).padStart(2, '0')}`);

/** A Telegram user whose row is an HTTP account too, with an access token for the API. */
async function linkedClient(): Promise<{ client: BotClient; token: string }> {
  const profile = { id: nextId++, first_name: 'Ann', language_code: 'en' };
  const { token } = await createAccount(env.services, { telegramId: profile.id, telegramFirstName: 'Ann' });
  const client = env.bot.client(profile);
  await client.sendCommand('start');
  return { client, token };
}

describe('SQL per update', () => {
  it('after the first list render, ◀ ▶ and filter switches send no statement; opening a card at most one', async () => {
    const client = env.bot.client({ id: nextId++, first_name: 'Ann', language_code: 'en' });
    await client.sendCommand('start');
    await seedTasks(env, await userOf(env, client), titles(14));

    // The first render loads the snapshot (and the user row, the first time).
    const first = await sqlOf(env, () => client.sendCommand('tasks'));
    expect(first.filter(isTaskListRead)).toHaveLength(1);

    for (const label of ['▶️', '◀️', 'All', '▶️', '▶️', '◀️', 'Done', 'Open', '▶️', '2/3', '• Open •']) {
      const statements = await sqlOf(env, () => client.click(label));
      expect({ label, statements }).toEqual({ label, statements: [] });
    }
    expect(client.lastReply()).toContain('Page 1/3');

    const open = await sqlOf(env, () => client.click('⏳ Task 14'));
    expect(open.length).toBeLessThanOrEqual(1);
    expect(open[0]).toMatch(
      /^select .* from tasks t join users o .*where t\.id = \$1 and \(t\.owner_id = \$2 or t\.assignee_id = \$3\)/s,
    );
    expect(client.lastReply()).toContain('📌 <b>Task 14</b>');

    // Back to the list: the card's button check reads the task; the list itself comes from the session.
    const back = await sqlOf(env, () => client.click('◀️ Back to list'));
    expect(back.length).toBeLessThanOrEqual(1);
    expect(back.filter(isTaskListRead)).toEqual([]);
    for (const label of ['▶️', '◀️']) expect(await sqlOf(env, () => client.click(label))).toEqual([]);

    // The main menu and /tasks show the same snapshot without a query too.
    await client.click('◀️ Back');
    expect(await sqlOf(env, () => client.click('📋 Tasks'))).toEqual([]);
    expect(await sqlOf(env, () => client.sendCommand('tasks'))).toEqual([]);
  });

  it('a change made in the bot reloads the list once, with one query', async () => {
    const client = env.bot.client({ id: nextId++, first_name: 'Ann', language_code: 'en' });
    await client.sendCommand('start');
    await seedTasks(env, await userOf(env, client), titles(3));
    await client.sendCommand('tasks');
    await client.click('⏳ Task 03');
    await client.click('🟡 In progress');
    const reload = await sqlOf(env, () => client.click('◀️ Back to list'));
    expect(reload.filter(isTaskListRead)).toHaveLength(1);
    expect(client.buttons()[0]).toBe('🟡 Task 03');
    expect(await sqlOf(env, () => client.click('All'))).toEqual([]);
  });
});

describe('changes made over the API', () => {
  it('show in the bot at the next screen: new, renamed, re-statused and deleted tasks', async () => {
    const { client, token } = await linkedClient();
    for (const title of titles(7)) {
      expect((await apiRequest(env.app, 'POST', '/tasks', { token, json: { title } })).status).toBe(201);
    }
    await client.sendCommand('tasks');
    expect(client.lastReply()).toContain('⏳ 7 · 🟡 0 · ✅ 0\nPage 1/2');

    const created = await apiRequest(env.app, 'POST', '/tasks', { token, json: { title: 'Made over HTTP' } });
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    // The next press reloads the list (the API moved the user's tasks version): one query, then none.
    const reload = await sqlOf(env, () => client.click('▶️'));
    expect(reload).toHaveLength(1);
    expect(client.lastReply()).toContain('⏳ 8 · 🟡 0 · ✅ 0\nPage 2/2');
    expect(await sqlOf(env, () => client.click('◀️'))).toEqual([]);
    expect(client.buttons()[0]).toBe('⏳ Made over HTTP');

    // A rename and a status change, while the list is on display: the outdated button still opens
    // the task it named, as it is now.
    const patched = await apiRequest(env.app, 'PATCH', `/tasks/${id}`, {
      token,
      json: { title: 'Renamed over HTTP', status: 'in_progress' },
    });
    expect(patched.status).toBe(200);
    await client.click('⏳ Made over HTTP');
    expect(client.lastReply()).toContain('📌 <b>Renamed over HTTP</b>');
    expect(client.lastReply()).toContain('Status: <b>🟡 In progress</b>');
    await client.click('◀️ Back to list');
    expect(client.buttons()[0]).toBe('🟡 Renamed over HTTP');
    expect(client.lastReply()).toContain('⏳ 7 · 🟡 1 · ✅ 0');

    // A status change over the API while the card is shown: the card's status button does not
    // advance a status the user has not seen; it shows the task as it is now.
    await client.click('🟡 Renamed over HTTP');
    await apiRequest(env.app, 'PATCH', `/tasks/${id}`, { token, json: { status: 'done' } });
    await client.click('✅ Done');
    expect(lastToast(env)).toBe('🔄 The task has changed; here it is now.');
    expect(client.lastReply()).toContain('Status: <b>✅ Done</b>');
    expect((await findTask(env, id))?.status).toBe('done');
    await client.click('⏳ To do');
    expect((await findTask(env, id))?.status).toBe('todo');

    // Deleted over the API: the card's buttons find nothing, and the list no longer has it.
    expect((await apiRequest(env.app, 'DELETE', `/tasks/${id}`, { token })).status).toBe(204);
    await client.click('✏️ Title');
    expect(lastToast(env)).toBe('❌ Task not found: it was deleted or is not yours.');
    expect(client.lastReply()).toContain('📋 <b>Tasks</b>');
    expect(client.buttons()).not.toContain('⏳ Renamed over HTTP');
    await client.sendText('A title?');
    expect(client.lastReply()).toContain("I'm not sure what you mean");
  });
});
