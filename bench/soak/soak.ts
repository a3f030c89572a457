/**
 * Issue 18, point 5: the soak. The whole program (every role, in this process) under a mixed,
 * moderate, steady load for BENCH_SOAK_MINUTES — bot users walking the menus through the real
 * long polling, API requests and WebSocket PM ping-pong from a worker thread, and mailings sent by
 * the program's own engine one after another — sampled every 10 s. A soak looks for leaks, not
 * for the ceiling: the rates are a fraction of what the other benchmarks reach. Not run in CI.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import type { BenchEnv, Benchmark } from '../harness.js';
import { botUsersFor, startBotUsers } from './bot-users.js';
import { recipientsFor, startMailingChain } from './mailing-chain.js';
import { type Kind, OpsLog } from './ops.js';
import { type SoakProgram, startSoakProgram } from './program.js';
import { startRemoteLoad } from './remote-load.js';
import { buildReport, type Targets, WARMUP_SHARE } from './report.js';
import { type Sample, Sampler } from './sampler.js';
import { stopSoakFirstOnSignal, Teardown } from './teardown.js';

const SAMPLE_MS = 10_000;

/**
 * BENCH_SOAK_HEAP_SNAPSHOTS=<dir>: a heap snapshot of this process (the program's heap) at the end
 * of the warm-up and every 10 minutes after, so a slope the verdict reports can be traced to what
 * grew (compare two snapshots in Chromium's DevTools, "Comparison" view). Writing one stalls the
 * loop for seconds, so it is off unless asked for.
 */
function heapSnapshotsAt(minutes: number): ((t: number) => void) | undefined {
  const dir = process.env.BENCH_SOAK_HEAP_SNAPSHOTS;
  if (!dir) return undefined;
  const warmupEnd = Math.round(minutes * 60 * WARMUP_SHARE);
  return (t) => {
    // Samples are taken on 10 s boundaries; `t` is when the sample was read, a second or so later.
    const at = Math.round(t / 10) * 10;
    if (at === warmupEnd || (at > warmupEnd && at % 600 === 0)) {
      const file = writeHeapSnapshot(join(dir, `soak-${String(at).padStart(5, '0')}s.heapsnapshot`));
      console.error(`  heap snapshot at ${t} s: ${file}`);
    }
  };
}

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return value;
}

/** `npm run bench` with no filter runs every benchmark: the soak only when asked for by name or length. */
function requested(): boolean {
  const filters = process.argv.slice(2).filter((a) => a !== '--');
  return filters.length > 0 || process.env.BENCH_SOAK_MINUTES !== undefined;
}

/** The verdict needs three samples after the warm-up. */
const MIN_MINUTES = 0.5;

function readKnobs() {
  const minutes = numberFromEnv('BENCH_SOAK_MINUTES', 30);
  if (minutes < MIN_MINUTES) throw new Error(`BENCH_SOAK_MINUTES must be at least ${MIN_MINUTES}, got ${minutes}`);
  return {
    minutes,
    botRate: numberFromEnv('BENCH_SOAK_BOT_RATE', 10),
    apiRate: numberFromEnv('BENCH_SOAK_API_RATE', 12),
    wsRate: numberFromEnv('BENCH_SOAK_WS_RATE', 4),
    // MAILING_RATE is a whole number of messages per second.
    mailingRate: Math.max(1, Math.round(numberFromEnv('BENCH_SOAK_MAILING_RATE', 10))),
  };
}
type Knobs = ReturnType<typeof readKnobs>;

function targetsOf(knobs: Knobs): Targets {
  const rates: Record<Kind, number> = {
    'bot update': knobs.botRate,
    'GET /tasks': knobs.apiRate / 2,
    'POST /tasks': knobs.apiRate / 4,
    'POST /messages': knobs.apiRate / 4,
    'WS round trip': knobs.wsRate,
    'mailing send': knobs.mailingRate,
  };
  return { rates, seconds: knobs.minutes * 60 };
}

