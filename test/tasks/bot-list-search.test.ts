import { describe, expect, it } from 'vitest';
import { Task } from '../../src/features/tasks/task.entities.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import {
  findTask,
  isTaskListRead,
  lastMessage,
  lastToast,
  seedTasks,
  sqlOf,
  tableState,
  userOf,
} from '../helpers/tasks.js';

/**
 * Issue 12, part B: the list shows due dates and marks overdue tasks, orders open tasks by due
 * date (overdue → by due → undated), pages through every task, finds tasks by words of the
 * title (🔎 and /find), and sets the status with one tap each — in both languages.
 */
const env = useTestEnvironment();

let nextId = 760_000;
async function newClient(language_code = 'en'): Promise<BotClient> {
  const client = env.bot.client({ id: nextId++, first_name: 'Ann', language_code });
  await client.sendCommand('start');
  return client;
}

const at = (iso: string) => new Date(iso);
/** Tasks cannot be created overdue; this moves a due date into the past, as time would. */
async function makeOverdue(id: string, dueAt: Date): Promise<void> {
  await env.em().nativeUpdate(Task, { id }, { dueAt, remindedAt: new Date() });
}

/** A to-do list with every kind of task, created in this order (A first). */
async function seedMixed(client: BotClient): Promise<Record<string, string>> {
  const user = await userOf(env, client);
  const ids: Record<string, string> = {};
  const add = async (key: string, title: string, fields: Parameters<typeof seedTasks>[3] = {}) => {
    [ids[key] = ''] = await seedTasks(env, user, [title], fields);
  };
  await add('A', 'Alpha undated');
  await add('B', 'Bravo due 2099', { dueAt: at('2099-03-01T12:00:00Z') });
  await add('C', 'Charlie overdue', { dueAt: at('2099-01-01T12:00:00Z') });
  await add('D', 'Delta due 2098', { dueAt: at('2098-06-01T12:00:00Z') });
  await add('E', 'Echo undated');
  await add('F', 'Foxtrot finished', { dueAt: at('2097-01-01T12:00:00Z'), status: 'done' });
  await add('G', 'Golf overdue, started', { dueAt: at('2099-01-01T12:00:00Z'), status: 'in_progress' });
  await makeOverdue(ids.C ?? '', at('2020-01-15T12:00:00Z'));
  await makeOverdue(ids.G ?? '', at('2021-05-01T12:00:00Z'));
  // A direct UPDATE does not move the tasks version; a real change would. Touch it like one.
  await env.services.taskEffects.changed(user.id);
  return ids;
}

const taskButtons = (client: BotClient) => client.buttons().filter((b) => /^[⏳🟡✅] /u.test(b));

