import { beforeAll, describe, expect, it } from 'vitest';
import { mailingCall } from '../../src/features/mailings/content.js';
import { MailingEngine } from '../../src/features/mailings/jobs/engine.js';
import { Delivery, Mailing } from '../../src/features/mailings/mailing.entities.js';
import {
  contentOf,
  countAudience,
  getMailingView,
  pauseMailing,
  resumeMailing,
} from '../../src/features/mailings/mailings.js';
import { User } from '../../src/features/users/user.entity.js';
import { createAccount } from '../helpers/accounts.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import type { ChatMessage } from '../helpers/fake-bot-api.js';
import { engineHarness, newMailing, seedUsers, waitForMailing } from '../helpers/mailings.js';
import { apiRequest } from '../helpers/services.js';
import { lastToast } from '../helpers/tasks.js';

/** Issue 15: content from a message, buttons, test send, pause / resume, unsubscribe. */
const env = useTestEnvironment();
const future = (ms: number) => new Date(Date.now() + ms).toISOString();

/** Delivers a mailing to one chat as the engine does: its own call, with the mailing's id in 🔕. */
async function deliver(chatId: number, mailingId: string, label: string): Promise<void> {
  const call = mailingCall(mailingId, contentOf(await getMailingView(env.em(), mailingId)), label);
  await env.bot.bot.api.raw.sendMessage({ chat_id: chatId, ...call.payload } as never);
}

type Keyboard = { inline_keyboard: Array<Array<{ text: string; url?: string; callback_data?: string }>> };

