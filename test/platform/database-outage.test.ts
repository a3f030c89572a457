import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entities } from '../../src/entities.js';
import { createOrm, migrate, type Orm } from '../../src/platform/db/orm.js';
import { createApi } from '../../src/platform/http/app.js';
import { createLogger } from '../../src/platform/logger.js';
import { createMetrics } from '../../src/platform/metrics.js';
import type { Services } from '../../src/platform/services.js';
import { apiRoutes } from '../../src/routes.js';
import { createAccount } from '../helpers/accounts.js';
import { FakeBotApi } from '../helpers/fake-bot-api.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';
import { apiRequest, createTestServices } from '../helpers/services.js';

/**
 * Issue 18, point 2: while PostgreSQL is unreachable, the API answers 503 service_unavailable with
 * Retry-After in the one error shape (never 500), logs it once per outage, and recovers. The
 * database that is stopped is a throwaway cluster of this file's own (initdb in a temp folder, run
 * as the postgres user, on a free port) — never the machine's shared server.
 */
const BIN = '/usr/lib/postgresql/15/bin';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const asPostgres = (command: string) =>
  execFileSync('su', ['postgres', '-c', command], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }).toString();

let dir = '';
let port = 0;
const pgCtl = (action: 'start' | 'stop') =>
  asPostgres(
    action === 'start'
      ? `${BIN}/pg_ctl -D ${dir}/data -o "-p ${port} -k ${dir} -c listen_addresses=127.0.0.1" -l ${dir}/log -w start`
      : `${BIN}/pg_ctl -D ${dir}/data -m fast -w stop`,
  );

let orm: Orm | undefined;
let redis: TestRedis | undefined;
let services: Services | undefined;
let app: ReturnType<typeof createApi>;
const logged: Array<{ level: number; msg: string }> = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gd-pg-outage-'));
  chownSync(
    dir,
    Number(execFileSync('id', ['-u', 'postgres']).toString()),
    Number(execFileSync('id', ['-g', 'postgres']).toString()),
  );
  port = await freePort();
  asPostgres(`${BIN}/initdb -D ${dir}/data -A trust -U postgres --no-sync`);
  pgCtl('start');
  const admin = await createOrm({
    entities,
    databaseUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    pgliteDir: '',
  });
  await admin.em.fork().getConnection().execute('create database gramdesk');
  await admin.close(true);
  orm = await createOrm({
    entities,
    databaseUrl: `postgres://postgres@127.0.0.1:${port}/gramdesk`,
    pgliteDir: '',
    poolSize: 4,
  });
  await migrate(orm);
  redis = await createTestRedis();
  services = await createTestServices({ orm } as Parameters<typeof createTestServices>[0], redis, {}, new FakeBotApi());
  const log = createLogger('info', {
    destination: { write: (line: string) => void logged.push(JSON.parse(line) as { level: number; msg: string }) },
  });
  app = createApi({
    config: services.config,
    log,
    metrics: createMetrics(),
    orm,
    readiness: { database: async () => undefined, redis: async () => undefined },
    routes: apiRoutes(services),
  });
}, 120_000);

afterAll(async () => {
  await services?.jobs.close();
  await orm?.close(true).catch(() => undefined);
  await redis?.close();
  if (dir) {
    try {
      pgCtl('stop');
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

describe('PostgreSQL down → 503 with Retry-After, then back', () => {
  it('answers 503 service_unavailable during the outage, logs it once, and serves again after', async () => {
    const { token } = await createAccount(services as Services, { firstName: 'Pat', telegramId: 650_001 });
    const before = await apiRequest(app, 'GET', '/tasks', { token });
    expect(before.status).toBe(200);

    pgCtl('stop');
    const during = [];
    for (let i = 0; i < 5; i++) during.push(await apiRequest(app, 'GET', '/tasks', { token }));
    during.push(await apiRequest(app, 'POST', '/tasks', { token, json: { title: 'While down' } }));
    // A route whose first statement opens a transaction (the refresh token's use): the pool's
    // connect error, raised while BEGIN is sent, is an outage too (it was a 500).
    during.push(await apiRequest(app, 'POST', '/auth/refresh', { json: { refresh_token: 'r'.repeat(43) } }));
    for (const res of during) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(res.body).toEqual({
        error: { code: 'service_unavailable', message: expect.any(String) },
      });
    }
    const errors = logged.filter((line) => line.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.msg).toMatch(/PostgreSQL unreachable/);

    pgCtl('start');
    let after = await apiRequest(app, 'GET', '/tasks', { token });
    // The pool may hand out one connection that died with the old server: that is a 503 too.
    for (let i = 0; i < 20 && after.status !== 200; i++) {
      expect(after.status).toBe(503);
      await new Promise((resolve) => setTimeout(resolve, 250));
      after = await apiRequest(app, 'GET', '/tasks', { token });
    }
    expect(after.status).toBe(200);
    const created = await apiRequest(app, 'POST', '/tasks', { token, json: { title: 'After' } });
    expect(created.status).toBe(201);
    expect(logged.filter((line) => line.level >= 50)).toHaveLength(1);
  }, 120_000);
});
