import { describe, expect, it } from 'vitest';
import { Task } from '../../src/features/tasks/task.entities.js';
import { User } from '../../src/features/users/user.entity.js';
import { addDays, localParts } from '../../src/platform/time/local-dates.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import type { ChatMessage } from '../helpers/fake-bot-api.js';

/** The time zone in one tap (SPEC §2.1): first start, Settings, a shared location, typed. */
const env = useTestEnvironment();

let nextId = 730_000;
const client = (language_code: 'en' | 'ru' | 'de' = 'en') =>
  env.bot.client({ id: nextId++, first_name: 'Zoe', language_code });
const zoneOf = async (c: BotClient) => (await env.em().findOneOrFail(User, { telegramId: c.user.id })).timezone;
const labelsOf = (m: ChatMessage | undefined) => m?.reply_markup?.inline_keyboard?.flat().map((b) => b.text) ?? [];
const messages = (c: BotClient) => env.telegram.chat(c.chatId);
const newest = (c: BotClient) => messages(c).at(-1);

async function newTaskDueIn(c: BotClient, title: string, due: string, skip = '/skip') {
  await c.sendCommand('newtask');
  await c.sendText(title);
  await c.sendCommand(skip.slice(1));
  await c.sendText(due);
  const user = await env.em().findOneOrFail(User, { telegramId: c.user.id });
  return env.em().findOneOrFail(Task, { owner: user.id }, { orderBy: { id: 'desc' } });
}

describe('first start asks the time zone in one tap', () => {
  it('ru: Russian city presets; Москва in one tap, and “завтра в 9” is 09:00 Moscow time', async () => {
    const c = client('ru');
    await c.sendCommand('start');
    const [question, menu] = messages(c);
    expect(question?.text).toContain('Добро пожаловать');
    expect(question?.text).toContain('В каком вы часовом поясе?');
    expect(labelsOf(question)).toEqual(
      expect.arrayContaining([
        'Москва · UTC+3',
        'Калининград · UTC+2',
        'Екатеринбург · UTC+5',
        'Владивосток · UTC+10',
        '📍 Отправить геопозицию',
        '⏭ Пропустить (оставить UTC)',
      ]),
    );
    expect(labelsOf(menu)).toEqual(['📋 Задачи', '💬 Чат', '⚙️ Настройки', '❓ Помощь']);
    await c.click('Москва · UTC+3');
    expect(await zoneOf(c)).toBe('Europe/Moscow');
    expect(messages(c).find((m) => m.message_id === question?.message_id)?.text).toContain(
      'Часовой пояс: <b>Europe/Moscow</b>',
    );

    const task = await newTaskDueIn(c, 'Позвонить маме', 'завтра в 9');
    const tomorrow = addDays(localParts(new Date(), 'Europe/Moscow'), 1);
    expect(localParts(task.dueAt as Date, 'Europe/Moscow')).toEqual({ ...tomorrow, hour: 9, minute: 0 });
  });

  it('en (and other languages): an international set in English; Tokyo, then “tomorrow 9” is 09:00 in Tokyo', async () => {
    const c = client('de');
    await c.sendCommand('start');
    const question = messages(c)[0];
    const labels = labelsOf(question);
    expect(labels).toEqual(expect.arrayContaining(['Tokyo · UTC+9', '📍 Share location', '⏭ Skip (keep UTC)']));
    expect(labels.some((l) => /London · UTC/.test(l))).toBe(true);
    expect(labels.join(' ')).not.toMatch(/[а-яё]/i);
    await c.click('Tokyo · UTC+9');
    expect(await zoneOf(c)).toBe('Asia/Tokyo');
    const task = await newTaskDueIn(c, 'Call', 'tomorrow 9');
    const tomorrow = addDays(localParts(new Date(), 'Asia/Tokyo'), 1);
    expect(localParts(task.dueAt as Date, 'Asia/Tokyo')).toEqual({ ...tomorrow, hour: 9, minute: 0 });
  });

  it('Skip keeps UTC and says so, in both languages', async () => {
    for (const [lang, skip, said] of [
      ['en', '⏭ Skip (keep UTC)', 'stays UTC'],
      ['ru', '⏭ Пропустить (оставить UTC)', 'остаётся UTC'],
    ] as const) {
      const c = client(lang);
      await c.sendCommand('start');
      await c.click(skip);
      expect(c.lastReply()).toContain(said);
      expect(labelsOf(newest(c)).length).toBeGreaterThan(0);
      expect(await zoneOf(c)).toBe('UTC');
    }
  });

  it('typed: ✏️ Other… takes a city, an IANA name or an offset; bad input re-asks; Cancel returns to the question', async () => {
    const c = client('ru');
    await c.sendCommand('start');
    await c.click('✏️ Другой…');
    await c.sendText('Марс');
    expect(c.lastReply()).toContain('не похоже на часовой пояс');
    expect(await zoneOf(c)).toBe('UTC');
    await c.click('✖️ Отмена');
    expect(c.lastReply()).toContain('В каком вы часовом поясе?');
    await c.click('✏️ Другой…');
    await c.sendText('Новосибирск');
    expect(await zoneOf(c)).toBe('Asia/Novosibirsk');
    expect(c.lastReply()).toContain('Asia/Novosibirsk');
    // The answer shows alone: the main menu /start sent stays the only one (SPEC §2.1).
    expect(labelsOf(newest(c))).toEqual([]);
    expect(messages(c).filter((m) => labelsOf(m).includes('📋 Задачи'))).toHaveLength(1);
  });
});