/** Samples at every SAMPLE_MS boundary until `seconds` have passed (or a load has crashed). */
async function sampleFor(
  seconds: number,
  sampler: Sampler,
  ops: OpsLog,
  crashed: () => Error | undefined,
  afterSample?: (t: number) => void,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let k = 1; k <= Math.floor((seconds * 1000) / SAMPLE_MS); k++) {
    const wait = ops.startedAt + k * SAMPLE_MS - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const failure = crashed();
    if (failure) throw failure;
    samples.push(await sampler.take(ops));
    // A line a minute: half an hour is long to watch a silent terminal.
    const s = samples[samples.length - 1] as Sample;
    afterSample?.(s.t);
    if (k % (60_000 / SAMPLE_MS) === 0) {
      console.error(
        `  soak ${s.t / 60} min: heap ${s.heapMb.toFixed(1)} MB, RSS ${s.rssMb.toFixed(0)} MB, ${s.handles} handles`,
      );
    }
  }
  return samples;
}

function describeSetup(knobs: Knobs, program: SoakProgram, pairs: number, senders: number, recipients: number): string {
  return (
    `${knobs.minutes} min (first ${knobs.minutes * WARMUP_SHARE} min warm-up); load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}. ` +
    `This process runs the program (startGramdesk, every role: bot by long polling, API and WebSockets on ${program.apiUrl}, ` +
    'worker with the mailing engine), the fake Telegram and the bot users; the API and WebSocket clients run in a worker thread ' +
    '(their heap is apart, their memory is in the RSS). ' +
    `Loads: ${knobs.botRate} bot updates/s (${botUsersFor(knobs.botRate)} users, menus and a settings change); ` +
    `${knobs.apiRate} API requests/s (½ GET /tasks, ¼ POST /tasks, ¼ POST /messages from ${senders} senders); ` +
    `${knobs.wsRate} WebSocket PM round trips/s (${pairs} pairs); ` +
    `mailings of ${recipients} recipients one after another at MAILING_RATE=${knobs.mailingRate}.`
  );
}

export const soak: Benchmark = {
  name: 'soak',
  title: 'Soak: bot, API, WebSocket and a mailing at once at a steady rate; memory and handles over time',
  async run(env: BenchEnv) {
    if (!requested()) {
      return {
        report: [
          'skipped: half an hour long, the soak runs only when named (`npm run bench -- soak`) or given BENCH_SOAK_MINUTES',
        ],
        data: { skipped: true },
      };
    }
    const knobs = readKnobs();
    const targets = targetsOf(knobs);
    const teardown = new Teardown();
    let interrupted: Error | undefined;
    const restoreSignals = stopSoakFirstOnSignal(
      () => teardown.run(),
      () => {
        interrupted = new Error('interrupted');
      },
    );
    try {
      const program = await startSoakProgram(env, knobs.mailingRate);
      teardown.add(() => program.stop());
      const sampler = await Sampler.open(env, program);
      teardown.add(() => sampler.close());

      const ops = new OpsLog(Date.now(), targets.seconds);
      // The baseline: the program started and idle, before any load.
      const baseline = await sampler.take(ops);
      const stopBot = teardown.add(startBotUsers(program, ops, knobs.botRate));
      const remote = await startRemoteLoad(program, ops, { api: knobs.apiRate, ws: knobs.wsRate });
      const stopRemote = teardown.add(() => remote.stop());
      const mailings = await startMailingChain(program, ops, knobs.mailingRate);
      const stopMailings = teardown.add(() => mailings.stop());

      const stopped = () => interrupted ?? remote.failed();
      const samples = [
        baseline,
        ...(await sampleFor(targets.seconds, sampler, ops, stopped, heapSnapshotsAt(knobs.minutes))),
      ];
      const ranSeconds = Math.floor((Date.now() - ops.startedAt) / 1000);
      await Promise.all([stopBot(), stopRemote(), stopMailings()]);

      const setup = describeSetup(
        knobs,
        program,
        remote.accounts.pairs.length,
        remote.accounts.senders.length,
        recipientsFor(knobs.mailingRate),
      );
      const result = buildReport({
        samples,
        ops,
        targets,
        ranSeconds,
        setup,
        forcedGc: sampler.forcesGc,
        logs: program.logs,
      });
      return {
        report: [...result.report, `mailings sent one after another: ${mailings.mailings()}`],
        data: { knobs, ...result.data },
      };
    } finally {
      await teardown.run();
      restoreSignals();
    }
  },
};
