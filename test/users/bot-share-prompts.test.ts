import { describe, expect, it } from 'vitest';
import { User } from '../../src/features/users/user.entity.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';

/**
 * The share-phone and share-location prompts (a reply keyboard, SPEC §2.1) while the user does
 * something else: a typed answer, a dialog opened after the prompt was left.
 */
const env = useTestEnvironment();

let nextId = 760_000;
async function client(language_code: 'en' | 'ru' = 'en'): Promise<BotClient> {
  const c = env.bot.client({ id: nextId++, first_name: 'Zoe', language_code });
  await c.sendCommand('start');
  return c;
}
const userOf = (c: BotClient) => env.em().findOneOrFail(User, { telegramId: c.user.id });
const messages = (c: BotClient) => env.telegram.chat(c.chatId);

describe('a dialog opened after a share prompt was left', () => {
  it('/cancel returns to the dialog’s own screen, edited in place, not to Settings', async () => {
    const c = await client();
    await c.sendCommand('settings');
    await c.click('📱 Share phone');
    // The user does not share; they go on to the time zone, typed.
    await c.sendCommand('settings');
    await c.click('🕒 Time zone');
    await c.click('✏️ Other…');
    const prompt = messages(c).at(-1);
    expect(prompt?.text).toContain('Send your time zone');
    const before = messages(c).length;
    await c.sendCommand('cancel');
    expect(c.replies()).not.toContain('Phone sharing cancelled.');
    // The prompt became the time zone screen again: nothing new was posted.
    expect(messages(c).length).toBe(before);
    expect(messages(c).find((m) => m.message_id === prompt?.message_id)?.text).toContain('🕒 Tap your city');
  });
});

describe('typing while the location button is shown', () => {
  it('a typed zone is taken as the answer (ru), the keyboard goes, Settings follow', async () => {
    const c = await client('ru');
    await c.sendCommand('settings');
    await c.click('🕒 Часовой пояс');
    await c.click('📍 Отправить геопозицию');
    await c.sendText('Europe/Berlin');
    expect((await userOf(c)).timezone).toBe('Europe/Berlin');
    const removed = env.telegram
      .callsOf('sendMessage')
      .filter((call) => call.payload.chat_id === c.chatId)
      .at(-2);
    expect(String(removed?.payload.text)).toContain('✅ Часовой пояс: <b>Europe/Berlin</b>');
    expect(removed?.payload.reply_markup).toEqual({ remove_keyboard: true });
    expect(c.lastReply()).toContain('⚙️ <b>Настройки</b>');
  });

  it('on first start, the question shows the answer', async () => {
    const c = await client();
    const question = messages(c)[0];
    await c.click('📍 Share location');
    await c.sendText('Tokyo');
    expect((await userOf(c)).timezone).toBe('Asia/Tokyo');
    expect(messages(c).find((m) => m.message_id === question?.message_id)?.text).toContain(
      '✅ Time zone: <b>Asia/Tokyo</b>',
    );
  });

  it('anything else is answered with what to send, not “I’m not sure what you mean”', async () => {
    const c = await client();
    await c.sendCommand('settings');
    await c.click('🕒 Time zone');
    await c.click('📍 Share location');
    await c.sendText('somewhere nice');
    expect(c.lastReply()).toContain('“somewhere nice” is not a time zone I know');
    expect((await userOf(c)).timezone).toBe('UTC');
  });
});

describe('typing while the phone button is shown', () => {
  it('says the number is shared with the button (en, ru), and stores nothing', async () => {
    const en = await client();
    await en.sendCommand('settings');
    await en.click('📱 Share phone');
    await en.sendText('+44 7700 900123');
    expect(en.lastReply()).toBe(
      '📱 Please share the number with the “📱 Share my phone number” button below: Telegram confirms it is yours. Or tap ✖️ Cancel.',
    );
    const hint = env.telegram.callsOf('sendMessage').at(-1);
    expect(JSON.stringify(hint?.payload.reply_markup)).toContain('"request_contact":true');
    expect((await userOf(en)).phone).toBeNull();

    const ru = await client('ru');
    await ru.sendCommand('settings');
    await ru.click('📱 Поделиться телефоном');
    await ru.sendText('89161234567');
    expect(ru.lastReply()).toBe(
      '📱 Отправьте номер кнопкой «📱 Отправить мой номер» ниже: так Telegram подтвердит, что он ваш. Или нажмите ✖️ Отмена.',
    );
    expect((await userOf(ru)).phone).toBeNull();
    // Any other text is told the same, not “I'm not sure what you mean”.
    await ru.sendText('не хочу');
    expect(ru.lastReply()).toContain('📱 Отправьте номер кнопкой');
  });
});
