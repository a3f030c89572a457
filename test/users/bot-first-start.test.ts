import { describe, expect, it } from 'vitest';
import { User } from '../../src/features/users/user.entity.js';
import { createAccount } from '../helpers/accounts.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import type { ChatMessage } from '../helpers/fake-bot-api.js';
import { apiRequest } from '../helpers/services.js';

/**
 * First start (SPEC §2.1): the time zone question /start asks ("tap your city, share your
 * location, or type it") takes a typed zone right there, and whatever answers it leaves exactly
 * one main menu in the chat.
 */
const env = useTestEnvironment();

let nextId = 742_000;
const client = (language_code: 'en' | 'ru') => env.bot.client({ id: nextId++, first_name: 'Zoe', language_code });
const zoneOf = async (c: BotClient) => (await env.em().findOneOrFail(User, { telegramId: c.user.id })).timezone;
const labelsOf = (m: ChatMessage | undefined) => m?.reply_markup?.inline_keyboard?.flat().map((b) => b.text) ?? [];
const messages = (c: BotClient) => env.telegram.chat(c.chatId);

const MAIN = {
  en: { heading: '🏠 <b>Gramdesk</b>', button: '📋 Tasks' },
  ru: { heading: '🏠 <b>Gramdesk</b>', button: '📋 Задачи' },
};
/** The main menus the chat shows: messages with its text or its buttons. */
const mainMenus = (c: BotClient, language: 'en' | 'ru') =>
  messages(c).filter((m) => m.text.includes(MAIN[language].heading) || labelsOf(m).includes(MAIN[language].button));

const NOT_UNDERSTOOD = { en: "I'm not sure what you mean", ru: 'Не понял' };

/** /start of a new user: the question (the first message) and the main menu below it. */
async function start(c: BotClient) {
  await c.sendCommand('start');
  const [question, menu] = messages(c);
  if (!question || !menu) throw new Error('/start sent less than two messages');
  return { question, menu };
}
const now = (c: BotClient, id: number) => messages(c).find((m) => m.message_id === id);

describe('first start: a zone typed right after /start', () => {
  for (const [language, typed, zone, says] of [
    ['en', 'Berlin', 'Europe/Berlin', 'Time zone: <b>Europe/Berlin</b>'],
    ['ru', 'Новосибирск', 'Asia/Novosibirsk', 'Часовой пояс: <b>Asia/Novosibirsk</b>'],
  ] as const) {
    it(`${language}: “${typed}” is read as ✏️ Other… reads it; the question says so, the main menu stays the only one`, async () => {
      const c = client(language);
      const { question, menu } = await start(c);
      expect(question.text).toMatch(language === 'en' ? /or type it/ : /или напишите пояс/);
      await c.sendText(typed);
      expect(await zoneOf(c)).toBe(zone);
      expect(c.replies().join('\n')).not.toContain(NOT_UNDERSTOOD[language]);
      expect(now(c, question.message_id)?.text).toContain(says);
      expect(labelsOf(now(c, question.message_id))).toEqual([]);
      expect(mainMenus(c, language).map((m) => m.message_id)).toEqual([menu.message_id]);
      expect(messages(c)).toHaveLength(2);
    });
  }

  for (const [language, zoneHint] of [
    ['en', 'is not a time zone I know'],
    ['ru', 'не похоже на часовой пояс'],
  ] as const) {
    it(`${language}: a text that is no zone gets the re-ask ✏️ Other… gives; then a zone, or a preset, still answers`, async () => {
      // What ✏️ Other… answers to the same text, for comparison.
      const other = client(language);
      await other.sendCommand('settings');
      await other.click(language === 'en' ? '🕒 Time zone' : '🕒 Часовой пояс');
      await other.click(language === 'en' ? '✏️ Other…' : '✏️ Другой…');
      await other.sendText('Mars <3');
      const otherHint = other.lastReply();

      const c = client(language);
      const { question } = await start(c);
      await c.sendText('Mars <3');
      expect(c.lastReply()).toBe(otherHint);
      expect(c.lastReply()).toContain(zoneHint);
      expect(c.lastReply()).toContain('Mars &lt;3');
      expect(c.buttons()).toEqual([language === 'en' ? '✖️ Cancel' : '✖️ Отмена']);
      expect(await zoneOf(c)).toBe('UTC');
      // The question's presets and Skip are still there.
      expect(labelsOf(now(c, question.message_id))).toContain(
        language === 'en' ? '⏭ Skip (keep UTC)' : '⏭ Пропустить (оставить UTC)',
      );

      await c.sendText('UTC+3');
      expect(await zoneOf(c)).toBe('Etc/GMT-3');
      expect(now(c, question.message_id)?.text).toContain('Etc/GMT-3');
      // The re-ask lost its button; one main menu.
      expect(messages(c).filter((m) => labelsOf(m).length > 0)).toHaveLength(1);
      expect(mainMenus(c, language)).toHaveLength(1);

      const d = client(language);
      await start(d);
      await d.sendText('nowhere');
      await d.click(language === 'en' ? 'Tokyo · UTC+9' : 'Москва · UTC+3');
      expect(await zoneOf(d)).toBe(language === 'en' ? 'Asia/Tokyo' : 'Europe/Moscow');
      expect(messages(d).filter((m) => labelsOf(m).length > 0)).toHaveLength(1);
      expect(mainMenus(d, language)).toHaveLength(1);
    });
  }

  it('/skip keeps UTC and says so, as ⏭ Skip does', async () => {
    const c = client('en');
    const { question } = await start(c);
    await c.sendCommand('skip');
    expect(await zoneOf(c)).toBe('UTC');
    expect(now(c, question.message_id)?.text).toContain('Your time zone stays UTC');
    expect(mainMenus(c, 'en')).toHaveLength(1);
  });

  it('✖️ Cancel of the re-ask and /cancel go back to the question, which offers ✏️ Other… for typing', async () => {
    const c = client('ru');
    await start(c);
    await c.sendText('Марс');
    await c.click('✖️ Отмена');
    expect(c.lastReply()).toContain('В каком вы часовом поясе?');
    expect(c.lastReply()).toContain('нажмите «Другой…»');
    expect(c.buttons()).toContain('✏️ Другой…');
    // The dialog is over: a text now is just a text.
    await c.sendText('Новосибирск');
    expect(c.lastReply()).toContain(NOT_UNDERSTOOD.ru);
    expect(await zoneOf(c)).toBe('UTC');

    const d = client('en');
    const { question } = await start(d);
    await d.sendCommand('cancel');
    expect(now(d, question.message_id)?.text).toContain('tap “Other…” and type it');
    expect(labelsOf(now(d, question.message_id))).toContain('✏️ Other…');
  });

  it('a text another feature understands (a link token) goes to it, not to the time zone', async () => {
    const { token } = await createAccount(env.services, { username: `first_${nextId}` });
    const { body } = await apiRequest(env.app, 'POST', '/token', { token });
    const c = client('en');
    const { question } = await start(c);
    await c.sendText(body.token);
    expect(c.lastReply()).toContain(`Link this Telegram to the Gramdesk account <b>@first_`);
    expect(c.replies().join('\n')).not.toContain('is not a time zone');
    // The question still takes a zone.
    await c.sendText('Tokyo');
    expect(await zoneOf(c)).toBe('Asia/Tokyo');
    expect(now(c, question.message_id)?.text).toContain('Time zone: <b>Asia/Tokyo</b>');
  });

  it('moving on ends the question: a main menu button, a command, a reply to another message', async () => {
    const byButton = client('en');
    await start(byButton);
    await byButton.click('⚙️ Settings');
    expect(byButton.lastReply()).toContain('⚙️ <b>Settings</b>');
    await byButton.sendText('Berlin');
    expect(byButton.lastReply()).toContain(NOT_UNDERSTOOD.en);
    expect(await zoneOf(byButton)).toBe('UTC');

    const byCommand = client('en');
    await start(byCommand);
    await byCommand.sendCommand('help');
    await byCommand.sendText('Berlin');
    expect(byCommand.lastReply()).toContain(NOT_UNDERSTOOD.en);
    expect(await zoneOf(byCommand)).toBe('UTC');

    const byReply = client('en');
    const { menu } = await start(byReply);
    await byReply.sendMessage({ text: 'Berlin' }, { message_id: menu.message_id, text: menu.text });
    expect(await zoneOf(byReply)).toBe('UTC');
    expect(byReply.lastReply()).not.toContain('is not a time zone');
  });
});

