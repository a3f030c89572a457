/**
 * The soak's report: the samples condensed into a table, each load's achieved rate with its
 * worst one-second window, and the verdict — after the warm-up, the linear slopes of heap and RSS
 * (MB per 10 minutes) and whether the active handles grow.
 */
import { fmt, markdownTable, round } from '../harness.js';
import { KINDS, type Kind, type OpsLog } from './ops.js';
import type { Sample } from './sampler.js';

/** "Flat": heap after GC grows by less than this per 10 minutes once warmed up. */
export const HEAP_SLOPE_LIMIT_MB = 5;
/** The first part of the run is warm-up (caches fill, pools open, V8 optimises): not judged. */
export const WARMUP_SHARE = 0.2;
/**
 * Handles "grow" when the second half's median exceeds the first half's by more than this (or
 * 5 %). Medians, not peaks: the count swings by a dozen as the database pool opens and closes
 * connections and timers come and go, and the highest of a noisy series rises with its length.
 */
const HANDLE_TOLERANCE = 3;
/** Table rows: the smallest of these groupings (in samples of 10 s) that keeps to MAX_ROWS. */
const GROUPINGS = [1, 6, 30];
const MAX_ROWS = 40;

export interface Targets {
  rates: Record<Kind, number>;
  /** Planned length of the run, in seconds. */
  seconds: number;
}

/** Least-squares slope of y over x. */
function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 3) return Number.NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] ?? 0) - mx;
    num += dx * ((ys[i] ?? 0) - my);
    den += dx * dx;
  }
  return den === 0 ? Number.NaN : num / den;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const perTenMinutes = (samples: readonly Sample[], pick: (s: Sample) => number) =>
  slope(
    samples.map((s) => s.t),
    samples.map(pick),
  ) * 600;

const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

function apiRequests(s: Pick<Sample, 'ops'>): number {
  return s.ops['GET /tasks'].ok + s.ops['POST /tasks'].ok + s.ops['POST /messages'].ok;
}

function errorsOf(s: Pick<Sample, 'ops'>): number {
  return KINDS.reduce((n, k) => n + s.ops[k].errors, 0);
}

/** One row per group of samples: memory as at the group's last sample, operations summed, the worst loop delay. */
function condensedTable(samples: readonly Sample[]): { table: string; grouping: number } {
  const grouping = GROUPINGS.find((g) => samples.length / g <= MAX_ROWS) ?? (GROUPINGS.at(-1) as number);
  const rows: string[][] = [];
  // Sample 0 (before the loads) is a row of its own: the baseline.
  const [baseline, ...rest] = samples;
  const groups = baseline ? [[baseline]] : [];
  for (let i = 0; i < rest.length; i += grouping) groups.push(rest.slice(i, i + grouping));
  for (const group of groups) {
    const last = group[group.length - 1] as Sample;
    const sum = (pick: (s: Sample) => number) => group.reduce((n, s) => n + pick(s), 0);
    rows.push([
      clock(last.t),
      fmt(last.rssMb, 1),
      fmt(last.heapMb, 1),
      fmt(last.externalMb, 1),
      String(last.handles),
      fmt(last.redisMb, 1),
      String(last.redisKeys),
      String(last.pgConnections),
      fmt(Math.max(...group.map((s) => s.eldP99Ms)), 1),
      String(sum((s) => s.ops['bot update'].ok)),
      String(sum(apiRequests)),
      String(sum((s) => s.ops['WS round trip'].ok)),
      String(sum((s) => s.ops['mailing send'].ok)),
      String(sum(errorsOf)),
    ]);
  }
  const table = markdownTable(
    [
      't',
      'RSS MB',
      'heap MB',
      'external MB',
      'handles',
      'Redis MB',
      'Redis keys',
      'PG conns',
      'loop p99 ms',
      'bot updates',
      'API requests',
      'WS trips',
      'mailing sends',
      'errors',
    ],
    rows,
  );
  return { table, grouping };
}

