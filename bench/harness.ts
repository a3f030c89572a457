/**
 * What every benchmark module shares: the environment run.ts prepares (a fresh migrated
 * database, a Redis key prefix), the shape of a result, and small statistics/table helpers.
 * Benchmarks report figures; they never assert on them (timings are not test outcomes).
 */

import { readFileSync } from 'node:fs';

export interface BenchEnv {
  /** A fresh, migrated database of this run; dropped by run.ts at the end. */
  databaseUrl: string;
  redisUrl: string;
  /** Every Redis key the benchmark writes must start with it; run.ts deletes them at the end. */
  keyPrefix: string;
}

export interface BenchResult {
  /** Markdown tables and lines printed to the terminal, in order. */
  report: string[];
  /** Written to bench/results/<name>.json. */
  data: Record<string, unknown>;
}

export interface Benchmark {
  /** Used in `npm run bench -- <filter>` and as the results file name. */
  name: string;
  title: string;
  run(env: BenchEnv): Promise<BenchResult>;
}

/** Value at quantile q (0..1) of an ascending array, nearest-rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function ascending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** 12345.6 → "12,346"; small numbers keep `digits` decimals. */
export function fmt(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return '—';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(digits);
}

/** A Markdown table with padded columns; numeric-looking cells are right-aligned. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => /^[-\d.,×—]+$/.test(r[i] ?? '')));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(Math.max(1, w - 1))}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/**
 * Runs `work` under a V8 CPU profile written to `$BENCH_CPU_PROFILE/<name>.cpuprofile` when that
 * variable names a directory (and a sampled allocation profile, `<name>.heapprofile`, when
 * `BENCH_HEAP_PROFILE` is set too), so a profile covers the measured run only (not start-up,
 * the warm-up or the baseline). Without it, just runs `work`.
 */
export async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return work();
  const heap = Boolean(process.env.BENCH_HEAP_PROFILE);
  const [{ Session }, { mkdirSync, writeFileSync }, { join }] = await Promise.all([
    import('node:inspector/promises'),
    import('node:fs'),
    import('node:path'),
  ]);
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  // BENCH_CPU_PROFILE_INTERVAL_US: a finer sampling interval than V8's 1 ms, for short paths.
  const interval = Number(process.env.BENCH_CPU_PROFILE_INTERVAL_US);
  if (interval > 0) await session.post('Profiler.setSamplingInterval', { interval });
  await session.post('Profiler.start');
  if (heap)
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 16_384,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    if (heap) {
      const sampled = await session.post('HeapProfiler.stopSampling');
      writeFileSync(join(dir, `${name}.heapprofile`), JSON.stringify(sampled.profile));
    }
    session.disconnect();
  }
}

/** CPU spent while a meter ran: by the calling thread (a server in the main thread), and by the whole machine. */
export interface CpuSpent {
  /** This thread's user + system time, ms (`process.threadCpuUsage`). */
  threadMs: number;
  /**
   * Busy time of every core (user, nice, system, irq, softirq from /proc/stat; steal left out), ms:
   * the server, its load generator, PostgreSQL and Redis together. NaN where /proc/stat is missing.
   */
  machineMs: number;
}

/** CPU per operation, µs: of the thread that measured (the server), and of the whole machine. */
export interface CpuPerOperation {
  serverCpuUs: number;
  machineCpuUs: number;
}

/** What `spent` comes to per operation (at least one, so an empty run reads as its whole cost). */
export function perOperation(spent: CpuSpent, operations: number): CpuPerOperation {
  const per = (ms: number) => (ms * 1000) / Math.max(1, operations);
  return { serverCpuUs: per(spent.threadMs), machineCpuUs: per(spent.machineMs) };
}

/** Starts measuring CPU; the returned function reads what was spent since. */
export function cpuMeter(): () => CpuSpent {
  const thread = process.threadCpuUsage();
  const machine = machineBusyMs();
  return () => {
    const spent = process.threadCpuUsage(thread);
    return { threadMs: (spent.user + spent.system) / 1000, machineMs: machineBusyMs() - machine };
  };
}

function machineBusyMs(): number {
  try {
    const [user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'latin1')
      .slice(0, 200)
      .split('\n', 1)[0]
      ?.trim()
      .split(/\s+/)
      .slice(1)
      .map(Number) ?? [Number.NaN];
    // /proc/stat counts in USER_HZ ticks, 100 per second on Linux.
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0)) * 10;
  } catch {
    return Number.NaN;
  }
}
