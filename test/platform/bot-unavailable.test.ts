import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookHandler } from '../../src/platform/bot/intake.js';
import { UnavailableNotices } from '../../src/platform/bot/unavailable.js';
import { createApi } from '../../src/platform/http/app.js';
import { createLogger } from '../../src/platform/logger.js';
import { createMetrics } from '../../src/platform/metrics.js';
import { createRedis } from '../../src/platform/redis.js';
import { createTestBot } from '../helpers/bot.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { FakeBotApi } from '../helpers/fake-bot-api.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';
import { createThrowawayPostgres, type ThrowawayPostgres } from '../helpers/throwaway-postgres.js';
import { createThrowawayRedis, type ThrowawayRedis } from '../helpers/throwaway-redis.js';

/**
 * Issue 18, point 2, the bot: while PostgreSQL or Redis is away, an update gets a short
 * "temporarily unavailable" in the user's language, at most once per chat per minute; a pressed
 * button's spinner stops (the notice as a toast); in webhook mode the webhook answers 503 and the
 * update Telegram delivers again after the outage is handled (not skipped as a duplicate). Each
 * dependency that is stopped is a throwaway server of this file's own.
 */
const SECRET = 'webhook-secret_123';
const PATH = '/telegram/webhook';
const EN = 'Gramdesk is temporarily unavailable. Please try again in a minute.';
const RU = 'Gramdesk временно недоступен. Попробуйте ещё раз через минуту.';

let pg: ThrowawayPostgres;
let sharedRedis: TestRedis;
let ownRedis: ThrowawayRedis;
let ownRedisClient: TestRedis;
let sharedDb: TestDatabase;

beforeAll(async () => {
  [pg, sharedRedis, ownRedis, sharedDb] = await Promise.all([
    createThrowawayPostgres(),
    createTestRedis(),
    createThrowawayRedis(),
    createTestDatabase(),
  ]);
  await ownRedis.start({ persistent: false });
  const client = createRedis(ownRedis.url, { failFast: true });
  client.on('error', () => undefined);
  await client.connect();
  ownRedisClient = {
    redis: client,
    keyPrefix: 'gdtest:own:',
    keys: async () => [],
    close: async () => client.disconnect(),
  };
}, 120_000);

afterAll(async () => {
  await ownRedisClient?.close();
  await Promise.allSettled([pg?.close(), sharedRedis?.close(), ownRedis?.close(), sharedDb?.drop()]);
}, 60_000);

let nextUpdateId = 70_000;
function startUpdate(userId: number): Update {
  return {
    update_id: nextUpdateId++,
    message: {
      message_id: 1,
      date: Math.floor(Date.now() / 1000),
      chat: { id: userId, type: 'private', first_name: 'Web' },
      from: { id: userId, is_bot: false, first_name: 'Web', language_code: 'en' },
      text: '/start',
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
    },
  } as Update;
}

/** Stops and starts a server, each at most once per state change. */
function toggle(stop: () => unknown, start: () => unknown) {
  let running = true;
  return {
    async down() {
      if (running) await stop();
      running = false;
    },
    async up() {
      if (!running) await start();
      running = true;
    },
  };
}

