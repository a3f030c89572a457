import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, rmSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import type { Logger } from './logger.js';
import { connectRedis, createRedis, describeRedisUrl } from './redis.js';

/**
 * Redis without setup (SPEC §1): when REDIS_URL is not set and nothing answers at the default
 * address, but a `redis-server` binary is installed, the product runs its own Redis as a child
 * process — data under ./data/redis, reachable only through a unix socket there — and stops it
 * when it exits.
 */

export class RedisNotInstalledError extends Error {
  constructor(readonly target: string) {
    super(`Redis is not reachable at ${target} and no redis-server is installed`);
    this.name = 'RedisNotInstalledError';
  }
}

export interface OwnRedis {
  /** What to connect to: the unix socket path (ioredis and BullMQ take it as the URL). */
  url: string;
  pid: number | undefined;
  /** SIGTERM, then waits for the exit (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
}

/** The redis-server binary on PATH, or undefined. */
export function findRedisServer(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Whether a Redis answers PING at `url` within a short time. */
export async function redisAnswers(url: string, timeoutMs = 1_500): Promise<boolean> {
  const probe = createRedis(url, { connectionName: 'gramdesk:probe' });
  probe.on('error', () => {});
  try {
    await connectRedis(probe, url, timeoutMs);
    await probe.quit().catch(() => probe.disconnect());
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `redis-server` with its data in `dataDir` and a unix socket there (no TCP port), and
 * resolves once it answers. The child is killed if this process exits in any way it can notice.
 */
export async function startOwnRedis(options: { dataDir: string; log: Logger; binary?: string }): Promise<OwnRedis> {
  const binary = options.binary ?? findRedisServer();
  if (!binary) throw new RedisNotInstalledError('127.0.0.1:6379');
  const dir = resolve(options.dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const socket = join(dir, 'redis.sock');
  if (existsSync(socket)) rmSync(socket, { force: true }); // left by a killed run
  const child: ChildProcess = spawn(
    binary,
    [
      '--port',
      '0',
      '--unixsocket',
      socket,
      '--unixsocketperm',
      '700',
      '--dir',
      dir,
      '--save',
      '60 1',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--logfile',
      '',
      '--loglevel',
      'warning',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  // Crash paths: an uncaught error or process.exit() still runs 'exit' handlers; kill is synchronous.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);

  const stop = async (timeoutMs = 5_000) => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
    options.log.info('own redis-server stopped');
  };

  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      process.off('exit', killOnExit);
      throw new Error(`redis-server exited at start: ${output.trim() || `code ${child.exitCode}`}`);
    }
    if (existsSync(socket) && (await redisAnswers(socket, 1_000))) break;
    if (Date.now() - started > 10_000) {
      await stop();
      throw new Error(`redis-server did not answer within 10 s: ${output.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  options.log.info(
    { pid: child.pid, dataDir: dir },
    'started own redis-server (REDIS_URL not set, nothing at the default address)',
  );
  return { url: socket, pid: child.pid, stop };
}

/**
 * The Redis the product will use: REDIS_URL when set; otherwise the default address if something
 * answers there, else a redis-server of its own (undefined `own` when none was started).
 */
export async function resolveRedis(options: {
  redisUrl: string;
  defaulted: boolean;
  dataDir: string;
  log: Logger;
}): Promise<{ url: string; own: OwnRedis | undefined }> {
  if (!options.defaulted || (await redisAnswers(options.redisUrl))) return { url: options.redisUrl, own: undefined };
  const binary = findRedisServer();
  if (!binary) throw new RedisNotInstalledError(describeRedisUrl(options.redisUrl));
  const own = await startOwnRedis({ dataDir: options.dataDir, log: options.log, binary });
  return { url: own.url, own };
}
