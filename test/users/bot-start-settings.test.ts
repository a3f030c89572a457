import { beforeEach, describe, expect, it, vi } from 'vitest';
import { User } from '../../src/features/users/user.entity.js';
import type { TestBot } from '../helpers/bot.js';
import { useTestEnvironment } from '../helpers/environment.js';

const env = useTestEnvironment();
let t: TestBot;
let nextId = 100_000;
const newUser = (language_code = 'en') => ({
  id: nextId++,
  first_name: 'Ann',
  last_name: 'Lee',
  username: `ann${nextId}`,
  language_code,
});

const findUser = (telegramId: number) => env.em().findOne(User, { telegramId });

// A fresh bot with a fake Bot API of its own per test.
beforeEach(() => {
  t = env.newBot();
});

describe('/start', () => {
  it('creates the user once and a second /start updates the profile instead of duplicating', async () => {
    const profile = newUser();
    const client = t.client(profile);
    await client.sendCommand('start');
    // First start: the greeting asks the time zone (SPEC §2.1); the main menu follows below it.
    expect(client.replies()[0]).toContain('Welcome to <b>Gramdesk</b>, Ann Lee!');
    expect(client.replies()[0]).toContain('Which time zone are you in?');
    expect(client.buttons()).toEqual(['📋 Tasks', '💬 Chat', '⚙️ Settings', '❓ Help']);

    client.user.username = 'ann_renamed';
    client.user.first_name = 'Anna';
    await client.sendCommand('start');
    expect(client.lastReply()).toContain('Welcome back, Anna Lee!');

    const rows = await env.em().find(User, { telegramId: profile.id });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      telegramUsername: 'ann_renamed',
      telegramFirstName: 'Anna',
      telegramLastName: 'Lee',
      language: 'en',
    });
  });

  it('takes the first language from language_code (ru, uk, be, kk → Russian)', async () => {
    for (const code of ['ru', 'uk', 'be', 'kk']) {
      const client = t.client(newUser(code));
      await client.sendCommand('start');
      expect(client.replies()[0]).toContain('Добро пожаловать');
      expect((await findUser(client.user.id))?.language).toBe('ru');
    }
    const german = t.client(newUser('de'));
    await german.sendCommand('start');
    expect(german.replies()[0]).toContain('Welcome');
  });

  it('does not show entries of features that do not exist, nor Admin for regular users', async () => {
    const client = t.client(newUser());
    await client.sendCommand('start');
    expect(client.buttons().join(' ')).not.toMatch(/Admin|Mailings|soon/i);
  });

  it('makes users listed in ADMIN_TELEGRAM_IDS admins', async () => {
    const profile = newUser();
    const admins = env.newBot({ adminTelegramIds: [profile.id] });
    await admins.client(profile).sendCommand('start');
    expect((await findUser(profile.id))?.role).toBe('admin');
  });

  it('serves a user who never sent /start (the user is created on first contact)', async () => {
    const client = t.client(newUser());
    await client.sendText('hello?');
    expect(client.lastReply()).toContain("I'm not sure what you mean");
    expect(await findUser(client.user.id)).not.toBeNull();
  });
});