async function scenario(options: {
  db: TestDatabase;
  redis: TestRedis;
  base: number;
  server: ReturnType<typeof toggle>;
}) {
  const telegram = new FakeBotApi();
  const polling = createTestBot({ db: options.db, redis: options.redis, telegram, mode: 'polling' });
  const hooked = createTestBot({ db: options.db, redis: options.redis, telegram, mode: 'webhook' });
  const app = createApi({
    config: { publicUrl: 'http://localhost:3000', logLevel: 'silent' },
    log: createLogger('silent'),
    metrics: createMetrics(),
    readiness: { database: async () => undefined, redis: async () => undefined },
    webhook: { path: PATH, handler: webhookHandler(hooked.bot, SECRET) },
  });
  const post = (update: Update) =>
    app.request(PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
    });
  const ann = polling.client({ id: options.base + 1, first_name: 'Ann', language_code: 'en' });
  const ivan = polling.client({ id: options.base + 2, first_name: 'Иван', language_code: 'ru' });
  const told = (chatId: number, text: string) => telegram.textsTo(chatId).filter((t) => t.includes(text)).length;

  await ann.sendCommand('start');
  const menu = telegram.chat(ann.chatId).at(-1);
  expect(menu?.reply_markup?.inline_keyboard?.length).toBeGreaterThan(0);

  await options.server.down();
  try {
    // Messages: the notice once per chat per minute, in each user's language.
    await ann.sendText('hello');
    await ann.sendText('hello again');
    await ivan.sendText('привет');
    await ivan.sendCommand('menu');
    expect(told(ann.chatId, EN)).toBe(1);
    expect(told(ivan.chatId, RU)).toBe(1);
    expect(told(ann.chatId, RU) + told(ivan.chatId, EN)).toBe(0);

    // A pressed button: answered (the spinner stops), the notice as a toast, no chat message.
    const before = telegram.textsTo(ann.chatId).length;
    await ann.pressCallback(menu, menu?.reply_markup?.inline_keyboard?.[0]?.[0]?.callback_data ?? 'x');
    const answers = telegram.callsOf('answerCallbackQuery');
    expect(answers.at(-1)?.payload.text).toBe(`⏳ ${EN}`);
    expect(telegram.textsTo(ann.chatId)).toHaveLength(before);

    // Webhook: 503 with Retry-After, nothing answered, so Telegram delivers it again later.
    const webUser = options.base + 3;
    const update = startUpdate(webUser);
    const refused = await post(update);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await refused.json()).toEqual({ error: { code: 'service_unavailable', message: expect.any(String) } });
    expect(telegram.textsTo(webUser)).toEqual([]);

    await options.server.up();
    // Telegram redelivers until it gets a 200 (the first after a restart may still meet a dead connection).
    let redelivered = await post(update);
    for (let i = 0; i < 40 && redelivered.status === 503; i++) {
      await new Promise((r) => setTimeout(r, 250));
      redelivered = await post(update);
    }
    expect(redelivered.status).toBe(200);
    expect(telegram.textsTo(webUser)[0]).toContain('Welcome to <b>Gramdesk</b>');
    // …once: a further redelivery is a duplicate.
    expect((await post(update)).status).toBe(200);
    expect(telegram.textsTo(webUser).filter((t) => t.includes('Welcome'))).toHaveLength(1);

    // The polling bot answers as usual again (past the first start's time zone question).
    await ann.sendCommand('menu');
    await ann.sendText('hello');
    expect(ann.lastReply()).toContain("I'm not sure what you mean");
    expect(told(ann.chatId, EN)).toBe(1);
  } finally {
    await options.server.up();
  }
}

describe('the bot while a dependency is away', () => {
  it('PostgreSQL down: the notice once per chat, the toast, webhook 503 and the redelivery handled', async () => {
    await scenario({
      db: { orm: pg.orm } as TestDatabase,
      redis: sharedRedis,
      base: 660_000,
      server: toggle(
        () => pg.stop(),
        () => pg.start(),
      ),
    });
  }, 60_000);

  it('Redis down: the same', async () => {
    await scenario({
      db: sharedDb,
      redis: ownRedisClient,
      base: 661_000,
      server: toggle(
        () => ownRedis.stop(),
        () => ownRedis.start({ persistent: false }),
      ),
    });
  }, 60_000);
});

describe('UnavailableNotices', () => {
  it('lets a chat be told once per window, each chat on its own', () => {
    let now = 0;
    const notices = new UnavailableNotices(60_000, () => now);
    expect(notices.take(1)).toBe(true);
    expect(notices.take(1)).toBe(false);
    expect(notices.take(2)).toBe(true);
    now = 59_999;
    expect(notices.take(1)).toBe(false);
    now = 60_000;
    expect(notices.take(1)).toBe(true);
  });
});
