import { describe, expect, it } from 'vitest';
import { User } from '../../src/features/users/user.entity.js';
import { createAccount } from '../helpers/accounts.js';
import { lastToast } from '../helpers/bot-chat.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';

/**
 * The account flows walked as a person walks them: where a t.me link opened as the very first
 * contact leaves them, and what an old Unlink confirmation does once the link has changed.
 */
const env = useTestEnvironment();
const em = () => env.em();
let nextTelegramId = 415_000;

const MAIN_MENU = {
  en: '🏠 <b>Gramdesk</b>\nWhat would you like to do?',
  ru: '🏠 <b>Gramdesk</b>\nЧто будем делать?',
};
const MAIN_BUTTONS = {
  en: ['📋 Tasks', '💬 Chat', '⚙️ Settings', '❓ Help'],
  ru: ['📋 Задачи', '💬 Чат', '⚙️ Настройки', '❓ Помощь'],
};

/** Someone who has never written to the bot. */
function stranger(language: 'en' | 'ru') {
  return env.bot.client({ id: nextTelegramId++, first_name: 'Nova', language_code: language });
}

/** An HTTP account and the t.me payload of its fresh link token. */
async function accountWithLink(username: string, timezone?: string) {
  const account = await createAccount(env.services, { username });
  if (timezone) await em().nativeUpdate(User, { id: account.user.id }, { timezone });
  const created = await apiRequest(env.app, 'POST', '/token', { token: account.token });
  expect(created.status).toBe(201);
  return { ...account, link: created.body.token as string };
}

const messages = (chatId: number) => env.telegram.chat(chatId);
const labels = (message: { reply_markup?: { inline_keyboard?: Array<Array<{ text: string }>> } } | undefined) =>
  message?.reply_markup?.inline_keyboard?.flat().map((b) => b.text) ?? [];

