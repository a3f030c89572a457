import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SNAPSHOT_TTL_MS } from '../../src/features/tasks/bot/list.js';
import { startTaskNoticeSweep } from '../../src/features/tasks/jobs/notice-sweep.js';
import { startTaskNoticeWorker, taskNoticesQueue } from '../../src/features/tasks/jobs/notices.js';
import { startReminderSweep } from '../../src/features/tasks/jobs/reminder-sweep.js';
import { remindersQueue, startReminderWorker, tasksVersionKey } from '../../src/features/tasks/jobs/reminders.js';
import { Comment, Task } from '../../src/features/tasks/task.entities.js';
import { SigningKeys } from '../../src/platform/auth/keys.js';
import { createLogger } from '../../src/platform/logger.js';
import type { Sweeper } from '../../src/platform/queue/sweep.js';
import { createRedis, type Redis } from '../../src/platform/redis.js';
import type { Services } from '../../src/platform/services.js';
import { createServices } from '../../src/services.js';
import { createAccount } from '../helpers/accounts.js';
import { createTestBot, type TestBot } from '../helpers/bot.js';
import type { BotClient } from '../helpers/bot-client.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { uniqueSuffix } from '../helpers/env.js';
import { FakeBotApi } from '../helpers/fake-bot-api.js';
import { createTestRedis } from '../helpers/redis.js';
import { apiRequest, createTestApi, testConfig } from '../helpers/services.js';
import { createThrowawayRedis, type ThrowawayRedis } from '../helpers/throwaway-redis.js';

/**
 * Issue 18: a task change stored in PostgreSQL is not answered with 503 because Redis failed
 * afterwards (the list version bump, the reminder jobs, the comment cache). Over a redis-server of
 * this file's own, stopped while the changes are made: POST answers 201 with one row stored (a
 * client has nothing to retry), PATCH 200, a comment 201; the outage is logged once; after Redis is
 * back (with its data, so the bot's session still holds the list as it was) the reminders of the
 * tasks created and moved meanwhile are sent exactly once, the assignment's notice once, and the
 * bot's list shows the changes. A bump lost for good leaves the list stale for SNAPSHOT_TTL_MS at
 * most; a bot action whose effects fail shows its usual result.
 */
let redisServer: ThrowawayRedis;
let db: TestDatabase;
let redis: Redis;
let telegram: FakeBotApi;
let services: Services;
let app: ReturnType<typeof createTestApi>;
let bot: TestBot;
let sweeps: Sweeper[] = [];
let redisStopped = false;
const logged: Array<{ level: number; msg: string; dependency?: string }> = [];

beforeAll(async () => {
  redisServer = await createThrowawayRedis();
  await redisServer.start({ persistent: true });
  db = await createTestDatabase();
  telegram = new FakeBotApi();
  // The program's request connection to that server (app.ts): failing fast while it is away.
  redis = createRedis(redisServer.url, { connectionName: 'gramdesk:main', failFast: true });
  await redis.connect();
  const config = testConfig({ REDIS_URL: redisServer.url });
  const log = createLogger('info', {
    destination: { write: (line: string) => void logged.push(JSON.parse(line)) },
  });
  const keys = await SigningKeys.load(() => db.orm.em.fork(), config.jwtPrivateKey);
  const keyPrefix = `gdtest:${uniqueSuffix()}:`;
  services = createServices({
    config,
    log,
    orm: db.orm,
    redis,
    keys,
    keyPrefix,
    fetch: telegram.fetch as never,
    botInfo: telegram.botInfo,
  });
  redis.on('error', (err) => services.outages.redisConnectionError(err, 'main'));
  app = createTestApi(services);
  bot = createTestBot({
    db,
    redis: { redis, keyPrefix, keys: async () => [], close: async () => undefined },
    telegram,
    jobs: services.jobs,
    taskEffects: services.taskEffects,
    log,
  });
  // The worker role as app.ts starts it: the reminder worker, its sweep, the sweep again when Redis is back.
  startReminderWorker(services);
  startTaskNoticeWorker(services);
  sweeps = [startReminderSweep(services), startTaskNoticeSweep(services)];
  services.outages.onRecovered((dependency) => {
    if (dependency === 'redis') for (const sweep of sweeps) void sweep.runUntilDone();
  });
}, 60_000);

