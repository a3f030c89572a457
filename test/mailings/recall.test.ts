import { beforeAll, describe, expect, it } from 'vitest';
import { AuditEntry } from '../../src/features/audit/audit.entity.js';
import { DeliveryStore } from '../../src/features/mailings/deliveries.js';
import { Delivery, Mailing } from '../../src/features/mailings/mailing.entities.js';
import { getMailingView, type MailingView, recallMailing } from '../../src/features/mailings/mailings.js';
import { User } from '../../src/features/users/user.entity.js';
import { createAccount } from '../helpers/accounts.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { engineHarness, newMailing, seedUsers, waitForMailing } from '../helpers/mailings.js';
import { apiRequest } from '../helpers/services.js';
import { lastToast } from '../helpers/tasks.js';

/**
 * Issue 15, Recall (SPEC §2.5): the sent messages of a mailing are deleted at the mailing rate,
 * through the same gate as sending, with a result per recipient, crash-safe. The fake Bot API
 * deletes as Telegram does: an unknown message is 400 "message to delete not found", one older
 * than 48 hours 400 "message can't be deleted", a blocked chat 403.
 */
const env = useTestEnvironment();
const HOUR = 3600_000;

async function rowsOf(mailingId: string) {
  return env.em().find(Delivery, { mailing: mailingId }, { orderBy: { chatId: 'asc' } });
}

const recallDone = (v: MailingView) => Boolean(v.recall?.completedAt);

async function adminToken() {
  const account = await createAccount(env.services);
  await env.em().nativeUpdate(User, { id: account.user.id }, { role: 'admin' });
  return account.token;
}

