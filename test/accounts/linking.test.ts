import { describe, expect, it } from 'vitest';
import { LinkToken } from '../../src/features/accounts/account.entities.js';
import { Message } from '../../src/features/chat/message.entity.js';
import { User } from '../../src/features/users/user.entity.js';
import { createAccount } from '../helpers/accounts.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';

const env = useTestEnvironment();
const em = () => env.em();
let nextTelegramId = 400_000;

/** The main menu's text, which an answered consent screen shows under its outcome. */
const MAIN_MENU = {
  en: '🏠 <b>Gramdesk</b>\nWhat would you like to do?',
  ru: '🏠 <b>Gramdesk</b>\nЧто будем делать?',
};

async function telegramUser(language = 'en') {
  const client = env.bot.client({
    id: nextTelegramId++,
    first_name: 'Lin',
    username: `lin${nextTelegramId}`,
    language_code: language,
  });
  await client.sendCommand('start');
  return client;
}

describe('/token', () => {
  it('creates one token, shows it, refuses a second, and revokes it', async () => {
    const { token } = await createAccount(env.services);
    const created = await apiRequest(env.app, 'POST', '/token', { token });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.body.link).toBe(`https://t.me/gramdesk_test_bot?start=link_${created.body.token}`);

    expect((await apiRequest(env.app, 'POST', '/token', { token })).status).toBe(409);
    const shown = await apiRequest(env.app, 'GET', '/token', { token });
    expect(shown.body.token).toBe(created.body.token);
    expect((await apiRequest(env.app, 'DELETE', '/token', { token })).status).toBe(204);
    expect((await apiRequest(env.app, 'GET', '/token', { token })).status).toBe(404);
    expect((await apiRequest(env.app, 'DELETE', '/token', { token })).status).toBe(404);
  });

  it('needs a token', async () => {
    const res = await apiRequest(env.app, 'POST', '/token');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });
});

