import { describe, expect, it } from 'vitest';
import { User } from '../../src/features/users/user.entity.js';
import { chatUser, lastToast } from '../helpers/bot-chat.js';
import { useTestEnvironment } from '../helpers/environment.js';

/** Issue 14, SPEC §2.1: the identity parts of Settings (Telegram id, phone, display name, HTTP account). */
const env = useTestEnvironment();

const row = (telegramId: number) => env.em().findOneOrFail(User, { telegramId });

describe('Settings: who you are', () => {
  it('shows the Telegram id with what it is for, and explains how to link an HTTP account (en)', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    await ann.sendCommand('settings');
    const text = ann.lastReply();
    expect(text).toContain(`🆔 Your Telegram id: <code>${ann.user.id}</code>`);
    expect(text).toContain('<code>POST /auth/register</code> asks for it');
    expect(text).toContain('🔗 HTTP account: none yet. To use Gramdesk from apps or scripts too');
    expect(text).not.toContain('not linked');
    expect(text).toContain('👤 Display name: not set (others see “Ann”)');
  });

  it('says who sees the phone, and a shared phone can be removed (ru)', async () => {
    const ivan = await chatUser(env, { first_name: 'Иван', language_code: 'ru' });
    await ivan.sendCommand('settings');
    expect(ivan.lastReply()).toContain(`🆔 Ваш Telegram id: <code>${ivan.user.id}</code>`);
    expect(ivan.buttons()).not.toContain('🗑 Удалить телефон');
    await ivan.click(/^📱/);
    const prompt = ivan.lastReply();
    expect(prompt).toContain('Номер видят администраторы Gramdesk, другие пользователи — нет.');
    expect(prompt).toContain('Удалить его можно в любой момент в настройках.');
    await ivan.sendContact('+7 916 123-45-67');
    expect((await row(ivan.user.id)).phone).not.toBeNull();
    expect(ivan.buttons()).toContain('🗑 Удалить телефон');
    expect(ivan.buttons()).toContain('📱 Сменить телефон');
    await ivan.click('🗑 Удалить телефон');
    expect(lastToast(env)).toBe('Телефон удалён.');
    const after = await row(ivan.user.id);
    expect([after.phone, after.operatorCode]).toEqual([null, null]);
    expect(ivan.buttons()).not.toContain('🗑 Удалить телефон');
  });
});