describe('the engine sends content as it was made', () => {
  it('a photo with a formatted caption and URL buttons reaches every recipient, 🔕 in each one’s language', async () => {
    const h = await engineHarness(env.services);
    try {
      await seedUsers(env.em(), 3, { tags: ['photo'], language: 'en' });
      await seedUsers(env.em(), 2, { tags: ['photo'], language: 'ru' });
      const caption_entities = [{ type: 'bold', offset: 0, length: 4 }];
      const buttons = [[{ text: 'Shop', url: 'https://example.com/shop' }]];
      const mailing = await newMailing(env.services, {
        text: 'Sale < 50% & more',
        entities: caption_entities,
        media: { type: 'photo', fileId: 'AgACAgIAAxkBAAIB' },
        buttons,
        filter: { tags: ['photo'] },
      });
      h.engine().start();
      const view = await waitForMailing(env.services, mailing.id);
      expect(view.counts).toMatchObject({ sent: 5, error: 0, unknown: 0 });
      const photos = h.fake.calls.filter((c) => c.method === 'sendPhoto');
      expect(photos).toHaveLength(5);
      expect(new Set(photos.map((c) => c.payload.chat_id)).size).toBe(5);
      for (const call of photos) {
        expect(call.payload).toMatchObject({
          photo: 'AgACAgIAAxkBAAIB',
          caption: 'Sale < 50% & more',
          caption_entities,
        });
        expect(call.payload.parse_mode).toBeUndefined();
      }
      const labels = photos
        .map((c) => (c.payload.reply_markup as Keyboard).inline_keyboard.at(-1)?.[0]?.text ?? '')
        .sort();
      expect(labels).toEqual(['🔕 Unsubscribe', '🔕 Unsubscribe', '🔕 Unsubscribe', '🔕 Отписаться', '🔕 Отписаться']);
      expect((photos[0]?.payload.reply_markup as Keyboard | undefined)?.inline_keyboard[0]).toEqual(buttons[0]);
    } finally {
      await h.stop();
    }
  });

  it('pause stops two workers within a second; resume continues where it stopped; 0 duplicates, each sent once', async () => {
    const h = await engineHarness(env.services);
    try {
      await seedUsers(env.em(), 200, { tags: ['pause'] });
      const mailing = await newMailing(env.services, { text: 'pause me', filter: { tags: ['pause'] } });
      h.engine({ rate: 100, batchSize: 10 }).start();
      h.engine({ rate: 100, batchSize: 10 }).start();
      await waitForMailing(env.services, mailing.id, (v) => v.counts.sent >= 30);
      const paused = await pauseMailing(env.em(), null, mailing.id);
      const pausedAt = Date.now();
      expect(paused.status).toBe('paused');
      await new Promise((r) => setTimeout(r, 1800));
      const late = h.fake.arrivals.filter((a) => a.at > pausedAt + 1000);
      expect(late).toEqual([]);
      const during = await getMailingView(env.em(), mailing.id);
      expect(during.status).toBe('paused');
      expect(during.counts.sent).toBeLessThan(200);
      expect(during.counts.pending + during.counts.processing).toBeGreaterThan(0);
      // Pausing twice, or resuming a running mailing, is refused and changes nothing.
      await expect(pauseMailing(env.em(), null, mailing.id)).rejects.toMatchObject({ code: 'mailing_not_running' });

      const resumed = await resumeMailing(env.em(), null, mailing.id);
      expect(resumed.status).toBe('running');
      await expect(resumeMailing(env.em(), null, mailing.id)).rejects.toMatchObject({ code: 'mailing_not_paused' });
      const view = await waitForMailing(env.services, mailing.id);
      expect(view.status).toBe('completed');
      expect(view.counts).toMatchObject({ sent: 200, expired: 0, unknown: 0, error: 0 });
      expect(h.fake.duplicates).toBe(0);
      const rows = await env.em().find(Delivery, { mailing: mailing.id });
      expect(rows.every((r) => r.attempts === 1 && r.status === 'sent')).toBe(true);
      // A completed mailing cannot be paused: a clear refusal, nothing changed.
      await expect(pauseMailing(env.em(), null, mailing.id)).rejects.toMatchObject({ code: 'mailing_not_running' });
      expect((await getMailingView(env.em(), mailing.id)).status).toBe('completed');
    } finally {
      await h.stop();
    }
  });

  it('endAt still ends a paused mailing: what waits expires and it completes', async () => {
    const h = await engineHarness(env.services);
    try {
      await seedUsers(env.em(), 40, { tags: ['pause-end'] });
      const mailing = await newMailing(env.services, {
        text: 'pause end',
        filter: { tags: ['pause-end'] },
        endAt: new Date(Date.now() + 2500),
      });
      h.engine({ rate: 10 }).start();
      await waitForMailing(env.services, mailing.id, (v) => v.counts.sent >= 1);
      await pauseMailing(env.em(), null, mailing.id);
      const view = await waitForMailing(env.services, mailing.id);
      expect(view.status).toBe('completed');
      expect(view.counts.sent + view.counts.expired).toBe(40);
      expect(view.counts.expired).toBeGreaterThan(0);
    } finally {
      await h.stop();
    }
  });

  it('unsubscribed users are never selected, nor counted', async () => {
    const h = await engineHarness(env.services);
    try {
      const chats = await seedUsers(env.em(), 5, { tags: ['unsub'] });
      await env.em().nativeUpdate(User, { telegramId: { $in: chats.slice(0, 2) } }, { mailings: false });
      expect(await countAudience(env.em(), { tags: ['unsub'] })).toBe(3);
      const mailing = await newMailing(env.services, { text: 'only subscribers', filter: { tags: ['unsub'] } });
      h.engine().start();
      const view = await waitForMailing(env.services, mailing.id);
      expect(view.recipientCount).toBe(3);
      const sentTo = new Set(h.fake.sends.filter((s) => s.text === 'only subscribers').map((s) => s.chatId));
      expect(sentTo).toEqual(new Set(chats.slice(2)));
    } finally {
      await h.stop();
    }
  });
});