describe('Settings', () => {
  it('switching language changes every later text and is stored', async () => {
    const client = t.client(newUser('en'));
    await client.sendCommand('start');
    await client.click('⚙️ Settings');
    expect(client.lastReply()).toContain('⚙️ <b>Settings</b>');
    await client.click('🌐 Language');
    await client.click('🇷🇺 Русский');
    expect(client.lastReply()).toContain('⚙️ <b>Настройки</b>');
    expect(client.lastReply()).toContain('Язык: Русский');
    expect((await findUser(client.user.id))?.language).toBe('ru');

    await client.sendCommand('help');
    expect(client.lastReply()).toContain('ваше рабочее пространство');
    // Admin commands are an admin's business (as the command menu shows them only to admins).
    expect(client.lastReply()).not.toContain('/admin');
    await client.sendText('что-то непонятное');
    expect(client.lastReply()).toContain('Не понял');
    await client.sendCommand('menu');
    expect(client.buttons()).toEqual(['📋 Задачи', '💬 Чат', '⚙️ Настройки', '❓ Помощь']);

    await client.click('⚙️ Настройки');
    await client.click('🌐 Язык');
    await client.click('🇬🇧 English');
    expect(client.lastReply()).toContain('Language: English');
    expect((await findUser(client.user.id))?.language).toBe('en');
  });

  it('sets the time zone from a preset and from free text, re-asking on bad input', async () => {
    const client = t.client(newUser());
    await client.sendCommand('settings');
    await client.click('🕒 Time zone');
    await client.click('Moscow · UTC+3');
    expect(client.lastReply()).toContain('Time zone: Europe/Moscow');
    expect((await findUser(client.user.id))?.timezone).toBe('Europe/Moscow');

    await client.click('🕒 Time zone');
    await client.click('✏️ Other…');
    expect(client.lastReply()).toContain('Send your time zone');
    await client.sendText('Mars/Olympus_Mons');
    expect(client.lastReply()).toContain('is not a time zone I know');
    expect((await findUser(client.user.id))?.timezone).toBe('Europe/Moscow');
    await client.sendText('asia/tokyo');
    // The settings screen, with what changed on top (in the dialog's message, not a second one).
    expect(client.lastReply()).toContain('Time zone: <b>Asia/Tokyo</b>');
    expect(client.lastReply()).toContain('Time zone: Asia/Tokyo');
    expect((await findUser(client.user.id))?.timezone).toBe('Asia/Tokyo');

    await client.click('🕒 Time zone');
    await client.click('✏️ Other…');
    await client.sendText('+5');
    expect((await findUser(client.user.id))?.timezone).toBe('Etc/GMT-5');
  });

  it('toggles notifications', async () => {
    const client = t.client(newUser());
    await client.sendCommand('settings');
    expect(client.lastReply()).toContain('Notifications (reminders, private messages): on');
    await client.click('🔔 Reminders & messages: on');
    expect(client.lastReply()).toContain('Notifications (reminders, private messages): off');
    expect((await findUser(client.user.id))?.notifications).toBe(false);
    await client.click('🔔 Reminders & messages: off');
    expect((await findUser(client.user.id))?.notifications).toBe(true);
  });

  it('stores a shared phone with its operator code, and refuses someone else’s contact', async () => {
    const client = t.client(newUser());
    await client.sendCommand('settings');
    await client.click('📱 Share phone');
    const prompt = t.telegram.callsOf('sendMessage').at(-1);
    expect(JSON.stringify(prompt?.payload.reply_markup)).toContain('"request_contact":true');

    await client.sendContact('+7 999 000 11 22', client.user.id + 1);
    expect(client.lastReply()).toContain('share your own contact');
    expect((await findUser(client.user.id))?.phone).toBeNull();

    await client.sendContact('79161234567');
    expect(client.replies().at(-2)).toBe('✅ Phone saved: +79161234567 (operator code 916)');
    expect(client.lastReply()).toContain('Phone: +79161234567 (operator code 916)');
    const stored = await findUser(client.user.id);
    expect(stored).toMatchObject({ phone: '+79161234567', operatorCode: '916' });
  });

  it('sets, validates and resets the display name; HTML in names is escaped', async () => {
    const client = t.client(newUser());
    await client.sendCommand('settings');
    await client.click('👤 Display name');
    expect(client.lastReply()).toContain('Send the name other Gramdesk users will see');
    await client.sendText('x'.repeat(65));
    expect(client.lastReply()).toContain('That is 65 characters; the limit is 64');
    await client.sendText('   ');
    expect(client.lastReply()).toContain('cannot be empty');
    await client.sendText('<b>Boss</b> & co');
    expect(client.lastReply()).toContain('✅ Display name: <b>&lt;b&gt;Boss&lt;/b&gt; &amp; co</b>');
    expect(client.lastReply()).toContain('⚙️ <b>Settings</b>');
    expect((await findUser(client.user.id))?.displayName).toBe('<b>Boss</b> & co');

    await client.click('👤 Display name');
    await client.sendText('/reset');
    expect((await findUser(client.user.id))?.displayName).toBeNull();
  });

  it('/cancel leaves a dialog and changes nothing; other commands leave it too', async () => {
    const client = t.client(newUser());
    await client.sendCommand('settings');
    await client.click('👤 Display name');
    await client.sendCommand('cancel');
    // Back on the Settings screen the dialog started from (SPEC §2.1), never a bare "Cancelled.".
    expect(client.lastReply()).toContain('⚙️ <b>Settings</b>');
    expect(client.buttons()).toContain('👤 Display name');
    await client.sendText('Not a name any more');
    expect(client.lastReply()).toContain("I'm not sure what you mean");
    expect((await findUser(client.user.id))?.displayName).toBeNull();

    await client.click('👤 Display name');
    await client.sendCommand('menu');
    expect(client.lastReply()).toContain('What would you like to do?');
    // The dialog's prompt asks nothing any more: no ✖️ Cancel is left in the chat.
    const cancels = t.telegram
      .chat(client.chatId)
      .filter((m) => m.reply_markup?.inline_keyboard?.flat().some((b) => b.text === '✖️ Cancel'));
    expect(cancels).toEqual([]);
    await client.sendText('Still not a name');
    expect((await findUser(client.user.id))?.displayName).toBeNull();

    await client.sendCommand('cancel');
    expect(client.lastReply()).toContain('There is nothing to cancel');
  });
});