describe('list order and overdue marks', () => {
  it('en: overdue first (❗), then by due date (📅), undated last, newest first; done ones apart', async () => {
    const client = await newClient('en');
    await seedMixed(client);
    await client.sendCommand('tasks');
    expect(client.lastReply()).toBe('📋 <b>Tasks</b> · Open\n⏳ 5 · 🟡 1 · ✅ 1 · ❗ Overdue: 2');
    expect(taskButtons(client)).toEqual([
      '⏳ Charlie overdue · ❗ Jan 15, 2020',
      '🟡 Golf overdue, started · ❗ May 1, 2021',
      '⏳ Delta due 2098 · 📅 Jun 1, 2098',
      '⏳ Bravo due 2099 · 📅 Mar 1, 2099',
      '⏳ Echo undated',
      '⏳ Alpha undated',
    ]);

    await client.click('Done');
    expect(taskButtons(client)).toEqual(['✅ Foxtrot finished']);
    await client.click('All');
    await client.click('▶️');
    expect(taskButtons(client)).toEqual(['✅ Foxtrot finished']);
  });

  it('ru: the same order, dates in Russian form, overdue counted with the right plural', async () => {
    const client = await newClient('ru');
    await seedMixed(client);
    await client.sendCommand('tasks');
    expect(client.lastReply()).toBe('📋 <b>Задачи</b> · Открытые\n⏳ 5 · 🟡 1 · ✅ 1 · ❗ 2 просрочены');
    expect(taskButtons(client).slice(0, 4)).toEqual([
      '⏳ Charlie overdue · ❗ 15 янв. 2020 г.',
      '🟡 Golf overdue, started · ❗ 1 мая 2021 г.',
      '⏳ Delta due 2098 · 📅 1 июн. 2098 г.',
      '⏳ Bravo due 2099 · 📅 1 мар. 2099 г.',
    ]);
  });

  it('near dates read as today / tomorrow in the user’s zone, and a long title leaves room for the date', async () => {
    const client = await newClient('en');
    const user = await userOf(env, client);
    const soon = new Date(Date.now() + 5 * 60_000);
    const [id = ''] = await seedTasks(env, user, ['A rather long title that goes on and on and on'], { dueAt: soon });
    await client.sendCommand('tasks');
    const [label = ''] = taskButtons(client);
    expect(label).toMatch(/^⏳ A rather long title that go… · 📅 (today|tomorrow) \d\d:\d\d$/);
    await makeOverdue(id, new Date(Date.now() - 60_000));
    await env.services.taskEffects.changed(user.id);
    await client.sendCommand('tasks');
    expect(taskButtons(client)[0]).toMatch(/ · ❗ (today|yesterday) \d\d:\d\d$/);
    expect(client.lastReply()).toContain('❗ Overdue: 1');
  });
});

describe('every page is reachable', () => {
  it('pages through all 40 tasks in the bot, without a word about the API', async () => {
    const client = await newClient('en');
    const user = await userOf(env, client);
    const all = Array.from({ length: 40 }, (_, i) => `Item ${String(i + 1).padStart(2, '0')}`);
    await seedTasks(env, user, all);
    await client.sendCommand('tasks');
    await client.click('All');
    const seen: string[] = [];
    for (let page = 1; page <= 7; page += 1) {
      expect(client.lastReply()).toContain(`Page ${page}/7`);
      seen.push(...taskButtons(client).map((b) => b.slice(2)));
      if (page < 7) {
        const statements = await sqlOf(env, () => client.click('▶️'));
        expect(statements).toEqual([]);
      }
    }
    expect([...seen].sort()).toEqual(all);
    expect(client.replies().join('\n')).not.toContain('API');
  });
});

