/**
 * Mailing delivery (SPEC §2.5): (a) efficiency = achieved rate ÷ configured rate for 5,000
 * recipients at 25/s and 1,000/s with two engines (two workers in this process, sharing the Redis
 * rate limit and PostgreSQL claims like two processes would); (b) the raw ceiling with no rate
 * limit; (c) the memory of ONE real worker process (`--role=worker`, its own child process, against
 * the HTTP fake Bot API in this process) while it materialises and sends 200,000 recipients with no
 * rate limit, sampled from /proc/<pid>/status (VmRSS every 500 ms, VmHWM at the end).
 * BENCH_WORKER_NODE_OPTIONS passes V8 flags to that worker; BENCH_WORKER_OUTPUT=<file> keeps its output.
 * BENCH_MAILING_QUICK=1 skips the 25/s case (it takes 200 s by design); BENCH_MAILING_BIG sets the
 * recipients of the memory case (default 200,000).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createOrm, type Orm } from '../src/db/orm.js';
import { createMailing, getMailingView } from '../src/domain/mailings.js';
import { createLogger } from '../src/logger.js';
import { MailingEngine } from '../src/mailings/engine.js';
import { connectRedis, createRedis } from '../src/redis.js';
import type { Services } from '../src/services.js';
import { FakeBotApiServer } from '../test/helpers/fake-bot-api-server.js';
import { flushRedis, ROOT } from '../test/helpers/program.js';
import { testConfig } from '../test/helpers/services.js';
import { type BenchEnv, type Benchmark, fmt, markdownTable, round } from './harness.js';

async function seed(orm: Orm, tag: string, count: number, firstChat: number) {
  await orm.em
    .fork()
    .getConnection()
    .execute(
      `insert into users (telegram_id, language, timezone, tags, role, status, bot_blocked, notifications, created_at, updated_at)
     select ? + g, 'en', 'UTC', array[?], 'user', 'active', false, true, now(), now() from generate_series(0, ? - 1) g`,
      [firstChat, tag, count],
    );
}

async function scenario(
  services: Services,
  apiRoot: string,
  fake: FakeBotApiServer,
  tag: string,
  _count: number,
  rate: number | null,
  engines = 2,
) {
  const sendsBefore = fake.sends.length;
  const mailing = await createMailing(services.orm.em.fork(), null, {
    text: `bench ${tag}`,
    filter: { tags: [tag] },
    endAt: new Date(Date.now() + 3_600_000),
  });
  const config = { ...services.config, telegramApiRoot: apiRoot, mailing: { rate: rate ?? 1000, paidBroadcast: true } };
  const list = Array.from({ length: engines }, () =>
    new MailingEngine({ ...services, config }, { rate, tickMs: 200, idleMs: 20 }).start(),
  );
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const started = Date.now();
  for (;;) {
    const view = await getMailingView(services.orm.em.fork(), mailing.id);
    if (view.status === 'completed') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  clearInterval(sampler);
  await Promise.all(list.map((e) => e.stop()));
  const sends = fake.sends.slice(sendsBefore);
  const first = sends[0]?.at ?? started;
  const last = sends[sends.length - 1]?.at ?? started;
  // n sends span n-1 intervals.
  const achieved = sends.length > 1 ? ((sends.length - 1) * 1000) / Math.max(1, last - first) : 0;
  return {
    sent: sends.length,
    achieved,
    totalMs: Date.now() - started,
    peakRssMb: peakRss / 2 ** 20,
    duplicates: fake.duplicates,
  };
}

/** The memory goal of the issue: peak RSS of the engine process under 300 MB, flat while sending. */
const GOAL_MB = 300;
/** "Flat": RSS grows by at most this much from half-sent to all-sent (it would double if per-recipient). */
const FLAT_MB = 25;
/** The worker's own Redis database (the program uses its default key prefix); flushed afterwards. */
const WORKER_REDIS_DB = 15;

