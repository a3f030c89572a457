import type { OpenAPIHono } from '@hono/zod-openapi';
import { afterAll, beforeAll } from 'vitest';
import type { ApiEnv } from '../../src/platform/http/context.js';
import type { Services } from '../../src/platform/services.js';
import { createTestBot, type TestBot, type TestBotOptions } from './bot.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { REDIS_URL } from './env.js';
import { FakeBotApi } from './fake-bot-api.js';
import { createTestRedis, type TestRedis } from './redis.js';
import { createTestApi, createTestServices } from './services.js';

export type { TestDatabase } from './db.js';
export type { TestRedis } from './redis.js';

type Route = (app: OpenAPIHono<ApiEnv>) => void;
type App = ReturnType<typeof createTestApi>;

export interface TestEnvironmentOptions {
  /**
   * Environment variables on top of the test defaults (what loadConfig reads); a function when
   * they are made asynchronously (keys), called once before the services are built.
   */
  env?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /**
   * false: only the database, Redis and the fake Bot API, for tests of what the services build
   * themselves (signing keys, the job runtime). Default true: services, API app and bot.
   */
  services?: boolean;
  /** Routes of the test's own, added to the full API app (e.g. a protected probe route). */
  routes?: (services: Services) => Route[];
  /** How the environment's bot is built (admins, webhook mode); env.newBot() builds others. */
  bot?: Pick<TestBotOptions, 'adminTelegramIds' | 'mode' | 'publicUrl'>;
}

/**
 * Everything a test file needs, over its own database (a copy of the migrated template), its own
 * Redis key prefix and the one fake Bot API (fake-bot-api.ts): the services main.ts builds, the
 * full API app for app.request(), and the real bot with `client()` users.
 */
export interface TestEnvironment {
  db: TestDatabase;
  redis: TestRedis;
  /** The Redis the tests use (JobRuntime and other clients of the test's own). */
  redisUrl: string;
  telegram: FakeBotApi;
  services: Services;
  app: App;
  bot: TestBot;
  /** A fresh EntityManager, for reading what was stored. */
  em(): ReturnType<TestDatabase['orm']['em']['fork']>;
  /**
   * Another bot over this database and Redis (a restart, another mode or admin list), on the
   * environment's jobs, chat delivery and limiter; with a fake Bot API of its own unless `telegram` is given.
   */
  newBot(options?: Omit<TestBotOptions, 'db' | 'redis'>): TestBot;
  /**
   * Another set of services over this database, Redis and fake Bot API (a second API process);
   * with the file's settings unless others are given (then only those, on the test defaults).
   */
  newServices(env?: Record<string, string>): Promise<Services>;
  /** The full API app over other services (and routes of the test's own). */
  newApp(services: Services, routes?: Route[]): App;
  /** Tears everything down (useTestEnvironment does it in afterAll). */
  close(): Promise<void>;
}

/**
 * Builds a test environment now (for helpers that set up a file's fixtures themselves);
 * test files use useTestEnvironment, which builds it in beforeAll and closes it in afterAll.
 */
export async function openTestEnvironment(options: TestEnvironmentOptions = {}): Promise<TestEnvironment> {
  const environment = {} as TestEnvironment;
  await build(environment, options);
  return environment;
}

/**
 * Registers beforeAll/afterAll hooks that build the environment for this file and tear it down.
 * Read its fields inside hooks and tests, not at import.
 */
export function useTestEnvironment(options: TestEnvironmentOptions = {}): TestEnvironment {
  const environment = {} as TestEnvironment;
  beforeAll(() => build(environment, options));
  afterAll(() => environment.close?.());
  return environment;
}

async function build(environment: TestEnvironment, options: TestEnvironmentOptions): Promise<void> {
  const opened: Services[] = [];
  let db: TestDatabase | undefined;
  let redis: TestRedis | undefined;
  environment.close = async () => {
    for (const services of opened) await services.jobs.close();
    await redis?.close();
    await db?.drop();
  };
  db = await createTestDatabase();
  redis = await createTestRedis();
  const telegram = new FakeBotApi();
  const env = typeof options.env === 'function' ? await options.env() : (options.env ?? {});
  Object.assign(environment, {
    db,
    redis,
    redisUrl: REDIS_URL,
    telegram,
    em: () => (db as TestDatabase).orm.em.fork(),
    async newServices(settings: Record<string, string> = env) {
      const services = await createTestServices(db as TestDatabase, redis as TestRedis, settings, telegram);
      opened.push(services);
      return services;
    },
    newApp(services: Services, routes: Route[] = []) {
      return createTestApi(services, routes);
    },
    newBot(botOptions: Omit<TestBotOptions, 'db' | 'redis'> = {}) {
      const services = environment.services as Services | undefined;
      return createTestBot({
        db: db as TestDatabase,
        redis: redis as TestRedis,
        ...(services
          ? { jobs: services.jobs, chat: services.chat, limiter: services.limiter, taskEffects: services.taskEffects }
          : {}),
        ...botOptions,
      });
    },
  } satisfies Partial<TestEnvironment>);
  if (options.services === false) return;
  environment.services = await environment.newServices();
  environment.app = createTestApi(environment.services, options.routes?.(environment.services) ?? []);
  environment.bot = environment.newBot({ telegram, ...options.bot });
}
