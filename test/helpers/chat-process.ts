/**
 * A separate API "process" for tests that must kill one without any cleanup (SIGKILL): the
 * full app with its chat gateway over the given database and Redis prefix. Run with tsx:
 *   tsx test/helpers/chat-process.ts '{"databaseUrl":…,"keyPrefix":…,"heartbeatMs":…,"presenceTtlMs":…}'
 * Prints "chat-process listening <port>" once it accepts connections.
 */

import { entities } from '../../src/entities.js';
import { createOrm } from '../../src/platform/db/orm.js';
import { createRedis } from '../../src/platform/redis.js';
import { startChatServer } from './chat.js';
import type { TestDatabase } from './db.js';
import { REDIS_URL } from './env.js';
import type { TestRedis } from './redis.js';
import { createTestServices } from './services.js';

const options = JSON.parse(process.argv[2] ?? '{}') as {
  databaseUrl: string;
  keyPrefix: string;
  heartbeatMs: number;
  presenceTtlMs: number;
};
const orm = await createOrm({ entities, databaseUrl: options.databaseUrl, pgliteDir: '', poolSize: 2 });
const redis = createRedis(REDIS_URL);
await redis.connect();
const services = await createTestServices(
  { orm } as TestDatabase,
  { redis, keyPrefix: options.keyPrefix } as TestRedis,
);
const server = await startChatServer(services, {
  heartbeatMs: options.heartbeatMs,
  presenceTtlMs: options.presenceTtlMs,
});
console.log(`chat-process listening ${server.http.port}`);
