import { describe, expect, it } from 'vitest';
import {
  handleReminder,
  REMINDERS_QUEUE,
  type ReminderJob,
  reminderCallback,
} from '../../src/features/tasks/jobs/reminders.js';
import { Task } from '../../src/features/tasks/task.entities.js';
import { User } from '../../src/features/users/user.entity.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { findTask, lastMessage, lastToast, seedTasks, tableState, userOf } from '../helpers/tasks.js';

/**
 * Issue 12, part B: a reminder you can act on. ✅ Done, ⏰ Snooze (15 min, 1 h, tomorrow 9:00 in
 * the user's zone) and 📂 Open edit the reminder in place; every due time, advance and snooze is
 * reminded exactly once (the jobs are driven directly: no waiting for the clock).
 */
const env = useTestEnvironment();

let nextId = 770_000;
async function newClient(language_code = 'en', timezone = 'UTC'): Promise<BotClient> {
  const client = env.bot.client({ id: nextId++, first_name: 'Ann', language_code });
  await client.sendCommand('start');
  await env.em().nativeUpdate(User, { telegramId: client.user.id }, { timezone });
  return client;
}

const queue = () => env.services.jobs.queue<ReminderJob>(REMINDERS_QUEUE);
const jobOf = (id: string) => queue().getJob(id);
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000);
const run = (data: ReminderJob) => handleReminder(env.services, { data });
const remindersIn = (client: BotClient) =>
  env.telegram
    .callsOf('sendMessage')
    .filter((c) => c.payload.chat_id === client.chatId && String(c.payload.text).includes('🔔'));

/** A task due in `minutes`, and its reminder delivered (as the worker would at the due time). */
async function reminded(client: BotClient, title: string, minutes = 30) {
  const dueAt = inMinutes(minutes);
  const [id = ''] = await seedTasks(env, await userOf(env, client), [title], { dueAt });
  expect(await run({ taskId: id, dueAt: dueAt.toISOString() })).toBe('sent');
  return { id, dueAt, message: lastMessage(env, client) };
}

/** The wall clock in a zone, "YYYY-MM-DD HH:MM", computed independently of the code under test. */
function wallClock(instant: Date, timeZone: string): string {
  const f = new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return f.format(instant);
}

/**
 * "Mon, Dec 7, 15:30" / "пн, 7 дек., 15:30" (with the year when not this year's) in a zone,
 * computed independently of the code under test: how a reminder, which stays in the chat, writes a date.
 */
function inWords(instant: Date, timeZone: string, locale: 'en' | 'ru'): string {
  const yearOf = (d: Date) => new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(d);
  const withYear = yearOf(instant) !== yearOf(new Date());
  const day = new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...(withYear ? { year: 'numeric' } : {}),
  }).format(instant);
  return `${day}, ${wallClock(instant, timeZone).slice(11)}`;
}

describe('✅ Done on a reminder', () => {
  it('en: marks the task done and edits the reminder to say so; no further reminder comes', async () => {
    const client = await newClient('en');
    const { id, dueAt, message } = await reminded(client, 'Water the plants');
    const sent = env.telegram.callsOf('sendMessage').length;
    await client.click('✅ Done');
    expect(lastToast(env)).toBe('✅ Marked as done');
    expect((await findTask(env, id))?.status).toBe('done');
    expect(lastMessage(env, client).message_id).toBe(message.message_id);
    expect(client.lastReply()).toContain('🔔 Reminder: <b>Water the plants</b>');
    expect(client.lastReply()).toContain('✅ Marked as done.');
    expect(client.buttons()).toEqual(['📂 Open']);
    expect(env.telegram.callsOf('sendMessage').length).toBe(sent);
    // Done drops the reminders; a stale job sends nothing.
    expect(await jobOf(`reminder-${id}`)).toBeUndefined();
    expect(await run({ taskId: id, dueAt: dueAt.toISOString() })).toBe('skipped');

    // Open turns the reminder into the card, in place.
    await client.click('📂 Open');
    expect(lastMessage(env, client).message_id).toBe(message.message_id);
    expect(client.lastReply()).toContain('📌 <b>Water the plants</b>');
  });

  it('ru: «Готово» на напоминании; повторное нажатие говорит, что задача уже выполнена', async () => {
    const client = await newClient('ru');
    const { id, message } = await reminded(client, 'Полить цветы');
    await client.pressCallback(message, reminderCallback(id, 'd'));
    expect(lastToast(env)).toBe('✅ Задача выполнена');
    expect(client.lastReply()).toContain('✅ Отмечено как выполненное.');
    const before = await tableState(env);
    await client.pressCallback(message, reminderCallback(id, 'd'));
    expect(lastToast(env)).toBe('✅ Эта задача уже выполнена.');
    await client.pressCallback(message, reminderCallback(id, 'z15'));
    expect(lastToast(env)).toBe('✅ Эта задача уже выполнена.');
    expect(await tableState(env)).toEqual(before);
  });
});