afterAll(async () => {
  // A failed test may have left it stopped: the workers close over a Redis that answers.
  if (redisStopped) await restartRedis().catch(() => undefined);
  for (const sweep of sweeps) await sweep.stop();
  services?.outages.close();
  await services?.jobs.close();
  await redis?.quit().catch(() => redis.disconnect());
  await redisServer?.close();
  await telegram?.close();
  await db?.drop();
}, 30_000);

/** Starts the server again (with its data) and waits until this process has seen it back. */
async function restartRedis(): Promise<void> {
  await redisServer.start({ persistent: true });
  redisStopped = false;
  await eventually('Redis to be back', () => !services.outages.isDown('redis'));
}

async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until a queue has run every job it holds. */
const drained = (queue: { getJobCounts(...states: string[]): Promise<Record<string, number>> }) =>
  eventually('the queue to drain', async () => {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).every((n) => n === 0);
  });

const outageLines = () => logged.filter((l) => l.level >= 50 && l.dependency === 'redis');

describe('task changes while Redis is unreachable', () => {
  it('answer as if all went well, lose nothing, and the bot’s list catches up', async () => {
    const chatId = 720_000_001;
    // An HTTP account linked to a Telegram chat: the reminders and the bot's list are hers.
    const { user, token } = await createAccount(services, { firstName: 'Nora', telegramId: chatId });
    const beaChat = 720_000_002;
    await createAccount(services, { username: 'bea_outage', firstName: 'Bea', telegramId: beaChat });
    const noticed = () => telegram.sentTo(beaChat).length;
    const client: BotClient = bot.client({ id: chatId, first_name: 'Nora', language_code: 'en' });
    await client.sendCommand('start');
    const before = await apiRequest(app, 'POST', '/tasks', { token, json: { title: 'Old title' } });
    expect(before.status).toBe(201);
    const later = await apiRequest(app, 'POST', '/tasks', {
      token,
      json: { title: 'Moved in the outage', dueAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    expect(later.status).toBe(201);
    const dropped = await apiRequest(app, 'POST', '/tasks', { token, json: { title: 'Dropped in the outage' } });
    expect(dropped.status).toBe(201);
    // The bot's session now holds the list as of this version.
    await client.sendCommand('tasks');
    expect(client.buttons()).toContain('⏳ Old title');
    expect(client.buttons()).toContain('⏳ Dropped in the outage');

    const version = async () => Number(await redis.get(tasksVersionKey(services.keyPrefix, user.id)));
    const versionBefore = await version();
    await redisServer.stop();
    redisStopped = true;
    // Due while Redis is still away, so only the sweep (after the outage) can queue its reminder.
    const created = await apiRequest(app, 'POST', '/tasks', {
      token,
      json: { title: 'Written in the outage', dueAt: new Date(Date.now() + 1_000).toISOString() },
    });
    expect(created.status).toBe(201);
    expect(await db.orm.em.fork().count(Task, { title: 'Written in the outage' })).toBe(1);
    const shared = await apiRequest(app, 'POST', '/tasks', {
      token,
      json: { title: 'Shared in the outage', assignee: 'bea_outage' },
    });
    expect(shared.status).toBe(201);
    const moved = await apiRequest(app, 'PATCH', `/tasks/${before.body.id}`, { token, json: { title: 'New title' } });
    expect(moved.status).toBe(200);
    const soon = new Date(Date.now() + 1_000).toISOString();
    expect((await apiRequest(app, 'PATCH', `/tasks/${later.body.id}`, { token, json: { dueAt: soon } })).status).toBe(
      200,
    );
    expect((await apiRequest(app, 'DELETE', `/tasks/${dropped.body.id}`, { token })).status).toBe(204);
    const comment = await apiRequest(app, 'POST', `/tasks/${before.body.id}/comments`, {
      token,
      json: { text: 'Noted in the outage' },
    });
    expect(comment.status).toBe(201);
    expect(await db.orm.em.fork().count(Comment, { text: 'Noted in the outage' })).toBe(1);
    const removed = await apiRequest(app, 'DELETE', `/tasks/${before.body.id}/comments/${comment.body.id}`, { token });
    expect(removed.status).toBe(204);
    // Said once for the outage, not once per request or effect.
    expect(outageLines()).toHaveLength(1);
    expect(logged.filter((l) => l.level >= 40 && l.dependency !== 'redis')).toEqual([]);

    await restartRedis();
    const reminded = (title: string) => telegram.sentTo(chatId).filter((s) => s.text.includes(title)).length;
    await eventually(
      'the reminders of the tasks created and moved in the outage',
      () => reminded('Written in the outage') > 0 && reminded('Moved in the outage') > 0,
    );
    // Sweeps after they were sent and the queue drained: no second reminder.
    await drained(remindersQueue(services.jobs));
    for (const sweep of sweeps) expect(await sweep.run()).toBe(true);
    expect(reminded('Written in the outage')).toBe(1);
    expect(reminded('Moved in the outage')).toBe(1);

    // The notice of the assignment was recorded in PostgreSQL and is delivered once, by the sweep.
    await eventually('the notice of the assignment', () => noticed() > 0);
    await drained(taskNoticesQueue(services.jobs));
    for (const sweep of sweeps) expect(await sweep.run()).toBe(true);
    expect(telegram.sentTo(beaChat).map((m) => m.text)).toEqual([
      '👤 Nora assigned you a task: <b>Shared in the outage</b>',
    ]);

    // The list the session held was loaded before the changes: it is not shown again.
    await eventually('the owed version bump', async () => (await version()) > versionBefore);
    await client.sendCommand('tasks');
    const tasks = client.buttons().filter((label) => label.startsWith('⏳'));
    expect(tasks).toHaveLength(4);
    for (const title of ['New title', 'Written in the outage', 'Shared in the outage', 'Moved in the outage']) {
      expect(tasks.filter((label) => label.includes(title))).toHaveLength(1);
    }
  }, 60_000);
});

describe('a version bump lost for good (its process stopped during the outage)', () => {
  it('leaves the bot’s list stale for SNAPSHOT_TTL_MS at most', async () => {
    const chatId = 720_000_003;
    const { user, token } = await createAccount(services, { firstName: 'Lena', telegramId: chatId });
    const client: BotClient = bot.client({ id: chatId, first_name: 'Lena', language_code: 'en' });
    await client.sendCommand('start');
    const task = await apiRequest(app, 'POST', '/tasks', { token, json: { title: 'Before the loss' } });
    expect(task.status).toBe(201);
    await client.sendCommand('tasks');
    expect(client.buttons()).toContain('⏳ Before the loss');
    // Changed in PostgreSQL, its bump never made.
    await db.orm.em.fork().nativeUpdate(Task, { id: task.body.id, owner: user.id }, { title: 'After the loss' });
    await client.sendCommand('tasks');
    expect(client.buttons()).toContain('⏳ Before the loss');
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now + SNAPSHOT_TTL_MS);
    try {
      await client.sendCommand('tasks');
    } finally {
      clock.mockRestore();
    }
    expect(client.buttons()).toContain('⏳ After the loss');
    expect(client.buttons()).not.toContain('⏳ Before the loss');
  });
});

describe('a bot action whose Redis fails after the update’s session was read', () => {
  it('shows its usual result, and the change is stored', async () => {
    // The session on a Redis that answers, the task effects on the one that is about to stop.
    const sessions = await createTestRedis();
    try {
      const sessionBot = createTestBot({
        db,
        redis: sessions,
        telegram,
        jobs: services.jobs,
        taskEffects: services.taskEffects,
      });
      const chatId = 720_000_004;
      const { token } = await createAccount(services, { firstName: 'Mira', telegramId: chatId });
      const client = sessionBot.client({ id: chatId, first_name: 'Mira', language_code: 'en' });
      await client.sendCommand('start');
      const task = await apiRequest(app, 'POST', '/tasks', {
        token,
        json: { title: 'Tapped in the outage', dueAt: new Date(Date.now() + 3_600_000).toISOString() },
      });
      expect(task.status).toBe(201);
      await client.sendCommand('tasks');
      await client.click(/Tapped in the outage/);

      await redisServer.stop();
      redisStopped = true;
      await client.click('🟡 In progress');
      expect(client.lastReply()).toContain('Status: <b>🟡 In progress</b>');
      expect(client.lastReply()).not.toContain('temporarily unavailable');
      expect((await db.orm.em.fork().findOneOrFail(Task, { id: task.body.id })).status).toBe('in_progress');
    } finally {
      if (redisStopped) await restartRedis();
      await sessions.close();
    }
  }, 30_000);
});
