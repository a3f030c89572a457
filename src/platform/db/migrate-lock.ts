import { randomUUID } from 'node:crypto';
import type { Redis } from '../redis.js';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Runs `work` while holding a Redis lock, so that several processes starting at once
 * (api + worker replicas) apply migrations one after another instead of racing.
 */
export async function withStartupLock<T>(
  redis: Redis,
  key: string,
  work: () => Promise<T>,
  ttlMs = 120_000,
): Promise<T> {
  const token = randomUUID();
  const deadline = Date.now() + ttlMs;
  while ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') {
    if (Date.now() > deadline) throw new Error(`could not acquire the start-up lock ${key}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  try {
    return await work();
  } finally {
    await redis.eval(RELEASE, 1, key, token);
  }
}
