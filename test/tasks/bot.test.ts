import { describe, expect, it, vi } from 'vitest';
import { cardContent } from '../../src/features/tasks/bot/list.js';
import { handleReminder } from '../../src/features/tasks/jobs/reminders.js';
import { Task } from '../../src/features/tasks/task.entities.js';
import { updateTask } from '../../src/features/tasks/tasks.js';
import { updateProfile } from '../../src/features/users/profile.js';
import { User } from '../../src/features/users/user.entity.js';
import type { BotContext } from '../../src/platform/bot/context.js';
import { createTranslator } from '../../src/platform/i18n/translator.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import {
  clockIn,
  findTask,
  lastMessage,
  lastToast,
  localAt,
  seedComments,
  seedTasks,
  shownIn,
  userOf,
} from '../helpers/tasks.js';

const env = useTestEnvironment();

let nextId = 710_000;
async function newClient(language_code = 'en'): Promise<BotClient> {
  const client = env.bot.client({ id: nextId++, first_name: 'Ann', language_code });
  await client.sendCommand('start');
  return client;
}

async function setTimezone(client: BotClient, timezone: string): Promise<void> {
  const em = env.em();
  const user = await em.findOneOrFail(User, { telegramId: client.user.id });
  await updateProfile(em, user, { timezone });
}

const titles = (n: number) => Array.from({ length: n }, (_, i) => `Task ${String(i + 1).padStart(2, '0')}`);
const newestTask = async (client: BotClient) =>
  env.em().findOneOrFail(Task, { owner: (await userOf(env, client)).id }, { orderBy: { id: 'desc' } });

/** Sends/edits made in the chat after `since` (an index into the fake's calls). */
const callsSince = (client: BotClient, since: number) =>
  env.telegram.calls
    .slice(since)
    .filter(
      (c) => (c.method === 'sendMessage' || c.method === 'editMessageText') && c.payload.chat_id === client.chatId,
    );

describe('task list', () => {
  it('shows 6 tasks a page with ◀ ▶ and "page x/y", filters open / done / all, and edits one message in place', async () => {
    const client = await newClient();
    const user = await userOf(env, client);
    const ids = await seedTasks(env, user, titles(14));
    for (const id of ids.slice(0, 4)) {
      const em = env.em();
      await updateTask(em, env.services.taskEffects, await em.findOneOrFail(User, { id: user.id }), id, {
        status: 'done',
      });
    }

    await client.click('📋 Tasks');
    const listMessage = lastMessage(env, client).message_id;
    const since = env.telegram.calls.length;
    expect(client.lastReply()).toBe('📋 <b>Tasks</b> · Open\n⏳ 10 · 🟡 0 · ✅ 4\nPage 1/2');
    expect(client.buttons()).toEqual([
      '⏳ Task 14',
      '⏳ Task 13',
      '⏳ Task 12',
      '⏳ Task 11',
      '⏳ Task 10',
      '⏳ Task 09',
      '1/2',
      '▶️',
      '• Open •',
      'Done',
      'All',
      '🔎 Search',
      '➕ New task',
      '◀️ Back',
    ]);

    await client.click('▶️');
    expect(client.lastReply()).toContain('Page 2/2');
    expect(client.buttons().slice(0, 6)).toEqual(['⏳ Task 08', '⏳ Task 07', '⏳ Task 06', '⏳ Task 05', '◀️', '2/2']);

    await client.click('All');
    expect(client.lastReply()).toBe('📋 <b>Tasks</b> · All\n⏳ 10 · 🟡 0 · ✅ 4\nPage 1/3');
    await client.click('▶️');
    await client.click('▶️');
    expect(client.lastReply()).toContain('Page 3/3');
    expect(client.buttons().slice(0, 4)).toEqual(['✅ Task 02', '✅ Task 01', '◀️', '3/3']);
    await client.click('◀️');
    expect(client.lastReply()).toContain('Page 2/3');

    await client.click('Done');
    expect(client.lastReply()).toBe('📋 <b>Tasks</b> · Done\n⏳ 10 · 🟡 0 · ✅ 4');
    expect(client.buttons()).toEqual([
      '✅ Task 04',
      '✅ Task 03',
      '✅ Task 02',
      '✅ Task 01',
      'Open',
      '• Done •',
      'All',
      '🔎 Search',
      '➕ New task',
      '◀️ Back',
    ]);

    // Back from a card returns to the same filter and page.
    await client.click('All');
    await client.click('▶️');
    await client.click('⏳ Task 06');
    expect(client.lastReply()).toContain('📌 <b>Task 06</b>');
    await client.click('◀️ Back to list');
    expect(client.lastReply()).toBe('📋 <b>Tasks</b> · All\n⏳ 10 · 🟡 0 · ✅ 4\nPage 2/3');
    expect(client.buttons()[0]).toBe('⏳ Task 08');

    // Every step edited the list message; nothing new was sent.
    const calls = callsSince(client, since);
    expect(calls).toHaveLength(10);
    expect(calls.every((c) => c.method === 'editMessageText' && c.payload.message_id === listMessage)).toBe(true);

    await client.click('◀️ Back');
    expect(client.lastReply()).toContain('What would you like to do?');
  });

  it('says so when there is nothing to show, and /tasks opens the list as a new message', async () => {
    const client = await newClient();
    await client.sendCommand('tasks');
    expect(client.lastReply()).toBe(
      '📋 <b>Tasks</b> · Open\n⏳ 0 · 🟡 0 · ✅ 0\n\nNo open tasks. Tap “➕ New task” to add one.',
    );
    await client.click('Done');
    expect(client.lastReply()).toContain('No finished tasks yet.');
    expect(client.buttons()).toEqual(['Open', '• Done •', 'All', '🔎 Search', '➕ New task', '◀️ Back']);
  });
});