describe('a t.me link as the first contact with the bot', () => {
  it('Confirm: the outcome in the consent message, then the first /start — greeting, time zone question, main menu — in Russian', async () => {
    const { user: account, link } = await accountWithLink('firstlinker');
    const person = stranger('ru');
    await person.sendCommand('start', `link_${link}`);
    // Only the consent screen so far: nothing is attached, nobody is greeted yet.
    expect(messages(person.chatId)).toHaveLength(1);
    const consent = messages(person.chatId)[0];
    expect(consent?.text).toContain('Привязать этот Telegram к аккаунту Gramdesk <b>@firstlinker</b>');

    await person.click('✅ Привязать мой Telegram');
    const [outcome, greeting, menu] = messages(person.chatId);
    expect(outcome?.message_id).toBe(consent?.message_id);
    expect(outcome?.text).toBe(
      `Токен «${link}» успешно привязан\nВаш Telegram привязан к аккаунту Gramdesk <b>@firstlinker</b>.`,
    );
    expect(labels(outcome)).toEqual([]);
    expect(greeting?.text).toContain('👋 Добро пожаловать в <b>Gramdesk</b>, Nova!');
    expect(greeting?.text).toContain('В каком вы часовом поясе?');
    expect(labels(greeting)).toContain('⏭ Пропустить (оставить UTC)');
    expect(menu?.text).toBe(MAIN_MENU.ru);
    expect(labels(menu)).toEqual(MAIN_BUTTONS.ru);

    // The question takes a typed zone, as on any first start; it is the account's now.
    await person.sendText('Europe/Moscow');
    expect((await em().findOneOrFail(User, { id: account.id })).timezone).toBe('Europe/Moscow');
  });

  it('Decline: the outcome, then the same first /start, in English', async () => {
    const { link } = await accountWithLink('declined_first');
    const person = stranger('en');
    await person.sendCommand('start', `link_${link}`);
    await person.click('❌ Decline');

    const [outcome, greeting, menu] = messages(person.chatId);
    expect(outcome?.text).toBe('❌ Declined. Nothing was linked, and this token no longer works.');
    expect(greeting?.text).toContain('👋 Welcome to <b>Gramdesk</b>, Nova!');
    expect(greeting?.text).toContain('Which time zone are you in?');
    expect(menu?.text).toBe(MAIN_MENU.en);
    expect(labels(menu)).toEqual(MAIN_BUTTONS.en);
    await person.click('⏭ Skip (keep UTC)');
    expect(person.replies()).toContain('🕒 Your time zone stays UTC. Set yours any time in ⚙️ Settings → 🕒 Time zone.');
  });

  it('an account with its own time zone is not asked for one: greeting and main menu', async () => {
    const { link } = await accountWithLink('zoned_first', 'Europe/Berlin');
    const person = stranger('en');
    await person.sendCommand('start', `link_${link}`);
    await person.click('✅ Link my Telegram');

    expect(messages(person.chatId)).toHaveLength(2);
    const greeting = messages(person.chatId)[1];
    expect(greeting?.text).toBe(
      `👋 Welcome to <b>Gramdesk</b>, Nova!\nYour workspace inside Telegram. Tap a button below to begin.\n\n${MAIN_MENU.en}`,
    );
    expect(labels(greeting)).toEqual(MAIN_BUTTONS.en);
  });

  it('a consent asked again (made an admin meanwhile) still finishes the first /start once answered', async () => {
    const { link } = await accountWithLink('admin_first');
    const person = stranger('en');
    await person.sendCommand('start', `link_${link}`);
    // Made an admin while the consent screen waits (through an entity: its flush drops the cached row).
    const promoting = em();
    const row = await promoting.findOneOrFail(User, { telegramId: person.user.id });
    row.role = 'admin';
    await promoting.flush();
    await person.click('✅ Link my Telegram');
    expect(person.lastReply()).toContain('and your admin rights');
    await person.click('✅ Link my Telegram');

    const [, greeting, menu] = messages(person.chatId);
    expect(greeting?.text).toContain('👋 Welcome to <b>Gramdesk</b>, Nova!');
    expect(menu?.text).toBe(MAIN_MENU.en);
  });

  it('a refused link is answered, and the first /start goes on', async () => {
    const person = stranger('ru');
    await person.sendCommand('start', 'link_00000000-0000-4000-8000-000000000000');
    const [refusal, greeting, menu] = messages(person.chatId);
    expect(refusal?.text).toBe('Такого токена нет');
    expect(greeting?.text).toContain('👋 Добро пожаловать в <b>Gramdesk</b>, Nova!');
    expect(greeting?.text).toContain('В каком вы часовом поясе?');
    expect(labels(menu)).toEqual(MAIN_BUTTONS.ru);
  });

  it('someone who has used the bot before gets the outcome in place, with the main menu under it', async () => {
    const { link } = await accountWithLink('second_visit');
    const person = stranger('en');
    await person.sendCommand('start');
    const before = messages(person.chatId).length;
    await person.sendCommand('start', `link_${link}`);
    const consent = messages(person.chatId).at(-1);
    await person.click('✅ Link my Telegram');

    // No second greeting: the consent message itself became the main menu, outcome on top.
    expect(messages(person.chatId)).toHaveLength(before + 1);
    const shown = messages(person.chatId).at(-1);
    expect(shown?.message_id).toBe(consent?.message_id);
    expect(shown?.text).toBe(
      `Successfully attached token '${link}'\nYour Telegram is now linked to the Gramdesk account <b>@second_visit</b>.\n\n${MAIN_MENU.en}`,
    );
    expect(labels(shown)).toEqual(MAIN_BUTTONS.en);
  });
});