describe('in the bot', () => {
  let ruAdmin: BotClient;
  let enUser: BotClient;
  let ruUser: BotClient;

  beforeAll(async () => {
    ruAdmin = env.bot.client({ id: 771_001, first_name: 'Ира', username: 'ira771', language_code: 'ru' });
    enUser = env.bot.client({ id: 771_002, first_name: 'Bob', username: 'bob771', language_code: 'en' });
    ruUser = env.bot.client({ id: 771_003, first_name: 'Аня', username: 'anya771', language_code: 'ru' });
    for (const c of [ruAdmin, enUser, ruUser]) await c.sendCommand('start');
    await env.em().nativeUpdate(User, { telegramId: ruAdmin.user.id }, { role: 'admin' });
  });

  it('a Russian admin sends a photo with a formatted caption: errors in Russian, preview to self, created as sent', async () => {
    await ruAdmin.sendCommand('newmailing');
    expect(ruAdmin.lastReply()).toContain('Пришлите сообщение ровно таким');
    const photo = [{ file_id: 'AgACphoto-small', file_unique_id: 's', width: 90, height: 90 }];
    photo.push({ file_id: 'AgACphoto-large', file_unique_id: 'l', width: 800, height: 600 });
    await ruAdmin.sendMessage({ photo, caption: 'x'.repeat(1025) });
    expect(ruAdmin.lastReply()).toContain('В подписи 1025 символов, а можно не больше 1024');
    const caption_entities = [{ type: 'italic', offset: 0, length: 5 }];
    await ruAdmin.sendMessage({ photo, caption: 'Акция до пятницы', caption_entities });
    expect(ruAdmin.lastReply()).toContain('Добавить кнопки');
    await ruAdmin.sendText('Магазин ftp://example.com');
    expect(ruAdmin.lastReply()).toContain('должна начинаться с http:// или https://');
    await ruAdmin.sendText('Магазин https://example.com/shop');
    await ruAdmin.click(/^➡️ Далее/);
    await ruAdmin.click('▶️ Сейчас');
    await ruAdmin.sendText('2099-01-03 10:00');
    await ruAdmin.sendCommand('skip');

    const preview = env.telegram.callsOf('sendPhoto').findLast((c) => c.payload.chat_id === ruAdmin.chatId);
    expect(preview?.payload).toMatchObject({ photo: 'AgACphoto-large', caption: 'Акция до пятницы', caption_entities });
    expect((preview?.payload.reply_markup as Keyboard | undefined)?.inline_keyboard).toEqual([
      [{ text: 'Магазин', url: 'https://example.com/shop' }],
      [{ text: '🔕 Отписаться', callback_data: 'mlu:0' }],
    ]);
    expect(ruAdmin.replies()).toContain('👆 Именно это получат адресаты.');
    expect(ruAdmin.lastReply()).toContain('Кнопки: 1');
    await ruAdmin.click('✅ Создать');
    const m = await env.em().findOneOrFail(Mailing, { text: 'Акция до пятницы' });
    expect(m.media).toEqual({ type: 'photo', fileId: 'AgACphoto-large' });
    expect(m.entities).toEqual(caption_entities);
    expect(m.buttons).toEqual([[{ text: 'Магазин', url: 'https://example.com/shop' }]]);
    expect(ruAdmin.lastReply()).toContain('🖼 Фото «Акция до пятницы» · 🔗 1');
  });

  it('pause and resume from the card', async () => {
    const m = await env.em().findOneOrFail(Mailing, { text: 'Акция до пятницы' });
    await env.em().nativeUpdate(Mailing, { id: m.id }, { status: 'running', materializedAt: new Date() });
    await ruAdmin.click('🔄 Обновить');
    await ruAdmin.click('⏸ Пауза');
    expect(lastToast(env)).toBe('На паузе: больше ничего не уйдёт, пока не продолжите.');
    expect(ruAdmin.lastReply()).toContain('⏸ на паузе');
    expect((await env.em().findOneOrFail(Mailing, { id: m.id })).status).toBe('paused');
    await ruAdmin.click('▶️ Продолжить');
    expect(lastToast(env)).toBe('Продолжаем с того места, где остановились.');
    expect((await env.em().findOneOrFail(Mailing, { id: m.id })).status).toBe('running');
    await env.em().nativeUpdate(Mailing, { id: m.id }, { status: 'cancelled' });
  });

  it('🔕 Unsubscribe edits that message’s keyboard, excludes the user from audiences, counts; Undo restores (both languages)', async () => {
    const mailing = await newMailing(env.services, {
      text: '<b>News</b>',
      buttons: [[{ text: 'Read', url: 'https://example.com/news' }]],
      filter: { tags: ['unsub-bot'] },
    });
    for (const c of [enUser, ruUser]) {
      await env.em().nativeUpdate(User, { telegramId: c.user.id }, { tags: ['unsub-bot'] });
    }
    // Materialise the recipients as the engine does, then deliver the very message it would send.
    expect(await new MailingEngine(env.services).startDueMailing()).toBe(mailing.id);
    await deliver(enUser.chatId, mailing.id, '🔕 Unsubscribe');
    await deliver(ruUser.chatId, mailing.id, '🔕 Отписаться');
    expect(await countAudience(env.em(), { tags: ['unsub-bot'] })).toBe(2);

    await enUser.click('🔕 Unsubscribe');
    expect(enUser.buttons()).toEqual(['Read', '✓ Unsubscribed', '↩️ Undo']);
    expect(lastToast(env)).toContain('You will not get mailings any more');
    await ruUser.click('🔕 Отписаться');
    expect(ruUser.buttons()).toEqual(['Read', '✓ Вы отписались', '↩️ Вернуть']);
    expect(await countAudience(env.em(), { tags: ['unsub-bot'] })).toBe(0);
    expect((await getMailingView(env.em(), mailing.id)).unsubscribes).toBe(2);
    const bob = await env.em().findOneOrFail(User, { telegramId: enUser.user.id });
    expect(bob.mailings).toBe(false);
    expect(bob.notifications).toBe(true);

    await enUser.click('↩️ Undo');
    expect(enUser.buttons()).toEqual(['Read', '🔕 Unsubscribe']);
    expect(lastToast(env)).toBe('Mailings are on again.');
    expect(await countAudience(env.em(), { tags: ['unsub-bot'] })).toBe(1);
    expect((await getMailingView(env.em(), mailing.id)).unsubscribes).toBe(1);
  });

  it('🔕 Unsubscribe on a message the bot can no longer edit, or pressed without its message, still works, with its toast', async () => {
    const mailing = await newMailing(env.services, { text: 'Gone soon', filter: { tags: ['unsub-gone'] } });
    await env.em().nativeUpdate(User, { telegramId: enUser.user.id }, { tags: ['unsub-gone'], mailings: true });
    expect(await new MailingEngine(env.services).startDueMailing()).toBe(mailing.id);
    await deliver(enUser.chatId, mailing.id, '🔕 Unsubscribe');
    const sent = env.telegram.chat(enUser.chatId).at(-1) as ChatMessage;
    const repliesBefore = enUser.replies().length;

    // The message is no longer there to edit (Telegram: "message to edit not found").
    await enUser.pressCallback({ ...sent, message_id: 987_654 }, `mlu:${mailing.id}`);
    expect(lastToast(env)).toContain('You will not get mailings any more');
    expect((await env.em().findOneOrFail(User, { telegramId: enUser.user.id })).mailings).toBe(false);
    // Pressed without its message: Undo still turns them on again.
    await enUser.pressCallback(undefined, `mlr:${mailing.id}`);
    expect(lastToast(env)).toBe('Mailings are on again.');
    expect((await env.em().findOneOrFail(User, { telegramId: enUser.user.id })).mailings).toBe(true);
    // No apology, no new message.
    expect(enUser.replies()).toHaveLength(repliesBefore);
  });
});