describe('task card', () => {
  it('shows every field, the due date and times in the user’s time zone, tags and the comment count', async () => {
    const client = await newClient();
    await setTimezone(client, 'Europe/Moscow');
    const user = await userOf(env, client);
    const [id = ''] = await seedTasks(env, user, ['Quarterly <report>'], {
      description: 'Line one\n<b>not bold</b> & more',
      dueAt: new Date('2099-12-01T15:00:00Z'),
      tags: ['work', 'Urgent'],
    });
    await seedComments(env, user, id, ['first', 'second']);
    const task = await findTask(env, id);

    await client.sendCommand('tasks');
    await client.click('⏳ Quarterly <report> · 📅 Dec 1, 2099');
    expect(client.lastReply()).toBe(
      [
        '📌 <b>Quarterly &lt;report&gt;</b>',
        '<blockquote expandable>Line one\n&lt;b&gt;not bold&lt;/b&gt; &amp; more</blockquote>',
        '',
        'Status: <b>⏳ To do</b>',
        '📅 Due: Tue, Dec 1, 2099, 18:00 (Europe/Moscow)',
        '🏷 Tags: #work #urgent',
        '💬 Comments: 2',
        // Created just now: the card is redrawn, so "today", not the date in digits.
        `🕒 Created: today ${clockIn(task?.createdAt ?? new Date(0), 'Europe/Moscow')}`,
      ].join('\n'),
    );
    expect(client.buttons()).toEqual([
      '• ⏳ To do •',
      '🟡 In progress',
      '✅ Done',
      '🔔 In advance: off',
      '✏️ Title',
      '📝 Description',
      '📅 Due date',
      '🏷 Tags',
      '💬 Comments (2)',
      '👤 Assign',
      '🗑 Delete',
      '◀️ Back to list',
    ]);
  });

  it('says when the task was created and updated in words, in the user’s zone: “yesterday”, a date of another year (en, ru)', async () => {
    for (const [language, created, updated] of [
      ['en', '🕒 Created: Tue, Mar 5, 2024, 12:24', '✏️ Updated: yesterday 18:05'],
      ['ru', '🕒 Создана: вт, 5 мар. 2024 г., 12:24', '✏️ Изменена: вчера в 18:05'],
    ] as const) {
      const client = await newClient(language);
      await setTimezone(client, 'Europe/Moscow');
      const [id = ''] = await seedTasks(env, await userOf(env, client), ['Old one']);
      // 09:24 UTC is 12:24 in Moscow; updated yesterday at 18:05 there.
      await env
        .em()
        .nativeUpdate(Task, { id }, { createdAt: new Date('2024-03-05T09:24:00Z'), updatedAt: localAt(3, -1, 18, 5) });
      await client.sendCommand('tasks');
      await client.click('⏳ Old one');
      expect(client.lastReply()).toContain(`\n${created}\n${updated}`);
    }
  });

  it('shortens a description too long for one message and offers it in full', async () => {
    const client = await newClient();
    const user = await userOf(env, client);
    const description = `${'<&> '.repeat(990)}THE END`;
    await seedTasks(env, user, ['Long one'], { description });
    await client.sendCommand('tasks');
    await client.click('⏳ Long one');
    const card = client.lastReply();
    expect(card.length).toBeLessThanOrEqual(4096);
    expect(card).toContain('…</blockquote>');
    expect(card).not.toContain('THE END');
    expect(card).toContain('Status: <b>⏳ To do</b>');

    const before = client.replies().length;
    await client.click('📄 Full description');
    const parts = client.replies().slice(before);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(4096);
    expect(parts.join(' ')).toBe(description.trim().replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  });

  it('whether the description is shortened does not change at midnight, when “today” on the card becomes a weekday', () => {
    // The card's 📄 Full description button is rendered again when pressed: what fits must not
    // depend on how its times read today. Due, created and updated on Monday 7 December 2026
    // (UTC), seen that day ("today 10:00") and three days later ("Mon, Dec 7, 10:00").
    const ctx = { t: createTranslator().forLocale('en'), profile: { timezone: 'UTC', language: 'en' } };
    const task = (length: number) =>
      ({
        title: 'Edge',
        description: 'x'.repeat(length),
        status: 'todo',
        dueAt: new Date('2026-12-07T18:00:00Z'),
        remindBefore: null,
        advanceRemindedAt: null,
        tags: [],
        assignee: null,
        commentCount: 0,
        createdAt: new Date('2026-12-07T10:00:00Z'),
        updatedAt: new Date('2026-12-07T11:00:00Z'),
      }) as unknown as Task;
    const clippedAt = (now: string, length: number) => {
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        vi.setSystemTime(new Date(now));
        return cardContent(ctx as BotContext, task(length)).clipped;
      } finally {
        vi.useRealTimers();
      }
    };
    // Around the longest description that fits, whichever way the times read.
    const lengths = Array.from({ length: 150 }, (_, i) => 3650 + i);
    const monday = lengths.map((n) => clippedAt('2026-12-07T12:00:00Z', n));
    expect(monday).toContain(true);
    expect(monday).toContain(false);
    expect(lengths.map((n) => clippedAt('2026-12-10T12:00:00Z', n))).toEqual(monday);
  });

  it('sets the status with one tap each: to do → in progress → done → to do, stored each time', async () => {
    const client = await newClient();
    const [id = ''] = await seedTasks(env, await userOf(env, client), ['Cycle me']);
    await client.sendCommand('tasks');
    await client.click('⏳ Cycle me');

    await client.click('🟡 In progress');
    expect(lastToast(env)).toBe('Status: 🟡 In progress');
    expect(client.lastReply()).toContain('Status: <b>🟡 In progress</b>');
    expect((await findTask(env, id))?.status).toBe('in_progress');

    await client.click('✅ Done');
    expect(client.lastReply()).toContain('Status: <b>✅ Done</b>');
    expect((await findTask(env, id))?.status).toBe('done');

    await client.click('⏳ To do');
    expect((await findTask(env, id))?.status).toBe('todo');
    expect(client.buttons().slice(0, 3)).toEqual(['• ⏳ To do •', '🟡 In progress', '✅ Done']);

    // The list follows (the status change moved the user's tasks version).
    await client.click('🟡 In progress');
    await client.click('◀️ Back to list');
    expect(client.buttons()[0]).toBe('🟡 Cycle me');
    expect(client.lastReply()).toContain('⏳ 0 · 🟡 1 · ✅ 0');
  });
});

