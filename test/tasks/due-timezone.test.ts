import { describe, expect, it } from 'vitest';
import { readPick } from '../../src/features/tasks/bot/due-picker.js';
import { Task } from '../../src/features/tasks/task.entities.js';
import { User } from '../../src/features/users/user.entity.js';
import { addDays, localParts } from '../../src/platform/time/local-dates.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import type { ChatMessage } from '../helpers/fake-bot-api.js';
import { findTask, seedTasks, tableState, userOf } from '../helpers/tasks.js';

/**
 * The due-date step of a user who skipped the first-start time zone question (SPEC §2.1, §2.2):
 * their dates were read in UTC with nothing there to change it. The step says so and offers
 * 🌍 Set time zone (the settings' presets, or a zone typed), and comes back in the new zone with
 * the dialog as it was; ↩️ and ✖️ Cancel lead back from it.
 */
const env = useTestEnvironment();

let nextId = 790_000;

/** A user who pressed ⏭ Skip on the first-start question: the zone stays the default, UTC. */
async function skippedZone(language_code: 'en' | 'ru'): Promise<BotClient> {
  const client = env.bot.client({ id: nextId++, first_name: 'Ann', language_code });
  await client.sendCommand('start');
  await client.click(language_code === 'en' ? '⏭ Skip (keep UTC)' : '⏭ Пропустить (оставить UTC)');
  expect((await userOf(env, client)).timezone).toBe('UTC');
  return client;
}

const newest = (client: BotClient): ChatMessage => {
  const message = env.telegram.chat(client.chatId).at(-1);
  if (!message) throw new Error('no message');
  return message;
};
const messageById = (client: BotClient, id: number) =>
  env.telegram.chat(client.chatId).find((m) => m.message_id === id) as ChatMessage;
const labelsOf = (m: ChatMessage) => m.reply_markup?.inline_keyboard?.flat().map((b) => b.text) ?? [];
const zoneOf = async (client: BotClient) =>
  (await env.em().findOneOrFail(User, { telegramId: client.user.id })).timezone;

