/**
 * One sample of the soak every 10 s: this process's memory and active handles (the program runs
 * here, with the fake Telegram and the bot users; the API/WebSocket clients run in a worker
 * thread whose heap is its own but whose memory is in the RSS), Redis memory and the run's keys,
 * the program's PostgreSQL connections, the event loop's delay, and what each load did since the
 * previous sample.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import { connectRedis, createRedis } from '../../src/platform/redis.js';
import type { BenchEnv } from '../harness.js';
import { KINDS, type Kind, type OpsLog, type Tally } from './ops.js';
import type { SoakProgram } from './program.js';

export interface Sample {
  /** Seconds since the loads started. */
  t: number;
  rssMb: number;
  /** Heap used after a full garbage collection: what is still referenced, not yet-to-be-collected garbage. */
  heapMb: number;
  externalMb: number;
  handles: number;
  handlesByType: Record<string, number>;
  /** `used_memory` of the whole Redis server (shared with whatever else uses it). */
  redisMb: number;
  /** Keys under the run's prefix: this program's share of Redis. */
  redisKeys: number;
  /** Connections to the run's database (the sampler's own excluded). */
  pgConnections: number;
  /** Event-loop delay p99 over the interval since the previous sample. */
  eldP99Ms: number;
  /** How long the forced collection took (it stalls the loop once per sample), and when it began (s since start). */
  gcMs: number;
  gcAt: number;
  /** What each load finished since the previous sample. */
  ops: Record<Kind, Tally>;
}

const MB = 1024 * 1024;

/**
 * A full collection before reading the heap: heap used between collections swings by tens of MB
 * with the young generation and the old generation's garbage, which would drown a slope of a few
 * MB per 10 minutes. `--expose-gc` may be set at run time; `gc` then appears in new contexts.
 */
function exposeGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  return typeof gc === 'function' ? (gc as () => void) : undefined;
}

function countByType(names: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

export class Sampler {
  private readonly eld = monitorEventLoopDelay({ resolution: 20 });
  private readonly gc = exposeGc();
  private lastSecond = 0;

  private constructor(
    private readonly env: BenchEnv,
    private readonly program: SoakProgram,
    private readonly redis: ReturnType<typeof createRedis>,
    private readonly db: pg.Client,
  ) {
    this.eld.enable();
  }

  static async open(env: BenchEnv, program: SoakProgram): Promise<Sampler> {
    const redis = createRedis(env.redisUrl, { connectionName: 'gramdesk:bench-soak-sampler' });
    await connectRedis(redis, env.redisUrl);
    const db = new pg.Client({ connectionString: env.databaseUrl });
    // Dropping the run's database ends this connection from the server's side; without a
    // listener that 'error' event would crash the process in the middle of its cleanup.
    db.on('error', () => undefined);
    try {
      await db.connect();
    } catch (err) {
      await redis.quit().catch(() => redis.disconnect());
      throw err;
    }
    return new Sampler(env, program, redis, db);
  }

  get forcesGc(): boolean {
    return this.gc !== undefined;
  }

  async take(ops: OpsLog): Promise<Sample> {
    // The loop delay first, so the collection below lands in the next interval's first tick.
    const eldP99Ms = this.eld.percentile(99) / 1e6;
    this.eld.reset();
    this.program.forgetTelegramRecords();
    const gcAt = (Date.now() - ops.startedAt) / 1000;
    const gcStarted = performance.now();
    this.gc?.();
    const gcMs = performance.now() - gcStarted;
    const memory = process.memoryUsage();
    const handles = process.getActiveResourcesInfo();
    const [redisMb, redisKeys, pgConnections] = await Promise.all([
      this.redisMemoryMb(),
      this.countKeys(),
      this.countConnections(),
    ]);
    const now = Date.now();
    const second = Math.floor((now - ops.startedAt) / 1000);
    const tallies = Object.fromEntries(KINDS.map((k) => [k, ops.tally(k, this.lastSecond, second)]));
    this.lastSecond = second;
    return {
      t: Math.max(0, Math.round((now - ops.startedAt) / 1000)),
      rssMb: memory.rss / MB,
      heapMb: memory.heapUsed / MB,
      externalMb: memory.external / MB,
      handles: handles.length,
      handlesByType: countByType(handles),
      redisMb,
      redisKeys,
      pgConnections,
      eldP99Ms,
      gcMs,
      gcAt,
      ops: tallies as Record<Kind, Tally>,
    };
  }

  private async redisMemoryMb(): Promise<number> {
    const info = await this.redis.info('memory');
    return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? Number.NaN) / MB;
  }

  private async countKeys(): Promise<number> {
    let cursor = '0';
    let count = 0;
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.env.keyPrefix}*`, 'COUNT', 1000);
      cursor = next;
      count += keys.length;
    } while (cursor !== '0');
    return count;
  }

  private async countConnections(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      'select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    return rows[0]?.n ?? Number.NaN;
  }

  async close(): Promise<void> {
    this.eld.disable();
    await this.redis.quit().catch(() => this.redis.disconnect());
    await this.db.end().catch(() => undefined);
  }
}