describe('editing a task', () => {
  async function openCard(title: string, fields: Parameters<typeof seedTasks>[3] = {}) {
    const client = await newClient();
    const [id = ''] = await seedTasks(env, await userOf(env, client), [title], fields);
    await client.sendCommand('tasks');
    await client.click(`⏳ ${title}`);
    return { client, id };
  }

  it('title: re-asks on a command, refuses over-long input with the limit, saves and shows the card', async () => {
    const { client, id } = await openCard('Old title');
    await client.click('✏️ Title');
    expect(client.lastReply()).toContain('Send the new title (up to 200 characters)');
    expect(client.lastReply()).toContain('Current: <b>Old title</b>');

    await client.sendText('x'.repeat(201));
    expect(client.lastReply()).toBe(
      '❌ That is 201 characters; the limit is 200. Please send a shorter title, e.g. <code>Buy milk</code>.',
    );
    await client.sendText('/skip');
    expect(client.lastReply()).toContain('A task needs a title');
    expect((await findTask(env, id))?.title).toBe('Old title');

    await client.sendText('  New <title>  ');
    expect(client.lastReply()).toMatch(/^✅ Title updated\n\n📌 <b>New &lt;title&gt;<\/b>\n/);
    expect(client.buttons()[0]).toBe('• ⏳ To do •');
    expect((await findTask(env, id))?.title).toBe('New <title>');
  });

  it('description: refuses over-long input with the limit, saves, and /clear removes it', async () => {
    const { client, id } = await openCard('Describe me');
    await client.click('📝 Description');
    // Prompts carry inline ✖️ Cancel (SPEC §2.1); 🗑 Remove only when there is something to remove.
    expect(client.buttons()).toEqual(['✖️ Cancel']);
    await client.sendText('d'.repeat(4001));
    expect(client.lastReply()).toBe(
      '❌ That is 4,001 characters; the limit is 4,000. Please send a shorter description.',
    );
    await client.sendText('Milk, bread\nand eggs');
    expect(client.lastReply()).toContain('✅ Description updated');
    expect(client.lastReply()).toContain('<blockquote expandable>Milk, bread\nand eggs</blockquote>');
    expect((await findTask(env, id))?.description).toBe('Milk, bread\nand eggs');

    await client.click('📝 Description');
    await client.sendText('/clear');
    expect(client.lastReply()).toContain('✅ Description removed');
    expect(client.lastReply()).toContain('<i>No description</i>');
    expect((await findTask(env, id))?.description).toBe('');
  });

  it('due date: re-asks with examples on bad input, refuses the past, takes the user’s zone, /clear removes it', async () => {
    const { client, id } = await openCard('Plan me');
    await setTimezone(client, 'Asia/Tokyo');
    await client.click('📅 Due date');
    expect(client.lastReply()).toContain('in your time zone (Asia/Tokyo)');
    expect(client.buttons()).toEqual(expect.arrayContaining(['📅 Calendar', '✖️ Cancel']));

    await client.sendText('some day soon');
    expect(client.lastReply()).toMatch(
      /^❌ “some day soon” is not a date I understand\. Try <code>tomorrow 9<\/code>, <code>friday 6pm<\/code>, <code>in 2 hours<\/code> or <code>01\.\d\d\.\d{4} 18:00<\/code>\.\n\n📅 When is it due\?/,
    );
    await client.sendText('31.02.2099 10:00');
    expect(client.lastReply()).toContain('is not a date I understand');
    await client.sendText('01.01.2020 10:00');
    expect(client.lastReply()).toContain(
      '❌ That time has already passed: Wed, Jan 1, 2020, 10:00. Please pick a later time, e.g. <code>tomorrow 9</code>.',
    );
    expect((await findTask(env, id))?.dueAt).toBeNull();

    await client.sendText('2099-06-15 09:30');
    expect(client.lastReply()).toContain('✅ Due date set');
    expect(client.lastReply()).toContain('📅 Due: Mon, Jun 15, 2099, 09:30 (Asia/Tokyo)');
    expect((await findTask(env, id))?.dueAt?.toISOString()).toBe('2099-06-15T00:30:00.000Z');

    await client.click('📅 Due date');
    expect(client.lastReply()).toContain('Current: Mon, Jun 15, 2099, 09:30');
    await client.sendText('/clear');
    expect(client.lastReply()).toContain('✅ Due date removed');
    expect(client.lastReply()).toContain('📅 Due: not set');
    expect((await findTask(env, id))?.dueAt).toBeNull();
  });

  it('tags: comma or space separated, re-asks on bad or too many tags, /clear removes them', async () => {
    const { client, id } = await openCard('Tag me', { tags: ['old'] });
    await client.click('🏷 Tags');
    expect(client.lastReply()).toContain('Current: #old');
    await client.sendText('bad!tag');
    expect(client.lastReply()).toContain('❌ A tag is one word of letters, digits, _ or -');
    await client.sendText(Array.from({ length: 11 }, (_, i) => `t${i}`).join(' '));
    expect(client.lastReply()).toBe('❌ At most 10 tags, please. Example: <code>work, urgent</code>.');
    expect((await findTask(env, id))?.tags).toEqual(['old']);

    await client.sendText('work, #Urgent home');
    expect(client.lastReply()).toContain('✅ Tags updated');
    expect(client.lastReply()).toContain('🏷 Tags: #work #urgent #home');
    expect((await findTask(env, id))?.tags).toEqual(['work', 'urgent', 'home']);

    await client.click('🏷 Tags');
    await client.sendText('/clear');
    expect(client.lastReply()).toContain('🏷 Tags: none');
    expect((await findTask(env, id))?.tags).toEqual([]);
  });

  it('/cancel leaves an edit and changes nothing; a button pressed meanwhile leaves it and works', async () => {
    const { client, id } = await openCard('Keep me');
    await client.click('✏️ Title');
    await client.sendCommand('cancel');
    // Back on the card, in the card's own message (SPEC §2.1), never a bare "Cancelled.".
    expect(client.lastReply()).toContain('📌 <b>Keep me</b>');
    expect(client.buttons()).toContain('✏️ Title');
    await client.sendText('Not a title');
    expect(client.lastReply()).toContain("I'm not sure what you mean");
    expect((await findTask(env, id))?.title).toBe('Keep me');

    // The dialog takes over the card's message; a button of another message (the list) leaves it.
    await client.sendCommand('tasks');
    await client.click('✏️ Title');
    await client.click('◀️ Back');
    expect(client.lastReply()).toContain('What would you like to do?');
    await client.sendText('Still not a title');
    expect(client.lastReply()).toContain("I'm not sure what you mean");
    expect((await findTask(env, id))?.title).toBe('Keep me');
  });
});