describe('Settings → Time zone', () => {
  it('offers presets in the user’s language, typed zones (Europe/Berlin, UTC+3, berlin), with ✖️ Cancel', async () => {
    const c = client('en');
    await c.sendCommand('settings');
    await c.click('🕒 Time zone');
    expect(c.buttons().join(' ')).not.toMatch(/[а-яё]/i);
    expect(c.buttons()).toEqual(expect.arrayContaining(['📍 Share location', '✏️ Other…', '◀️ Back']));
    for (const [typed, zone] of [
      ['Europe/Berlin', 'Europe/Berlin'],
      ['UTC+3', 'Etc/GMT-3'],
      ['new york', 'America/New_York'],
    ] as const) {
      await c.click('✏️ Other…');
      expect(c.buttons()).toEqual(['✖️ Cancel']);
      await c.sendText(typed);
      expect(await zoneOf(c)).toBe(zone);
      expect(c.lastReply()).toContain(`Time zone: <b>${zone}</b>`);
      expect(c.lastReply()).toContain('⚙️ <b>Settings</b>');
      await c.click('🕒 Time zone');
    }
    await c.click('✏️ Other…');
    await c.sendCommand('cancel');
    expect(c.lastReply()).toContain('Current: <b>America/New_York</b>');
    expect(await zoneOf(c)).toBe('America/New_York');
  });

  it('ru Settings shows the Russian presets', async () => {
    const c = client('ru');
    await c.sendCommand('settings');
    await c.click('🕒 Часовой пояс');
    expect(c.buttons()).toEqual(expect.arrayContaining(['Самара · UTC+4', 'Новосибирск · UTC+7', '◀️ Назад']));
    await c.click('Самара · UTC+4');
    expect(await zoneOf(c)).toBe('Europe/Samara');
  });
});

describe('a shared location sets the zone (offline lookup)', () => {
  it('from Settings: the location button, then a location in Berlin', async () => {
    const c = client('en');
    await c.sendCommand('settings');
    await c.click('🕒 Time zone');
    await c.click('📍 Share location');
    const prompt = newest(c);
    const keyboard = (prompt?.reply_markup as { keyboard?: { text: string; request_location?: boolean }[][] })
      ?.keyboard;
    expect(keyboard?.[0]?.[0]).toMatchObject({ text: '📍 Send my location', request_location: true });
    await c.sendMessage({ location: { latitude: 52.52, longitude: 13.405 } });
    expect(await zoneOf(c)).toBe('Europe/Berlin');
    expect(c.replies().join('\n')).toContain('Time zone: <b>Europe/Berlin</b>');
    expect(c.lastReply()).toContain('⚙️ <b>Settings</b>');
    const removed = env.telegram
      .callsOf('sendMessage')
      .filter((call) => call.payload.chat_id === c.chatId)
      .some((call) => JSON.stringify(call.payload.reply_markup ?? '').includes('remove_keyboard'));
    expect(removed).toBe(true);
  });

  it('on first start (ru): Vladivostok by location', async () => {
    const c = client('ru');
    await c.sendCommand('start');
    const [question] = messages(c);
    await c.click('📍 Отправить геопозицию');
    await c.sendMessage({ location: { latitude: 43.115, longitude: 131.885 } });
    expect(await zoneOf(c)).toBe('Asia/Vladivostok');
    // The question says so; the main menu /start sent below it stays the only one (SPEC §2.1).
    const answered = messages(c).find((m) => m.message_id === question?.message_id);
    expect(answered?.text).toContain('Часовой пояс: <b>Asia/Vladivostok</b>');
    expect(labelsOf(answered)).toEqual([]);
    expect(messages(c).filter((m) => labelsOf(m).includes('📋 Задачи'))).toHaveLength(1);
  });

  it('a location with no zone (the open sea, nonsense coordinates) is answered and changes nothing', async () => {
    for (const [lang, location, said] of [
      ['en', { latitude: 0, longitude: -30 }, 'could not find a time zone'],
      ['ru', { latitude: 95, longitude: 500 }, 'не нашлось часового пояса'],
    ] as const) {
      const c = client(lang);
      await c.sendCommand('settings');
      await c.click(lang === 'en' ? '🕒 Time zone' : '🕒 Часовой пояс');
      await c.click(lang === 'en' ? '📍 Share location' : '📍 Отправить геопозицию');
      await c.sendMessage({ location });
      expect(c.lastReply()).toContain(said);
      expect(await zoneOf(c)).toBe('UTC');
      // The reply keyboard's Cancel leaves, with a screen with buttons.
      await c.sendText(lang === 'en' ? '✖️ Cancel' : '✖️ Отмена');
      expect(labelsOf(newest(c)).length).toBeGreaterThan(0);
      expect(await zoneOf(c)).toBe('UTC');
    }
  });

  it('a location nobody asked for is not taken as a time zone', async () => {
    const c = client('en');
    await c.sendCommand('settings');
    await c.sendMessage({ location: { latitude: 52.52, longitude: 13.405 } });
    expect(await zoneOf(c)).toBe('UTC');
    expect(c.lastReply()).not.toContain('Time zone:');
  });

  it('/cancel while the location keyboard is shown removes it and returns to the time zone screen', async () => {
    const c = client('en');
    await c.sendCommand('start');
    await c.click('📍 Share location');
    await c.sendCommand('cancel');
    expect(c.replies().at(-2)).toBe('Location sharing cancelled.');
    expect(c.lastReply()).toContain('Which time zone are you in?');
    expect(labelsOf(newest(c))).toContain('⏭ Skip (keep UTC)');
  });
});

describe('/cancel never answers a bare “Cancelled.”', () => {
  it('with nothing open it offers the main menu', async () => {
    const c = client('en');
    await c.sendCommand('cancel');
    expect(c.lastReply()).toContain('There is nothing to cancel');
    expect(labelsOf(newest(c))).toEqual(['📋 Tasks', '💬 Chat', '⚙️ Settings', '❓ Help']);
  });
});