describe('search', () => {
  async function searchable(language = 'en') {
    const client = await newClient(language);
    const user = await userOf(env, client);
    await seedTasks(env, user, ['Renew the passport', 'Passport photos', 'Buy milk', 'Купить паспортную обложку']);
    await seedTasks(
      env,
      user,
      Array.from({ length: 8 }, (_, i) => `Weekly report ${i + 1}`),
    );
    return client;
  }

  it('🔎 Search asks for words and shows the tasks whose title has them, case-insensitively', async () => {
    const client = await searchable();
    await client.sendCommand('tasks');
    await client.click('🔎 Search');
    expect(client.lastReply()).toContain('Send a few words from the title');
    await client.sendText('PASSPORT');
    expect(client.lastReply()).toBe('🔎 <b>Search</b>: “PASSPORT”\n2 tasks found');
    expect(client.buttons()).toEqual([
      '⏳ Passport photos',
      '⏳ Renew the passport',
      '✖️ Clear search',
      '🔎 New search',
      '◀️ Back',
    ]);
    // A card opened from the results goes back to the results.
    await client.click('⏳ Renew the passport');
    await client.click('◀️ Back to list');
    expect(client.lastReply()).toContain('🔎 <b>Search</b>: “PASSPORT”');
    await client.click('✖️ Clear search');
    expect(client.lastReply()).toBe('📋 <b>Tasks</b> · Open\n⏳ 12 · 🟡 0 · ✅ 0\nPage 1/2');
  });

  it('🔎 Search asks in the list’s message, with ✖️ Cancel back to the list there; /tasks later shows the list, not the old search', async () => {
    const client = await searchable();
    await client.sendCommand('tasks');
    const list = env.telegram.chat(client.chatId).at(-1)?.message_id;
    await client.click('🔎 Search');
    const asking = env.telegram.chat(client.chatId).find((m) => m.message_id === list);
    expect(asking?.text).toContain('Send a few words from the title');
    expect(client.buttons()).toEqual(['✖️ Cancel']);
    await client.click('✖️ Cancel');
    expect(env.telegram.chat(client.chatId).find((m) => m.message_id === list)?.text).toContain('📋 <b>Tasks</b>');

    await client.click('🔎 Search');
    await client.sendText('zzz-nothing');
    // The results in the dialog's message, not a new one.
    expect(env.telegram.chat(client.chatId).find((m) => m.message_id === list)?.text).toContain('Nothing found');
    await client.sendCommand('tasks');
    expect(client.lastReply()).toBe('📋 <b>Tasks</b> · Open\n⏳ 12 · 🟡 0 · ✅ 0\nPage 1/2');
    // The main menu's 📋 Tasks too.
    await client.sendCommand('find', 'zzz-nothing');
    await client.sendCommand('menu');
    await client.click('📋 Tasks');
    expect(client.lastReply()).toBe('📋 <b>Tasks</b> · Open\n⏳ 12 · 🟡 0 · ✅ 0\nPage 1/2');
  });

  it('/find words: every word must occur (any order, parts of words), results paged like the list with no SQL', async () => {
    const client = await searchable();
    await client.sendCommand('find', 'pass renew');
    expect(client.lastReply()).toBe('🔎 <b>Search</b>: “pass renew”\nOne task found');
    expect(taskButtons(client)).toEqual(['⏳ Renew the passport']);

    const found = await sqlOf(env, () => client.sendCommand('find', 'report'));
    expect(found.filter(isTaskListRead)).toHaveLength(1);
    expect(found.find(isTaskListRead)).toContain('ilike');
    expect(client.lastReply()).toBe('🔎 <b>Search</b>: “report”\n8 tasks found\nPage 1/2');
    expect(await sqlOf(env, () => client.click('▶️'))).toEqual([]);
    expect(taskButtons(client)).toEqual(['⏳ Weekly report 2', '⏳ Weekly report 1']);
    expect(await sqlOf(env, () => client.click('◀️'))).toEqual([]);
    expect(client.lastReply()).toContain('Page 1/2');

    await client.sendCommand('find', 'nothing-like-this');
    expect(client.lastReply()).toBe(
      '🔎 <b>Search</b>: “nothing-like-this”\nNothing found. Try other words or fewer of them.',
    );
    // % and _ are letters here, not patterns.
    await client.sendCommand('find', '%');
    expect(client.lastReply()).toContain('Nothing found');
  });

  it('/find with <, > and & in the words: the title shows them as typed, and the task is found', async () => {
    const client = await searchable();
    const user = await userOf(env, client);
    await seedTasks(env, user, ['Fix <b> & <i> in titles']);
    await client.sendCommand('find', '<b> &');
    // Escaped once for Telegram's HTML: the person reads “<b> &”, not “&lt;b&gt; &amp;”.
    expect(client.lastReply()).toBe('🔎 <b>Search</b>: “&lt;b&gt; &amp;”\nOne task found');
    expect(taskButtons(client)).toEqual(['⏳ Fix <b> & <i> in titles']);
  });

  it('ru: /find без слов спрашивает слова; результаты с русским склонением', async () => {
    const client = await searchable('ru');
    await client.sendCommand('find');
    expect(client.lastReply()).toContain('Отправьте несколько слов из названия');
    expect(client.buttons()).toEqual(['✖️ Отмена']);
    await client.sendText('паспорт');
    expect(client.lastReply()).toBe('🔎 <b>Поиск</b>: «паспорт»\nНайдена 1 задача');
    await client.sendCommand('find', 'report');
    expect(client.lastReply()).toBe('🔎 <b>Поиск</b>: «report»\nНайдено 8 задач\nСтраница 1/2');
    expect(client.buttons()).toContain('✖️ Сбросить поиск');
    await client.sendCommand('find', 'weekly report 1');
    expect(client.lastReply()).toBe('🔎 <b>Поиск</b>: «weekly report 1»\nНайдена 1 задача');
    await client.sendCommand('find', 'e');
    expect(client.lastReply()).toContain('Найдено 9 задач');
  });

  it('a task changed elsewhere shows in the results at the next screen (one query), not before', async () => {
    const client = await searchable();
    await client.sendCommand('find', 'passport');
    const user = await userOf(env, client);
    await seedTasks(env, user, ['Passport copy']);
    // The first press after the change re-runs the search (one query) and opens the card (one).
    const reload = await sqlOf(env, () => client.click('⏳ Passport photos'));
    expect(reload.filter((sql) => sql.includes('ilike'))).toHaveLength(1);
    expect(reload.length).toBeLessThanOrEqual(2);
    await client.click('◀️ Back to list');
    expect(client.lastReply()).toContain('3 tasks found');
  });
});

