import { execFileSync } from 'node:child_process';
import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, startE2eApp, startProgram } from '../helpers/program.js';

/** With a BOT_TOKEN there is no sandbox; without REDIS_URL and Redis, the product runs its own. */

describe('sandbox modes', () => {
  it('with a BOT_TOKEN nothing of the sandbox is reachable (404)', async () => {
    const app = await startE2eApp(14);
    try {
      for (const path of ['/sandbox', '/sandbox/api/state', '/sandbox/assets/app.js', '/sandbox/api/chats/100001']) {
        expect((await fetch(`${app.api}${path}`)).status, path).toBe(404);
      }
      expect(app.program.output()).not.toContain('Sandbox mode');
    } finally {
      await app.close();
    }
  }, 120_000);

  it('SANDBOX_PUBLIC with a BOT_TOKEN is a configuration error', async () => {
    const program = startProgram({ BOT_TOKEN: '7000000001:E2E-token', SANDBOX_PUBLIC: 'true' });
    expect(await program.exited).toBe(1);
    expect(program.output()).toContain('Configuration error: SANDBOX_PUBLIC: there is no sandbox with a BOT_TOKEN');
  }, 60_000);
});

const pidsOf = (name: string) => {
  try {
    return execFileSync('pgrep', ['-x', name], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

const workingDirOf = (pid: number) => {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return '';
  }
};

describe('Redis without setup', () => {
  it('no REDIS_URL and nothing at the default address: its own redis-server under ./data/redis, /ready, stopped on exit', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'gramdesk-redis-'));
    const port = await freePort();
    const before = new Set(pidsOf('redis-server'));
    const program = startProgram(
      {
        // Nothing answers here: it stands for a machine where Redis is installed but not running.
        REDIS_TEST_DEFAULT_URL: `redis://127.0.0.1:${await freePort()}`,
        PORT: String(port),
        HOST: '127.0.0.1',
      },
      { cwd },
    );
    try {
      await program.waitForOutput(/Open http:\/\/\S+\/sandbox/, 90_000);
      expect(program.output()).toContain('started own redis-server');
      // Other test files start throwaway redis-servers of their own meanwhile: the program's is the
      // new one working in its data folder (Redis changes into its --dir).
      const own = pidsOf('redis-server').filter((pid) => !before.has(pid) && workingDirOf(pid).startsWith(cwd));
      expect(own).toHaveLength(1);
      // Probed as an orchestrator does, again until it answers ready: on a loaded machine the start-up's
      // last work (the embedded database) can hold the loop past one probe's 2 s timeout.
      let ready: unknown;
      for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
        ready = await (await fetch(`http://127.0.0.1:${port}/ready`)).json();
        if ((ready as { status?: string }).status === 'ready') break;
      }
      expect(ready).toMatchObject({ status: 'ready' });
      expect(await program.stop('SIGTERM')).toBe(0);
      expect(pidsOf('redis-server').filter((pid) => own.includes(pid))).toEqual([]);
    } finally {
      await program.stop('SIGKILL');
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 120_000);
});
