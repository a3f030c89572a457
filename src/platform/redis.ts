import { Redis, type RedisOptions } from 'ioredis';

export type { Redis };

export class RedisUnavailableError extends Error {
  constructor(
    readonly target: string,
    readonly reason: unknown,
  ) {
    super(`Redis is not reachable at ${target}`);
    this.name = 'RedisUnavailableError';
  }
}

/** host:port/db of a redis:// URL, without credentials. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}${u.pathname.length > 1 ? u.pathname : ''}`;
  } catch {
    return 'REDIS_URL';
  }
}

export interface RedisFactoryOptions {
  /** BullMQ's blocking connections need `null` here; everything else fails fast. */
  maxRetriesPerRequest?: number | null;
  connectionName?: string;
  /**
   * For the connections requests and producers use (issue 18): while Redis is away a command fails
   * at once instead of waiting in ioredis's offline queue (which would also run it later, after
   * the caller was told it failed — a job added twice when the client retries), and one that gets
   * no answer within REDIS_COMMAND_TIMEOUT_MS fails too; the request answers 503. Not for blocking
   * connections (BullMQ workers, subscribers), whose commands wait on purpose.
   */
  failFast?: boolean;
}

/** How long a fail-fast connection waits for an answer (see RedisFactoryOptions.failFast). */
export const REDIS_COMMAND_TIMEOUT_MS = 2_500;

/**
 * The one place Redis connections are made. Connections are lazy so the caller decides when
 * to connect (and learns immediately if Redis is down, see `connectRedis`).
 */
export function createRedis(url: string, options: RedisFactoryOptions = {}): Redis {
  const redisOptions: RedisOptions = {
    lazyConnect: true,
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 3 : options.maxRetriesPerRequest,
    connectionName: options.connectionName ?? 'gramdesk',
    enableAutoPipelining: true,
    ...(options.failFast ? { enableOfflineQueue: false, commandTimeout: REDIS_COMMAND_TIMEOUT_MS } : {}),
    // Reconnect forever with a capped backoff: a Redis restart must not kill the app.
    // Capped at 2 s so every connection is back soon after Redis is (issue 18).
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  };
  return new Redis(url, redisOptions);
}

/** Connects and pings once; throws RedisUnavailableError with the target if that fails. */
export async function connectRedis(redis: Redis, url: string, timeoutMs = 5_000): Promise<void> {
  try {
    await withTimeout(
      (async () => {
        if (redis.status === 'wait') await redis.connect();
        await redis.ping();
      })(),
      timeoutMs,
    );
  } catch (err) {
    redis.disconnect();
    throw new RedisUnavailableError(describeRedisUrl(url), err);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