/** VmRSS / VmHWM of a live process in MB (null once it has exited). */
function procMemory(pid: number): { rssMb: number; hwmMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/**
 * Compiles the program (tsc -p tsconfig.build.json, a few seconds) into a fresh folder of its own
 * (dist/ may hold stale migrations tsc never deletes), so the worker runs as plain node without the
 * tsx loader's memory; falls back to tsx if that fails.
 */
async function workerCommand(): Promise<{ args: string[]; runtime: string }> {
  const outDir = join(ROOT, 'node_modules/.cache/gramdesk-bench-dist');
  rmSync(outDir, { recursive: true, force: true });
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const code = await new Promise<number | null>((resolve) => {
    // --noCheck: emit even while the tree has type errors (typecheck is CI's job, not the bench's).
    const build = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--noCheck', '--outDir', outDir], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    build.on('exit', resolve);
    build.on('error', () => resolve(-1));
  });
  const main = join(outDir, 'src/main.js');
  if (code === 0 && existsSync(main)) {
    // Under node_modules/ the project's package.json is out of scope: mark the output as ESM.
    writeFileSync(join(outDir, 'package.json'), '{ "type": "module" }\n');
    return { args: [main, '--role=worker'], runtime: 'node (compiled build)' };
  }
  // tsx's CLI would run the program in a child process (whose memory we would not see): load it
  // as a loader of this very process instead.
  return {
    args: ['--import', 'tsx', join(ROOT, 'src/main.ts'), '--role=worker'],
    runtime: 'node --import tsx src/main.ts (build failed)',
  };
}

function startWorker(args: string[], env: Record<string, string>) {
  // BENCH_WORKER_NODE_OPTIONS passes node/V8 flags (e.g. --max-old-space-size, --trace-gc) to the
  // worker under test, on its command line (NODE_OPTIONS refuses some of them).
  const flags = (process.env.BENCH_WORKER_NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...flags, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // BENCH_WORKER_OUTPUT=<file> keeps the worker's whole output (e.g. with NODE_OPTIONS=--trace-gc).
  const dump = process.env.BENCH_WORKER_OUTPUT;
  if (dump) {
    writeFileSync(dump, '');
    const append = (chunk: Buffer) => appendFileSync(dump, chunk);
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
  }
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return {
    child,
    exited,
    output: () => output,
    async started(timeoutMs = 90_000) {
      const since = Date.now();
      while (!/gramdesk started/.test(output)) {
        if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}) before starting:\n${output}`);
        if (Date.now() - since > timeoutMs) throw new Error(`worker did not start in time:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** The memory case: one real worker process materialises and sends `count` recipients, no rate limit. */
async function memoryCase(env: BenchEnv, orm: Orm, firstChat: number, count: number) {
  const fake = new FakeBotApiServer();
  const apiRoot = await fake.listen();
  const redisUrl = `${env.redisUrl.replace(/\/\d+$/, '').replace(/\/$/, '')}/${WORKER_REDIS_DB}`;
  const { args, runtime } = await workerCommand();
  const worker = startWorker(args, {
    BOT_TOKEN: '7000000001:BENCH-mailing_token',
    TELEGRAM_API_ROOT: apiRoot,
    REDIS_URL: redisUrl,
    DATABASE_URL: env.databaseUrl,
    LOG_LEVEL: 'info',
    MAILING_RATE: '1000',
    MAILING_PAID_BROADCAST: 'true',
  });
  const pid = worker.child.pid ?? 0;
  const samples: Array<{ t: number; rssMb: number; sent: number }> = [];
  try {
    await worker.started();
    const idleRssMb = procMemory(pid)?.rssMb ?? Number.NaN;
    const connection = orm.em.fork().getConnection();
    await connection.execute(
      `insert into users (telegram_id, language, timezone, tags, role, status, bot_blocked, notifications, created_at, updated_at)
       select ? + g, 'en', 'UTC', array['big'], 'user', 'active', false, true, now(), now() from generate_series(0, ? - 1) g`,
      [firstChat, count],
    );
    const text = 'bench big';
    const mailing = await createMailing(orm.em.fork(), null, {
      text,
      filter: { tags: ['big'] },
      endAt: new Date(Date.now() + 3_600_000),
    });
    const started = Date.now();
    let materializedRssMb = Number.NaN;
    let materializedMs = Number.NaN;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const mem = procMemory(pid);
        if (!mem) break; // exited: the status loop below reports it
        samples.push({ t: Date.now() - started, rssMb: mem.rssMb, sent: fake.sends.length });
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
      if (row?.materialized && Number.isNaN(materializedMs)) {
        materializedMs = Date.now() - started;
        materializedRssMb = procMemory(pid)?.rssMb ?? Number.NaN;
      }
      if (row?.status === 'completed' || row?.status === 'cancelled') break;
      if (worker.child.exitCode !== null) throw new Error(`worker exited:\n${worker.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    sampling = false;
    await sampler;
    const end = procMemory(pid);
    const view = await getMailingView(orm.em.fork(), mailing.id);
    const sends = fake.sends.filter((s) => s.text === text);
    const first = sends[0]?.at ?? started;
    const last = sends[sends.length - 1]?.at ?? started;
    const achieved = sends.length > 1 ? ((sends.length - 1) * 1000) / Math.max(1, last - first) : 0;
    const peakRssMb = Math.max(end?.hwmMb ?? 0, ...samples.map((s) => s.rssMb));
    const halfSent = samples.find((s) => s.sent >= sends.length / 2)?.rssMb ?? Number.NaN;
    const endRssMb = end?.rssMb ?? Number.NaN;
    const growthSecondHalfMb = endRssMb - halfSent;
    const flat = Number.isFinite(growthSecondHalfMb) && growthSecondHalfMb <= FLAT_MB;
    return {
      runtime,
      sent: sends.length,
      delivered: view.counts.sent,
      unknown: view.counts.unknown,
      achieved,
      totalMs: Date.now() - started,
      materializedMs,
      idleRssMb: round(idleRssMb),
      materializedRssMb: round(materializedRssMb),
      halfSentRssMb: round(halfSent),
      endRssMb: round(endRssMb),
      peakRssMb: round(peakRssMb),
      vmHwmMb: round(end?.hwmMb ?? Number.NaN),
      growthSecondHalfMb: round(growthSecondHalfMb),
      flat,
      goalMet: peakRssMb < GOAL_MB && flat,
      duplicates: fake.duplicates,
      samples: samples.map((s) => [s.t, round(s.rssMb, 1), s.sent]),
    };
  } finally {
    if (worker.child.exitCode === null) worker.child.kill('SIGTERM');
    const timer = setTimeout(() => worker.child.kill('SIGKILL'), 15_000);
    await worker.exited;
    clearTimeout(timer);
    await fake.close();
    await flushRedis(redisUrl).catch(() => undefined);
  }
}

export const mailingsBench: Benchmark = {
  name: 'mailings',
  title: 'Mailing delivery: rate efficiency, raw ceiling, memory',
  async run(env: BenchEnv) {
    const orm = await createOrm({ databaseUrl: env.databaseUrl, pgliteDir: '', poolSize: 16 });
    const redis = createRedis(env.redisUrl);
    await connectRedis(redis, env.redisUrl);
    const fake = new FakeBotApiServer();
    const apiRoot = await fake.listen();
    const services = {
      config: testConfig({ REDIS_URL: env.redisUrl }),
      log: createLogger('warn'),
      orm,
      redis,
      keyPrefix: env.keyPrefix,
    } as unknown as Services;
    const rows: string[][] = [];
    const data: Record<string, unknown> = {};
    let memory: string[] = [];
    try {
      const cases: Array<[string, number, number | null]> = [];
      if (!process.env.BENCH_MAILING_QUICK) cases.push(['rate25', 5000, 25]);
      cases.push(['rate1000', 5000, 1000], ['raw', 20000, null]);
      let chat = 100_000_000;
      for (const [tag, count, rate] of cases) {
        await seed(orm, tag, count, chat);
        chat += count;
        const r = await scenario(services, apiRoot, fake, tag, count, rate);
        data[tag] = { count, rate, ...r };
        rows.push([
          tag,
          fmt(count, 0),
          rate === null ? '—' : fmt(rate, 0),
          fmt(r.achieved, 1),
          rate === null ? '—' : fmt(r.achieved / rate, 3),
          fmt(r.peakRssMb, 0),
          String(r.duplicates),
        ]);
      }
      const big = Number(process.env.BENCH_MAILING_BIG ?? 200_000);
      const r = await memoryCase(env, orm, chat, big);
      data.big = { count: big, ...r };
      rows.push(['big (memory)', fmt(big, 0), '—', fmt(r.achieved, 1), '—', fmt(r.peakRssMb, 0), String(r.duplicates)]);
      memory = [
        markdownTable(
          ['worker process', 'idle MB', 'after materialising MB', 'half sent MB', 'end MB', 'peak (VmHWM) MB', 'goal'],
          [
            [
              r.runtime,
              fmt(r.idleRssMb, 0),
              fmt(r.materializedRssMb, 0),
              fmt(r.halfSentRssMb, 0),
              fmt(r.endRssMb, 0),
              fmt(r.peakRssMb, 0),
              r.goalMet ? 'met' : 'NOT met',
            ],
          ],
        ),
        `big (memory): ONE real worker process (${r.runtime}, --role=worker, MAILING_RATE=1000, paid broadcast) against the HTTP fake Bot API in the bench process; RSS from /proc/<pid>/status every 500 ms, peak = max(samples, VmHWM). ${fmt(r.sent, 0)} sent (${fmt(r.delivered, 0)} rows sent, ${r.unknown} unknown) in ${fmt(r.totalMs / 1000, 1)} s, materialised after ${fmt(r.materializedMs / 1000, 1)} s. Goal: peak < ${GOAL_MB} MB and flat (growth from half sent to the end ${fmt(r.growthSecondHalfMb, 1)} MB ≤ ${FLAT_MB} MB): ${r.goalMet ? 'met' : 'NOT met'}.`,
      ];
    } finally {
      await fake.close();
      await redis.quit();
      await orm.close(true);
    }
    return {
      report: [
        markdownTable(['case', 'recipients', 'rate/s', 'achieved/s', 'efficiency', 'peak RSS MB', 'duplicates'], rows),
        "rate and raw cases: two engines in the bench process (the fake Bot API in the same process answers instantly; their peak RSS is the bench process's). Efficiency = (sends − 1) ÷ (last − first send) ÷ rate.",
        ...memory,
      ],
      data,
    };
  },
};