describe('recall against the fake Bot API', () => {
  it('deletes every sent message; 400 "can’t be deleted" and 403 are listed with their reasons; an already deleted message counts as recalled', async () => {
    const h = await engineHarness(env.services);
    try {
      const chats = await seedUsers(env.em(), 6, { tags: ['recall-basic'] });
      const mailing = await newMailing(env.services, { text: 'oops', filter: { tags: ['recall-basic'] } });
      h.engine().start();
      await waitForMailing(env.services, mailing.id);
      const [old, blocker, gone] = chats as [number, number, number];
      // Telegram's clock: this one's message is past the 48 hours a bot may delete it (our rows say 1 h).
      h.fake.ageMessages(old, 49 * HOUR);
      h.fake.block(blocker);
      // The recipient deleted it already: Telegram answers "message to delete not found".
      const goneRow = (await rowsOf(mailing.id)).find((r) => r.chatId === gone);
      const deleted = await h.fake.fetch(`${h.root}/botX/deleteMessage`, {
        body: JSON.stringify({ chat_id: gone, message_id: goneRow?.telegramMessageId }),
      });
      expect(((await deleted.json()) as { ok: boolean }).ok).toBe(true);
      const deletesBefore = h.fake.callsOf('deleteMessage').length;

      const view = await recallMailing(env.em(), null, mailing.id);
      expect(view.status).toBe('completed');
      expect(view.recall).toMatchObject({ completedAt: null, failed: 0 });
      const done = await waitForMailing(env.services, mailing.id, recallDone);
      expect(done.counts).toMatchObject({ sent: 2, recalled: 4, error: 0, unknown: 0 });
      expect(done.recall?.failed).toBe(2);
      const rows = await rowsOf(mailing.id);
      const byChat = new Map(rows.map((r) => [r.chatId, r]));
      expect(byChat.get(old)).toMatchObject({
        status: 'sent',
        recallError: "400: Bad Request: message can't be deleted",
      });
      expect(byChat.get(blocker)).toMatchObject({ status: 'sent' });
      expect(byChat.get(blocker)?.recallError).toMatch(/^403: Forbidden: bot was blocked by the user/);
      expect(byChat.get(gone)).toMatchObject({ status: 'recalled', recallError: null });
      for (const chat of chats.slice(3)) {
        expect(byChat.get(chat)).toMatchObject({ status: 'recalled', recallError: null });
        expect(byChat.get(chat)?.recalledAt).toBeInstanceOf(Date);
      }
      // What recipients see: only the messages Telegram would not let go are still there.
      h.fake.block(blocker, false);
      expect(chats.filter((c) => h.fake.chat(c).some((m) => m.text === 'oops'))).toEqual([old, blocker]);
      // Each delete was asked once (the gone one answered "not found").
      expect(h.fake.callsOf('deleteMessage').length - deletesBefore).toBe(6);
      expect(await env.em().count(AuditEntry, { action: 'mailing.recall', targetId: mailing.id })).toBe(1);

      // The API shows the same, and lists the failures with their reasons.
      const token = await adminToken();
      const got = await apiRequest(env.app, 'GET', `/mailings/${mailing.id}`, { token });
      expect(got.body.counts).toMatchObject({ sent: 2, recalled: 4 });
      expect(got.body.recall).toMatchObject({ failed: 2, completedAt: expect.any(String) });
      const failed = await apiRequest(env.app, 'GET', `/mailings/${mailing.id}/deliveries?recall=failed`, { token });
      expect(failed.body.items.map((d: { recallError: string }) => d.recallError).sort()).toEqual([
        "400: Bad Request: message can't be deleted",
        expect.stringMatching(/^403: /),
      ]);
      const recalled = await apiRequest(env.app, 'GET', `/mailings/${mailing.id}/deliveries?status=recalled`, {
        token,
      });
      expect(recalled.body.items).toHaveLength(4);
      expect(recalled.body.items[0].recalledAt).toEqual(expect.any(String));
    } finally {
      await h.stop();
    }
  });

  it('a 429 pauses the recall like sending; the refused delete is tried again and nothing is lost', async () => {
    const h = await engineHarness(env.services);
    try {
      const chats = await seedUsers(env.em(), 8, { tags: ['recall-flood'] });
      const mailing = await newMailing(env.services, { text: 'flood recall', filter: { tags: ['recall-flood'] } });
      h.engine().start();
      await waitForMailing(env.services, mailing.id);
      h.fake.flood(1, 1, 'deleteMessage');
      await recallMailing(env.em(), null, mailing.id);
      const done = await waitForMailing(env.services, mailing.id, recallDone);
      expect(done.counts).toMatchObject({ sent: 0, recalled: 8 });
      expect(done.recall?.failed).toBe(0);
      expect(h.fake.floodWindows).toHaveLength(1);
      // 8 deletes and the one Telegram refused with 429.
      const deletes = h.fake.callsOf('deleteMessage').filter((c) => chats.includes(Number(c.payload.chat_id)));
      expect(deletes).toHaveLength(9);
      expect(chats.every((c) => h.fake.chat(c).length === 0)).toBe(true);
    } finally {
      await h.stop();
    }
  });

  it('recalling a running mailing cancels it first: nothing more is sent, what was sent is deleted', async () => {
    const h = await engineHarness(env.services);
    try {
      const chats = await seedUsers(env.em(), 40, { tags: ['recall-running'] });
      const mailing = await newMailing(env.services, { text: 'stop it', filter: { tags: ['recall-running'] } });
      h.engine({ rate: 20 }).start();
      await waitForMailing(env.services, mailing.id, (v) => v.counts.sent >= 3);
      const view = await recallMailing(env.em(), null, mailing.id);
      expect(view.status).toBe('cancelled');
      const done = await waitForMailing(env.services, mailing.id, recallDone);
      expect(done.status).toBe('cancelled');
      expect(done.counts.pending + done.counts.processing + done.counts.sent).toBe(0);
      expect(done.counts.recalled).toBeGreaterThanOrEqual(3);
      expect(done.counts.recalled + done.counts.expired).toBe(40);
      // Every message that went out was deleted again; nobody got it twice.
      expect(chats.filter((c) => h.fake.chat(c).length > 0)).toEqual([]);
      expect(h.fake.duplicates).toBe(0);
      const sentTo = new Set(h.fake.sends.filter((s) => s.text === 'stop it').map((s) => s.chatId));
      expect(sentTo.size).toBe(done.counts.recalled);
    } finally {
      await h.stop();
    }
  });

  it('a worker that dies mid-recall loses nothing: its claims expire and another worker finishes', async () => {
    const h = await engineHarness(env.services);
    try {
      const chats = await seedUsers(env.em(), 5, { tags: ['recall-crash'] });
      const mailing = await newMailing(env.services, { text: 'crash recall', filter: { tags: ['recall-crash'] } });
      const sender = h.engine();
      sender.start();
      await waitForMailing(env.services, mailing.id);
      await sender.stop();
      await recallMailing(env.em(), null, mailing.id);
      // The dead worker claimed every row and got one delete through before it died.
      const dead = new DeliveryStore(env.services.orm, 'dead-worker', 1);
      const claimed = await dead.claimRecall(10);
      expect(claimed.map((r) => Number(r.chat_id)).sort()).toEqual([...chats].sort());
      const first = claimed[0];
      await h.fake.fetch(`${h.root}/botX/deleteMessage`, {
        body: JSON.stringify({ chat_id: Number(first?.chat_id), message_id: first?.message_id }),
      });
      await new Promise((r) => setTimeout(r, 20));
      // Another worker: recovers the expired claims and deletes the rest.
      const other = h.engine();
      expect(await other.recoverExpiredRecallClaims()).toBe(5);
      other.start();
      const done = await waitForMailing(env.services, mailing.id, recallDone);
      expect(done.counts).toMatchObject({ sent: 0, recalled: 5 });
      expect(chats.every((c) => h.fake.chat(c).length === 0)).toBe(true);
      const rows = await rowsOf(mailing.id);
      expect(rows.every((r) => r.status === 'recalled' && r.claimedBy !== 'dead-worker')).toBe(true);
    } finally {
      await h.stop();
    }
  });
});