describe('attaching in the bot', () => {
  it('the bare token attaches the account; the Telegram user becomes the account', async () => {
    const { user: account, token } = await createAccount(env.services, { username: 'linker' });
    const { body } = await apiRequest(env.app, 'POST', '/token', { token });
    const client = await telegramUser();
    const before = await em().findOneOrFail(User, { telegramId: client.user.id });
    // Something the Telegram-only user owned moves along.
    await em().insert(Message, { kind: 'echo', from: before.id, text: 'old', sentAt: new Date() });

    await client.sendText(body.token);
    // Nothing is attached before the person confirms.
    expect(client.lastReply()).toContain('Link this Telegram to the Gramdesk account <b>@linker</b>');
    expect(await em().count(User, { id: before.id })).toBe(1);
    await client.click('✅ Link my Telegram');
    expect(client.replies().at(-1)).toBe(
      `Successfully attached token '${body.token}'\nYour Telegram is now linked to the Gramdesk account <b>@linker</b>.\n\n${MAIN_MENU.en}`,
    );
    const merged = await em().findOneOrFail(User, { telegramId: client.user.id });
    expect(merged.id).toBe(account.id);
    expect(merged.telegramFirstName).toBe('Lin');
    expect(await em().count(User, { id: before.id })).toBe(0);
    expect(await em().count(Message, { from: account.id })).toBe(1);
    expect((await em().findOneOrFail(LinkToken, { token: body.token })).attachedTelegramId).toBe(client.user.id);

    // Sending it again, or any token: already attached.
    await client.sendText(body.token);
    expect(client.lastReply()).toBe(`You've already attached token '${body.token}'`);
    // Another Telegram user trying the same token.
    const other = await telegramUser();
    await other.sendText(body.token);
    expect(other.lastReply()).toBe('Token already in use');
  });

  it('a zone the account chose survives linking a Telegram user who never chose one; one they chose wins', async () => {
    const link = async (zoneOfAccount: string, zoneInTelegram: string | null) => {
      const { user: account, token } = await createAccount(env.services);
      await em().nativeUpdate(User, { id: account.id }, { timezone: zoneOfAccount });
      const { body } = await apiRequest(env.app, 'POST', '/token', { token });
      const client = await telegramUser();
      if (zoneInTelegram) await em().nativeUpdate(User, { telegramId: client.user.id }, { timezone: zoneInTelegram });
      await client.sendText(body.token);
      await client.click('✅ Link my Telegram');
      return (await em().findOneOrFail(User, { id: account.id })).timezone;
    };
    // The Telegram side skipped the question (UTC, the default): the account's Berlin stays.
    expect(await link('Europe/Berlin', null)).toBe('Europe/Berlin');
    // The Telegram side chose Tokyo in the bot: the zone the person uses in Telegram wins.
    expect(await link('Europe/Berlin', 'Asia/Tokyo')).toBe('Asia/Tokyo');
  });

  it('Decline on an older consent screen of a token the person has just attached says so, not "in use"', async () => {
    const { token } = await createAccount(env.services, { username: 'twoscreens' });
    const { body } = await apiRequest(env.app, 'POST', '/token', { token });
    const client = await telegramUser();
    // The link opened, then the token pasted too: two consent screens for one token.
    await client.sendCommand('start', `link_${body.token}`);
    const older = env.telegram.chat(client.chatId).at(-1);
    await client.sendText(body.token);
    await client.click('✅ Link my Telegram');

    await client.pressCallback(older, `lnk:${body.token}:n`);
    expect(client.lastReply()).toBe(`You've already attached token '${body.token}'\n\n${MAIN_MENU.en}`);
    // Nothing changed: still linked, the token still recorded as theirs.
    expect((await em().findOneOrFail(User, { telegramId: client.user.id })).username).toBe('twoscreens');
    expect((await em().findOneOrFail(LinkToken, { token: body.token })).attachedTelegramId).toBe(client.user.id);
  });

  it('opening the t.me link (/start link_<token>) attaches too', async () => {
    const { token } = await createAccount(env.services, { username: 'deeplinker' });
    const { body } = await apiRequest(env.app, 'POST', '/token', { token });
    const client = await telegramUser('ru');
    await client.sendCommand('start', `link_${body.token}`);
    expect(client.lastReply()).toContain('Привязать этот Telegram к аккаунту Gramdesk <b>@deeplinker</b>');
    await client.click('✅ Привязать мой Telegram');
    expect(client.lastReply()).toBe(
      `Токен «${body.token}» успешно привязан\nВаш Telegram привязан к аккаунту Gramdesk <b>@deeplinker</b>.\n\n${MAIN_MENU.ru}`,
    );
  });

  it('answers seed 000’s other cases in both languages', async () => {
    const en = await telegramUser('en');
    // A refused deep link is answered, and /start goes on as usual.
    await en.sendCommand('start', 'link_not-a-uuid');
    expect(en.replies().slice(-2)).toEqual(['Invalid token format', `👋 Welcome back, Lin!\n\n${MAIN_MENU.en}`]);
    await en.sendText('00000000-0000-4000-8000-000000000000');
    expect(en.lastReply()).toBe('No such token');

    const ru = await telegramUser('ru');
    await ru.sendCommand('start', 'link_xyz');
    expect(ru.replies().at(-2)).toBe('Неверный формат токена');
    await ru.sendText('00000000-0000-4000-8000-000000000000');
    expect(ru.lastReply()).toBe('Такого токена нет');
  });

  it('Settings shows the linked account and unlinks it; the account keeps its data', async () => {
    const { user: account, token } = await createAccount(env.services, { username: 'unlinkme' });
    const { body } = await apiRequest(env.app, 'POST', '/token', { token });
    const client = await telegramUser();
    await client.sendText(body.token);
    await client.click('✅ Link my Telegram');

    await client.sendCommand('settings');
    expect(client.lastReply()).toContain('🔗 HTTP account: @unlinkme');
    await client.click('🔓 Unlink @unlinkme');
    expect(client.lastReply()).toContain('Unlink the Gramdesk account <b>@unlinkme</b>');
    await client.click('🔓 Yes, unlink');
    expect(client.lastReply()).toContain('🔗 HTTP account: none yet.');

    const kept = await em().findOneOrFail(User, { id: account.id });
    expect(kept.telegramId).toBeNull();
    const fresh = await em().findOneOrFail(User, { telegramId: client.user.id });
    expect(fresh.id).not.toBe(account.id);
    expect(fresh.username).toBeNull();
    // The account can create a new token and link again.
    expect((await apiRequest(env.app, 'POST', '/token', { token })).status).toBe(201);
  });

  it('POST /token for an account already in Telegram answers 409', async () => {
    const { token } = await createAccount(env.services, { telegramId: nextTelegramId++ });
    const res = await apiRequest(env.app, 'POST', '/token', { token });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('telegram_already_linked');
  });
});
