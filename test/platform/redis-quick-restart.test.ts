import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SigningKeys } from '../../src/platform/auth/keys.js';
import type { Orm } from '../../src/platform/db/orm.js';
import type { Services } from '../../src/platform/services.js';
import { createAccount } from '../helpers/accounts.js';
import type { FakeBotApi } from '../helpers/fake-bot-api.js';
import type { RunningProgram } from '../helpers/program.js';
import { type ProgramOnRedis, startProgramOnRedis } from '../helpers/program-on-redis.js';
import { testConfig } from '../helpers/services.js';
import type { ThrowawayRedis } from '../helpers/throwaway-redis.js';

/**
 * Issue 18: a Redis that keeps nothing on disk restarts so quickly that ioredis reconnects before
 * any command fails — no error, so no outage is noticed. It came back empty all the same: the
 * delayed reminder job is gone. The program must still notice (a new server, outages.ts) and
 * re-queue what PostgreSQL says is owed at once, not at the next periodic sweep a minute later.
 */
let harness: ProgramOnRedis;
let redis: ThrowawayRedis;
let telegram: FakeBotApi;
let program: RunningProgram;
let orm: Orm;
let api = '';

const until: ProgramOnRedis['until'] = (...args) => harness.until(...args);

beforeAll(async () => {
  harness = await startProgramOnRedis({ persistent: false });
  ({ redis, telegram, program, orm, api } = harness);
}, 120_000);

afterAll(() => harness?.close(), 60_000);

describe('Redis restarts empty between two commands', () => {
  it('a reminder queued before the restart is still sent, once, when due', async () => {
    const services = {
      orm,
      keys: await SigningKeys.load(() => orm.em.fork(), undefined),
      config: testConfig(),
    } as unknown as Services;
    const chatId = 652_000_001;
    const { token } = await createAccount(services, { firstName: 'Quinn', telegramId: chatId, language: 'en' });
    const title = 'Due after a quick restart';
    const response = await fetch(`${api}/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ title, dueAt: new Date(Date.now() + 3_000).toISOString() }),
    });
    expect(response.status).toBe(201);

    // Stopped and started again at once: ioredis's first reconnect attempt already finds it.
    await redis.start({ persistent: false });

    // Well before the periodic sweep (a minute) could make up for the lost job.
    const reminded = () => telegram.sentTo(chatId).filter((s) => s.text.includes(title)).length;
    await until(`the reminder "${title}"`, () => reminded() > 0);
    expect(program.process.exitCode).toBeNull();
    // Sent once: the sweep that re-queued it and the markers make no second copy.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(reminded()).toBe(1);
    // The operator is told once that Redis restarted, and that it is back.
    const lines = harness.logLines();
    expect(lines.filter((l) => /^Redis unreachable/.test(l.msg)).map((l) => l.reason)).toEqual([
      expect.stringMatching(/^Redis restarted/),
    ]);
    expect(lines.filter((l) => /^Redis reachable again/.test(l.msg))).toHaveLength(1);
  }, 60_000);
});