describe('recall refusals change nothing', () => {
  it('after 48 h, with nothing sent, a second time, an unknown id: clear 4xx errors', async () => {
    const token = await adminToken();
    const h = await engineHarness(env.services);
    try {
      await seedUsers(env.em(), 2, { tags: ['recall-late'] });
      const mailing = await newMailing(env.services, { text: 'late', filter: { tags: ['recall-late'] } });
      h.engine().start();
      await waitForMailing(env.services, mailing.id);
      await h.stop();
      await env
        .em()
        .getConnection()
        .execute(`update deliveries set sent_at = now() - interval '49 hours' where mailing_id = ?`, [mailing.id]);
      const before = await getMailingView(env.em(), mailing.id);
      const late = await apiRequest(env.app, 'POST', `/mailings/${mailing.id}/recall`, { token });
      expect(late.status).toBe(409);
      expect(late.body.error.code).toBe('recall_too_late');
      expect(late.body.error.message).toContain('48 hours');
      const after = await getMailingView(env.em(), mailing.id);
      expect(after).toEqual(before);
      expect(after.recall).toBeNull();
      expect(await env.em().count(AuditEntry, { action: 'mailing.recall', targetId: mailing.id })).toBe(0);

      const scheduled = await newMailing(env.services, {
        text: 'later',
        startAt: new Date(Date.now() + 3_600_000),
        endAt: new Date(Date.now() + 7_200_000),
      });
      const nothing = await apiRequest(env.app, 'POST', `/mailings/${scheduled.id}/recall`, { token });
      expect(nothing.status).toBe(409);
      expect(nothing.body.error.code).toBe('nothing_to_recall');
      const stillScheduled = await env.em().findOneOrFail(Mailing, { id: scheduled.id });
      expect(stillScheduled.status).toBe('scheduled');
      expect(stillScheduled.recallRequestedAt).toBeNull();

      expect((await apiRequest(env.app, 'POST', '/mailings/999999999/recall', { token })).status).toBe(404);
      expect((await apiRequest(env.app, 'POST', '/mailings/x/recall', { token })).status).toBe(404);
      const anonymous = await apiRequest(env.app, 'POST', `/mailings/${mailing.id}/recall`);
      expect(anonymous.status).toBe(401);
    } finally {
      await h.stop();
    }
  });

  it('POST /mailings/{id}/recall answers 202 with the mailing; a second recall is 409', async () => {
    const token = await adminToken();
    const h = await engineHarness(env.services);
    try {
      await seedUsers(env.em(), 2, { tags: ['recall-api'] });
      const mailing = await newMailing(env.services, { text: 'api recall', filter: { tags: ['recall-api'] } });
      h.engine().start();
      await waitForMailing(env.services, mailing.id);
      const first = await apiRequest(env.app, 'POST', `/mailings/${mailing.id}/recall`, { token });
      expect(first.status).toBe(202);
      expect(first.body).toMatchObject({ id: mailing.id, status: 'completed', recall: { failed: 0 } });
      const second = await apiRequest(env.app, 'POST', `/mailings/${mailing.id}/recall`, { token });
      expect(second.status).toBe(409);
      expect(second.body.error.code).toBe('mailing_recalled');
      const done = await waitForMailing(env.services, mailing.id, recallDone);
      expect(done.counts.recalled).toBe(2);
    } finally {
      await h.stop();
    }
  });
});

