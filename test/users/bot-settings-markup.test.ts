import { describe, expect, it } from 'vitest';
import { createAccount } from '../helpers/accounts.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';

/**
 * The Settings screen (SPEC §2.1) as the user's app shows it: its own markup renders (the
 * <code> of the "🔗 HTTP account" line), and whatever a user controls (names, the linked
 * username) is shown as typed, escaped exactly once.
 */
const env = useTestEnvironment();

let nextId = 741_000;

/** The newest bot message of the chat as the app shows it: plain text and its entities. */
function shown(c: BotClient) {
  const message = env.telegram.botMessages(c.chatId).at(-1);
  if (!message) throw new Error('no message');
  const code = message.entities
    .filter((e) => e.type === 'code')
    .map((e) => message.plain.slice(e.offset, e.offset + e.length));
  return { plain: message.plain, code };
}

describe('Settings → 🔗 HTTP account', () => {
  for (const [language, line] of [
    [
      'en',
      'HTTP account: none yet. To use Gramdesk from apps or scripts too, create an account with POST /auth/register',
    ],
    [
      'ru',
      'HTTP-аккаунт: пока нет. Чтобы пользоваться Gramdesk ещё и из приложений или скриптов, создайте аккаунт через POST /auth/register',
    ],
  ] as const) {
    it(`${language}: without an account, POST /auth/register and POST /token show as code, not as tags`, async () => {
      const c = env.bot.client({ id: nextId++, first_name: 'Mia', language_code: language });
      await c.sendCommand('settings');
      const { plain, code } = shown(c);
      expect(plain).toContain(line);
      expect(plain).not.toMatch(/<\/?code>|&lt;|&gt;/);
      // The two endpoints of the account line, plus the Telegram id and the register hint below.
      expect(code).toEqual(expect.arrayContaining(['POST /auth/register', 'POST /token', String(c.user.id)]));
      expect(code.filter((text) => text === 'POST /auth/register')).toHaveLength(2);
    });
  }

  it('a linked account shows its username as typed', async () => {
    const telegramId = nextId++;
    const { user } = await createAccount(env.services, { telegramId, username: `mia_${telegramId}` });
    const c = env.bot.client({ id: telegramId, first_name: 'Mia', language_code: 'en' });
    await c.sendCommand('settings');
    const { plain, code } = shown(c);
    expect(plain).toContain(`🔗 HTTP account: @${user.username}\n`);
    expect(code).not.toContain('POST /token');
  });
});

describe('Settings → 👤 Display name', () => {
  for (const [language, unset] of [
    ['en', 'Display name: not set (others see “Tom & <Jerry>”)'],
    ['ru', 'Отображаемое имя: не задано (другие видят «Tom & <Jerry>»)'],
  ] as const) {
    it(`${language}: names with HTML characters are shown as typed (escaped once), set or not`, async () => {
      const c = env.bot.client({ id: nextId++, first_name: 'Tom &', last_name: '<Jerry>', language_code: language });
      await c.sendCommand('settings');
      expect(shown(c).plain).toContain(unset);
      expect(c.lastReply()).toContain('Tom &amp; &lt;Jerry&gt;');
      expect(c.lastReply()).not.toContain('&amp;amp;');

      await c.click(language === 'en' ? '👤 Display name' : '👤 Отображаемое имя');
      await c.sendText('<b>Boss</b> & co');
      const label = language === 'en' ? '👤 Display name: ' : '👤 Отображаемое имя: ';
      expect(shown(c).plain).toContain(`${label}<b>Boss</b> & co\n`);
      expect(shown(c).plain).not.toContain('&amp;');
    });
  }
});
