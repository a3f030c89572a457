import { afterAll, beforeAll } from 'vitest';
import type { Services } from '../../src/platform/services.js';
import { createTestBot, type TestBot } from './bot.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { FakeTelegram } from './fake-telegram.js';
import { createTestRedis, type TestRedis } from './redis.js';
import { createTestApi, createTestServices } from './services.js';

/** Everything a test file needs to drive the bot and the API over one database and Redis. */
export interface TestEnvironment {
  db: TestDatabase;
  redis: TestRedis;
  telegram: FakeTelegram;
  services: Services;
  app: ReturnType<typeof createTestApi>;
  bot: TestBot;
  /** A fresh EntityManager, for reading what was stored. */
  em(): ReturnType<TestDatabase['orm']['em']['fork']>;
}

/**
 * Registers beforeAll/afterAll hooks that build the environment for this file (its own database,
 * Redis prefix and fake Telegram) and tear it down. Read its fields inside tests, not at import.
 */
export function useTestEnvironment(env: Record<string, string> = {}): TestEnvironment {
  const environment = {} as TestEnvironment;
  beforeAll(async () => {
    environment.db = await createTestDatabase();
    environment.redis = await createTestRedis();
    environment.telegram = new FakeTelegram();
    environment.services = await createTestServices(environment.db, environment.redis, env, environment.telegram);
    environment.app = createTestApi(environment.services);
    environment.bot = createTestBot({
      db: environment.db,
      redis: environment.redis,
      telegram: environment.telegram,
      jobs: environment.services.jobs,
      chat: environment.services.chat,
      limiter: environment.services.limiter,
    });
    environment.em = () => environment.db.orm.em.fork();
  });
  afterAll(async () => {
    await environment.services?.jobs.close();
    await environment.redis?.close();
    await environment.db?.drop();
  });
  return environment;
}
