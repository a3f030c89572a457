import { beforeAll, describe, expect, it } from 'vitest';
import { Mailing } from '../../src/features/mailings/mailing.entities.js';
import { User } from '../../src/features/users/user.entity.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import type { ChatMessage } from '../helpers/fake-bot-api.js';
import { newMailing } from '../helpers/mailings.js';
import { lastMessage, lastToast } from '../helpers/tasks.js';

/**
 * The mailing dialogs' hints (what a wrong message is told) do not pile up: one at a time, below
 * the admin's message, gone once the step is answered or the dialog is left; and the flows an admin
 * walks (a preview Telegram refuses, 🧪 Test) leave one screen to go on from, not a dead end or a
 * stack of copies.
 */
const env = useTestEnvironment();

let admin: BotClient;
let ruAdmin: BotClient;

beforeAll(async () => {
  admin = env.bot.client({ id: 550_001, first_name: 'Root', username: 'root550', language_code: 'en' });
  ruAdmin = env.bot.client({ id: 550_002, first_name: 'Ира', username: 'ira550', language_code: 'ru' });
  for (const c of [admin, ruAdmin]) await c.sendCommand('start');
  const em = env.em();
  for (const c of [admin, ruAdmin]) (await em.findOneOrFail(User, { telegramId: c.user.id })).role = 'admin';
  await em.flush();
});

/** The bot's messages of the chat below message `id`, as the admin sees them now. */
const below = (client: BotClient, id: number): string[] =>
  env.telegram
    .chat(client.chatId)
    .filter((m) => m.message_id > id)
    .map((m) => m.text);

/** The message `id` of the chat as it is now. */
const messageOf = (client: BotClient, id: number): ChatMessage | undefined =>
  env.telegram.chat(client.chatId).find((m) => m.message_id === id);

const labelsOf = (message: ChatMessage | undefined) =>
  message?.reply_markup?.inline_keyboard?.flat().map((b) => b.text) ?? [];

const photo = [{ file_id: 'AgACAgHints', file_unique_id: 'h1', width: 90, height: 90 }];

/** Opens a mailing's card through Admin → 📨 Mailings (the list shows the newest first). */
async function openCard(client: BotClient, id: string) {
  await client.sendCommand('admin');
  await client.click(/^(📨 Mailings|📨 Рассылки)$/);
  await client.click(new RegExp(`^#${id} `));
}

