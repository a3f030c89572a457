import { beforeAll, describe, expect, it } from 'vitest';
import { AuditEntry } from '../../src/features/audit/audit.entity.js';
import { refreshLiveCards } from '../../src/features/mailings/jobs/cards.js';
import { Mailing } from '../../src/features/mailings/mailing.entities.js';
import { countAudience } from '../../src/features/mailings/mailings.js';
import { User } from '../../src/features/users/user.entity.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { demotableAdmin, engineHarness, newMailing, seedUsers, waitForMailing } from '../helpers/mailings.js';
import { dataOf, lastMessage, lastToast, sqlOf } from '../helpers/tasks.js';

/**
 * Issue 15 in the bot: the failed recipients of a mailing (paged, with reasons), ✏️ Edit of a
 * scheduled mailing, and Settings → 📨 Mailings on/off — each in English and Russian.
 */
const env = useTestEnvironment();

let admin: BotClient;
let ruAdmin: BotClient;

/** Opens a mailing's card through Admin → 📨 Mailings (the list shows the newest first). */
async function openCard(client: BotClient, id: string) {
  await client.sendCommand('admin');
  await client.click(/^(📨 Mailings|📨 Рассылки)$/);
  await client.click(new RegExp(`^#${id} `));
}

/** The numbered lines of a failures page: their number and the rest. */
const linesOf = (text: string) =>
  [...text.matchAll(/^(\d+)\. (.*)$/gmu)].map((m) => ({ n: Number(m[1]), text: m[2] as string }));

const rowOf = (id: string) => env.em().getConnection().execute('select * from mailings where id = ?', [id]);

beforeAll(async () => {
  admin = env.bot.client({ id: 660_001, first_name: 'Root', username: 'root660', language_code: 'en' });
  ruAdmin = env.bot.client({ id: 660_002, first_name: 'Ира', username: 'ira660', language_code: 'ru' });
  for (const c of [admin, ruAdmin]) await c.sendCommand('start');
  const em = env.em();
  for (const c of [admin, ruAdmin]) (await em.findOneOrFail(User, { telegramId: c.user.id })).role = 'admin';
  await em.flush();
});

