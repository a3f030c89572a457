import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entities } from '../../src/entities.js';
import { createOrm, migrate, type Orm } from '../../src/platform/db/orm.js';
import { freePort } from './program.js';

/**
 * A PostgreSQL cluster of a test's own (initdb in a temp folder, run as the postgres user, on a
 * free port), to stop and start under traffic (issue 18) — never the machine's shared server.
 * The same recipe as test/platform/database-outage.test.ts.
 */
const BIN = '/usr/lib/postgresql/15/bin';

const asPostgres = (command: string) =>
  execFileSync('su', ['postgres', '-c', command], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }).toString();

export interface ThrowawayPostgres {
  /** A migrated `gramdesk` database on the cluster. */
  orm: Orm;
  /** Its URL (for a program started against it). */
  url: string;
  start(): void;
  stop(): void;
  close(): Promise<void>;
}

export async function createThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'gd-pg-'));
  chownSync(
    dir,
    Number(execFileSync('id', ['-u', 'postgres']).toString()),
    Number(execFileSync('id', ['-g', 'postgres']).toString()),
  );
  const port = await freePort();
  const start = () =>
    void asPostgres(
      `${BIN}/pg_ctl -D ${dir}/data -o "-p ${port} -k ${dir} -c listen_addresses=127.0.0.1" -l ${dir}/log -w start`,
    );
  const stop = () => void asPostgres(`${BIN}/pg_ctl -D ${dir}/data -m fast -w stop`);
  asPostgres(`${BIN}/initdb -D ${dir}/data -A trust -U postgres --no-sync`);
  start();
  const admin = await createOrm({
    entities,
    databaseUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    pgliteDir: '',
  });
  await admin.em.fork().getConnection().execute('create database gramdesk');
  await admin.close(true);
  const url = `postgres://postgres@127.0.0.1:${port}/gramdesk`;
  const orm = await createOrm({
    entities,
    databaseUrl: url,
    pgliteDir: '',
    poolSize: 4,
  });
  await migrate(orm);
  return {
    orm,
    url,
    start,
    stop,
    async close() {
      await orm.close(true).catch(() => undefined);
      try {
        stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