describe('Recall in the bot card', () => {
  let admin: BotClient;
  let ruAdmin: BotClient;
  beforeAll(async () => {
    admin = env.bot.client({ id: 771_001, first_name: 'Root', username: 'root771', language_code: 'en' });
    ruAdmin = env.bot.client({ id: 771_002, first_name: 'Корень', username: 'root772', language_code: 'ru' });
    for (const c of [admin, ruAdmin]) await c.sendCommand('start');
    await env
      .em()
      .nativeUpdate(
        User,
        { telegramId: { $in: [admin.user.id, ruAdmin.user.id] } },
        { role: 'admin', mailings: false },
      );
  });

  /** A completed mailing; its engine stopped, so the card shows the recall before any worker acts. */
  async function sentMailing(tag: string, text: string, n: number) {
    const h = await engineHarness(env.services);
    await seedUsers(env.em(), n, { tags: [tag] });
    const mailing = await newMailing(env.services, { text, filter: { tags: [tag] } });
    const sender = h.engine();
    sender.start();
    await waitForMailing(env.services, mailing.id);
    await sender.stop();
    return { h, mailing };
  }

  async function openCard(client: BotClient, id: string, list: string, mailingsButton: string) {
    await client.sendCommand('admin');
    await client.click(mailingsButton);
    expect(client.lastReply()).toContain(list);
    await client.click(new RegExp(`^#${id} `));
  }

  it('en: Recall asks first; No goes back; Yes starts it; the card shows the result', async () => {
    const { h, mailing } = await sentMailing('recall-bot-en', 'bot recall', 3);
    try {
      await openCard(admin, mailing.id, 'Mailings', '📨 Mailings');
      expect(admin.lastReply()).toContain(`Mailing #${mailing.id}`);
      expect(admin.buttons()).toContain('↩️ Recall');
      await admin.click('↩️ Recall');
      expect(admin.lastReply()).toContain(`Recall mailing #${mailing.id}? Its 3 sent messages will be deleted`);
      expect(admin.buttons()).toEqual(['↩️ Yes, delete them', '◀️ No, keep it']);
      await admin.click('◀️ No, keep it');
      expect(admin.lastReply()).toContain(`Mailing #${mailing.id}`);
      expect((await getMailingView(env.em(), mailing.id)).recall).toBeNull();

      await admin.click('↩️ Recall');
      await admin.click('↩️ Yes, delete them');
      expect(lastToast(env)).toBe('Recall started: the messages are being deleted.');
      expect(admin.lastReply()).toContain('↩️ Recalling: deleted 0 · failed 0 · left 3');
      expect(admin.buttons()).not.toContain('↩️ Recall');
      h.engine().start();
      await waitForMailing(env.services, mailing.id, recallDone);
      await admin.click('🔄 Refresh');
      expect(admin.lastReply()).toContain('✅ sent 0');
      expect(admin.lastReply()).toContain('↩️ Recalled: deleted 3 · could not delete 0');
      expect(await env.em().count(AuditEntry, { action: 'mailing.recall', targetId: mailing.id })).toBe(1);
    } finally {
      await h.stop();
    }
  });

  it('ru: the same in Russian, with the reason a message could not be deleted', async () => {
    const { h, mailing } = await sentMailing('recall-bot-ru', 'отзыв', 2);
    try {
      const rows = await rowsOf(mailing.id);
      h.fake.ageMessages(rows[0]?.chatId as number, 49 * HOUR);
      await openCard(ruAdmin, mailing.id, 'Рассылки', '📨 Рассылки');
      await ruAdmin.click('↩️ Отозвать');
      expect(ruAdmin.lastReply()).toContain(
        `Отозвать рассылку #${mailing.id}? 2 отправленных сообщения будут удалены из чатов адресатов`,
      );
      await ruAdmin.click('◀️ Нет, оставить');
      expect(ruAdmin.lastReply()).toContain(`Рассылка #${mailing.id}`);
      await ruAdmin.click('↩️ Отозвать');
      await ruAdmin.click('↩️ Да, удалить');
      expect(lastToast(env)).toBe('Отзыв начат: сообщения удаляются.');
      expect(ruAdmin.lastReply()).toContain('↩️ Идёт отзыв: удалено 0 · не удалось 0 · осталось 2');
      h.engine().start();
      await waitForMailing(env.services, mailing.id, recallDone);
      await ruAdmin.click('🔄 Обновить');
      expect(ruAdmin.lastReply()).toContain('↩️ Отозвана: удалено 1 · не удалось удалить 1');
      expect(ruAdmin.lastReply()).toContain("· 400: Bad Request: message can't be deleted: 1");
    } finally {
      await h.stop();
    }
  });

  it('a card opened before 48 h passed answers a late Recall with a toast, and nothing changes', async () => {
    const { h, mailing } = await sentMailing('recall-bot-late', 'late bot', 1);
    await h.stop();
    await openCard(admin, mailing.id, 'Mailings', '📨 Mailings');
    await admin.click('↩️ Recall');
    await env
      .em()
      .getConnection()
      .execute(`update deliveries set sent_at = now() - interval '49 hours' where mailing_id = ?`, [mailing.id]);
    await admin.click('↩️ Yes, delete them');
    expect(lastToast(env)).toBe('Too late: Telegram lets a bot delete its messages only for 48 hours.');
    expect(admin.buttons()).not.toContain('↩️ Recall');
    expect((await getMailingView(env.em(), mailing.id)).recall).toBeNull();
  });
});

describe('the buttons step with this file’s PUBLIC_URL (http://localhost…, not public)', () => {
  it('says the raw addresses are used and clicks are not counted, in English and Russian', async () => {
    const en = env.bot.client({ id: 771_101, first_name: 'Ed', username: 'ed771', language_code: 'en' });
    const ru = env.bot.client({ id: 771_102, first_name: 'Ира', username: 'ira771', language_code: 'ru' });
    for (const c of [en, ru]) await c.sendCommand('start');
    await env.em().nativeUpdate(User, { telegramId: { $in: [en.user.id, ru.user.id] } }, { role: 'admin' });
    await en.sendCommand('newmailing');
    await en.sendText('Hello');
    expect(en.lastReply()).toContain(
      `👆 Clicks are not counted: ${env.services.config.publicUrl} cannot be reached from the internet`,
    );
    await en.sendCommand('cancel');
    await ru.sendCommand('newmailing');
    await ru.sendText('Привет');
    expect(ru.lastReply()).toContain(
      `👆 Переходы не считаются: ${env.services.config.publicUrl} недоступен из интернета`,
    );
    await ru.sendCommand('cancel');
  });
});
