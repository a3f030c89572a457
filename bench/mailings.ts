/**
 * Mailing delivery (SPEC §2.5), every case on real worker processes (`--role=worker`, the compiled
 * build with the Docker image's NODE_OPTIONS: bench/worker-process.ts) against the HTTP fake Bot
 * API in this process:
 * (a) efficiency = achieved rate ÷ MAILING_RATE for 5,000 recipients at 25/s and at 1,000/s with
 *     two workers (also at 1,000/s with answers that take 100 ms, as Telegram's do);
 * (b) the raw ceiling: two engines with no rate limit at all (which MAILING_RATE cannot express:
 *     1,000 is Telegram's ceiling), in this process against an instant fake in this process too;
 *     and a photo + URL buttons mailing at 1,000/s with two workers (sendPhoto by file_id, the
 *     buttons and the 🔕 row: the content a real admin sends, through the same fake);
 * (c) the memory of ONE worker while it materialises and sends 200,000 recipients at 1,000/s,
 *     sampled from /proc/<pid>/status (VmRSS every 500 ms, VmHWM at the end).
 * BENCH_MAILING_QUICK=1 skips the 25/s case (200 s by design); BENCH_MAILING_BIG sets the
 * recipients of the memory case (default 200,000; 1,000,000 takes ~20 minutes); BENCH_MAILING_ONLY
 * runs only the named cases (comma-separated: rate25, rate1000, rate1000-100ms, photo1000, raw,
 * memory).
 */

import { entities } from '../src/entities.js';
import { MailingEngine } from '../src/features/mailings/jobs/engine.js';
import { createMailing, getMailingView } from '../src/features/mailings/mailings.js';
import { createOrm, type Orm } from '../src/platform/db/orm.js';
import { FakeBotApi } from '../test/helpers/fake-bot-api.js';
import { flushRedis } from '../test/helpers/program.js';
import { type BenchEnv, type Benchmark, fmt, markdownTable, round } from './harness.js';
import { openBenchServices } from './services.js';
import { buildWorker, procMemory, startWorker, type WorkerBuild } from './worker-process.js';

/** The memory goal of the issue: peak RSS of the worker under 300 MB, flat while sending. */
const GOAL_MB = 300;
/** "Flat": the second half of the sending peaks at most this much above the first half. */
const FLAT_MB = 25;
/** The workers' own Redis database (the program uses its default key prefix); flushed after each case. */
const WORKER_REDIS_DB = 15;

interface CaseSpec {
  name: string;
  recipients: number;
  /** MAILING_RATE of the workers; null = no limit (engines in this process: MAILING_RATE cannot say that). */
  rate: number | null;
  workers: number;
  latencyMs: number;
  /** A photo with a caption and URL buttons instead of a text message. */
  photo?: boolean;
}

/** The photo case's content: a Telegram file id (as the bot's dialog stores it) and two rows of buttons. */
const BENCH_PHOTO = { type: 'photo' as const, fileId: 'AgACAgIAAxkBAAIBbenchPhotoFileId' };
const BENCH_BUTTONS = [
  [
    { text: 'Shop', url: 'https://example.com/shop' },
    { text: 'Help', url: 'https://example.com/help' },
  ],
  [{ text: 'Site', url: 'https://example.com/' }],
];

let nextChat = 100_000_000;

async function seedRecipients(orm: Orm, tag: string, count: number): Promise<void> {
  const first = nextChat;
  nextChat += count;
  await insertRecipients(orm, first, tag, count);
}

/** `count` Telegram users who accept mailings, ids from `firstTelegramId`, tagged `tag`: one statement. */
export async function insertRecipients(orm: Orm, firstTelegramId: number, tag: string, count: number): Promise<void> {
  await orm.em
    .fork()
    .getConnection()
    .execute(
      `insert into users (telegram_id, language, timezone, tags, role, status, bot_blocked, notifications, created_at, updated_at)
       select ? + g, 'en', 'UTC', array[?], 'user', 'active', false, true, now(), now() from generate_series(0, ? - 1) g`,
      [firstTelegramId, tag, count],
    );
}