describe('⏰ Snooze on a reminder', () => {
  it('en, 15 min: edits the reminder, and the reminder comes again exactly once', async () => {
    const client = await newClient('en', 'Europe/Berlin');
    const { id, dueAt, message } = await reminded(client, 'Call the bank');
    const t0 = Date.now();
    await client.click('⏰ 15 min');
    const row = await findTask(env, id);
    const until = row?.snoozedUntil ?? new Date(0);
    expect(until.getTime() - t0).toBeGreaterThanOrEqual(15 * 60_000 - 1_000);
    expect(until.getTime() - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    expect(lastMessage(env, client).message_id).toBe(message.message_id);
    // The note stays in the chat: it names the date (a "today" would read wrong tomorrow), as the
    // reminder's due line does; the toast, gone in a moment, may say "today".
    expect(client.lastReply()).toContain(`Due: ${inWords(dueAt, 'Europe/Berlin', 'en')}\n`);
    expect(client.lastReply()).toMatch(new RegExp(`\n⏰ Snoozed until ${inWords(until, 'Europe/Berlin', 'en')}\\.$`));
    expect(client.lastReply()).not.toMatch(/today|tomorrow/);
    const shown = wallClock(until, 'Europe/Berlin').slice(11);
    expect(lastToast(env)).toMatch(new RegExp(`^⏰ I will remind you again (today|tomorrow) ${shown}$`));
    expect(client.buttons()).toEqual(['✅ Done', '📂 Open', '⏰ 15 min', '⏰ 1 hour', '⏰ Tomorrow 9:00']);

    // The job is derived from the task: one snooze job, at the snoozed time.
    const job = await jobOf(`reminder-${id}-snooze`);
    expect(job?.data).toEqual({ taskId: id, dueAt: until.toISOString(), kind: 'snooze' });
    expect(Math.abs((job?.timestamp ?? 0) + (job?.delay ?? 0) - until.getTime())).toBeLessThan(1_000);

    // The original due time was reminded already; the snooze comes once, a duplicate job sends nothing.
    expect(await run({ taskId: id, dueAt: dueAt.toISOString() })).toBe('skipped');
    expect(await run(job?.data as ReminderJob)).toBe('sent');
    expect(await run(job?.data as ReminderJob)).toBe('skipped');
    expect(remindersIn(client)).toHaveLength(2);
    expect((await findTask(env, id))?.snoozedUntil).toBeNull();
  });

  it('ru, tomorrow 9:00 is 09:00 tomorrow in the user’s zone', async () => {
    const client = await newClient('ru', 'Asia/Vladivostok');
    const { id } = await reminded(client, 'Позвонить маме');
    await client.click('⏰ Завтра в 9:00');
    const until = (await findTask(env, id))?.snoozedUntil ?? new Date(0);
    const tomorrow = new Date(Date.now() + 86_400_000);
    expect(wallClock(until, 'Asia/Vladivostok')).toBe(`${wallClock(tomorrow, 'Asia/Vladivostok').slice(0, 10)} 09:00`);
    expect(client.lastReply()).toContain(`⏰ Отложено. Напомню снова: ${inWords(until, 'Asia/Vladivostok', 'ru')}.`);
    expect(client.lastReply()).not.toMatch(/сегодня|завтра/);
    expect(lastToast(env)).toBe('⏰ Напомню снова завтра в 09:00');
  });

  it('a second snooze replaces the first: only the latest comes', async () => {
    const client = await newClient('en');
    const { id, message } = await reminded(client, 'Stretch');
    await client.pressCallback(message, reminderCallback(id, 'z15'));
    const first = (await jobOf(`reminder-${id}-snooze`))?.data as ReminderJob;
    await client.pressCallback(message, reminderCallback(id, 'z60'));
    const second = (await jobOf(`reminder-${id}-snooze`))?.data as ReminderJob;
    expect(new Date(second.dueAt).getTime() - new Date(first.dueAt).getTime()).toBeGreaterThan(40 * 60_000);
    expect(await run(first)).toBe('skipped');
    expect(await run(second)).toBe('sent');
    expect(remindersIn(client)).toHaveLength(2);
  });

  it('moved or done meanwhile: the snoozed reminder does not come; the new due time gets its own, once', async () => {
    const client = await newClient('en');
    const { id, message } = await reminded(client, 'Moving target');
    await client.pressCallback(message, reminderCallback(id, 'z15'));
    const snoozed = (await jobOf(`reminder-${id}-snooze`))?.data as ReminderJob;
    const em = env.em();
    const { updateTask } = await import('../../src/features/tasks/tasks.js');
    const owner = await em.findOneOrFail(User, { telegramId: client.user.id });
    const later = inMinutes(120);
    await updateTask(em, env.services.taskEffects, owner, id, { dueAt: later });
    expect(await jobOf(`reminder-${id}-snooze`)).toBeUndefined();
    expect(await run(snoozed)).toBe('skipped');
    expect(await run({ taskId: id, dueAt: later.toISOString() })).toBe('sent');
    expect(await run({ taskId: id, dueAt: later.toISOString() })).toBe('skipped');

    const other = await reminded(client, 'Done meanwhile');
    await client.pressCallback(other.message, reminderCallback(other.id, 'z60'));
    const job = (await jobOf(`reminder-${other.id}-snooze`))?.data as ReminderJob;
    await client.pressCallback(other.message, reminderCallback(other.id, 'd'));
    expect(await run(job)).toBe('skipped');
    expect(remindersIn(client)).toHaveLength(3);
  });
});

describe('advance reminders', () => {
  it('en: 1 hour before, once, then the one at the due time; moving the due time re-arms both', async () => {
    const client = await newClient('en');
    const dueAt = inMinutes(180);
    const [id = ''] = await seedTasks(env, await userOf(env, client), ['Board meeting'], { dueAt });
    await client.sendCommand('tasks');
    await client.click(/^⏳ Board meeting/);
    expect(client.buttons()).toContain('🔔 In advance: off');
    await client.click('🔔 In advance: off');
    expect(lastToast(env)).toBe('🔔 Advance reminder: 1 hour before');
    expect(client.lastReply()).toContain('🔔 Also a reminder 1 hour before');
    expect((await findTask(env, id))?.remindBefore).toBe('PT1H');

    const job = await jobOf(`reminder-${id}-advance`);
    expect(job?.data).toEqual({ taskId: id, dueAt: dueAt.toISOString(), kind: 'advance', before: 'PT1H' });
    expect(Math.abs((job?.timestamp ?? 0) + (job?.delay ?? 0) - (dueAt.getTime() - 3_600_000))).toBeLessThan(1_000);

    expect(await run(job?.data as ReminderJob)).toBe('sent');
    expect(client.lastReply()).toContain('🔔 Due in an hour: <b>Board meeting</b>');
    expect(client.buttons()).toContain('⏰ 15 min');
    expect(await run(job?.data as ReminderJob)).toBe('skipped');
    expect(await run({ taskId: id, dueAt: dueAt.toISOString() })).toBe('sent');
    expect(remindersIn(client)).toHaveLength(2);

    // The card button again: "1 day before" is past for a task due in 3 hours, so the next is off.
    await client.sendCommand('tasks');
    await client.click(/^⏳ Board meeting/);
    // The advance reminder came: the card no longer promises it.
    expect(client.lastReply()).not.toContain('🔔 Also a reminder');
    await client.click('🔔 In advance: 1 hour before');
    expect(lastToast(env)).toBe('🔔 Advance reminder: off');
    expect((await findTask(env, id))?.remindBefore).toBeNull();
    expect(await jobOf(`reminder-${id}-advance`)).toBeUndefined();
  });

  it('ru: за сутки; an advance already past is not scheduled, and a stale advance job sends nothing', async () => {
    const client = await newClient('ru');
    const owner = await userOf(env, client);
    const dueAt = inMinutes(3 * 24 * 60);
    const [id = ''] = await seedTasks(env, owner, ['Отчёт'], { dueAt });
    const em = env.em();
    const { updateTask } = await import('../../src/features/tasks/tasks.js');
    await updateTask(em, env.services.taskEffects, await em.findOneOrFail(User, { id: owner.id }), id, {
      remindBefore: 'P1D',
    });
    const job = (await jobOf(`reminder-${id}-advance`))?.data as ReminderJob;
    expect(job).toEqual({ taskId: id, dueAt: dueAt.toISOString(), kind: 'advance', before: 'P1D' });
    expect(await run(job)).toBe('sent');
    expect(client.lastReply()).toContain('🔔 Срок через сутки: <b>Отчёт</b>');

    // A due time 30 minutes ahead with "1 hour before": the advance time has passed; none is made.
    const soon = inMinutes(30);
    const [late = ''] = await seedTasks(env, owner, ['Скоро'], { dueAt: soon });
    await updateTask(em, env.services.taskEffects, await em.findOneOrFail(User, { id: owner.id }), late, {
      remindBefore: 'PT1H',
    });
    expect(await jobOf(`reminder-${late}-advance`)).toBeUndefined();
    // Nor does the card promise one.
    await client.sendCommand('tasks');
    await client.click(/Скоро/);
    expect(client.lastReply()).toContain('<b>Скоро</b>');
    expect(client.lastReply()).not.toContain('🔔 Напомню ещё и');
    expect(await run({ taskId: late, dueAt: soon.toISOString(), kind: 'advance', before: 'PT1H' })).toBe('sent');
    // …and a job for another advance than the task's does nothing.
    expect(await run({ taskId: late, dueAt: soon.toISOString(), kind: 'advance', before: 'P1D' })).toBe('skipped');
  });
});

describe('the advance button offers only moments still ahead', () => {
  const inAdvance = (client: BotClient) => client.buttons().filter((b) => b.startsWith('🔔'));

  it('en: due in 3 days it cycles off → 1 hour → 1 day → off; due in 30 minutes or overdue there is no button', async () => {
    const client = await newClient('en');
    const owner = await userOf(env, client);
    const [id = ''] = await seedTasks(env, owner, ['Call the bank'], { dueAt: inMinutes(3 * 24 * 60) });
    await client.sendCommand('tasks');
    await client.click(/^⏳ Call the bank/);
    await client.click('🔔 In advance: off');
    expect((await findTask(env, id))?.remindBefore).toBe('PT1H');
    await client.click('🔔 In advance: 1 hour before');
    expect(lastToast(env)).toBe('🔔 Advance reminder: 1 day before');
    expect((await findTask(env, id))?.remindBefore).toBe('P1D');
    await client.click('🔔 In advance: 1 day before');
    expect((await findTask(env, id))?.remindBefore).toBeNull();
    expect(await jobOf(`reminder-${id}-advance`)).toBeUndefined();

    await seedTasks(env, owner, ['Soon'], { dueAt: inMinutes(30) });
    await client.sendCommand('tasks');
    await client.click(/^⏳ Soon/);
    expect(client.lastReply()).toContain('Soon');
    expect(inAdvance(client)).toEqual([]);

    const [late = ''] = await seedTasks(env, owner, ['Overdue'], { dueAt: inMinutes(60) });
    await env.em().nativeUpdate(Task, { id: late }, { dueAt: inMinutes(-60) });
    await client.sendCommand('tasks');
    await client.click(/Overdue/);
    expect(client.buttons()).toContain('✏️ Title');
    expect(inAdvance(client)).toEqual([]);
  });

  it('ru: a press from a card left open after the moment passed says so and stores nothing', async () => {
    const client = await newClient('ru');
    const [id = ''] = await seedTasks(env, await userOf(env, client), ['Отчёт'], { dueAt: inMinutes(3 * 60) });
    await client.sendCommand('tasks');
    await client.click(/^⏳ Отчёт/);
    const card = lastMessage(env, client);
    expect(inAdvance(client)).toEqual(['🔔 Заранее: нет']);
    // Meanwhile the due time moved to 30 minutes from now (the API, another device).
    await env.em().nativeUpdate(Task, { id }, { dueAt: inMinutes(30) });
    await client.click('🔔 Заранее: нет');
    expect(lastToast(env)).toBe('🔔 Напомнить за час уже поздно: придёт только напоминание в срок.');
    expect((await findTask(env, id))?.remindBefore).toBeNull();
    expect(await jobOf(`reminder-${id}-advance`)).toBeUndefined();
    // The card shows the task as it is now, in the same message, without the button.
    expect(lastMessage(env, client).message_id).toBe(card.message_id);
    expect(inAdvance(client)).toEqual([]);
  });
});

describe('stale and forged reminder buttons', () => {
  it('the buttons of a deleted task answer "not found" and change nothing', async () => {
    const client = await newClient('en');
    const { id, message } = await reminded(client, 'Gone soon');
    await env.em().nativeDelete(Task, { id });
    const before = await tableState(env);
    for (const action of ['d', 'z15', 'z60', 'zt', 'o'] as const) {
      await client.pressCallback(message, reminderCallback(id, action));
      expect(lastToast(env)).toBe('❌ Task not found: it was deleted or is not yours.');
    }
    expect(await tableState(env)).toEqual(before);
    expect(await jobOf(`reminder-${id}-snooze`)).toBeUndefined();
  });

  it('someone else’s task id (ru) answers "not found" and changes nothing', async () => {
    const owner = await newClient('en');
    const { id } = await reminded(owner, 'Private');
    const intruder = await newClient('ru');
    await intruder.sendCommand('tasks');
    const before = await tableState(env);
    for (const action of ['d', 'z15', 'zt', 'o'] as const) {
      await intruder.pressCallback(lastMessage(env, intruder), reminderCallback(id, action));
      expect(lastToast(env)).toBe('❌ Задача не найдена: её удалили, или она не ваша.');
    }
    await intruder.pressCallback(lastMessage(env, intruder), 'rm:1:zz');
    expect(await tableState(env)).toEqual(before);
    expect(intruder.replies().join('\n')).not.toContain('Private');
  });
});

describe('Settings', () => {
  it('the Notifications toggle says what it covers, in both languages', async () => {
    const en = await newClient('en');
    await en.sendCommand('settings');
    expect(en.buttons()).toContain('🔔 Reminders & messages: on');
    expect(en.lastReply()).toContain('🔔 Notifications (reminders, private messages): on');
    const ru = await newClient('ru');
    await ru.sendCommand('settings');
    expect(ru.buttons()).toContain('🔔 Напоминания и сообщения: вкл.');
  });
});
