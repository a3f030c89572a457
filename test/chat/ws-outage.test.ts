import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SigningKeys } from '../../src/platform/auth/keys.js';
import { createLogger } from '../../src/platform/logger.js';
import { createMetrics } from '../../src/platform/metrics.js';
import { createRedis, type Redis } from '../../src/platform/redis.js';
import type { Services } from '../../src/platform/services.js';
import { createServices } from '../../src/services.js';
import { createAccount } from '../helpers/accounts.js';
import { type ChatServer, startChatServer, WsClient } from '../helpers/chat.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { FakeBotApi } from '../helpers/fake-bot-api.js';
import { testConfig } from '../helpers/services.js';
import { createThrowawayRedis, type ThrowawayRedis } from '../helpers/throwaway-redis.js';

/**
 * Issue 18 for the WebSocket: Redis stops under an open socket and comes back (empty). Each frame
 * sent meanwhile is answered `service_unavailable` with `retryAfter`, as HTTP answers 503 — it was
 * `internal_error` ("something went wrong on our side") and an error line per frame, and the
 * heartbeat logged a warning per beat — and the outage is the one line in the log; once Redis is
 * back the same socket works again, without reconnecting. The Redis that is stopped is a
 * throwaway server of this file's own.
 */
let db: TestDatabase;
let ownRedis: ThrowawayRedis;
let redis: Redis;
let services: Services;
let server: ChatServer;
const metrics = createMetrics();
const logged: Array<{ level: number; msg: string }> = [];

beforeAll(async () => {
  [db, ownRedis] = await Promise.all([createTestDatabase(), createThrowawayRedis()]);
  await ownRedis.start({ persistent: false });
  const config = testConfig({ REDIS_URL: ownRedis.url });
  const log = createLogger('info', {
    destination: { write: (line: string) => void logged.push(JSON.parse(line) as { level: number; msg: string }) },
  });
  redis = createRedis(ownRedis.url, { failFast: true });
  await redis.connect();
  services = createServices({
    config,
    log,
    orm: db.orm,
    redis,
    keys: await SigningKeys.load(() => db.orm.em.fork(), config.jwtPrivateKey),
    keyPrefix: 'gdtest:ws-outage:',
    fetch: new FakeBotApi().fetch,
    metrics,
  });
  // As the program does (app.ts): the main connection's errors are signs of an outage.
  redis.on('error', (err) => services.outages.redisConnectionError(err, 'main'));
  // A quick heartbeat, so the outage spans several presence refreshes.
  server = await startChatServer(services, { heartbeatMs: 200 });
}, 120_000);

afterAll(async () => {
  await server?.close();
  services?.outages.close();
  await services?.jobs.close();
  redis?.disconnect();
  await Promise.allSettled([ownRedis?.close(), db?.drop()]);
}, 60_000);

const until = async (what: string, check: () => boolean) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

describe('a WebSocket while Redis is away', () => {
  it('answers service_unavailable with retryAfter, logs the outage once, and works again once Redis is back', async () => {
    const { token } = await createAccount(services, { username: 'ws_outage', firstName: 'Wes' });
    const ws = await WsClient.connect(server.wsUrl, token);
    ws.send({ type: 'join', ref: 'before' });
    await ws.next((f) => f.type === 'joined' && f.ref === 'before');

    await ownRedis.stop();
    await until('the outage', () => services.outages.isDown('redis'));
    for (const n of [1, 2, 3]) {
      ws.send({ type: 'room', text: `During ${n}` });
      // Refused before the frame is read (its rate is counted in Redis), so without its ref.
      expect(await ws.next()).toEqual({
        type: 'error',
        code: 'service_unavailable',
        message: 'The service is temporarily unavailable; retry later',
        details: { retryAfter: 5 },
      });
    }
    // A few heartbeats while Redis is away.
    await new Promise((r) => setTimeout(r, 1_000));

    await ownRedis.start({ persistent: false });
    await until('Redis to be back', () => !services.outages.isDown('redis'));
    // The same socket, without reconnecting: the room frame joins (Redis forgot the membership) and is echoed.
    ws.send({ type: 'room', text: 'After', ref: 'after' });
    expect(await ws.next((f) => f.ref === 'after', 10_000)).toMatchObject({ type: 'room', text: 'After' });

    expect(logged.filter((line) => line.level >= 40).map((line) => line.msg)).toEqual([
      expect.stringMatching(/^Redis unreachable/),
    ]);
    const { body } = await metrics.render();
    expect(body).toMatch(/dependency_unavailable_answers_total\{dependency="redis",surface="websocket"\} 3/);
    await ws.close();
  }, 60_000);
});