describe('new task', () => {
  /** A zone where it is early enough today for "today HH:30" an hour ahead. */
  function zoneWithTimeLeftToday(): { zone: string; hour: number; today: string } {
    for (const zone of ['UTC', 'Asia/Tokyo', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Etc/GMT+12']) {
      const [date = '', time = ''] = shownIn(new Date(), zone).split(' ');
      const hour = Number(time.slice(0, 2)) + 1;
      if (hour <= 22) return { zone, hour, today: date };
    }
    throw new Error('no zone with time left today');
  }

  const plusDays = (dotted: string, days: number) => {
    const [d, m, y] = dotted.split('.').map(Number) as [number, number, number];
    const date = new Date(Date.UTC(y, m - 1, d + days));
    return `${String(date.getUTCDate()).padStart(2, '0')}.${String(date.getUTCMonth() + 1).padStart(2, '0')}.${date.getUTCFullYear()}`;
  };

  async function createWith(client: BotClient, start: () => Promise<void>, answers: string[]): Promise<Task> {
    await start();
    for (const answer of answers) await client.sendText(answer);
    return newestTask(client);
  }

  it('/newtask: title → description (/skip) → due date (/skip) → saved and the card shown; every date format (en)', async () => {
    const client = await newClient();
    const { zone, hour, today } = zoneWithTimeLeftToday();
    await setTimezone(client, zone);
    const start = () => client.sendCommand('newtask');

    await start();
    expect(client.lastReply()).toContain('➕ <b>New task</b>\nSend the title (up to 200 characters)');
    await client.sendText('x'.repeat(250));
    expect(client.lastReply()).toContain('That is 250 characters; the limit is 200');
    await client.sendSticker();
    expect(client.lastReply()).toContain('Send the title (up to 200 characters)');
    await client.sendText('Buy milk');
    expect(client.lastReply()).toBe('📝 Send a description (up to 4,000 characters), or tap ⏭ Skip.');
    expect(client.buttons()).toEqual(['⏭ Skip', '✖️ Cancel']);
    await client.sendText('/skip');
    expect(client.lastReply()).toContain(`📅 When is it due?`);
    expect(client.lastReply()).toContain(`in your time zone (${zone})`);
    await client.sendText('whenever');
    expect(client.lastReply()).toContain('is not a date I understand');
    await client.sendText('/skip');
    expect(client.lastReply()).toMatch(/^✅ Task created\n\n📌 <b>Buy milk<\/b>\n<i>No description<\/i>\n/);
    expect(client.lastReply()).toContain('📅 Due: not set');
    expect(client.buttons()).toContain('🟡 In progress');
    expect(await newestTask(client)).toMatchObject({ title: 'Buy milk', description: '', dueAt: null, status: 'todo' });

    const cases: Array<[string, string]> = [
      ['2099-12-01 18:00', '01.12.2099 18:00'],
      ['01.12.2099 18:00', '01.12.2099 18:00'],
      ['tomorrow 9:00', `${plusDays(today, 1)} 09:00`],
      [`today ${hour}:30`, `${today} ${String(hour).padStart(2, '0')}:30`],
    ];
    for (const [typed, shown] of cases) {
      const task = await createWith(client, start, [`Due ${typed}`, 'Some details', typed]);
      expect(task.title).toBe(`Due ${typed}`);
      expect(task.description).toBe('Some details');
      expect(task.dueAt && shownIn(task.dueAt, zone)).toBe(shown);
      expect(client.lastReply()).toContain(`(${zone})`);
    }
    // The list knows about them at once.
    await client.sendCommand('tasks');
    expect(client.lastReply()).toContain('⏳ 5 · 🟡 0 · ✅ 0');
  });

  it('the New task button works the same, in Russian, with the Russian date words', async () => {
    const client = await newClient('ru');
    const { zone, hour, today } = zoneWithTimeLeftToday();
    await setTimezone(client, zone);
    const start = async () => {
      await client.sendCommand('tasks');
      await client.click('➕ Новая задача');
    };

    await start();
    expect(client.lastReply()).toContain('➕ <b>Новая задача</b>\nОтправьте название (до 200 символов)');
    await client.sendText('Купить молоко');
    await client.sendText('Два литра');
    expect(client.lastReply()).toContain(`📅 Какой срок?`);
    expect(client.lastReply()).toContain(`часовой пояс ${zone}`);
    expect(client.lastReply()).toContain('<code>завтра в 9</code>');
    await client.sendText('когда-нибудь');
    expect(client.lastReply()).toContain('«когда-нибудь» не похоже на дату');
    await client.sendText('01.01.2021 09:00');
    expect(client.lastReply()).toContain('уже прошло');
    await client.sendText('завтра 9:00');
    expect(client.lastReply()).toMatch(/^✅ Задача создана\n\n📌 <b>Купить молоко<\/b>\n/);
    expect(client.lastReply()).toContain('Статус: <b>⏳ К выполнению</b>');
    expect(client.lastReply()).toContain(`📅 Срок: завтра в 09:00 (${zone})`);
    expect(client.buttons()).toEqual([
      '• ⏳ К выполнению •',
      '🟡 В работе',
      '✅ Готово',
      '🔔 Заранее: нет',
      '✏️ Название',
      '📝 Описание',
      '📅 Срок',
      '🏷 Теги',
      '💬 Комментарии (0)',
      '👤 Поручить',
      '🗑 Удалить',
      '◀️ К списку',
    ]);

    const cases: Array<[string, string]> = [
      [`сегодня ${hour}:30`, `${today} ${String(hour).padStart(2, '0')}:30`],
      ['2099-12-01 18:00', '01.12.2099 18:00'],
      ['01.12.2099 18:00', '01.12.2099 18:00'],
      ['Завтра 23:59', `${plusDays(today, 1)} 23:59`],
    ];
    for (const [typed, shown] of cases) {
      const task = await createWith(client, start, [`Срок ${typed}`, '/skip', typed]);
      expect(task.dueAt && shownIn(task.dueAt, zone)).toBe(shown);
      expect(client.lastReply()).toContain(`(${zone})`);
    }
  });
});

describe('deleting a task', () => {
  it('asks to confirm: No keeps it, Yes deletes it (with its comments) and returns to the list', async () => {
    const client = await newClient();
    const user = await userOf(env, client);
    const [keep = '', doomed = ''] = await seedTasks(env, user, ['Keeper', 'Doomed']);
    await seedComments(env, user, doomed, ['bye']);
    await client.sendCommand('tasks');
    await client.click('⏳ Doomed');
    await client.click('🗑 Delete');
    expect(client.lastReply()).toBe('🗑 Delete the task <b>Doomed</b> with its comments?\nThis cannot be undone.');
    expect(client.buttons()).toEqual(['🗑 Yes, delete', '◀️ No, keep it']);
    await client.click('◀️ No, keep it');
    expect(client.lastReply()).toContain('📌 <b>Doomed</b>');
    expect(await findTask(env, doomed)).not.toBeNull();

    await client.click('🗑 Delete');
    await client.click('🗑 Yes, delete');
    expect(lastToast(env)).toBe('🗑 Task deleted');
    expect(client.lastReply()).toContain('📋 <b>Tasks</b>');
    expect(client.buttons()).toContain('⏳ Keeper');
    expect(client.buttons()).not.toContain('⏳ Doomed');
    expect(await findTask(env, doomed)).toBeNull();
    expect(await findTask(env, keep)).not.toBeNull();

    // The old card's buttons now find nothing, and change nothing.
    await client.pressCallback(lastMessage(env, client), `task:${doomed}`);
    expect(lastToast(env)).toBe('❌ Task not found: it was deleted or is not yours.');
  });
});

describe('opening a task from outside the list', () => {
  it('the deep link /start task_<id> opens the card; an unknown id says not found', async () => {
    const client = await newClient();
    const [id = ''] = await seedTasks(env, await userOf(env, client), ['Linked']);
    await client.sendCommand('start', `task_${id}`);
    expect(client.lastReply()).toContain('📌 <b>Linked</b>');
    expect(client.buttons()).toContain('🟡 In progress');
    await client.sendCommand('start', 'task_999999999');
    expect(client.lastReply()).toBe('❌ Task not found: it was deleted or is not yours.');
    await client.sendCommand('start', 'task_abc');
    expect(client.lastReply()).toBe('❌ Task not found: it was deleted or is not yours.');
  });

  it('the reminder’s Open button turns the reminder into the card, in place', async () => {
    const client = await newClient();
    const dueAt = new Date('2099-03-01T10:00:00Z');
    const [id = ''] = await seedTasks(env, await userOf(env, client), ['Remind me'], { dueAt });
    expect(await handleReminder(env.services, { data: { taskId: id, dueAt: dueAt.toISOString() } })).toBe('sent');
    const reminder = lastMessage(env, client);
    expect(reminder.text).toContain('🔔 Reminder: <b>Remind me</b>');

    await client.click('📂 Open');
    expect(lastMessage(env, client).message_id).toBe(reminder.message_id);
    expect(client.lastReply()).toContain('📌 <b>Remind me</b>');
    await client.click('💬 Comments (0)');
    expect(client.lastReply()).toContain('💬 <b>Comments</b> · Remind me');
  });
});

describe('buttons', () => {
  it('every press on the task screens is answered exactly once', async () => {
    const client = await newClient();
    await seedTasks(env, await userOf(env, client), titles(8));
    await client.click('📋 Tasks');
    const labels = ['▶️', '◀️', 'All', '⏳ Task 08', '🟡 In progress', '💬 Comments (0)', '◀️ Back to task'];
    for (const label of [...labels, '🗑 Delete', '◀️ No, keep it', '◀️ Back to list', 'Done']) await client.click(label);
    const answers = env.telegram.callsOf('answerCallbackQuery').map((c) => c.payload.callback_query_id);
    expect(new Set(answers).size).toBe(answers.length);
    expect(client.replies().join('\n')).not.toContain('Sorry, something went wrong');
  });
});
