import { describe, expect, it } from 'vitest';
import { Delivery } from '../../src/features/mailings/mailing.entities.js';
import { cancelMailing, countAudience } from '../../src/features/mailings/mailings.js';
import { User } from '../../src/features/users/user.entity.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { engineHarness, newMailing, seedUsers, waitForMailing } from '../helpers/mailings.js';

const env = useTestEnvironment();

async function deliveriesOf(mailingId: string) {
  return env.em().find(Delivery, { mailing: mailingId }, { orderBy: { chatId: 'asc' } });
}

describe('mailing engine against a fake Bot API over HTTP', () => {
  it('sends to every recipient exactly once with two workers and completes', async () => {
    const h = await engineHarness(env.services);
    try {
      const chats = await seedUsers(env.em(), 60, { tags: ['basic'] });
      const mailing = await newMailing(env.services, { text: 'Hello <b>all</b>', filter: { tags: ['basic'] } });
      h.engine({ batchSize: 7 }).start();
      h.engine({ batchSize: 7 }).start();
      const view = await waitForMailing(env.services, mailing.id);
      expect(view.status).toBe('completed');
      expect(view.recipientCount).toBe(60);
      expect(view.counts).toMatchObject({ sent: 60, pending: 0, processing: 0, error: 0, unknown: 0 });
      expect(h.fake.duplicates).toBe(0);
      expect(new Set(h.fake.sends.map((s) => s.chatId))).toEqual(new Set(chats));
      expect(h.fake.sends[0]?.text).toBe('Hello <b>all</b>');
      const rows = await deliveriesOf(mailing.id);
      expect(rows.every((r) => r.telegramMessageId !== null && r.sentAt !== null && r.attempts === 1)).toBe(true);
    } finally {
      await h.stop();
    }
  });

  it('403 is an error and marks the user as having blocked the bot; later audiences skip them', async () => {
    const h = await engineHarness(env.services);
    try {
      const chats = await seedUsers(env.em(), 5, { tags: ['blockers'] });
      h.fake.blocked.add(chats[0] as number);
      h.fake.badChats.add(chats[1] as number);
      const mailing = await newMailing(env.services, { text: 'hi', filter: { tags: ['blockers'] } });
      h.engine().start();
      const view = await waitForMailing(env.services, mailing.id);
      expect(view.counts).toMatchObject({ sent: 3, error: 2 });
      const rows = await deliveriesOf(mailing.id);
      const byChat = new Map(rows.map((r) => [r.chatId, r]));
      expect(byChat.get(chats[0] as number)?.error).toMatch(/^403: Forbidden: bot was blocked/);
      expect(byChat.get(chats[1] as number)?.error).toBe('400: Bad Request: chat not found');
      const blocked = await env.em().findOne(User, { telegramId: chats[0] as number });
      expect(blocked?.botBlocked).toBe(true);
      expect(await countAudience(env.em(), { tags: ['blockers'] })).toBe(4);
    } finally {
      await h.stop();
    }
  });

  it('500s and refused connections are retried with backoff; resets, timeouts after writing are unknown and never resent', async () => {
    const h = await engineHarness(env.services);
    try {
      await seedUsers(env.em(), 1, { tags: ['retry5xx'] });
      h.fake.serverErrors(2);
      const m1 = await newMailing(env.services, { text: 'five hundred', filter: { tags: ['retry5xx'] } });
      const engine = h.engine({ timeoutMs: 500 }).start();
      let view = await waitForMailing(env.services, m1.id);
      expect(view.counts.sent).toBe(1);
      expect((await deliveriesOf(m1.id))[0]?.attempts).toBe(3);

      // Connection refused: the request never left, so it is retried.
      await seedUsers(env.em(), 1, { tags: ['refused'] });
      await h.fake.refuseFor(400);
      const m2 = await newMailing(env.services, { text: 'refused', filter: { tags: ['refused'] } });
      view = await waitForMailing(env.services, m2.id);
      expect(view.counts.sent).toBe(1);
      expect((await deliveriesOf(m2.id))[0]?.attempts).toBeGreaterThan(1);

      // Reset after Telegram read (and delivered) it: unknown, one copy only.
      await seedUsers(env.em(), 1, { tags: ['reset-after'] });
      h.fake.resetAfterBody(1);
      const m3 = await newMailing(env.services, { text: 'reset after', filter: { tags: ['reset-after'] } });
      view = await waitForMailing(env.services, m3.id);
      expect(view.counts.unknown).toBe(1);
      expect(h.fake.sends.filter((s) => s.text === 'reset after')).toHaveLength(1);

      // Reset before the body was read: still after the request was written, so unknown.
      await seedUsers(env.em(), 1, { tags: ['reset-before'] });
      h.fake.resetBeforeBody(1);
      const m4 = await newMailing(env.services, { text: 'reset before', filter: { tags: ['reset-before'] } });
      view = await waitForMailing(env.services, m4.id);
      expect(view.counts.unknown).toBe(1);
      expect(h.fake.sends.filter((s) => s.text === 'reset before')).toHaveLength(0);

      // A slow answer past the timeout: unknown (it did arrive), not resent.
      await seedUsers(env.em(), 1, { tags: ['slow'] });
      h.fake.slow(1, 1500);
      const m5 = await newMailing(env.services, { text: 'slow', filter: { tags: ['slow'] } });
      view = await waitForMailing(env.services, m5.id);
      expect(view.counts.unknown).toBe(1);
      const row = (await deliveriesOf(m5.id))[0];
      expect(row?.error).toMatch(/after the request was sent/);
      await new Promise((r) => setTimeout(r, 1600));
      expect(h.fake.sends.filter((s) => s.text === 'slow')).toHaveLength(1);
      void engine;
    } finally {
      await h.stop();
    }
  });

  it('429 pauses every worker for retry_after; nothing is sent inside the window and the attempt is not counted', async () => {
    const h = await engineHarness(env.services);
    try {
      await seedUsers(env.em(), 40, { tags: ['flood'] });
      h.fake.flood(1, 1);
      const mailing = await newMailing(env.services, { text: 'flood', filter: { tags: ['flood'] } });
      h.engine({ rate: 50 }).start();
      h.engine({ rate: 50 }).start();
      const view = await waitForMailing(env.services, mailing.id);
      expect(view.counts.sent).toBe(40);
      expect(h.fake.floodWindows).toHaveLength(1);
      const [from, until] = h.fake.floodWindows[0] as [number, number];
      // A request the other worker had already sent when the 429 was answered may still arrive
      // in the window's first moments (more so on a loaded machine); after those, nothing may.
      const IN_FLIGHT_MS = 250;
      const inside = h.fake.arrivals.filter((a) => a.at > from + IN_FLIGHT_MS && a.at < until);
      expect(inside).toEqual([]);
      expect(h.fake.duplicates).toBe(0);
      const rows = await deliveriesOf(mailing.id);
      expect(rows.every((r) => r.attempts === 1)).toBe(true);
    } finally {
      await h.stop();
    }
  });

  it('nothing is sent after endAt; what is left expires', async () => {
    const h = await engineHarness(env.services);
    try {
      await seedUsers(env.em(), 30, { tags: ['ending'] });
      const endAt = new Date(Date.now() + 1500);
      const mailing = await newMailing(env.services, { text: 'ending', filter: { tags: ['ending'] }, endAt });
      h.engine({ rate: 10 }).start();
      const view = await waitForMailing(env.services, mailing.id);
      expect(view.status).toBe('completed');
      expect(view.counts.sent).toBeGreaterThan(0);
      expect(view.counts.sent).toBeLessThan(30);
      expect(view.counts.expired).toBe(30 - view.counts.sent);
      expect(h.fake.sends.filter((s) => s.text === 'ending').every((s) => s.at <= endAt.getTime())).toBe(true);
      const expired = (await deliveriesOf(mailing.id)).find((r) => r.status === 'expired');
      expect(expired?.error).toBe('end time passed');
    } finally {
      await h.stop();
    }
  });

  it('starts no send in the last second before endAt (it would reach Telegram after the end): all expire', async () => {
    const h = await engineHarness(env.services);
    try {
      await seedUsers(env.em(), 5, { tags: ['edge'] });
      const mailing = await newMailing(env.services, {
        text: 'at the edge',
        filter: { tags: ['edge'] },
        endAt: new Date(Date.now() + 900),
      });
      h.engine({ rate: 100 }).start();
      const view = await waitForMailing(env.services, mailing.id);
      expect(view.status).toBe('completed');
      expect(view.counts).toMatchObject({ sent: 0, expired: 5 });
      expect(h.fake.sends.filter((s) => s.text === 'at the edge')).toEqual([]);
    } finally {
      await h.stop();
    }
  });

  it('sends only inside each recipient’s local window, across time zones; the others wait, then expire', async () => {
    const h = await engineHarness(env.services);
    try {
      const hour = new Date().getUTCHours();
      const pad = (n: number) => `${String(((n % 24) + 24) % 24).padStart(2, '0')}:00`;
      // Window [h, h+2) local: UTC and UTC+1 are inside; UTC-12 and UTC+6 are outside.
      const inside = [
        ...(await seedUsers(env.em(), 3, { tags: ['tz'], timezone: 'UTC' })),
        ...(await seedUsers(env.em(), 3, { tags: ['tz'], timezone: 'Etc/GMT-1' })),
      ];
      const outside = [
        ...(await seedUsers(env.em(), 3, { tags: ['tz'], timezone: 'Etc/GMT+12' })),
        ...(await seedUsers(env.em(), 3, { tags: ['tz'], timezone: 'Asia/Dhaka' })),
      ];
      const mailing = await newMailing(env.services, {
        text: 'window',
        filter: { tags: ['tz'] },
        window: { from: pad(hour), to: pad(hour + 2) },
        endAt: new Date(Date.now() + 2500),
      });
      h.engine().start();
      await waitForMailing(env.services, mailing.id, (v) => v.counts.sent === 6);
      await new Promise((r) => setTimeout(r, 500));
      const mid = await waitForMailing(env.services, mailing.id, () => true);
      expect(mid.counts).toMatchObject({ sent: 6, pending: 6 });
      const view = await waitForMailing(env.services, mailing.id);
      expect(view.counts).toMatchObject({ sent: 6, expired: 6 });
      expect(new Set(h.fake.sends.filter((s) => s.text === 'window').map((s) => s.chatId))).toEqual(new Set(inside));
      expect(outside.every((c) => h.fake.sentTo(c).length === 0)).toBe(true);
    } finally {
      await h.stop();
    }
  });

  it('an empty filter means everyone who started the bot, not blocked, not banned (admins included); a non-matching filter completes with nobody', async () => {
    const h = await engineHarness(env.services);
    try {
      const before = await countAudience(env.em(), {});
      await seedUsers(env.em(), 2, { role: 'admin' });
      await seedUsers(env.em(), 2, { status: 'banned' });
      await seedUsers(env.em(), 2, { botBlocked: true });
      await seedUsers(env.em(), 2, { telegram: false });
      expect(await countAudience(env.em(), {})).toBe(before + 2);
      expect(await countAudience(env.em(), { tags: [], languages: [], operatorCodes: [] })).toBe(before + 2);
      expect(await countAudience(env.em(), { tags: ['nobody-has-this'] })).toBe(0);

      const none = await newMailing(env.services, { text: 'none', filter: { tags: ['nobody-has-this'] } });
      const everyone = await newMailing(env.services, { text: 'everyone', filter: { tags: [] } });
      h.engine().start();
      const noneView = await waitForMailing(env.services, none.id);
      expect(noneView).toMatchObject({ status: 'completed', recipientCount: 0 });
      const all = await waitForMailing(env.services, everyone.id);
      expect(all.recipientCount).toBe(before + 2);
      expect(all.counts.sent + all.counts.error).toBe(before + 2);
    } finally {
      await h.stop();
    }
  });

  it('tags, operator codes and languages are each "any of", combined with AND', async () => {
    await seedUsers(env.em(), 2, { tags: ['and-a'], language: 'ru', operatorCode: '916' });
    await seedUsers(env.em(), 3, { tags: ['and-b'], language: 'ru', operatorCode: '903' });
    await seedUsers(env.em(), 4, { tags: ['and-a'], language: 'en', operatorCode: '916' });
    expect(await countAudience(env.em(), { tags: ['and-a', 'and-b'] })).toBe(9);
    expect(await countAudience(env.em(), { tags: ['and-a', 'and-b'], languages: ['ru'] })).toBe(5);
    expect(await countAudience(env.em(), { tags: ['and-a', 'and-b'], languages: ['ru'], operatorCodes: ['916'] })).toBe(
      2,
    );
    expect(await countAudience(env.em(), { tags: ['and-a'], operatorCodes: ['916', '903'] })).toBe(6);
  });

  it('cancel stops sending within a second; the rest expires as cancelled', async () => {
    const h = await engineHarness(env.services);
    try {
      await seedUsers(env.em(), 100, { tags: ['cancel'] });
      const mailing = await newMailing(env.services, { text: 'cancel me', filter: { tags: ['cancel'] } });
      h.engine({ rate: 20 }).start();
      h.engine({ rate: 20 }).start();
      await waitForMailing(env.services, mailing.id, (v) => v.counts.sent >= 5);
      const cancelledAt = Date.now();
      await cancelMailing(env.em(), null, mailing.id);
      await new Promise((r) => setTimeout(r, 1200));
      const late = h.fake.sends.filter((s) => s.text === 'cancel me' && s.at > cancelledAt + 1000);
      expect(late).toEqual([]);
      const view = await waitForMailing(
        env.services,
        mailing.id,
        (v) => v.counts.processing === 0 && v.counts.pending === 0,
      );
      expect(view.status).toBe('cancelled');
      expect(view.counts.sent + view.counts.expired).toBe(100);
      expect(view.counts.sent).toBeLessThan(60);
      const rows = await deliveriesOf(mailing.id);
      expect(rows.filter((r) => r.status === 'expired').every((r) => r.error === 'cancelled')).toBe(true);
    } finally {
      await h.stop();
    }
  });

  it('a worker keeps renewing the claims still in its queue, so a slow share of the rate loses nothing to recovery', async () => {
    const h = await engineHarness(env.services);
    try {
      await seedUsers(env.em(), 30, { tags: ['renew'] });
      const mailing = await newMailing(env.services, { text: 'renew', filter: { tags: ['renew'] } });
      // 30 rows claimed at once at 10/s: the queue takes 3 s to drain, ten leases of 300 ms.
      const sender = h.engine({ rate: 10, leaseMs: 300, batchSize: 30 });
      sender.start();
      await waitForMailing(env.services, mailing.id, (v) => v.counts.sent >= 2);
      const other = h.engine({ leaseMs: 300 });
      let recovered = 0;
      for (let i = 0; i < 15; i++) {
        await new Promise((r) => setTimeout(r, 100));
        recovered += await other.recoverExpiredClaims();
      }
      expect(recovered).toBe(0);
      const view = await waitForMailing(env.services, mailing.id);
      expect(view.counts).toMatchObject({ sent: 30, unknown: 0 });
      expect(h.fake.duplicates).toBe(0);
    } finally {
      await h.stop();
    }
  });

  it('expired claims are recovered: a started send becomes unknown, an unstarted one pending again', async () => {
    const h = await engineHarness(env.services);
    try {
      await seedUsers(env.em(), 3, { tags: ['lease'] });
      const mailing = await newMailing(env.services, { text: 'lease', filter: { tags: ['lease'] } });
      const dead = h.engine({ leaseMs: 1 });
      await dead.startDueMailing();
      const claimed = await dead.claim(3);
      expect(claimed).toHaveLength(3);
      const conn = env.em().getConnection();
      await conn.execute(`update deliveries set sending_at = now() where id = ?`, [claimed[0]?.id]);
      await new Promise((r) => setTimeout(r, 20));
      expect(await dead.recoverExpiredClaims()).toBe(3);
      const rows = await deliveriesOf(mailing.id);
      expect(rows.map((r) => r.status).sort()).toEqual(['pending', 'pending', 'unknown']);
      h.engine().start();
      const view = await waitForMailing(env.services, mailing.id);
      expect(view.counts).toMatchObject({ sent: 2, unknown: 1 });
      expect(h.fake.sends.filter((s) => s.text === 'lease')).toHaveLength(2);
    } finally {
      await h.stop();
    }
  });
});
