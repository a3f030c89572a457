import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRedisServer, redisAnswers } from '../../src/platform/redis-server.js';
import { freePort } from './program.js';

/**
 * A redis-server of a test's own on a free loopback port, to stop and start under traffic
 * (issue 18) — never the machine's shared Redis. `persistent`: append-only file, fsync on every
 * write, so a restart keeps everything; otherwise nothing is kept (`--save '' --appendonly no`)
 * and a restart comes back empty.
 */
export interface ThrowawayRedis {
  url: string;
  port: number;
  /** Starts it (again), with or without persistence; resolves once it answers PING. */
  start(options: { persistent: boolean }): Promise<void>;
  /** SIGTERM and wait for the exit (the append-only file is flushed first). */
  stop(): Promise<void>;
  /** Stops it and removes its folders. */
  close(): Promise<void>;
}

export async function createThrowawayRedis(): Promise<ThrowawayRedis> {
  const binary = findRedisServer();
  if (!binary) throw new Error('redis-server is not installed');
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const dirs: string[] = [];
  let aofDir: string | undefined;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const stop = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };

  return {
    url,
    port,
    async start({ persistent }) {
      await stop();
      // A persistent server reuses its folder (its append-only file); an empty one gets a fresh one.
      let dir = persistent ? aofDir : undefined;
      if (!dir) {
        dir = mkdtempSync(join(tmpdir(), 'gd-redis-'));
        dirs.push(dir);
        if (persistent) aofDir = dir;
      }
      const persistence = persistent
        ? ['--appendonly', 'yes', '--appendfsync', 'always', '--save', '']
        : ['--appendonly', 'no', '--save', ''];
      const started = spawn(
        binary,
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          dir,
          '--daemonize',
          'no',
          '--loglevel',
          'warning',
        ].concat(persistence),
        { stdio: 'ignore' },
      );
      child = started;
      exited = new Promise((resolve) => started.once('exit', () => resolve()));
      const since = Date.now();
      while (!(await redisAnswers(url, 500))) {
        if (started.exitCode !== null) throw new Error(`redis-server on ${port} exited at start`);
        if (Date.now() - since > 10_000) throw new Error(`redis-server on ${port} did not answer`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop,
    async close() {
      await stop();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}