describe('over the API', () => {
  async function admin() {
    const account = await createAccount(env.services);
    await env.em().nativeUpdate(User, { id: account.user.id }, { role: 'admin' });
    return account;
  }

  it('media and buttons are validated; bad input is a clear 422 and creates nothing', async () => {
    const { token } = await admin();
    const before = await env.em().count(Mailing, {});
    const post = (json: Record<string, unknown>) =>
      apiRequest(env.app, 'POST', '/mailings', { token, json: { endAt: future(60_000), ...json } });
    const row = (n: number) => Array.from({ length: n }, (_, i) => ({ text: `B${i}`, url: `https://e.com/${i}` }));
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ text: 'x'.repeat(1025), media: { type: 'photo', url: 'https://e.com/a.jpg' } }, 'text'],
      [{ text: 'ok', buttons: [row(3), row(3), row(3), row(3), row(3), row(1)] }, 'buttons'],
      [{ text: 'ok', buttons: [row(4)] }, 'buttons'],
      [{ text: 'ok', buttons: [[{ text: 'x', url: 'javascript:alert(1)' }]] }, 'buttons'],
      // Control characters: no Location header (GET /r/<code>) nor Telegram button carries them.
      [{ text: 'ok', buttons: [[{ text: 'x', url: 'https://e.com/a\u0001b' }]] }, 'buttons'],
      [{ text: 'ok', buttons: [[{ text: 'x', url: 'https://e.com/a\u0085b' }]] }, 'buttons'],
      [{ text: 'ok', buttons: [[{ text: 'x', url: `https://e.com/${'a'.repeat(600)}` }]] }, 'buttons'],
      [{ text: 'ok', media: { type: 'photo', url: 'file:///etc/passwd' } }, 'media.url'],
      [{ text: 'ok', media: { type: 'photo' } }, 'media'],
      [{ text: 'ok', media: { type: 'sticker', fileId: 'x' } }, 'media'],
    ];
    for (const [json, path] of cases) {
      const res = await post(json);
      expect(res.status, JSON.stringify(json).slice(0, 80)).toBe(422);
      expect(String(res.body.error.details?.[0]?.path)).toContain(path);
    }
    expect(await env.em().count(Mailing, {})).toBe(before);

    const created = await post({
      text: '<b>Sale</b>',
      media: { type: 'photo', url: 'https://example.com/sale.jpg' },
      buttons: [[{ text: 'Shop', url: 'https://example.com/shop' }]],
      startAt: future(3_600_000),
      endAt: future(7_200_000),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      media: { type: 'photo', url: 'https://example.com/sale.jpg' },
      buttons: [[{ text: 'Shop', url: 'https://example.com/shop' }]],
      unsubscribes: 0,
      pausedAt: null,
    });
    const id = created.body.id as string;
    const pause = await apiRequest(env.app, 'POST', `/mailings/${id}/pause`, { token });
    expect(pause.status).toBe(409);
    expect(pause.body.error.code).toBe('mailing_not_running');
    expect((await apiRequest(env.app, 'POST', `/mailings/${id}/resume`, { token })).status).toBe(409);
  });

  it('POST /mailings/{id}/test sends it to the calling admin’s Telegram; a refusal is a 422 with Telegram’s reason', async () => {
    const account = await admin();
    const telegramId = 771_500;
    await env.em().nativeUpdate(User, { id: account.user.id }, { telegramId, language: 'ru' });
    const created = await apiRequest(env.app, 'POST', '/mailings', {
      token: account.token,
      json: { text: 'Test <i>me</i>', endAt: future(7_200_000), startAt: future(3_600_000) },
    });
    const id = created.body.id as string;
    const res = await apiRequest(env.app, 'POST', `/mailings/${id}/test`, { token: account.token });
    expect(res.status).toBe(200);
    const call = env.telegram.callsOf('sendMessage').findLast((c) => c.payload.chat_id === telegramId);
    expect(call?.payload).toMatchObject({ text: 'Test <i>me</i>', parse_mode: 'HTML' });
    // The admin's copy: its 🔕 says what it does, and unsubscribes nobody (not the admin, not on the mailing's count).
    expect((call?.payload.reply_markup as Keyboard | undefined)?.inline_keyboard).toEqual([
      [{ text: '🔕 Отписаться', callback_data: 'mlu:0' }],
    ]);
    env.telegram.badChats.add(telegramId);
    const refused = await apiRequest(env.app, 'POST', `/mailings/${id}/test`, { token: account.token });
    env.telegram.badChats.delete(telegramId);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('test_send_failed');
    expect(refused.body.error.message).toContain('chat not found');
  });

  it('GET /mailings/{id}/deliveries answers CSV for Accept: text/csv; PATCH /users/me {mailings}', async () => {
    const account = await admin();
    const h = await engineHarness(env.services);
    try {
      await seedUsers(env.em(), 3, { tags: ['csv'] });
      const mailing = await newMailing(env.services, { text: 'csv', filter: { tags: ['csv'] } });
      h.engine().start();
      await waitForMailing(env.services, mailing.id);
    } finally {
      await h.stop();
    }
    const res = await env.app.request(
      `/mailings/${mailing_id_of(await env.em().findOneOrFail(Mailing, { text: 'csv' }))}/deliveries`,
      {
        headers: { authorization: `Bearer ${account.token}`, accept: 'text/csv' },
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = (await res.text()).trim().split('\n');
    expect(lines[0]).toBe('id,userId,chatId,status,attempts,error,sentAt,telegramMessageId,recallError');
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).every((l) => l.split(',')[3] === 'sent')).toBe(true);

    const patched = await apiRequest(env.app, 'PATCH', '/users/me', {
      token: account.token,
      json: { mailings: false },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.mailings).toBe(false);
    expect((await env.em().findOneOrFail(User, { id: account.user.id })).mailings).toBe(false);
  });
});

const mailing_id_of = (m: Mailing) => m.id;