/**
 * The seconds the sampler's forced collection touched (its pause, plus a moment for the answers it
 * held up): their dip is the harness's, so the worst second is also given without them.
 */
function gcSeconds(samples: readonly Sample[]): Set<number> {
  const touched = new Set<number>();
  for (const s of samples) {
    for (let second = Math.floor(s.gcAt); second <= Math.floor(s.gcAt + s.gcMs / 1000 + 0.2); second++) {
      touched.add(second);
    }
  }
  return touched;
}

/** Each load's target, achieved mean and worst whole second after the warm-up. */
function rateRows(ops: OpsLog, targets: Targets, from: number, to: number, gcTouched: Set<number>) {
  return KINDS.map((kind) => {
    const seconds = ops.perSecond(kind, from, to);
    const outsideGc = seconds.filter((_, i) => !gcTouched.has(from + i));
    const { ok, errors } = ops.tally(kind, from, to);
    return {
      kind,
      target: targets.rates[kind],
      achieved: seconds.length ? ok / seconds.length : Number.NaN,
      worstSecond: seconds.length ? Math.min(...seconds) : Number.NaN,
      worstSecondOutsideGc: outsideGc.length ? Math.min(...outsideGc) : Number.NaN,
      ok,
      errors,
    };
  });
}

/** The verdict's figures over the samples after the warm-up. */
function judge(measured: readonly Sample[]) {
  const heapSlope = perTenMinutes(measured, (s) => s.heapMb);
  const rssSlope = perTenMinutes(measured, (s) => s.rssMb);
  const handles = measured.map((s) => s.handles);
  const half = Math.floor(measured.length / 2);
  const firstMedian = median(handles.slice(0, half));
  const secondMedian = median(handles.slice(half));
  const handlesGrow = secondMedian > firstMedian + Math.max(HANDLE_TOLERANCE, firstMedian * 0.05);
  return {
    heapSlopeMbPer10Min: heapSlope,
    rssSlopeMbPer10Min: rssSlope,
    handlesMin: Math.min(...handles),
    handlesMax: Math.max(...handles),
    handlesFirstHalfMedian: firstMedian,
    handlesSecondHalfMedian: secondMedian,
    handlesGrow,
    worstLoopP99Ms: Math.max(...measured.map((s) => s.eldP99Ms)),
    flat: Number.isFinite(heapSlope) && heapSlope < HEAP_SLOPE_LIMIT_MB && !handlesGrow,
  };
}

/** Handle types whose count differs between the first sample after the warm-up and the last. */
function handleChanges(first: Sample, last: Sample): string {
  const types = [...new Set([...Object.keys(first.handlesByType), ...Object.keys(last.handlesByType)])].sort();
  const changed = types.filter((t) => (first.handlesByType[t] ?? 0) !== (last.handlesByType[t] ?? 0));
  const all = types.map((t) => `${t} ${first.handlesByType[t] ?? 0}→${last.handlesByType[t] ?? 0}`).join(', ');
  return changed.length
    ? `active handles by type, after warm-up → end: ${all}`
    : `active handles by type (same after warm-up and at the end): ${types.map((t) => `${t} ${last.handlesByType[t]}`).join(', ')}`;
}

