import { afterAll, describe, expect, it } from 'vitest';
import { entities } from '../../src/entities.js';
import { getMailingView, recallMailing } from '../../src/features/mailings/mailings.js';
import { createOrm } from '../../src/platform/db/orm.js';
import type { Services } from '../../src/platform/services.js';
import { createEmptyDatabase } from '../helpers/db.js';
import { FakeBotApi } from '../helpers/fake-bot-api.js';
import { newMailing, seedUsers, waitForMailing } from '../helpers/mailings.js';
import { e2eRedisUrl, flushRedis, type RunningProgram, startProgram } from '../helpers/program.js';

const E2E_REDIS_URL = e2eRedisUrl(15);
afterAll(() => flushRedis(E2E_REDIS_URL));

const RECIPIENTS = 600;

describe('mailing recall crash safety (two real worker processes, SIGKILL)', () => {
  it('a worker killed mid-recall loses nothing: the other finishes, every delivery ends recalled', {
    timeout: 150_000,
  }, async () => {
    const db = await createEmptyDatabase();
    const fake = new FakeBotApi();
    // Answers take 40 ms, so the kill finds deletes in flight.
    fake.latencyMs = 40;
    const apiRoot = await fake.listen();
    const env = {
      BOT_TOKEN: '7000000001:E2E-recall_token',
      TELEGRAM_API_ROOT: apiRoot,
      REDIS_URL: E2E_REDIS_URL,
      DATABASE_URL: db.url,
      LOG_LEVEL: 'info',
      MAILING_RATE: '150',
      MAILING_TEST_LEASE_MS: '3000',
      MAILING_PAID_BROADCAST: 'true',
    };
    const start = () => startProgram(env, { args: ['--role=worker'] });
    const steady = start();
    let victim: RunningProgram = start();
    const orm = await createOrm({ entities, databaseUrl: db.url, pgliteDir: '' });
    try {
      await steady.waitForOutput(/gramdesk started/, 90_000);
      await victim.waitForOutput(/gramdesk started/, 90_000);
      await seedUsers(orm.em.fork(), RECIPIENTS, { tags: ['recall-crash'] });
      const services = { orm } as unknown as Services;
      const mailing = await newMailing(services, { text: 'recall crash', filter: { tags: ['recall-crash'] } });
      await waitForMailing(services, mailing.id, (v) => v.status === 'completed', 90_000);
      await recallMailing(orm.em.fork(), null, mailing.id);

      // Kill the victim while it holds recall claims (sent rows leased by it).
      const pid = victim.process.pid;
      let held = 0;
      for (let i = 0; i < 400 && held === 0; i++) {
        const rows = await orm.em
          .fork()
          .getConnection()
          .execute<{ n: string }[]>(
            `select count(*) as n from deliveries
             where mailing_id = ? and status = 'sent' and claimed_until is not null and claimed_by like ?`,
            [mailing.id, `%:${pid}:%`],
          );
        held = Number(rows[0]?.n ?? 0);
        if (held === 0) await new Promise((r) => setTimeout(r, 10));
      }
      expect(held).toBeGreaterThan(0);
      victim.process.kill('SIGKILL');
      await victim.exited;
      victim = start();
      await victim.waitForOutput(/gramdesk started/, 90_000);

      const view = await waitForMailing(services, mailing.id, (v) => Boolean(v.recall?.completedAt), 100_000);
      expect(view.counts).toMatchObject({ sent: 0, pending: 0, processing: 0, recalled: RECIPIENTS });
      expect(view.recall?.failed).toBe(0);
      // Nothing of the mailing is left in any recipient's chat.
      const left = fake.sends.filter((s) => s.text === 'recall crash' && fake.chat(s.chatId).length > 0);
      expect(left).toEqual([]);
      expect(fake.duplicates).toBe(0);
      const final = await getMailingView(orm.em.fork(), mailing.id);
      expect(final.status).toBe('completed');
    } finally {
      await Promise.allSettled([steady.stop('SIGTERM'), victim.stop('SIGTERM')]);
      await orm.close(true);
      await fake.close();
      await db.drop();
    }
  });
});
