import { loadConfig } from '../src/config.js';
import { entities } from '../src/entities.js';
import { SigningKeys } from '../src/platform/auth/keys.js';
import { createOrm } from '../src/platform/db/orm.js';
import { createLogger } from '../src/platform/logger.js';
import type { RateLimiter } from '../src/platform/rate-limit.js';
import { connectRedis, createRedis } from '../src/platform/redis.js';
import type { Services } from '../src/platform/services.js';
import { createServices } from '../src/services.js';
import { TEST_BOT_INFO } from '../test/helpers/fake-bot-api.js';
import type { BenchEnv } from './harness.js';

/**
 * Services as the program builds them, over the bench database and Redis prefix, with a quiet
 * logger and a counter of SQL statements. `close()` releases every connection.
 */
export async function openBenchServices(
  env: BenchEnv,
  counter: { sql: number },
  options: { name: string; limiter?: (services: Pick<Services, 'redis' | 'keyPrefix'>) => RateLimiter },
): Promise<{ services: Services; close(): Promise<void> }> {
  const config = loadConfig({
    BOT_TOKEN: `${TEST_BOT_INFO.id}:BENCH-token`,
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    TELEGRAM_API_ROOT: 'http://telegram.invalid',
    LOG_LEVEL: 'info',
  });
  const log = createLogger('info', { destination: { write: () => undefined } });
  const orm = await createOrm({
    entities,
    databaseUrl: env.databaseUrl,
    pgliteDir: '',
    onQuery: () => {
      counter.sql++;
    },
    // BENCH_STATEMENT_LANES=0 sends the hot statements through the pool, as before the lanes.
    ...(process.env.BENCH_STATEMENT_LANES ? { statementLanes: Number(process.env.BENCH_STATEMENT_LANES) } : {}),
  });
  const redis = createRedis(env.redisUrl, { connectionName: `gramdesk:bench-${options.name}` });
  await connectRedis(redis, env.redisUrl);
  const keys = await SigningKeys.load(() => orm.em.fork(), config.jwtPrivateKey);
  const services = createServices({
    config,
    log,
    orm,
    redis,
    keys,
    keyPrefix: env.keyPrefix,
    botInfo: TEST_BOT_INFO,
    ...(options.limiter ? { limiter: options.limiter({ redis, keyPrefix: env.keyPrefix }) } : {}),
  });
  return {
    services,
    async close() {
      await services.jobs.close();
      await redis.quit().catch(() => redis.disconnect());
      await orm.close(true);
    },
  };
}