describe('hints of the new-mailing dialog', () => {
  it('one hint at a time below the wrong message, replaced by the next wrong one, gone once the step is answered; no screen is edited for it', async () => {
    const notModified = env.telegram.anomalies.notModified;
    const before = await env.em().count(Mailing, {});
    await admin.sendCommand('newmailing');
    const content = lastMessage(env, admin);

    await admin.sendSticker();
    expect(below(admin, content.message_id)).toEqual([
      'This kind of message cannot be mailed. Send a text, or a photo, video, GIF or document with a caption.',
    ]);
    await admin.sendText('x'.repeat(4097));
    expect(below(admin, content.message_id)).toEqual([
      'The text has 4097 characters; the limit is 4096. Send a shorter one.',
    ]);
    await admin.sendText('Hinted');
    const buttons = lastMessage(env, admin);
    expect(below(admin, content.message_id)).toEqual([buttons.text]);

    await admin.sendMessage({ photo });
    await admin.sendText('no link here');
    expect(below(admin, buttons.message_id)).toHaveLength(1);
    expect(admin.lastReply()).toContain('is not a valid address');
    await admin.click('⏭ Skip');
    const builder = lastMessage(env, admin);
    expect(below(admin, buttons.message_id)).toEqual([builder.text]);

    // A screen of buttons: typed text and a photo are hinted once; the screen stays as it was.
    await admin.sendText('vip');
    await admin.sendText('vip, please');
    await admin.sendMessage({ photo, caption: 'vip' });
    expect(below(admin, builder.message_id)).toEqual([
      '👆 Choose the audience with the buttons above. To type tags or operator codes, tap 🏷 Tags… or 📱 Operator codes… first. /cancel stops.',
    ]);
    expect(messageOf(admin, builder.message_id)).toEqual(builder);
    await admin.click('🏷 Tags…');
    expect(below(admin, builder.message_id)).toEqual([]);
    await admin.sendMessage({ photo });
    expect(below(admin, builder.message_id)).toEqual(['✍️ I need a text message here.']);
    await admin.click('◀️ Back');
    expect(below(admin, builder.message_id)).toEqual([]);
    await admin.click(/^➡️ Continue with/);
    const start = lastMessage(env, admin);

    await admin.sendText('someday');
    await admin.sendText('2001-01-01 10:00');
    expect(below(admin, start.message_id)).toEqual([
      'Mon, Jan 1, 2001, 10:00 has already passed. Send a time in the future.',
    ]);
    await admin.sendText('2099-01-02 10:00');
    const end = lastMessage(env, admin);
    expect(below(admin, start.message_id)).toEqual([end.text]);
    await admin.sendText('2099-01-01 10:00');
    await admin.sendSticker();
    expect(below(admin, end.message_id)).toHaveLength(1);
    await admin.sendText('2099-01-03 10:00');
    const window = lastMessage(env, admin);
    expect(below(admin, end.message_id)).toEqual([window.text]);
    await admin.sendText('9 to 5');
    await admin.sendText('25:00-21:00');
    expect(below(admin, window.message_id)).toEqual([
      'A window looks like <code>09:00-21:00</code> (start and end differ). Try again or /skip.',
    ]);
    await admin.sendCommand('skip');
    const summary = lastMessage(env, admin);
    expect(below(admin, window.message_id)).toEqual([
      'Hinted',
      '👆 This is exactly what recipients will get.',
      summary.text,
    ]);

    await admin.sendText('yes');
    await admin.sendSticker();
    expect(below(admin, summary.message_id)).toEqual([
      '👆 Tap ✅ Create above to create the mailing, or ✖️ Cancel (/cancel) to drop it.',
    ]);
    await admin.click('✅ Create');
    expect(await env.em().count(Mailing, {})).toBe(before + 1);
    const created = await env.em().findOneOrFail(Mailing, { text: 'Hinted' });
    expect(below(admin, summary.message_id)).toEqual([
      `✅ Mailing #${created.id} created.`,
      lastMessage(env, admin).text,
    ]);
    expect(admin.lastReply()).toContain(`Mailing #${created.id}</b> · 🕒 scheduled`);
    // No hint was put into a screen, so none was edited to what it already showed.
    expect(env.telegram.anomalies.notModified).toBe(notModified);
  });

  it('➡️ Continue leaves the audience as a record in one edit, not a second call for buttons it no longer has', async () => {
    await admin.sendCommand('newmailing');
    await admin.sendText('Record');
    await admin.click('⏭ Skip');
    const builder = lastMessage(env, admin);
    const notModified = env.telegram.anomalies.notModified;
    const calls = env.telegram.calls.length;
    await admin.click(/^➡️ Continue with/);
    const onBuilder = env.telegram.calls
      .slice(calls)
      .filter((c) => c.payload.message_id === builder.message_id)
      .map((c) => c.method);
    expect(onBuilder).toEqual(['editMessageText']);
    expect(env.telegram.anomalies.notModified).toBe(notModified);
    const record = messageOf(admin, builder.message_id);
    expect(record?.text).toMatch(/^👥 <b>Who gets it\?<\/b>\nAudience: everyone\nRecipients now: <b>\d+<\/b>$/);
    expect(labelsOf(record)).toEqual([]);
    expect(admin.lastReply()).toContain('When to start?');
    // ✖️ Cancel still lands in the step's message.
    const start = lastMessage(env, admin);
    await admin.click('✖️ Cancel');
    expect(labelsOf(messageOf(admin, start.message_id))).toContain('📋 Tasks');
  });

  it('/cancel and ✖️ Cancel take the hint away with the dialog (en, ru)', async () => {
    await admin.sendCommand('newmailing');
    await admin.sendText('Left');
    await admin.click('⏭ Skip');
    const builder = lastMessage(env, admin);
    await admin.sendText('vip');
    expect(below(admin, builder.message_id)).toHaveLength(1);
    await admin.sendCommand('cancel');
    expect(below(admin, builder.message_id)).toEqual([]);
    expect(labelsOf(messageOf(admin, builder.message_id))).toContain('📋 Tasks');

    await ruAdmin.sendCommand('newmailing');
    await ruAdmin.sendText('Брошено');
    await ruAdmin.click('⏭ Пропустить');
    await ruAdmin.click(/^➡️ Далее/);
    await ruAdmin.click('▶️ Сейчас');
    await ruAdmin.sendText('2099-01-03 10:00');
    await ruAdmin.click('⏭ Пропустить');
    const summary = lastMessage(env, ruAdmin);
    expect(summary.text).toContain('Создать?');
    await ruAdmin.sendText('да');
    await ruAdmin.sendText('да!');
    expect(below(ruAdmin, summary.message_id)).toEqual([
      '👆 Нажмите «✅ Создать» выше, чтобы создать рассылку, или «✖️ Отмена» (/cancel), чтобы отказаться от неё.',
    ]);
    await ruAdmin.click('✖️ Отмена');
    expect(below(ruAdmin, summary.message_id)).toEqual([]);
    expect(labelsOf(messageOf(ruAdmin, summary.message_id))).toContain('📋 Задачи');
    expect(await env.em().count(Mailing, { text: { $in: ['Left', 'Брошено'] } })).toBe(0);
  });
});