describe('the failed recipients of a mailing', () => {
  let mailingId = '';

  beforeAll(async () => {
    // 16 recipients who do not get it, each for a reason the engine records, and 2 who do.
    const chats = await seedUsers(env.em(), 18, { tags: ['failing'] });
    await env
      .em()
      .getConnection()
      .execute(
        `update users set telegram_first_name = 'Fail' || (telegram_id - ?), telegram_username = 'fail_' || (telegram_id - ?),
           phone = '+79161234567', operator_code = '916'
         where 'failing' = any(tags)`,
        [chats[0], chats[0]],
      );
    await env
      .em()
      .getConnection()
      .execute(`update users set display_name = '<b>Zed</b> & co' where telegram_id = ?`, [chats[13]]);
    const h = await engineHarness(env.services);
    try {
      for (const chat of chats.slice(0, 11)) h.fake.block(chat);
      h.fake.badChats.add(chats[11] as number);
      h.fake.override('sendMessage', (call) => {
        if (call.payload.chat_id === chats[12])
          return { ok: false, error_code: 403, description: 'Forbidden: user is deactivated' };
        if (call.payload.chat_id === chats[13])
          return { ok: false, error_code: 400, description: `Bad Request: <odd> & ${'x'.repeat(300)}` };
        return undefined;
      });
      const mailing = await newMailing(env.services, { text: 'Hello', filter: { tags: ['failing'] } });
      mailingId = mailing.id;
      h.engine().start();
      await waitForMailing(env.services, mailing.id);
    } finally {
      await h.stop();
    }
    // What a crash (recovery) and the end time record, on the last two rows.
    const conn = env.em().getConnection();
    await conn.execute(
      `update deliveries set status = 'unknown', error = 'the worker stopped while sending; outcome unknown'
       where mailing_id = ? and chat_id = ?`,
      [mailingId, chats[14]],
    );
    await conn.execute(
      `update deliveries set status = 'expired', error = 'end time passed' where mailing_id = ? and chat_id = ?`,
      [mailingId, chats[15]],
    );
  });

  it('pages through them in place with the reasons in words, never the phone; Back returns to the card', async () => {
    await openCard(admin, mailingId);
    const card = lastMessage(env, admin);
    expect(admin.lastReply()).toContain(`Mailing #${mailingId}`);
    await admin.click('⚠️ Not delivered: 16');

    const first = admin.lastReply();
    expect(lastMessage(env, admin).message_id).toBe(card.message_id);
    expect(first).toContain(`⚠️ <b>Mailing #${mailingId}: not delivered to 16 recipients</b>`);
    expect(linesOf(first).map((l) => l.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(admin.buttons()).toEqual(['1/2', '▶️', '◀️ Back to mailing']);

    await admin.click('▶️');
    const second = admin.lastReply();
    expect(lastMessage(env, admin).message_id).toBe(card.message_id);
    expect(linesOf(second).map((l) => l.n)).toEqual([11, 12, 13, 14, 15, 16]);
    const all = [...linesOf(first), ...linesOf(second)].map((l) => l.text).sort();
    const blocked = Array.from({ length: 11 }, (_, i) => `Fail${i} (@fail_${i}) · ❌ error: blocked the bot`);
    expect(all).toEqual(
      [
        ...blocked,
        'Fail11 (@fail_11) · ❌ error: Telegram does not know this chat (the account is gone, or never started the bot)',
        'Fail12 (@fail_12) · ❌ error: the Telegram account was deleted',
        // Telegram's own words, escaped and cut; a name as the user chose it, escaped.
        `&lt;b&gt;Zed&lt;/b&gt; &amp; co (@fail_13) · ❌ error: Telegram said: 400: Bad Request: &lt;odd&gt; &amp; ${'x'.repeat(93)}…`,
        'Fail14 (@fail_14) · ❔ unknown: after a crash it is unknown whether it arrived; it will not be sent again',
        'Fail15 (@fail_15) · ⌛ expired: the end time came before their turn',
      ].sort(),
    );
    expect(`${first}${second}`).not.toContain('916');
    expect(`${first}${second}`).not.toContain('Fail16');
    expect(admin.buttons()).toEqual(['◀️', '2/2', '◀️ Back to mailing']);

    await admin.click('◀️');
    expect(admin.lastReply()).toBe(first);
    await admin.click('▶️');
    await admin.click('◀️ Back to mailing');
    expect(lastMessage(env, admin).message_id).toBe(card.message_id);
    expect(admin.lastReply()).toContain(`Mailing #${mailingId}`);
    expect(admin.buttons()).toContain('⚠️ Not delivered: 16');
  });

  it('reads only the page it shows (LIMIT/OFFSET), not every failed row', async () => {
    await openCard(admin, mailingId);
    await admin.click('⚠️ Not delivered: 16');
    const queries = await sqlOf(env, () => admin.click('▶️'));
    const page = queries.filter((q) => /from deliveries d join users u/.test(q));
    expect(page).toHaveLength(1);
    expect(page[0]).toMatch(/limit \? offset \?/);
  });

  it('speaks Russian to a Russian admin', async () => {
    await openCard(ruAdmin, mailingId);
    await ruAdmin.click('⚠️ Не доставлено: 16');
    expect(ruAdmin.lastReply()).toContain(`⚠️ <b>Рассылка #${mailingId}: не доставлена 16 адресатам</b>`);
    const first = ruAdmin.lastReply();
    await ruAdmin.click('▶️');
    const all = [...linesOf(first), ...linesOf(ruAdmin.lastReply())].map((l) => l.text);
    expect(all).toContain('Fail0 (@fail_0) · ❌ ошибка: заблокировал(а) бота');
    expect(all).toContain(
      'Fail11 (@fail_11) · ❌ ошибка: Telegram не знает этот чат (аккаунта больше нет или бот не запускался)',
    );
    expect(all).toContain('Fail12 (@fail_12) · ❌ ошибка: аккаунт Telegram удалён');
    expect(all.some((l) => l.includes('· ❌ ошибка: ответ Telegram: 400: Bad Request: &lt;odd&gt;'))).toBe(true);
    expect(all).toContain(
      'Fail14 (@fail_14) · ❔ неизвестно: из-за сбоя неизвестно, дошло ли сообщение; повторно оно не отправляется',
    );
    expect(all).toContain('Fail15 (@fail_15) · ⌛ истёк срок: время рассылки вышло раньше, чем дошла очередь');
    expect(all).toHaveLength(16);
    await ruAdmin.click('◀️ К рассылке');
    expect(ruAdmin.lastReply()).toContain(`Рассылка #${mailingId}`);
  });

  it('a card without failures has no such button', async () => {
    const m = await newMailing(env.services, { text: 'Clean', endAt: new Date('2099-01-03T10:00:00Z') });
    await openCard(admin, m.id);
    expect(admin.buttons().some((b) => b.startsWith('⚠️'))).toBe(false);
  });
});

describe('✏️ Edit of a scheduled mailing', () => {
  const start = new Date('2099-01-02T10:00:00Z');
  const end = new Date('2099-01-03T10:00:00Z');
  const buttons = [[{ text: 'Shop', url: 'https://example.com/shop' }]];

  it('changes the content (a photo with a formatted caption; buttons kept) and the start; Back goes to the choice; audited', async () => {
    const m = await newMailing(env.services, { text: 'Old text', buttons, startAt: start, endAt: end });
    await openCard(admin, m.id);
    const card = lastMessage(env, admin);
    await admin.click('✏️ Edit');
    expect(lastMessage(env, admin).message_id).toBe(card.message_id);
    expect(admin.lastReply()).toContain(`Mailing #${m.id}`);
    expect(admin.lastReply()).toContain('What to change?');
    expect(admin.buttons()).toEqual([
      '✍️ Message',
      '🔗 Buttons',
      '👥 Audience',
      '🕒 Start',
      '🏁 End',
      '🕘 Window',
      '✖️ Cancel',
    ]);

    await admin.click('✍️ Message');
    expect(admin.lastReply()).toContain('Send the message exactly as recipients should see it');
    expect(admin.buttons()).toEqual(['◀️ Back']);
    // The worker's live-card upkeep leaves the dialog's message alone while it asks.
    const cardsKey = `${env.redis.keyPrefix}mailing-cards:${m.id}`;
    expect(await env.redis.redis.hexists(cardsKey, `${admin.chatId}:${card.message_id}`)).toBe(0);
    await refreshLiveCards(env.services);
    const asking = env.telegram.chat(admin.chatId).find((msg) => msg.message_id === card.message_id);
    expect(asking?.text).toContain('Send the message exactly as recipients should see it');
    await admin.click('◀️ Back');
    expect(admin.lastReply()).toContain('What to change?');
    await admin.click('✍️ Message');
    await admin.sendSticker();
    expect(admin.lastReply()).toContain('This kind of message cannot be mailed');
    const caption_entities = [{ type: 'bold', offset: 0, length: 3 }];
    await admin.sendMessage({
      photo: [{ file_id: 'AgACAgNEW', file_unique_id: 'u1', width: 90, height: 90 }],
      caption: 'New caption',
      caption_entities,
    });
    expect(admin.lastReply()).toBe(`✅ Mailing #${m.id} changed.`);
    // The card it came from now shows the new content; no second copy was posted.
    const shown = env.telegram.chat(admin.chatId).find((msg) => msg.message_id === card.message_id);
    expect(shown?.text).toContain('🖼 Photo “New caption” · 🔗 1');
    expect(shown?.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toContain('✏️ Edit');
    expect(await env.redis.redis.hexists(cardsKey, `${admin.chatId}:${card.message_id}`)).toBe(1);
    let stored = await env.em().findOneOrFail(Mailing, { id: m.id });
    expect(stored.text).toBe('New caption');
    expect(stored.entities).toEqual(caption_entities);
    expect(stored.media).toEqual({ type: 'photo', fileId: 'AgACAgNEW' });
    expect(stored.buttons).toEqual(buttons);

    await admin.click('✏️ Edit');
    await admin.click('🕒 Start');
    expect(admin.lastReply()).toContain('When to start?');
    expect(admin.buttons()).toEqual(['▶️ Now', '◀️ Back']);
    await admin.sendText('2099-01-04 10:00');
    expect(admin.lastReply()).toBe(
      'The start must be before the end (Sat, Jan 3, 2099, 10:00). Send an earlier time, or change the end first.',
    );
    await admin.sendText('2099-01-02 18:30');
    expect(admin.lastReply()).toBe(`✅ Mailing #${m.id} changed.`);
    stored = await env.em().findOneOrFail(Mailing, { id: m.id });
    expect(stored.startAt.toISOString()).toBe('2099-01-02T18:30:00.000Z');
    expect(stored.status).toBe('scheduled');

    const audit = await env
      .em()
      .find(AuditEntry, { action: 'mailing.update', targetId: m.id }, { orderBy: { id: 'asc' } });
    expect(audit.map((a) => (a.details as { changed: string[] }).changed)).toEqual([['text', 'media'], ['startAt']]);
  });

  it('changes buttons, audience and window with the creation dialog’s steps', async () => {
    const m = await newMailing(env.services, { text: 'Steps', buttons, startAt: start, endAt: end });
    await openCard(admin, m.id);
    await admin.click('✏️ Edit');
    await admin.click('🔗 Buttons');
    expect(admin.buttons()).toEqual(['🚫 No buttons', '◀️ Back']);
    await admin.sendText('Shop javascript:alert(1)');
    expect(admin.lastReply()).toContain('must start with http:// or https://');
    await admin.click('🚫 No buttons');
    expect((await env.em().findOneOrFail(Mailing, { id: m.id })).buttons).toBeNull();

    await admin.click('✏️ Edit');
    await admin.click('👥 Audience');
    expect(admin.lastReply()).toContain('Who gets it?');
    expect(admin.buttons().at(-1)).toBe('◀️ Back');
    await admin.click('🇷🇺 Русский · 1');
    await admin.click('➡️ Continue with 1 recipient');
    expect((await env.em().findOneOrFail(Mailing, { id: m.id })).filter).toEqual({ languages: ['ru'] });

    await admin.click('✏️ Edit');
    await admin.click('🕘 Window');
    await admin.sendText('25:00-21:00');
    expect(admin.lastReply()).toContain('A window looks like');
    await admin.sendText('9:00-18:00');
    const stored = await env.em().findOneOrFail(Mailing, { id: m.id });
    expect([stored.windowFrom, stored.windowTo]).toEqual([540, 1080]);
    expect(admin.lastReply()).toBe(`✅ Mailing #${m.id} changed.`);
  });

  it('✖️ Cancel and /cancel leave it unchanged in the database and show the card again', async () => {
    const m = await newMailing(env.services, { text: 'Keep me', startAt: start, endAt: end });
    const before = await rowOf(m.id);
    await openCard(admin, m.id);
    const card = lastMessage(env, admin);
    await admin.click('✏️ Edit');
    await admin.click('✖️ Cancel');
    expect(lastMessage(env, admin).message_id).toBe(card.message_id);
    expect(admin.lastReply()).toContain(`Mailing #${m.id}`);
    expect(admin.lastReply()).not.toContain('What to change?');

    await admin.click('✏️ Edit');
    await admin.click('🏁 End');
    expect(admin.lastReply()).toContain('When should sending stop');
    await admin.sendCommand('cancel');
    expect(admin.lastReply()).toContain(`Mailing #${m.id}`);
    expect(admin.buttons()).toContain('✏️ Edit');
    // The dialog is over: a date now is no answer to anything.
    await admin.sendText('2099-01-05 10:00');
    expect(await rowOf(m.id)).toEqual(before);
    expect(await env.em().count(AuditEntry, { action: 'mailing.update', targetId: m.id })).toBe(0);
  });

  it('the card’s message deleted by the user meanwhile: the audience and the card after /cancel come below', async () => {
    const m = await newMailing(env.services, { text: 'Deleted under me', startAt: start, endAt: end });
    const cardsKey = `${env.redis.keyPrefix}mailing-cards:${m.id}`;
    await openCard(admin, m.id);
    const card = lastMessage(env, admin);
    await admin.click('✏️ Edit');
    await admin.click('👥 Audience');
    await admin.click('🏷 Tags…');
    expect(admin.lastReply()).toContain('Send the tags');
    env.telegram.userDeletes(admin.chatId, card.message_id);
    await admin.sendText('vip');
    const builder = lastMessage(env, admin);
    expect(builder.message_id).not.toBe(card.message_id);
    expect(builder.text).toContain('Who gets it?');
    expect(builder.text).toContain('vip');
    expect(admin.buttons().at(-1)).toBe('◀️ Back');

    env.telegram.userDeletes(admin.chatId, builder.message_id);
    await admin.sendCommand('cancel');
    const back = lastMessage(env, admin);
    expect(back.message_id).not.toBe(builder.message_id);
    expect(back.text).toContain(`Mailing #${m.id}`);
    expect(admin.buttons()).toContain('✏️ Edit');
    // The card below is the one kept up to date while the mailing runs.
    expect(await env.redis.redis.hexists(cardsKey, `${admin.chatId}:${back.message_id}`)).toBe(1);
    expect((await env.em().findOneOrFail(Mailing, { id: m.id })).filter).toEqual({});
    expect(admin.replies().join('\n')).not.toContain('Sorry, something went wrong');
  });

  it('refuses clearly when the mailing started meanwhile, and changes nothing', async () => {
    const m = await newMailing(env.services, { text: 'Racing', startAt: start, endAt: end });
    await openCard(admin, m.id);
    await admin.click('✏️ Edit');
    await admin.click('✍️ Message');
    // The scheduler starts it while the admin is typing.
    await env.em().nativeUpdate(Mailing, { id: m.id }, { status: 'running', materializedAt: new Date() });
    const before = await rowOf(m.id);
    await admin.sendText('Too late');
    expect(admin.lastReply()).toBe(
      '⚠️ The mailing has already started, so it can no longer be edited; nothing was changed. You can still pause or cancel it.',
    );
    expect(await rowOf(m.id)).toEqual(before);
    expect((await env.em().findOneOrFail(Mailing, { id: m.id })).text).toBe('Racing');
    expect(await env.em().count(AuditEntry, { action: 'mailing.update', targetId: m.id })).toBe(0);
    // The card shows it as it is now, without ✏️ Edit.
    expect(admin.buttons()).not.toContain('✏️ Edit');
    expect(admin.buttons()).toContain('⏸ Pause');
  });

  it('speaks Russian to a Russian admin: the choice, a change, a refusal', async () => {
    const m = await newMailing(env.services, { text: 'Промо', startAt: start, endAt: end });
    await openCard(ruAdmin, m.id);
    await ruAdmin.click('✏️ Изменить');
    expect(ruAdmin.lastReply()).toContain('Что изменить?');
    expect(ruAdmin.buttons()).toEqual([
      '✍️ Сообщение',
      '🔗 Кнопки',
      '👥 Аудитория',
      '🕒 Начало',
      '🏁 Конец',
      '🕘 Окно',
      '✖️ Отмена',
    ]);
    await ruAdmin.click('🕘 Окно');
    expect(ruAdmin.buttons()).toEqual(['🚫 Без окна (в любое время)', '◀️ Назад']);
    await ruAdmin.sendText('10:00-18:00');
    expect(ruAdmin.lastReply()).toBe(`✅ Рассылка #${m.id} изменена.`);
    expect((await env.em().findOneOrFail(Mailing, { id: m.id })).windowFrom).toBe(600);

    await ruAdmin.click('✏️ Изменить');
    await ruAdmin.click('🕒 Начало');
    await ruAdmin.sendText('2099-01-05 10:00');
    expect(ruAdmin.lastReply()).toContain('Начало должно быть раньше конца (сб, 3 янв. 2099 г., 10:00)');
    await ruAdmin.click('◀️ Назад');
    await ruAdmin.click('✍️ Сообщение');
    await env.em().nativeUpdate(Mailing, { id: m.id }, { status: 'running', materializedAt: new Date() });
    await ruAdmin.sendText('Поздно');
    expect(ruAdmin.lastReply()).toBe(
      '⚠️ Рассылка уже началась, изменить её нельзя — ничего не изменено. Её по-прежнему можно приостановить или отменить.',
    );
    expect((await env.em().findOneOrFail(Mailing, { id: m.id })).text).toBe('Промо');
  });
});

describe('a mailing deleted or an admin demoted meanwhile', () => {
  const start = new Date('2099-01-02T10:00:00Z');
  const end = new Date('2099-01-03T10:00:00Z');

  it('the buttons step of ✏️ Edit says what its buttons do and whether clicks are counted', async () => {
    const m = await newMailing(env.services, { text: 'Buttons', startAt: start, endAt: end });
    await openCard(admin, m.id);
    await admin.click('✏️ Edit');
    await admin.click('🔗 Buttons');
    const prompt = admin.lastReply();
    // No ⏭ Skip here: what 🚫 No buttons and ◀️ Back do instead.
    expect(prompt).not.toContain('Or tap Skip');
    expect(prompt).toContain(
      'They replace the current buttons. 🚫 No buttons (or /skip) removes them all; ◀️ Back keeps them as they are.',
    );
    expect(prompt).toContain(
      `👆 Clicks are not counted: ${env.services.config.publicUrl} cannot be reached from the internet`,
    );
    await admin.click('◀️ Back');
    await admin.click('✖️ Cancel');

    await openCard(ruAdmin, m.id);
    await ruAdmin.click('✏️ Изменить');
    await ruAdmin.click('🔗 Кнопки');
    expect(ruAdmin.lastReply()).toContain(
      'Они заменят нынешние кнопки. «🚫 Без кнопок» (или /skip) уберёт все кнопки, «◀️ Назад» оставит их как есть.',
    );
    expect(ruAdmin.lastReply()).toContain(`👆 Переходы не считаются: ${env.services.config.publicUrl} недоступен`);
    await ruAdmin.sendCommand('cancel');
  });

  it('a card or confirmation of a mailing deleted meanwhile becomes the list, in place', async () => {
    const m = await newMailing(env.services, { text: 'Gone soon', startAt: start, endAt: end });
    await openCard(admin, m.id);
    const card = lastMessage(env, admin);
    // Another admin deletes it (or the console does).
    await env.em().nativeDelete(Mailing, { id: m.id });
    await admin.click('◀️ Back to list');
    expect(lastToast(env)).toBe('❌ Mailing not found.');
    expect(lastMessage(env, admin).message_id).toBe(card.message_id);
    expect(admin.lastReply()).toContain('📨 <b>Mailings</b>');
    expect(admin.buttons()).toContain('➕ New');
    expect(admin.buttons().some((b) => b.startsWith(`#${m.id} `))).toBe(false);

    const other = await newMailing(env.services, { text: 'Gone too', startAt: start, endAt: end });
    await openCard(admin, other.id);
    await admin.click('🗑 Delete');
    const confirm = lastMessage(env, admin);
    await env.em().nativeDelete(Mailing, { id: other.id });
    await admin.click('🗑 Yes, delete it');
    expect(lastToast(env)).toBe('❌ Mailing not found.');
    expect(lastMessage(env, admin).message_id).toBe(confirm.message_id);
    expect(admin.lastReply()).toContain('📨 <b>Mailings</b>');
    expect(admin.buttons()).toContain('➕ New');
  });

  it('✏️ Edit of a mailing deleted meanwhile: the list in the dialog’s message, “not found” once', async () => {
    const m = await newMailing(env.services, { text: 'Deleted while editing', startAt: start, endAt: end });
    await openCard(admin, m.id);
    const card = lastMessage(env, admin);
    await admin.click('✏️ Edit');
    await admin.click('🕘 Window');
    await env.em().nativeDelete(Mailing, { id: m.id });
    const sent = admin.replies().length;
    await admin.sendText('10:00-18:00');
    const shown = env.telegram.chat(admin.chatId).find((msg) => msg.message_id === card.message_id);
    expect(shown?.text).toContain('📨 <b>Mailings</b>');
    expect(shown?.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toContain('➕ New');
    expect(
      admin
        .replies()
        .slice(sent)
        .filter((r) => r === '❌ Mailing not found.'),
    ).toHaveLength(1);
    expect(admin.lastReply()).toBe('❌ Mailing not found.');
  });

  it('an admin demoted during ✏️ Edit who cancels it gets the main menu, not the mailing’s card', async () => {
    const m = await newMailing(env.services, { text: 'For admins only', startAt: start, endAt: end });
    const { client: former, setRole } = await demotableAdmin(env, {
      id: 660_004,
      first_name: 'Max',
      username: 'max660',
    });
    await openCard(former, m.id);
    const card = lastMessage(env, former);
    await former.click('✏️ Edit');
    await former.click('🏁 End');
    await setRole('user');

    await former.sendCommand('cancel');
    const shown = env.telegram.chat(former.chatId).find((msg) => msg.message_id === card.message_id);
    expect(shown?.text).not.toContain('For admins only');
    expect(shown?.text).not.toContain(`Mailing #${m.id}`);
    expect(shown?.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toContain('📋 Tasks');
  });
});

describe('a message where ✏️ Edit waits for a button, and an admin demoted at a step of it', () => {
  const start = new Date('2099-01-02T10:00:00Z');
  const end = new Date('2099-01-03T10:00:00Z');

  it('a text or a sticker on the choice of what to change gets a hint in the admin’s language; the choice keeps working (en, ru)', async () => {
    const m = await newMailing(env.services, { text: 'Choose', startAt: start, endAt: end });
    const before = await rowOf(m.id);
    await openCard(admin, m.id);
    await admin.click('✏️ Edit');
    const choice = lastMessage(env, admin);
    await admin.sendText('change the end please');
    expect(admin.lastReply()).toBe(
      '👆 Choose what to change with the buttons above, or tap ✖️ Cancel (/cancel) to leave the mailing as it is.',
    );
    await admin.sendSticker();
    expect(admin.lastReply()).toContain('👆 Choose what to change with the buttons above');
    expect(env.telegram.chat(admin.chatId).find((msg) => msg.message_id === choice.message_id)).toEqual(choice);
    expect(await rowOf(m.id)).toEqual(before);
    await admin.click('🕘 Window');
    await admin.sendText('9:00-18:00');
    expect(admin.lastReply()).toBe(`✅ Mailing #${m.id} changed.`);

    await openCard(ruAdmin, m.id);
    await ruAdmin.click('✏️ Изменить');
    await ruAdmin.sendText('окно');
    expect(ruAdmin.lastReply()).toBe(
      '👆 Выберите кнопкой выше, что изменить, или нажмите «✖️ Отмена» (/cancel), чтобы оставить рассылку как есть.',
    );
    await ruAdmin.click('🕘 Окно');
    expect(ruAdmin.buttons().at(-1)).toBe('◀️ Назад');
    await ruAdmin.sendCommand('cancel');
  });

  it('an admin demoted while ✏️ Edit asks gets “not allowed” on the next press and the main menu in the card’s message', async () => {
    const m = await newMailing(env.services, { text: 'Admins only here', startAt: start, endAt: end });
    const before = await rowOf(m.id);
    const { client: former, setRole } = await demotableAdmin(env, {
      id: 660_005,
      first_name: 'Lev',
      username: 'lev660',
    });
    await openCard(former, m.id);
    const card = lastMessage(env, former);
    await former.click('✏️ Edit');
    await former.click('👥 Audience');
    await setRole('user');

    const sql = await sqlOf(env, () => former.click(/^🇬🇧 English · /));
    expect(lastToast(env)).toBe('⛔ Not allowed');
    expect(sql.filter((q) => /count\(\*\) as n from users u/.test(q))).toHaveLength(0);
    const shown = env.telegram.chat(former.chatId).find((msg) => msg.message_id === card.message_id);
    expect(shown?.text).not.toContain('Admins only here');
    expect(shown?.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toContain('📋 Tasks');
    expect(await rowOf(m.id)).toEqual(before);
  });
});

describe('admins only', () => {
  it('a non-admin pressing ✏️ Edit, ⚠️ Not delivered or its pager gets "not allowed" and nothing changes', async () => {
    const m = await newMailing(env.services, {
      text: 'Guarded',
      startAt: new Date('2099-01-02T10:00:00Z'),
      endAt: new Date('2099-01-03T10:00:00Z'),
    });
    await openCard(admin, m.id);
    const edit = dataOf(env, admin, '✏️ Edit');
    const intruder = env.bot.client({ id: 660_003, first_name: 'Eve', language_code: 'en' });
    await intruder.sendCommand('start');
    await intruder.sendCommand('menu');
    const before = await rowOf(m.id);
    for (const data of [edit, `mlf/0/0/${m.id}.2.p/h`, `mlc/0/0/${m.id}.f/h`]) {
      await intruder.pressCallback(lastMessage(env, intruder), data);
      expect(lastToast(env)).toBe('⛔ Not allowed');
    }
    await intruder.sendText('hijack');
    expect(await rowOf(m.id)).toEqual(before);
    expect(intruder.replies().join('\n')).not.toContain('What to change?');
  });
});

describe('Settings → 📨 Mailings on/off', () => {
  const cases = [
    {
      language: 'en',
      id: 660_101,
      on: '📨 Mailings: on',
      off: '📨 Mailings: off',
      lineOn: '📨 Mailings from the admins: on (reminders and private messages come either way)',
      lineOff: '📨 Mailings from the admins: off (reminders and private messages come either way)',
      toastOff: '📨 Mailings are off. Reminders and private messages keep coming.',
      toastOn: '📨 Mailings are on again.',
    },
    {
      language: 'ru',
      id: 660_102,
      on: '📨 Рассылки: вкл.',
      off: '📨 Рассылки: выкл.',
      lineOn: '📨 Рассылки от администраторов: вкл. (напоминания и личные сообщения приходят в любом случае)',
      lineOff: '📨 Рассылки от администраторов: выкл. (напоминания и личные сообщения приходят в любом случае)',
      toastOff: '📨 Рассылки выключены. Напоминания и личные сообщения по-прежнему будут приходить.',
      toastOn: '📨 Рассылки снова включены.',
    },
  ];

  for (const c of cases) {
    it(`turns mailings off and on in place, and audiences follow (${c.language})`, async () => {
      const user = env.bot.client({ id: c.id, first_name: 'Sam', language_code: c.language });
      await user.sendCommand('start');
      const filter = { tags: [`settings-${c.language}`] };
      const em = env.em();
      const stored = await em.findOneOrFail(User, { telegramId: c.id });
      stored.tags = filter.tags;
      await em.flush();
      expect(await countAudience(env.em(), filter)).toBe(1);

      await user.sendCommand('settings');
      const screen = lastMessage(env, user);
      expect(user.lastReply()).toContain(c.lineOn);
      await user.click(c.on);
      expect(lastToast(env)).toBe(c.toastOff);
      expect(lastMessage(env, user).message_id).toBe(screen.message_id);
      expect(user.lastReply()).toContain(c.lineOff);
      expect(user.buttons()).toContain(c.off);
      expect(await countAudience(env.em(), filter)).toBe(0);
      // Stays off: another /start (which syncs the profile) does not turn it back on.
      await user.sendCommand('start');
      expect(await countAudience(env.em(), filter)).toBe(0);
      expect((await env.em().findOneOrFail(User, { telegramId: c.id })).mailings).toBe(false);

      await user.sendCommand('settings');
      await user.click(c.off);
      expect(lastToast(env)).toBe(c.toastOn);
      expect(user.lastReply()).toContain(c.lineOn);
      expect(await countAudience(env.em(), filter)).toBe(1);
    });
  }
});