describe('the due-date step of a user whose time zone is the default', () => {
  it('en, new task: says dates are read in UTC, 🌍 sets a preset zone, and the dialog goes on in it', async () => {
    const client = await skippedZone('en');
    await client.sendCommand('newtask');
    await client.sendText('Call the plumber');
    await client.sendText('About the leak');
    const prompt = newest(client);
    expect(prompt.text).toContain('When is it due?');
    expect(prompt.text).toContain('Your time zone is not set, so times are read in UTC');
    expect(labelsOf(prompt)).toContain('🌍 Set time zone');

    // The zones, in the prompt's message; ↩️ goes back to the quick picks, as they were.
    await client.click('🌍 Set time zone');
    const zones = messageById(client, prompt.message_id);
    expect(zones.text).toContain('Which time zone are you in?');
    expect(labelsOf(zones)).toEqual(expect.arrayContaining(['↩️ Back to the due date', '✖️ Cancel']));
    expect(labelsOf(zones).some((label) => /^Berlin · UTC\+\d$/.test(label))).toBe(true);
    await client.click('↩️ Back to the due date');
    expect(messageById(client, prompt.message_id).text).toContain('When is it due?');
    expect(labelsOf(messageById(client, prompt.message_id))).toContain('🌍 Set time zone');
    expect(await zoneOf(client)).toBe('UTC');

    await client.click('🌍 Set time zone');
    await client.click(/^Berlin · /);
    expect(await zoneOf(client)).toBe('Europe/Berlin');
    const back = messageById(client, prompt.message_id);
    expect(back.text).toMatch(/^✅ Time zone: <b>Europe\/Berlin<\/b> \(now \d\d:\d\d\)/);
    expect(back.text).toContain('type it in your time zone (Europe/Berlin)');
    expect(back.text).not.toContain('is not set');
    expect(labelsOf(back)).not.toContain('🌍 Set time zone');
    expect(labelsOf(back)).toEqual(expect.arrayContaining(['⏭ Skip', '✖️ Cancel']));

    // The dialog is intact: the title and description typed before; the date read in Berlin.
    await client.sendText('tomorrow 9');
    const task = await env
      .em()
      .findOneOrFail(Task, { owner: (await userOf(env, client)).id }, { orderBy: { id: 'desc' } });
    expect([task.title, task.description]).toEqual(['Call the plumber', 'About the leak']);
    const tomorrow = addDays(localParts(new Date(), 'Europe/Berlin'), 1);
    expect(localParts(task.dueAt as Date, 'Europe/Berlin')).toEqual({ ...tomorrow, hour: 9, minute: 0 });
    expect(client.lastReply()).toContain('📅 Due: tomorrow 09:00 (Europe/Berlin)');
  });

  it('ru, editing a due date: a zone typed (a wrong one is re-asked), then the step in it, “Сейчас” included', async () => {
    const client = await skippedZone('ru');
    const dueAt = new Date(Date.UTC(2099, 0, 15, 23, 0)); // 16 January, 06:00 in Novosibirsk (UTC+7)
    const [id = ''] = await seedTasks(env, await userOf(env, client), ['Полить цветы'], { dueAt });
    await client.sendCommand('start', `task_${id}`);
    const card = newest(client);
    await client.click('📅 Срок');
    const prompt = messageById(client, card.message_id);
    expect(prompt.text).toContain('Часовой пояс не указан, поэтому время считается по UTC');
    expect(prompt.text).toContain('Сейчас: чт, 15 янв. 2099 г., 23:00');
    await client.click('🌍 Указать часовой пояс');
    expect(messageById(client, card.message_id).text).toContain('В каком вы часовом поясе?');

    await client.sendText('Атлантида');
    expect(client.lastReply()).toContain('«Атлантида» не похоже на часовой пояс');
    expect(labelsOf(newest(client))).toContain('↩️ Назад к сроку');
    expect(await zoneOf(client)).toBe('UTC');

    await client.sendText('Новосибирск');
    expect(await zoneOf(client)).toBe('Asia/Novosibirsk');
    expect(client.lastReply()).toMatch(/^✅ Часовой пояс: <b>Asia\/Novosibirsk<\/b> \(сейчас \d\d:\d\d\)/);
    expect(client.lastReply()).toContain('(часовой пояс Asia/Novosibirsk)');
    // What the task holds now, written in the new zone.
    expect(client.lastReply()).toContain('Сейчас: пт, 16 янв. 2099 г., 06:00');
    expect(labelsOf(newest(client))).not.toContain('🌍 Указать часовой пояс');

    await client.click('🌅 Завтра 9:00');
    const tomorrow = addDays(localParts(new Date(), 'Asia/Novosibirsk'), 1);
    const saved = (await findTask(env, id))?.dueAt as Date;
    expect(localParts(saved, 'Asia/Novosibirsk')).toEqual({ ...tomorrow, hour: 9, minute: 0 });
    expect(client.lastReply()).toContain('📅 Срок: завтра в 09:00 (Asia/Novosibirsk)');
  });

  it('✖️ Cancel on the zones leaves the dialog for the card it came from; nothing changes', async () => {
    const client = await skippedZone('en');
    const [id = ''] = await seedTasks(env, await userOf(env, client), ['Keep me']);
    await client.sendCommand('start', `task_${id}`);
    const card = newest(client);
    const before = await tableState(env);
    await client.click('📅 Due date');
    await client.click('🌍 Set time zone');
    await client.click('✖️ Cancel');
    const back = messageById(client, card.message_id);
    expect(back.text).toContain('Keep me');
    expect(labelsOf(back)).toContain('📅 Due date');
    expect(await tableState(env)).toEqual(before);
    expect(await zoneOf(client)).toBe('UTC');
  });

  it('a forged zone button changes nothing; a user who has a zone is not offered one', async () => {
    const clock = { now: new Date('2026-12-09T10:00:00Z'), timezone: 'UTC' };
    expect(readPick('dlg:dzEurope/Berlin', clock)).toEqual({ kind: 'zone', zone: 'Europe/Berlin' });
    expect(readPick('dlg:dzAtlantis/Capital', clock)).toEqual({ kind: 'invalid' });
    expect(readPick('dlg:dwx', clock)).toEqual({ kind: 'invalid' });

    const client = await skippedZone('en');
    await client.sendCommand('newtask');
    await client.sendText('Forged');
    await client.sendCommand('skip');
    await client.pressCallback(newest(client), 'dlg:dzAtlantis/Capital');
    expect(await zoneOf(client)).toBe('UTC');
    expect(newest(client).text).toContain('That button is out of date');

    const settled = env.bot.client({ id: nextId++, first_name: 'Bo', language_code: 'en' });
    await settled.sendCommand('start');
    await settled.click(/^Berlin · /);
    await settled.sendCommand('newtask');
    await settled.sendText('Settled');
    await settled.sendCommand('skip');
    expect(newest(settled).text).toContain('(Europe/Berlin)');
    expect(newest(settled).text).not.toContain('is not set');
    expect(labelsOf(newest(settled))).not.toContain('🌍 Set time zone');
  });
});