describe('hints of ✏️ Edit', () => {
  const start = new Date('2099-01-02T10:00:00Z');
  const end = new Date('2099-01-03T10:00:00Z');

  it('a wrong message on the choice is hinted once and goes with ✖️ Cancel; the card comes back in place', async () => {
    const m = await newMailing(env.services, { text: 'Edit hints', startAt: start, endAt: end });
    await openCard(admin, m.id);
    const card = lastMessage(env, admin);
    await admin.click('✏️ Edit');
    await admin.sendText('the window');
    await admin.sendText('the window!');
    await admin.sendSticker();
    expect(below(admin, card.message_id)).toEqual([
      '👆 Choose what to change with the buttons above, or tap ✖️ Cancel (/cancel) to leave the mailing as it is.',
    ]);
    await admin.click('✖️ Cancel');
    expect(lastToast(env)).toBe('Cancelled.');
    expect(below(admin, card.message_id)).toEqual([]);
    expect(messageOf(admin, card.message_id)?.text).toContain(`Mailing #${m.id}`);
    expect(labelsOf(messageOf(admin, card.message_id))).toContain('✏️ Edit');
  });

  it('ru: a refused start is hinted until the right one is sent; then only the saved change is said', async () => {
    const m = await newMailing(env.services, { text: 'Правка', startAt: start, endAt: end });
    await openCard(ruAdmin, m.id);
    const card = lastMessage(env, ruAdmin);
    await ruAdmin.click('✏️ Изменить');
    await ruAdmin.sendText('окно');
    expect(below(ruAdmin, card.message_id)).toHaveLength(1);
    await ruAdmin.click('🕒 Начало');
    expect(below(ruAdmin, card.message_id)).toEqual([]);
    await ruAdmin.sendText('2099-01-05 10:00');
    await ruAdmin.sendText('когда-нибудь');
    expect(below(ruAdmin, card.message_id)).toHaveLength(1);
    expect(ruAdmin.lastReply()).toContain('Не получилось понять «когда-нибудь»');
    await ruAdmin.sendText('2001-01-01 10:00');
    expect(below(ruAdmin, card.message_id)).toEqual([
      'Этот момент уже прошёл (пн, 1 янв. 2001 г., 10:00). Отправьте время в будущем.',
    ]);
    await ruAdmin.sendText('2099-01-02 18:30');
    expect(below(ruAdmin, card.message_id)).toEqual([`✅ Рассылка #${m.id} изменена.`]);
    expect(messageOf(ruAdmin, card.message_id)?.text).toContain('Начало: пт, 2 янв. 2099 г., 18:30');

    // /cancel at a step takes its hint away too.
    await ruAdmin.click('✏️ Изменить');
    await ruAdmin.click('🕘 Окно');
    await ruAdmin.sendText('весь день');
    expect(below(ruAdmin, card.message_id)).toHaveLength(2);
    await ruAdmin.sendCommand('cancel');
    expect(below(ruAdmin, card.message_id)).toEqual([`✅ Рассылка #${m.id} изменена.`]);
    expect(labelsOf(messageOf(ruAdmin, card.message_id))).toContain('✏️ Изменить');
  });
});

