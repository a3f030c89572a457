import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { User } from '../../src/features/users/user.entity.js';
import { SigningKeys } from '../../src/platform/auth/keys.js';
import { createLogger } from '../../src/platform/logger.js';
import type { Services } from '../../src/platform/services.js';
import { createServices } from '../../src/services.js';
import { engineHarness, newMailing, seedUsers, waitForMailing } from '../helpers/mailings.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';
import { testConfig } from '../helpers/services.js';
import { createThrowawayPostgres, type ThrowawayPostgres } from '../helpers/throwaway-postgres.js';

/**
 * Issue 18 for the mailing engine: PostgreSQL stops for a moment while a mailing is being sent.
 * The rows a worker had claimed but not yet marked were sent by nobody until their lease ran out
 * (a minute by default; here ten, so only the fix can complete the mailing in time), and the
 * recall loop and the housekeeping logged an error every second of the outage. Now the mailing
 * completes once PostgreSQL is back, every recipient served once, and the outage is one log line.
 * The database that is stopped is a throwaway cluster of this file's own.
 */
const RECIPIENTS = 40;

let pg: ThrowawayPostgres;
let redis: TestRedis;
let services: Services;
const logged: Array<{ level: number; msg: string }> = [];

beforeAll(async () => {
  [pg, redis] = await Promise.all([createThrowawayPostgres(), createTestRedis()]);
  const config = testConfig();
  services = createServices({
    config,
    log: createLogger('info', {
      destination: { write: (line: string) => void logged.push(JSON.parse(line) as { level: number; msg: string }) },
    }),
    orm: pg.orm,
    redis: redis.redis,
    keys: await SigningKeys.load(() => pg.orm.em.fork(), config.jwtPrivateKey),
    keyPrefix: redis.keyPrefix,
  });
}, 120_000);

afterAll(async () => {
  services?.outages.close();
  await services?.jobs.close();
  await Promise.allSettled([pg?.close(), redis?.close()]);
}, 60_000);

describe('a mailing while PostgreSQL restarts', () => {
  it('completes once PostgreSQL is back (not a lease later), everyone served once, the outage logged once', async () => {
    const h = await engineHarness(services);
    try {
      await seedUsers(pg.orm.em.fork(), RECIPIENTS, { tags: ['pg-restart'] });
      const mailing = await newMailing(services, {
        text: 'Through a restart',
        filter: { tags: ['pg-restart'] },
        endAt: new Date(Date.now() + 30 * 60_000),
      });
      // Slow enough that claimed rows always wait in the queue; a lease no test waits out.
      h.engine({ rate: 10, batchSize: 20, leaseMs: 10 * 60_000 }).start();
      await waitForMailing(services, mailing.id, (v) => v.counts.sent >= 5);

      pg.stop();
      for (let i = 0; i < 100 && !services.outages.isDown('postgres'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(services.outages.isDown('postgres')).toBe(true);
      // Long enough for the dispatch, the housekeeping and the recall loop to fail a few times each.
      await new Promise((r) => setTimeout(r, 2_500));
      pg.start();

      const view = await waitForMailing(services, mailing.id, (v) => v.status === 'completed', 30_000);
      expect(view.counts).toMatchObject({ sent: RECIPIENTS, pending: 0, processing: 0, unknown: 0, error: 0 });
      expect(h.fake.sends.filter((s) => s.text === 'Through a restart')).toHaveLength(RECIPIENTS);
      expect(h.fake.duplicates).toBe(0);
      // One error line: the outage itself, not one per retry of each loop.
      expect(logged.filter((line) => line.level >= 50).map((line) => line.msg)).toEqual([
        expect.stringMatching(/^PostgreSQL unreachable/),
      ]);
    } finally {
      await h.stop();
    }
  }, 90_000);

  it('an answer that arrives while PostgreSQL is away is recorded once it is back: a 403 ends error and marks the block, not unknown', async () => {
    const h = await engineHarness(services);
    try {
      const chats = await seedUsers(pg.orm.em.fork(), 4, { tags: ['pg-answers'] });
      for (const chat of chats) h.fake.block(chat);
      // Every answer comes 1.5 s late: PostgreSQL stops while the four sends wait for theirs.
      h.fake.latencyMs = 1_500;
      const mailing = await newMailing(services, { text: 'Late answers', filter: { tags: ['pg-answers'] } });
      h.engine({ leaseMs: 10 * 60_000 }).start();
      for (let i = 0; i < 200 && h.fake.callsOf('sendMessage').length < chats.length; i++) {
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(h.fake.callsOf('sendMessage')).toHaveLength(chats.length);
      pg.stop();
      await new Promise((r) => setTimeout(r, 3_000));
      pg.start();

      const view = await waitForMailing(services, mailing.id, (v) => v.status === 'completed', 30_000);
      expect(view.counts).toMatchObject({ error: chats.length, unknown: 0, processing: 0, sent: 0 });
      const users = await pg.orm.em.fork().find(User, { telegramId: { $in: chats } });
      expect(users.map((u) => u.botBlocked)).toEqual(chats.map(() => true));
      expect(h.fake.callsOf('sendMessage')).toHaveLength(chats.length);
    } finally {
      h.fake.latencyMs = 0;
      await h.stop();
    }
  }, 90_000);
});