export function buildReport(input: {
  samples: Sample[];
  ops: OpsLog;
  targets: Targets;
  /** Seconds the loads actually ran (the log's whole seconds up to the stop). */
  ranSeconds: number;
  setup: string;
  forcedGc: boolean;
  logs: { warnings: number; errors: number; firstMessages: string[] };
}) {
  const { samples, ops, targets, ranSeconds, logs } = input;
  const warmup = Math.round(targets.seconds * WARMUP_SHARE);
  const measured = samples.filter((s) => s.t >= warmup);
  if (measured.length < 3) throw new Error(`only ${measured.length} samples after the warm-up: run longer`);
  const verdict = judge(measured);
  const rates = rateRows(ops, targets, warmup, ranSeconds, gcSeconds(samples));
  const medianGcMs = median(samples.slice(1).map((s) => s.gcMs));
  const { table, grouping } = condensedTable(samples);
  const first = measured[0] as Sample;
  const last = measured[measured.length - 1] as Sample;
  const spanMinutes = (last.t - first.t) / 60;

  const rateTable = markdownTable(
    ['load', 'target /s', 'achieved /s', 'worst 1 s', 'worst 1 s outside forced GC', 'done', 'errors'],
    rates.map((r) => [
      r.kind,
      fmt(r.target, 1),
      fmt(r.achieved, 1),
      String(r.worstSecond),
      String(r.worstSecondOutsideGc),
      String(r.ok),
      String(r.errors),
    ]),
  );
  const reasons = [...ops.reasons.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
  const lines = [
    input.setup,
    `Samples every 10 s${grouping > 1 ? `, one row per ${(grouping * 10) / 60} min (memory and handles as at the row's end, operations summed, the worst loop p99)` : ''}; the first row is before the loads start. Heap: used after a ${input.forcedGc ? 'forced full' : 'NOT forced (no gc available)'} collection. Redis MB is the whole server's used_memory (shared); Redis keys are this run's.`,
    table,
    `Rates after the warm-up (${clock(warmup)}–${clock(ranSeconds)}). The sampler's forced collection stalls this process for ${fmt(medianGcMs, 0)} ms (median) every 10 s; "outside forced GC" leaves the seconds it touched out:`,
    rateTable,
    `After the warm-up (samples ${clock(first.t)}–${clock(last.t)}; warm-up ${clock(warmup)}): ` +
      `heap ${fmt(verdict.heapSlopeMbPer10Min)} MB / 10 min, RSS ${fmt(verdict.rssSlopeMbPer10Min)} MB / 10 min (linear slopes); ` +
      `active handles ${verdict.handlesMin}–${verdict.handlesMax} (max − min ${verdict.handlesMax - verdict.handlesMin}; median ${verdict.handlesFirstHalfMedian} in the first half, ${verdict.handlesSecondHalfMedian} in the second); ` +
      `worst loop p99 ${fmt(verdict.worstLoopP99Ms, 1)} ms.`,
    `Verdict: ${verdict.flat ? 'FLAT' : 'NOT FLAT'} (flat: heap slope < ${HEAP_SLOPE_LIMIT_MB} MB / 10 min and the second half's median handle count at most ${HANDLE_TOLERANCE} or 5 % above the first half's).`,
    ...(spanMinutes < 10
      ? [
          `Note: the slopes are extrapolated from ${fmt(spanMinutes, 1)} minutes; only a long run (the default 30 minutes) can tell a leak from the settling of a warm-up.`,
        ]
      : []),
    handleChanges(first, last),
    reasons.length ? `errors by reason: ${reasons.map(([r, n]) => `${r} × ${n}`).join('; ')}` : 'errors: none',
    `program log: ${logs.errors} errors, ${logs.warnings} warnings${logs.firstMessages.length ? ` (first: ${logs.firstMessages.join(' | ')})` : ''}`,
  ];
  return {
    report: lines,
    data: {
      warmupSeconds: warmup,
      ranSeconds,
      forcedGc: input.forcedGc,
      verdict: Object.fromEntries(
        Object.entries(verdict).map(([k, v]) => [k, typeof v === 'number' ? round(v, 3) : v]),
      ),
      rates: rates.map((r) => ({ ...r, achieved: round(r.achieved, 2) })),
      errorsByReason: Object.fromEntries(ops.reasons),
      /** Successes per second of each load over the whole run (for a closer look at a bad second). */
      perSecond: Object.fromEntries(KINDS.map((k) => [k, ops.perSecond(k, 0, ranSeconds)])),
      programLog: logs,
      samples: samples.map((s) => ({
        ...s,
        rssMb: round(s.rssMb, 1),
        heapMb: round(s.heapMb, 1),
        externalMb: round(s.externalMb, 1),
        redisMb: round(s.redisMb, 2),
        eldP99Ms: round(s.eldP99Ms, 2),
        gcMs: round(s.gcMs, 1),
      })),
    },
  };
}