/** Senders of a case: worker processes, or (rate null) engines in this process. */
async function startSenders(env: BenchEnv, build: WorkerBuild, spec: CaseSpec, apiRoot: string) {
  const redisUrl = `${env.redisUrl.replace(/\/\d+$/, '').replace(/\/$/, '')}/${WORKER_REDIS_DB}`;
  if (spec.rate === null) {
    const bench = await openBenchServices(env, { sql: 0 }, { name: 'mailings-raw' });
    const services = {
      ...bench.services,
      config: { ...bench.services.config, telegramApiRoot: apiRoot, mailing: { rate: 1000, paidBroadcast: true } },
    };
    const engines = Array.from({ length: spec.workers }, () => new MailingEngine(services, { rate: null }).start());
    return {
      pids: [process.pid],
      failed: () => undefined,
      async stop() {
        await Promise.all(engines.map((e) => e.stop()));
        await bench.close();
      },
    };
  }
  const workers = Array.from({ length: spec.workers }, () =>
    startWorker(build, {
      BOT_TOKEN: '7000000001:BENCH-mailing_token',
      TELEGRAM_API_ROOT: apiRoot,
      REDIS_URL: redisUrl,
      DATABASE_URL: env.databaseUrl,
      LOG_LEVEL: 'info',
      MAILING_RATE: String(spec.rate),
      MAILING_PAID_BROADCAST: 'true',
    }),
  );
  const stop = async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await flushRedis(redisUrl).catch(() => undefined);
  };
  try {
    await Promise.all(workers.map((w) => w.started()));
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    pids: workers.map((w) => w.pid),
    failed: () => workers.find((w) => w.child.exitCode !== null)?.output(),
    stop,
  };
}

/** How often the bench vacuums `deliveries` when the server's autovacuum is off (see run()). */
const VACUUM_EVERY_MS = 15_000;