describe('a preview Telegram refuses', () => {
  it('says why and asks for the message and buttons again, keeping the audience and times; then creates (en, ru)', async () => {
    const refuse = (text: string) =>
      env.telegram.override('sendMessage', (call) =>
        call.payload.text === text
          ? { ok: false, error_code: 400, description: 'Bad Request: BUTTON_URL_INVALID' }
          : undefined,
      );
    try {
      refuse('Broken');
      await admin.sendCommand('newmailing');
      await admin.sendText('Broken');
      await admin.sendText('Shop https://shop.example');
      await admin.click(/^🇬🇧 English · /);
      await admin.click(/^➡️ Continue with/);
      await admin.sendText('2099-01-02 10:00');
      await admin.sendText('2099-01-03 10:00');
      await admin.sendText('9:00-21:00');
      const replies = admin.replies();
      expect(replies.at(-2)).toBe(
        '⚠️ Telegram refused the mailing: 400: Bad Request: BUTTON_URL_INVALID\nSend the message and its buttons again; the audience and the times stay as you chose them.',
      );
      expect(admin.lastReply()).toContain('Send the message exactly as recipients should see it');
      expect(admin.buttons()).toEqual(['✖️ Cancel']);
      await admin.sendText('Fixed');
      await admin.click('⏭ Skip');
      expect(admin.replies()).toContain('👆 This is exactly what recipients will get.');
      const summary = admin.lastReply();
      expect(summary).toContain('Audience: 🇬🇧 English');
      expect(summary).toContain('Start: Fri, Jan 2, 2099, 10:00');
      expect(summary).toContain('Window: 09:00-21:00');
      expect(summary).toContain('Buttons: 0');
      await admin.click('✅ Create');
      const created = await env.em().findOneOrFail(Mailing, { text: 'Fixed' });
      expect(created.filter).toEqual({ languages: ['en'] });
      expect(created.buttons).toBeNull();
      expect(created.startAt.toISOString()).toBe('2099-01-02T10:00:00.000Z');
      expect([created.windowFrom, created.windowTo]).toEqual([540, 1260]);
      expect(await env.em().count(Mailing, { text: 'Broken' })).toBe(0);

      refuse('Сломано');
      await ruAdmin.sendCommand('newmailing');
      await ruAdmin.sendText('Сломано');
      await ruAdmin.click('⏭ Пропустить');
      await ruAdmin.click(/^➡️ Далее/);
      await ruAdmin.click('▶️ Сейчас');
      await ruAdmin.sendText('2099-01-03 10:00');
      await ruAdmin.click('⏭ Пропустить');
      expect(ruAdmin.replies().at(-2)).toBe(
        '⚠️ Telegram не принял рассылку: 400: Bad Request: BUTTON_URL_INVALID\nПришлите сообщение и кнопки заново — аудитория и сроки останутся такими, как вы их выбрали.',
      );
      expect(ruAdmin.lastReply()).toContain('Пришлите сообщение ровно таким');
      await ruAdmin.sendCommand('cancel');
      expect(labelsOf(lastMessage(env, ruAdmin))).toContain('📋 Задачи');
    } finally {
      env.telegram.override('sendMessage', undefined);
    }
  });
});

describe('🧪 Test on a card', () => {
  it('the card moves below the copy: one card of the mailing in the chat, the one kept up to date', async () => {
    const m = await newMailing(env.services, {
      text: 'Tested twice',
      startAt: new Date('2099-01-02T10:00:00Z'),
      endAt: new Date('2099-01-03T10:00:00Z'),
    });
    const cardsKey = `${env.redis.keyPrefix}mailing-cards:${m.id}`;
    await openCard(admin, m.id);
    const first = lastMessage(env, admin);
    await admin.click('🧪 Test');
    await admin.click('🧪 Test');
    expect(lastToast(env)).toBe('Sent to you as recipients will get it.');
    const cards = env.telegram.chat(admin.chatId).filter((msg) => msg.text.includes(`<b>Mailing #${m.id}</b>`));
    expect(cards).toHaveLength(1);
    const card = cards[0] as ChatMessage;
    expect(card.message_id).not.toBe(first.message_id);
    expect(lastMessage(env, admin).message_id).toBe(card.message_id);
    expect(labelsOf(card)).toContain('🧪 Test');
    // The copies stay: each is what the admin asked to see.
    const copies = env.telegram.chat(admin.chatId).filter((msg) => msg.text === 'Tested twice');
    expect(copies).toHaveLength(2);
    expect(await env.redis.redis.hkeys(cardsKey)).toEqual([`${admin.chatId}:${card.message_id}`]);
  });
});
