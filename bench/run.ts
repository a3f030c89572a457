/**
 * `npm run bench [-- filter...]`: runs the benchmarks in BENCHMARKS (all, or those whose name
 * contains a filter), prints each one's tables and writes bench/results/<name>.json.
 *
 * The run gets its own database (`gd_bench_<suffix>`, created from DATABASE_URL's server and
 * migrated) and Redis key prefix; both are removed at the end, also after a failure or Ctrl-C.
 * Figures are reported, never asserted: a slow run still exits 0.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { entities } from '../src/entities.js';
import { createOrm, migrate } from '../src/platform/db/orm.js';
import { connectRedis, createRedis } from '../src/platform/redis.js';
import { argon2Bench } from './argon2.js';
import { botTasks } from './bot-tasks.js';
import { botUpdates } from './bot-updates.js';
import { chatWs } from './chat-ws.js';
import type { BenchEnv, Benchmark } from './harness.js';
import { mailingsBench } from './mailings.js';
import { soak } from './soak/soak.js';
import { tasksApi } from './tasks-api.js';

/** Add new benchmarks (API, WebSocket, mailings, ...) here; they run in this order. */
const BENCHMARKS: Benchmark[] = [botUpdates, argon2Bench, tasksApi, botTasks, chatWs, mailingsBench, soak];

const ADMIN_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const RESULTS_DIR = join(BENCH_DIR, 'results');
/** Where MikroORM's migrator writes `.snapshot-<database>.json` after migrating a database. */
const MIGRATIONS_DIR = join(BENCH_DIR, '..', 'migrations');

async function main(): Promise<number> {
  const filters = process.argv.slice(2).filter((a) => a !== '--');
  const selected = filters.length ? BENCHMARKS.filter((b) => filters.some((f) => b.name.includes(f))) : BENCHMARKS;
  if (selected.length === 0) {
    console.error(`No benchmark matches ${filters.join(', ')}. Available: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
    return 2;
  }

  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const machine = {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
  };
  console.log(`Gramdesk benchmarks: ${selected.map((b) => b.name).join(', ')}`);
  console.log(`node ${machine.node}, ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB\n`);

  const env = await prepare(suffix);
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: cleaning up…`);
    void env.cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let failed = 0;
  try {
    mkdirSync(RESULTS_DIR, { recursive: true });
    for (const benchmark of selected) {
      console.log(`## ${benchmark.name}: ${benchmark.title}\n`);
      const started = Date.now();
      try {
        const result = await benchmark.run({ ...env.bench, keyPrefix: `${env.bench.keyPrefix}${benchmark.name}:` });
        console.log(result.report.join('\n\n'));
        const file = join(RESULTS_DIR, `${benchmark.name}.json`);
        const record = {
          name: benchmark.name,
          title: benchmark.title,
          finishedAt: new Date().toISOString(),
          durationMs: Date.now() - started,
          machine,
          ...result.data,
        };
        writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
        console.log(`\n(${((Date.now() - started) / 1000).toFixed(1)} s; results in ${file})\n`);
      } catch (err) {
        failed++;
        console.error(`benchmark ${benchmark.name} failed:`, err);
      }
    }
  } finally {
    await env.cleanup();
  }
  return failed ? 1 : 0;
}

/** Creates and migrates the run's database and connects to Redis; `cleanup` undoes both. */
async function prepare(suffix: string) {
  const databaseName = `gd_bench_${suffix}`;
  const keyPrefix = `gdbench:${suffix}:`;
  const admin = async (sql: string) => {
    const orm = await createOrm({ entities, databaseUrl: ADMIN_DATABASE_URL, pgliteDir: '' });
    try {
      await orm.em.fork().getConnection().execute(sql);
    } finally {
      await orm.close(true);
    }
  };
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${databaseName}`;
  const databaseUrl = url.toString();

  // migrate() leaves a schema snapshot named after the database in migrations/; it is ours to remove.
  const snapshotFile = join(MIGRATIONS_DIR, `.snapshot-${databaseName}.json`);
  const snapshotExisted = existsSync(snapshotFile);
  await admin(`create database "${databaseName}"`);
  const redis = createRedis(REDIS_URL, { connectionName: 'gramdesk:bench-runner' });
  let cleaned: Promise<void> | undefined;
  const cleanup = () => {
    cleaned ??= (async () => {
      const deleted = await deleteKeys(redis, keyPrefix).catch((err: unknown) => {
        console.error(`could not delete Redis keys ${keyPrefix}*:`, err);
        return 0;
      });
      await redis.quit().catch(() => redis.disconnect());
      await admin(`drop database if exists "${databaseName}" with (force)`).catch((err: unknown) =>
        console.error(`could not drop database ${databaseName}:`, err),
      );
      if (!snapshotExisted) rmSync(snapshotFile, { force: true });
      console.log(`cleaned up: database ${databaseName} dropped, ${deleted} Redis keys ${keyPrefix}* deleted`);
    })();
    return cleaned;
  };
  try {
    await connectRedis(redis, REDIS_URL);
    const orm = await createOrm({ entities, databaseUrl, pgliteDir: '' });
    try {
      await migrate(orm);
    } finally {
      await orm.close(true);
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
  const bench: BenchEnv = { databaseUrl, redisUrl: REDIS_URL, keyPrefix };
  return { bench, cleanup };
}

async function deleteKeys(redis: ReturnType<typeof createRedis>, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