/** Runs VACUUM on deliveries every VACUUM_EVERY_MS until stopped; returns the stopper. */
function standInForAutovacuum(orm: Orm): () => Promise<void> {
  let running = true;
  const loop = (async () => {
    while (running) {
      await new Promise((r) => setTimeout(r, VACUUM_EVERY_MS));
      if (running)
        await orm.em
          .getConnection()
          .execute('vacuum analyze deliveries', [], 'run')
          .catch(() => undefined);
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

async function runCase(env: BenchEnv, orm: Orm, build: WorkerBuild, spec: CaseSpec, vacuum: boolean) {
  const fake = new FakeBotApi({ recordCalls: false, keepPerChat: 0 });
  fake.latencyMs = spec.latencyMs;
  const apiRoot = await fake.listen();
  let senders: Awaited<ReturnType<typeof startSenders>> | undefined;
  const stopVacuum = vacuum ? standInForAutovacuum(orm) : async () => undefined;
  try {
    senders = await startSenders(env, build, spec, apiRoot);
    const workers = senders.pids.map((pid) => ({ pid }));
    const idleRssMb = Math.max(...workers.map((w) => procMemory(w.pid)?.rssMb ?? Number.NaN));
    await seedRecipients(orm, spec.name, spec.recipients);
    const text = `bench ${spec.name}`;
    // Media sends are not in `fake.sends` (text messages only): the photo case records what
    // Telegram carried out from the fake's event stream, which fires once per successful call.
    const photoSends: Array<{ chatId: number; text: string; at: number }> = [];
    const unsubscribe = spec.photo
      ? fake.subscribe((e) => {
          if (e.method === 'sendPhoto' && e.chatId !== undefined)
            photoSends.push({ chatId: e.chatId, text: String(e.payload.caption ?? ''), at: Date.now() });
        })
      : () => undefined;
    const mailing = await createMailing(orm.em.fork(), null, {
      text,
      ...(spec.photo ? { media: BENCH_PHOTO, buttons: BENCH_BUTTONS } : {}),
      filter: { tags: [spec.name] },
      endAt: new Date(Date.now() + 6 * 3_600_000),
    });
    const started = Date.now();
    const samples: Array<{ t: number; rssMb: number; sent: number }> = [];
    let materializedMs = Number.NaN;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const rss = workers.map((w) => procMemory(w.pid)?.rssMb ?? Number.NaN);
        samples.push({
          t: Date.now() - started,
          rssMb: Math.max(...rss),
          sent: (spec.photo ? photoSends : fake.sends).length,
        });
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    for (;;) {
      const [row] = await orm.em
        .fork()
        .getConnection()
        .execute<{ status: string; materialized: boolean }[]>(
          `select status, materialized_at is not null as materialized from mailings where id = ?`,
          [mailing.id],
        );
      if (row?.materialized && Number.isNaN(materializedMs)) materializedMs = Date.now() - started;
      if (row?.status === 'completed' || row?.status === 'cancelled') break;
      const failure = senders.failed();
      if (failure !== undefined) throw new Error(`a worker exited:\n${failure}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    sampling = false;
    await sampler;
    const hwmMb = Math.max(...workers.map((w) => procMemory(w.pid)?.hwmMb ?? Number.NaN));
    const view = await getMailingView(orm.em.fork(), mailing.id);
    unsubscribe();
    const sends = (spec.photo ? photoSends : fake.sends).filter((s) => s.text === text);
    const perChat = new Map<number, number>();
    for (const s of sends) perChat.set(s.chatId, (perChat.get(s.chatId) ?? 0) + 1);
    const duplicates = [...perChat.values()].reduce((n, c) => n + c - 1, 0);
    const first = sends[0]?.at ?? started;
    const last = sends[sends.length - 1]?.at ?? started;
    // n sends span n-1 intervals.
    const achieved = sends.length > 1 ? ((sends.length - 1) * 1000) / Math.max(1, last - first) : 0;
    const half = sends.length / 2;
    const firstHalfPeak = Math.max(...samples.filter((s) => s.sent < half).map((s) => s.rssMb));
    const secondHalfPeak = Math.max(...samples.filter((s) => s.sent >= half).map((s) => s.rssMb));
    const peakRssMb = Math.max(hwmMb, ...samples.map((s) => s.rssMb));
    const growthMb = secondHalfPeak - firstHalfPeak;
    return {
      ...spec,
      sent: sends.length,
      rowsSent: view.counts.sent,
      unknown: view.counts.unknown,
      duplicates: spec.photo ? duplicates : fake.duplicates,
      achieved: round(achieved),
      efficiency: spec.rate ? round(achieved / spec.rate, 4) : null,
      totalMs: Date.now() - started,
      materializedMs,
      idleRssMb: round(idleRssMb),
      firstHalfPeakMb: round(firstHalfPeak),
      secondHalfPeakMb: round(secondHalfPeak),
      peakRssMb: round(peakRssMb),
      growthMb: round(growthMb),
      flat: Number.isFinite(growthMb) && growthMb <= FLAT_MB,
      samples: samples.map((s) => [s.t, round(s.rssMb, 1), s.sent]),
    };
  } finally {
    await stopVacuum();
    await senders?.stop();
    await fake.close();
  }
}

export const mailingsBench: Benchmark = {
  name: 'mailings',
  title: 'Mailing delivery on real worker processes: rate efficiency, raw ceiling, memory',
  async run(env: BenchEnv) {
    const orm = await createOrm({ entities, databaseUrl: env.databaseUrl, pgliteDir: '', poolSize: 4 });
    const build = await buildWorker();
    const big = Number(process.env.BENCH_MAILING_BIG ?? 200_000);
    const specs: CaseSpec[] = [
      ...(process.env.BENCH_MAILING_QUICK
        ? []
        : [{ name: 'rate25', recipients: 5000, rate: 25, workers: 2, latencyMs: 0 }]),
      { name: 'rate1000', recipients: 5000, rate: 1000, workers: 2, latencyMs: 0 },
      { name: 'rate1000-100ms', recipients: 5000, rate: 1000, workers: 2, latencyMs: 100 },
      { name: 'photo1000', recipients: 5000, rate: 1000, workers: 2, latencyMs: 0, photo: true },
      { name: 'raw', recipients: 20_000, rate: null, workers: 2, latencyMs: 0 },
      { name: 'memory', recipients: big, rate: 1000, workers: 1, latencyMs: 0 },
    ];
    // A test server may run with autovacuum off; production servers do not, and every delivery
    // row is updated three times, so without vacuum a big mailing walks ever more dead index
    // entries. Then the bench vacuums deliveries itself, in autovacuum's place, and says so.
    const [setting] = await orm.em
      .getConnection()
      .execute<{ autovacuum: string }[]>(`select current_setting('autovacuum') as autovacuum`);
    const vacuum = setting?.autovacuum === 'off';
    const only = process.env.BENCH_MAILING_ONLY?.split(',');
    const results: Array<Awaited<ReturnType<typeof runCase>>> = [];
    try {
      for (const spec of specs)
        if (!only || only.includes(spec.name)) results.push(await runCase(env, orm, build, spec, vacuum));
    } finally {
      await orm.close(true);
    }
    const memory = results.find((r) => r.name === 'memory');
    const goalMet = memory ? memory.peakRssMb < GOAL_MB && memory.flat : false;
    const flags = build.nodeOptions || 'none';
    return {
      report: [
        markdownTable(
          [
            'case',
            'content',
            'workers',
            'recipients',
            'answers',
            'rate/s',
            'achieved/s',
            'efficiency',
            'peak RSS MB',
            'unknown',
            'duplicates',
          ],
          results.map((r) => [
            r.name,
            r.photo ? 'photo + 3 buttons' : 'text',
            String(r.workers),
            fmt(r.recipients, 0),
            r.latencyMs ? `${r.latencyMs} ms` : 'instant',
            r.rate === null ? '—' : fmt(r.rate, 0),
            fmt(r.achieved, 1),
            r.efficiency === null ? '—' : fmt(r.efficiency, 3),
            fmt(r.peakRssMb, 0),
            String(r.unknown),
            String(r.duplicates),
          ]),
        ),
        ...(vacuum
          ? [
              `This PostgreSQL runs with autovacuum off: the bench ran VACUUM ANALYZE deliveries every ${VACUUM_EVERY_MS / 1000} s in its place.`,
            ]
          : []),
        `Each case but raw: ${build.runtime} --role=worker processes (NODE_OPTIONS of the image: ${flags}) against the HTTP fake Bot API in the bench process; raw: two engines with no rate limit in the bench process (its peak RSS is the bench process's). Efficiency = (sends − 1) ÷ (last − first send) ÷ rate (goal ≥ 0.97). Peak RSS is the largest worker's (VmRSS samples and VmHWM).`,
        ...(memory
          ? [
              markdownTable(
                ['memory case', 'idle MB', '1st half peak MB', '2nd half peak MB', 'peak (VmHWM) MB', 'goal'],
                [
                  [
                    `${fmt(memory.recipients, 0)} recipients`,
                    fmt(memory.idleRssMb, 0),
                    fmt(memory.firstHalfPeakMb, 0),
                    fmt(memory.secondHalfPeakMb, 0),
                    fmt(memory.peakRssMb, 0),
                    goalMet ? 'met' : 'NOT met',
                  ],
                ],
              ),
              `memory: ${fmt(memory.sent, 0)} sent (${fmt(memory.rowsSent, 0)} rows sent, ${memory.unknown} unknown) in ${fmt(memory.totalMs / 1000, 1)} s, materialised after ${fmt(memory.materializedMs / 1000, 1)} s. Goal: peak < ${GOAL_MB} MB and flat (2nd half peak − 1st half peak = ${fmt(memory.growthMb, 1)} MB ≤ ${FLAT_MB} MB): ${goalMet ? 'met' : 'NOT met'}.`,
            ]
          : []),
      ],
      data: { nodeOptions: build.nodeOptions, runtime: build.runtime, vacuumedByBench: vacuum, cases: results },
    };
  },
};
