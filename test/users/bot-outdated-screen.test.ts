import { describe, expect, it } from 'vitest';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import type { ChatMessage } from '../helpers/fake-bot-api.js';

/**
 * A button pressed on an older message whose menu has changed since (another language, other
 * values): the message becomes the menu's current screen — its text and its buttons — with the
 * "menu has changed" toast, instead of acting on the old button.
 */
const env = useTestEnvironment();

let nextId = 743_000;
const client = (language_code: 'en' | 'ru') =>
  env.bot.client({ id: nextId++, first_name: 'Olga', last_name: 'Old', language_code });
const labelsOf = (m: ChatMessage | undefined) => m?.reply_markup?.inline_keyboard?.flat().map((b) => b.text) ?? [];
const messageOf = (c: BotClient, id: number) => env.telegram.chat(c.chatId).find((m) => m.message_id === id);
const lastToast = () => env.telegram.callsOf('answerCallbackQuery').at(-1)?.payload.text;
const newestId = (c: BotClient) => env.telegram.chat(c.chatId).at(-1)?.message_id ?? 0;

/** Switches the language in a Settings message of its own (/settings → 🌐 → the language). */
async function switchLanguage(c: BotClient, to: 'en' | 'ru') {
  await c.sendCommand('settings');
  await c.click(to === 'en' ? '🌐 Язык' : '🌐 Language');
  await c.click(to === 'en' ? '🇬🇧 English' : '🇷🇺 Русский');
}

describe('a press on an outdated screen shows the current screen, text and buttons', () => {
  it('ru → en: an old Russian Settings message turns into the English one, with the new display name', async () => {
    const c = client('ru');
    await c.sendCommand('settings');
    const old = newestId(c);
    expect(messageOf(c, old)?.text).toContain('⚙️ <b>Настройки</b>');
    expect(messageOf(c, old)?.text).toContain('не задано');

    // Elsewhere: a display name, then English.
    await c.sendCommand('settings');
    await c.click('👤 Отображаемое имя');
    await c.sendText('Olga New');
    await switchLanguage(c, 'en');

    // The Russian message still has its Russian buttons: one of them is pressed.
    const pressed = messageOf(c, old);
    const button = pressed?.reply_markup?.inline_keyboard
      ?.flat()
      .find((b) => b.text === '🔔 Напоминания и сообщения: вкл.');
    expect(button?.callback_data).toBeDefined();
    await c.pressCallback(pressed, button?.callback_data as string);

    const now = messageOf(c, old);
    expect(now?.text).toContain('⚙️ <b>Settings</b>');
    expect(now?.text).toContain('Language: English');
    expect(now?.text).toContain('Display name: Olga New');
    expect(now?.text).not.toMatch(/[а-яё]/i);
    expect(labelsOf(now)).toContain('🔔 Reminders & messages: on');
    expect(labelsOf(now).join(' ')).not.toMatch(/[а-яё]/i);
    expect(lastToast()).toBe('The menu has changed; here is the current one.');
    // The old button did not act: notifications are still on.
    expect(now?.text).toContain('Notifications (reminders, private messages): on');
  });

  it('en → ru: an old English main menu and an old time zone screen turn Russian, text and buttons', async () => {
    const c = client('en');
    await c.sendCommand('menu');
    const menu = newestId(c);
    await c.sendCommand('settings');
    await c.click('🕒 Time zone');
    const zones = newestId(c);
    await switchLanguage(c, 'ru');

    const main = messageOf(c, menu);
    const settings = main?.reply_markup?.inline_keyboard?.flat().find((b) => b.text === '⚙️ Settings');
    await c.pressCallback(main, settings?.callback_data as string);
    expect(messageOf(c, menu)?.text).toContain('Что будем делать?');
    expect(labelsOf(messageOf(c, menu))).toEqual(['📋 Задачи', '💬 Чат', '⚙️ Настройки', '❓ Помощь']);
    expect(lastToast()).toBe('Меню изменилось; вот актуальное.');

    const zoneScreen = messageOf(c, zones);
    const tokyo = zoneScreen?.reply_markup?.inline_keyboard?.flat().find((b) => b.text === 'Tokyo · UTC+9');
    await c.pressCallback(zoneScreen, tokyo?.callback_data as string);
    expect(messageOf(c, zones)?.text).toContain('Выберите город');
    expect(labelsOf(messageOf(c, zones))).toContain('Москва · UTC+3');
    expect(labelsOf(messageOf(c, zones))).toContain('◀️ Назад');
    expect(lastToast()).toBe('Меню изменилось; вот актуальное.');
    // Nothing was chosen by the old button.
    expect(messageOf(c, zones)?.text).toContain('<b>UTC</b>');
  });

  it('a press on a message that already shows the current screen only says so ("not modified" is fine)', async () => {
    const c = client('en');
    await c.sendCommand('settings');
    const id = newestId(c);
    const message = messageOf(c, id);
    const button = message?.reply_markup?.inline_keyboard?.flat().find((b) => b.text === '🌐 Language');
    // The same button with a label hash of another keyboard: outdated, though the message is current.
    const forged = String(button?.callback_data).replace(/\/h[0-9a-z]+$/, '/hzzz');
    const before = env.telegram.chat(c.chatId).length;
    await c.pressCallback(message, forged);
    expect(lastToast()).toBe('The menu has changed; here is the current one.');
    expect(messageOf(c, id)?.text).toBe(message?.text);
    expect(env.telegram.chat(c.chatId)).toHaveLength(before);
    expect(c.replies().join('\n')).not.toContain('Sorry, something went wrong');
  });
});