describe('first start: one main menu, however the question is answered', () => {
  for (const [language, preset, zone, says] of [
    ['en', 'Berlin · UTC+1', 'Europe/Berlin', '✅ Time zone: <b>Europe/Berlin</b>'],
    ['ru', 'Москва · UTC+3', 'Europe/Moscow', '✅ Часовой пояс: <b>Europe/Moscow</b>'],
  ] as const) {
    it(`${language}: /start sends the question and one main menu; a preset turns the question into its notice alone`, async () => {
      const c = client(language);
      const { question, menu } = await start(c);
      expect(messages(c)).toHaveLength(2);
      expect(mainMenus(c, language).map((m) => m.message_id)).toEqual([menu.message_id]);

      await c.click(new RegExp(`^${preset.split(' · ')[0]} · UTC`));
      expect(await zoneOf(c)).toBe(zone);
      const answered = now(c, question.message_id);
      expect(answered?.text.startsWith(says)).toBe(true);
      expect(answered?.text).not.toContain(MAIN[language].heading);
      expect(labelsOf(answered)).toEqual([]);
      expect(mainMenus(c, language).map((m) => m.message_id)).toEqual([menu.message_id]);
      expect(messages(c)).toHaveLength(2);
    });
  }

  it('⏭ Skip (both languages), ✏️ Other… and a shared location leave one main menu too', async () => {
    for (const [language, skip] of [
      ['en', '⏭ Skip (keep UTC)'],
      ['ru', '⏭ Пропустить (оставить UTC)'],
    ] as const) {
      const c = client(language);
      await start(c);
      await c.click(skip);
      expect(mainMenus(c, language)).toHaveLength(1);
      expect(messages(c)).toHaveLength(2);
    }

    const typed = client('en');
    const { question } = await start(typed);
    await typed.click('✏️ Other…');
    await typed.sendText('Asia/Tokyo');
    expect(await zoneOf(typed)).toBe('Asia/Tokyo');
    expect(now(typed, question.message_id)?.text).toContain('Time zone: <b>Asia/Tokyo</b>');
    expect(mainMenus(typed, 'en')).toHaveLength(1);

    const located = client('ru');
    const first = await start(located);
    await located.click('📍 Отправить геопозицию');
    await located.sendMessage({ location: { latitude: 43.115, longitude: 131.885 } });
    expect(await zoneOf(located)).toBe('Asia/Vladivostok');
    expect(now(located, first.question.message_id)?.text).toContain('Часовой пояс: <b>Asia/Vladivostok</b>');
    expect(labelsOf(now(located, first.question.message_id))).toEqual([]);
    expect(mainMenus(located, 'ru').map((m) => m.message_id)).toEqual([first.menu.message_id]);
  });
});
