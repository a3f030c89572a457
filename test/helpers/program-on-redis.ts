import { entities } from '../../src/entities.js';
import { createOrm, type Orm } from '../../src/platform/db/orm.js';
import { createEmptyDatabase } from './db.js';
import { FakeBotApi } from './fake-bot-api.js';
import { freePort, type RunningProgram, startProgram } from './program.js';
import { createThrowawayRedis, type ThrowawayRedis } from './throwaway-redis.js';

/**
 * The real program (all roles) on a throwaway Redis of its own, which the test may stop, wipe and
 * start again, with an empty database and the Bot API stand-in: the harness of the Redis outage tests.
 */
export interface ProgramOnRedis {
  redis: ThrowawayRedis;
  telegram: FakeBotApi;
  program: RunningProgram;
  /** The program's database, for the test's own reads and set-up. */
  orm: Orm;
  /** The program's HTTP address. */
  api: string;
  /** The program's JSON log lines so far. */
  logLines(): Array<{ level: number; msg: string; dependency?: string; reason?: string }>;
  /** Polls `check` until it holds; on time-out the error carries the program's last output. */
  until(what: string, check: () => Promise<boolean> | boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startProgramOnRedis(options: {
  /** Whether the Redis keeps its data across a restart. */
  persistent: boolean;
  env?: Record<string, string>;
}): Promise<ProgramOnRedis> {
  const redis = await createThrowawayRedis();
  await redis.start({ persistent: options.persistent });
  const db = await createEmptyDatabase();
  const telegram = new FakeBotApi();
  const port = await freePort();
  const program = startProgram({
    BOT_TOKEN: '7000000001:E2E-redis_token',
    TELEGRAM_API_ROOT: await telegram.listen(),
    REDIS_URL: redis.url,
    DATABASE_URL: db.url,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...options.env,
  });
  await program.waitForOutput(/gramdesk started/, 90_000);
  const orm = await createOrm({ entities, databaseUrl: db.url, pgliteDir: '' });
  return {
    redis,
    telegram,
    program,
    orm,
    api: `http://127.0.0.1:${port}`,
    logLines: () =>
      program
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line)),
    async until(what, check, timeoutMs = 20_000) {
      const started = Date.now();
      while (!(await check())) {
        if (Date.now() - started > timeoutMs)
          throw new Error(`timed out waiting for ${what}\n${program.output().slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      await program.stop('SIGTERM');
      await orm.close(true);
      await telegram.close();
      await redis.close();
      await db.drop();
    },
  };
}