describe('status: one tap each', () => {
  it('en: the card marks the current status; any other is one tap away; the current one changes nothing', async () => {
    const client = await newClient('en');
    const [id = ''] = await seedTasks(env, await userOf(env, client), ['Ship it']);
    await client.sendCommand('tasks');
    await client.click('⏳ Ship it');
    expect(client.lastReply()).toContain('Status: <b>⏳ To do</b>');
    expect(client.buttons().slice(0, 3)).toEqual(['• ⏳ To do •', '🟡 In progress', '✅ Done']);

    const before = await tableState(env);
    await client.click('• ⏳ To do •');
    expect(lastToast(env)).toBe('The task is already “⏳ To do”.');
    expect(await tableState(env)).toEqual(before);

    await client.click('✅ Done');
    expect((await findTask(env, id))?.status).toBe('done');
    expect(client.lastReply()).toContain('Status: <b>✅ Done</b>');
    expect(client.buttons().slice(0, 3)).toEqual(['⏳ To do', '🟡 In progress', '• ✅ Done •']);
    await client.click('🟡 In progress');
    expect((await findTask(env, id))?.status).toBe('in_progress');
  });

  it('ru: «Готово» одним нажатием из «К выполнению», и обратно', async () => {
    const client = await newClient('ru');
    const [id = ''] = await seedTasks(env, await userOf(env, client), ['Сдать отчёт']);
    await client.sendCommand('tasks');
    await client.click('⏳ Сдать отчёт');
    expect(client.lastReply()).toContain('Статус: <b>⏳ К выполнению</b>');
    expect(client.buttons().slice(0, 3)).toEqual(['• ⏳ К выполнению •', '🟡 В работе', '✅ Готово']);
    const card = lastMessage(env, client).message_id;
    await client.click('✅ Готово');
    expect(lastToast(env)).toBe('Статус: ✅ Готово');
    expect((await findTask(env, id))?.status).toBe('done');
    expect(lastMessage(env, client).message_id).toBe(card);
    await client.click('⏳ К выполнению');
    expect((await findTask(env, id))?.status).toBe('todo');
  });

  it('a forged status payload for another user’s task answers "not found" and changes nothing', async () => {
    const owner = await newClient('en');
    const [id = ''] = await seedTasks(env, await userOf(env, owner), ['Not yours']);
    const intruder = await newClient('en');
    await intruder.sendCommand('tasks');
    const before = await tableState(env);
    const menuData = lastMessage(env, intruder).reply_markup?.inline_keyboard?.flat()[0]?.callback_data ?? '';
    // The menu plugin's prefix of the intruder's own list message, with the owner's task id.
    const forged = menuData.replace(/\/[^/]*$/, `/${id}.std`);
    await intruder.pressCallback(lastMessage(env, intruder), forged);
    expect(await tableState(env)).toEqual(before);
  });
});
