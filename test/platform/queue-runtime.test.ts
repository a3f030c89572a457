import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logger.js';
import { JobRuntime } from '../../src/platform/queue/runtime.js';
import { createRedis } from '../../src/platform/redis.js';
import { useTestEnvironment } from '../helpers/environment.js';

// The runtime under test is built here; the environment gives the Redis and a key prefix it cleans up.
const env = useTestEnvironment({ services: false });
const prefix = () => `${env.redis.keyPrefix}bull`;

describe('JobRuntime (BullMQ wiring)', () => {
  it('runs a job from a queue in a worker and closes every connection it opened', async () => {
    const runtime = new JobRuntime(env.redisUrl, createLogger('silent'), prefix());
    const done = new Promise<{ doubled: number }>((resolve) => {
      const worker = runtime.worker<{ n: number }, { doubled: number }>('echo', async (job) => ({
        doubled: job.data.n * 2,
      }));
      worker.on('completed', (_job, result) => resolve(result));
    });
    await runtime.queue<{ n: number }>('echo').add('double', { n: 21 });
    expect(await done).toEqual({ doubled: 42 });

    const before = await clientNames();
    expect(before.filter((n) => n.startsWith('gramdesk:')).length).toBeGreaterThanOrEqual(2);
    await runtime.close();
    const after = await clientNames();
    expect(after.filter((n) => n === 'gramdesk:producer' || n === 'gramdesk:worker:echo').length).toBeLessThan(
      before.filter((n) => n === 'gramdesk:producer' || n === 'gramdesk:worker:echo').length,
    );
  });

  it('a job that throws is retried according to its options and then reported failed', async () => {
    const runtime = new JobRuntime(env.redisUrl, createLogger('silent'), prefix());
    let attempts = 0;
    const failed = new Promise<number>((resolve) => {
      const worker = runtime.worker('flaky', async () => {
        attempts += 1;
        throw new Error('boom');
      });
      worker.on('failed', (job) => {
        if (job && job.attemptsMade >= 2) resolve(job.attemptsMade);
      });
    });
    await runtime.queue('flaky').add('x', {}, { attempts: 2, backoff: { type: 'fixed', delay: 10 } });
    expect(await failed).toBe(2);
    expect(attempts).toBe(2);
    await runtime.close();
  });
});

async function clientNames(): Promise<string[]> {
  const redis = createRedis(env.redisUrl);
  const list = String(await redis.client('LIST'));
  await redis.quit();
  return [...list.matchAll(/name=(\S*)/g)].map((m) => m[1] ?? '');
}