describe('buttons', () => {
  it('every press is answered exactly once (Telegram rejects a second answer), toasts included', async () => {
    const client = t.client(newUser());
    await client.sendCommand('start');
    const labels = ['⚙️ Settings', /^🔔 /, '🌐 Language', '◀️ Back', '🕒 Time zone', /^London · UTC/, '◀️ Back'];
    for (const label of labels) await client.click(label);
    const answers = t.telegram.callsOf('answerCallbackQuery').filter((c) => Number(c.payload.callback_query_id) > 0);
    const ids = answers.map((c) => c.payload.callback_query_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(client.replies().join('\n')).not.toContain('Sorry, something went wrong');
    expect(answers.map((c) => c.payload.text).filter(Boolean)).toEqual(
      expect.arrayContaining([
        '🔔 Notifications (task reminders, private messages) off',
        expect.stringMatching(/^✅ Time zone: Europe\/London \(now \d\d:\d\d\)$/),
      ]),
    );
  });
});

describe('dialogs and buttons', () => {
  it('pressing a menu button during a Settings dialog leaves the dialog and does what the button says', async () => {
    const client = t.client(newUser());
    // The dialog takes over the Settings message it starts from; a menu in an older message stays pressable.
    await client.sendCommand('settings');
    await client.sendCommand('settings');
    await client.click('👤 Display name');
    await client.click('🌐 Language');
    expect(client.lastReply()).toContain('Choose your language');
    const answers = t.telegram.callsOf('answerCallbackQuery');
    expect(answers.length).toBeGreaterThan(0);
    await client.sendText('Not a name');
    expect(client.lastReply()).toContain("I'm not sure what you mean");
    expect((await findUser(client.user.id))?.displayName).toBeNull();
  });
});

describe('restarts', () => {
  it('an unfinished conversation survives building a new bot instance (state in Redis)', async () => {
    const profile = newUser();
    const before = t.client(profile);
    await before.sendCommand('settings');
    await before.click('👤 Display name');

    const restarted = env.newBot({ telegram: t.telegram });
    await restarted.client(profile).sendText('Survivor');
    expect((await findUser(profile.id))?.displayName).toBe('Survivor');
  });

  it('the session survives too: the phone prompt’s Cancel button still works after a restart', async () => {
    const profile = newUser();
    const before = t.client(profile);
    await before.sendCommand('settings');
    await before.click('📱 Share phone');

    const after = env.newBot({ telegram: t.telegram }).client(profile);
    await after.sendText('✖️ Cancel');
    expect(after.replies().at(-2)).toBe('Phone sharing cancelled.');
    // Without the session the same text is just unknown text.
    await after.sendText('✖️ Cancel');
    expect(after.lastReply()).toContain("I'm not sure what you mean");
  });
});

describe('robustness', () => {
  it('answers unknown commands and stray buttons helpfully', async () => {
    const client = t.client(newUser());
    await client.sendCommand('start');
    await client.sendCommand('frobnicate');
    expect(client.lastReply()).toBe("I don't know the command /frobnicate. /help lists what I can do.");
    // A sticker is something the chat relays (issue 14): the answer says how to send it.
    await client.sendSticker();
    expect(client.lastReply()).toContain('📎 Who is this for?');

    const menuMessage = t.telegram.chat(client.chatId).at(-3);
    await client.pressCallback(menuMessage, 'nonsense/data');
    const answer = t.telegram.callsOf('answerCallbackQuery').at(-1);
    expect(answer?.payload.text).toBe('This button is no longer active. Here is the current menu.');
  });

  it('a button pressed long before the bot handles it (a backlog after an outage) still does what it says, without an apology', async () => {
    const client = t.client(newUser());
    await client.sendCommand('start');
    // Telegram answers 400 "query is too old" to a callback query past its answer window.
    t.telegram.callbackQueriesExpired = true;
    await client.click('⚙️ Settings');
    expect(client.lastReply()).toContain('Settings');
    expect(client.buttons()).toContain('◀️ Back');
    await client.click('◀️ Back');
    expect(client.buttons()).toEqual(['📋 Tasks', '💬 Chat', '⚙️ Settings', '❓ Help']);
    expect(client.replies().some((text) => text.includes('Sorry, something went wrong'))).toBe(false);
    expect(t.telegram.callsOf('answerCallbackQuery')).toHaveLength(2);
  });

  it('a pressed button is answered and its screen shown together: the edit does not wait for the answer', async () => {
    const client = t.client(newUser());
    await client.sendCommand('start');
    // The answer reaches Telegram and is never answered: the screen must not wait for it.
    t.telegram.hang(1, 'answerCallbackQuery');
    const pressed = client.click('⚙️ Settings');
    await vi.waitFor(() => expect(client.lastReply()).toContain('Settings'));
    expect(t.telegram.callsOf('answerCallbackQuery')).toHaveLength(1);
    await t.telegram.close(); // lets the hanging answer go, so the update ends
    await pressed;
  });

  it('an exception in a handler answers with an apology, is logged, and the bot keeps running', async () => {
    const client = t.client(newUser());
    await client.sendCommand('start');
    let failNext = true;
    t.telegram.override('sendMessage', (call) => {
      if (failNext && String(call.payload.text).includes('your workspace inside Telegram')) {
        failNext = false;
        return { ok: false, error_code: 400, description: 'Bad Request: injected failure' };
      }
      return undefined;
    });
    await client.sendCommand('help');
    expect(client.lastReply()).toBe(
      '😔 Sorry, something went wrong on our side. Please try again; /menu always starts over.',
    );
    await client.sendCommand('help');
    expect(client.lastReply()).toContain('your workspace inside Telegram');
    t.telegram.override('sendMessage', undefined);
  });
});