describe('an old Unlink confirmation', () => {
  /** A Telegram user linked to a new account `username`, by its token and the consent screen. */
  async function linkTo(person: ReturnType<typeof stranger>, username: string) {
    const account = await accountWithLink(username);
    await person.sendText(account.link);
    await person.click('✅ Link my Telegram');
    return account;
  }

  /** Settings → 🔓 Unlink @username: the confirmation's message and its Yes. */
  async function openUnlink(person: ReturnType<typeof stranger>, username: string) {
    await person.sendCommand('settings');
    await person.click(`🔓 Unlink @${username}`);
    const screen = messages(person.chatId).at(-1);
    const yes = screen?.reply_markup?.inline_keyboard?.flat().find((b) => b.text === '🔓 Yes, unlink');
    expect(screen?.text).toContain(`Unlink the Gramdesk account <b>@${username}</b>`);
    return { screen, yes: yes?.callback_data ?? '' };
  }

  it('does not unlink the account linked since: it says it is out of date and shows Settings as they are', async () => {
    const person = stranger('en');
    await person.sendCommand('start');
    const first = await linkTo(person, 'unlink_first');
    const old = await openUnlink(person, 'unlink_first');
    // Unlinked on another screen, then linked to another account.
    await openUnlink(person, 'unlink_first');
    await person.click('🔓 Yes, unlink');
    const second = await linkTo(person, 'unlink_second');

    await person.pressCallback(old.screen, old.yes);
    expect(lastToast(env)).toBe(
      'This confirmation is out of date: nothing was unlinked. Here are your settings as they are now.',
    );
    expect((await em().findOneOrFail(User, { id: second.user.id })).telegramId).toBe(person.user.id);
    expect((await em().findOneOrFail(User, { id: first.user.id })).telegramId).toBeNull();
    // The old screen's message now shows Settings, naming the account linked now.
    const shown = messages(person.chatId).find((m) => m.message_id === old.screen?.message_id);
    expect(shown?.text).toContain('🔗 HTTP account: @unlink_second');
    expect(labels(shown)).toContain('🔓 Unlink @unlink_second');
  });

  it('with nothing linked any more it says so too, and shows Settings', async () => {
    const person = stranger('en');
    await person.sendCommand('start');
    await linkTo(person, 'unlink_gone');
    const old = await openUnlink(person, 'unlink_gone');
    await openUnlink(person, 'unlink_gone');
    await person.click('🔓 Yes, unlink');

    await person.pressCallback(old.screen, old.yes);
    expect(lastToast(env)).toBe(
      'This confirmation is out of date: nothing was unlinked. Here are your settings as they are now.',
    );
    const shown = messages(person.chatId).find((m) => m.message_id === old.screen?.message_id);
    expect(shown?.text).toContain('🔗 HTTP account: none yet.');
  });

  it('pressed in an older language after the account was unlinked: Settings, not a confirmation naming nobody', async () => {
    const person = stranger('en');
    await person.sendCommand('start');
    await linkTo(person, 'unlink_lang');
    const old = await openUnlink(person, 'unlink_lang');
    await openUnlink(person, 'unlink_lang');
    await person.click('🔓 Yes, unlink');
    await person.sendCommand('settings');
    await person.click('🌐 Language');
    await person.click('🇷🇺 Русский');

    await person.pressCallback(old.screen, old.yes);
    expect(lastToast(env)).toBe('Это подтверждение устарело: ничего не отвязано. Вот ваши настройки сейчас.');
    const shown = messages(person.chatId).find((m) => m.message_id === old.screen?.message_id);
    expect(shown?.text).toContain('⚙️ <b>Настройки</b>');
    expect(shown?.text).not.toContain('<b>@</b>');
  });

  it('its own Yes still unlinks the account it names', async () => {
    const person = stranger('en');
    await person.sendCommand('start');
    const account = await linkTo(person, 'unlink_now');
    await openUnlink(person, 'unlink_now');
    await person.click('🔓 Yes, unlink');
    expect(lastToast(env)).toBe('Unlinked @unlink_now');
    expect((await em().findOneOrFail(User, { id: account.user.id })).telegramId).toBeNull();
    expect(person.lastReply()).toContain('🔗 HTTP account: none yet.');
  });
});
