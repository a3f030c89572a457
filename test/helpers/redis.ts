import { createRedis, type Redis } from '../../src/platform/redis.js';
import { REDIS_URL, uniqueSuffix } from './env.js';

export interface TestRedis {
  redis: Redis;
  /** Every key this test file writes starts with it, so files never see each other's data. */
  keyPrefix: string;
  keys(): Promise<string[]>;
  close(): Promise<void>;
}

export async function createTestRedis(): Promise<TestRedis> {
  const redis = createRedis(REDIS_URL);
  await redis.connect();
  const keyPrefix = `gdtest:${uniqueSuffix()}:`;
  const keys = async () => {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
      cursor = next;
      found.push(...batch);
    } while (cursor !== '0');
    return found;
  };
  return {
    redis,
    keyPrefix,
    keys,
    async close() {
      const all = await keys();
      if (all.length) await redis.del(...all);
      await redis.quit();
    },
  };
}
