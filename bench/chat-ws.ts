import { Worker } from 'node:worker_threads';
import { upgradeWebSocket } from '@hono/node-server';
import { Hono } from 'hono';
import pg from 'pg';
import { WebSocketServer } from 'ws';
import { User } from '../src/features/users/user.entity.js';
import { issueAccessToken } from '../src/platform/auth/access-token.js';
import { startHttpServer } from '../src/platform/http/server.js';
import { type RateDecision, RateLimiter } from '../src/platform/rate-limit.js';
import type { Services } from '../src/platform/services.js';
import { startChatServer } from '../test/helpers/chat.js';
import {
  ascending,
  type BenchEnv,
  type Benchmark,
  type CpuPerOperation,
  cpuMeter,
  fmt,
  markdownTable,
  perOperation,
  profiled,
  quantile,
  round,
} from './harness.js';
import { openBenchServices } from './services.js';

/**
 * Issue: chat over WebSocket. Through the real API process (auth before the upgrade, the
 * gateway, domain use cases with their SQL, Redis presence and pub/sub) on a real port:
 * (1) PM round trips per second between two connected clients — A sends a pm to B, B's frame
 *     arrives, B answers with a pm to A, A's frame arrives: one round trip = two stored and
 *     delivered PMs — for 1 pair and for PAIRS pairs at once;
 * (2) latency from `POST /messages` (with `to`) to the recipient's WebSocket frame;
 * next to a bare echo server built with the same library (@hono/node-server's upgradeWebSocket
 * over `ws`) on another port: one round trip = client → server → client.
 * The servers run in the main thread; the clients (Node's global WebSocket and fetch) in a
 * worker thread, so they do not take the server's event loop. The PM rate limit (20/min per
 * sender) and the per-connection frame limit are lifted for the run.
 */

const DURATION_S = intFromEnv('BENCH_CHAT_SECONDS', 4);
const WARMUP_S = 1;
const PAIRS = intFromEnv('BENCH_CHAT_PAIRS', 16);

interface Stats {
  count: number;
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

/** One scenario's run; its CPU is per operation, warm-up included (as `total`). */
interface RunResult extends Partial<CpuPerOperation> {
  /** Completed round trips (or POST → frame samples) that started in the measured window. */
  operations: number;
  /** All of them, warm-up included (for per-operation counts of the server side). */
  total: number;
  wallMs: number;
  errors: number;
  /** Round trip (or POST → frame) times in ms. */
  latency: Stats;
  /** For POST runs: time to the HTTP 201. */
  http?: Stats;
}

/** `result` with the CPU `meter` saw spread over its operations. */
const withCpu = (result: RunResult, meter: ReturnType<typeof cpuMeter>): RunResult => ({
  ...result,
  ...perOperation(meter(), result.total),
});

/** Plain JS for the worker thread: every scenario's clients. */
const CLIENTS = `
const { parentPort, workerData } = require('node:worker_threads');
const { scenario, warmupMs, durationMs } = workerData;
const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.onopen = () => resolve(ws);
    ws.onerror = () => reject(new Error('websocket did not open: ' + url.replace(/token=.*/, 'token=…')));
  });
}
function stats(samples) {
  samples.sort((a, b) => a - b);
  const q = (p) => samples.length ? samples[Math.min(samples.length - 1, Math.max(0, Math.ceil(p * samples.length) - 1))] : NaN;
  const mean = samples.reduce((a, b) => a + b, 0) / (samples.length || 1);
  return { count: samples.length, mean, p50: q(0.5), p99: q(0.99), max: samples[samples.length - 1] ?? NaN };
}
async function run() {
  const started = now();
  const measureFrom = started + warmupMs;
  const end = measureFrom + durationMs;
  const latency = [];
  const http = [];
  let operations = 0;
  let total = 0;
  let errors = 0;
  if (scenario.kind === 'echo') {
    await Promise.all(Array.from({ length: scenario.clients }, async () => {
      const ws = await open(scenario.url);
      await new Promise((resolve) => {
        let sentAt = 0;
        const send = () => {
          if (now() >= end) { ws.close(); resolve(); return; }
          sentAt = now();
          ws.send('{"type":"echo","text":"ping"}');
        };
        ws.onmessage = () => {
          const t = now();
          total++;
          if (sentAt >= measureFrom) { latency.push(t - sentAt); operations++; }
          send();
        };
        send();
      });
    }));
  } else if (scenario.kind === 'pingpong') {
    await Promise.all(scenario.pairs.map(async (pair) => {
      const a = await open(pair.a.url);
      const b = await open(pair.b.url);
      await sleep(200); // the (empty) inboxes
      await new Promise((resolve) => {
        let tripStart = 0;
        const finish = () => { a.close(); b.close(); resolve(); };
        const sendA = () => {
          if (now() >= end) return finish();
          tripStart = now();
          a.send(JSON.stringify({ type: 'pm', to: pair.b.username, text: 'ping', ref: 'a' }));
        };
        b.onmessage = (event) => {
          const f = JSON.parse(event.data);
          if (f.type === 'error') { errors++; return finish(); }
          if (f.type === 'pm' && f.ref === undefined) b.send(JSON.stringify({ type: 'pm', to: pair.a.username, text: 'pong', ref: 'b' }));
        };
        a.onmessage = (event) => {
          const f = JSON.parse(event.data);
          if (f.type === 'error') { errors++; return finish(); }
          if (f.type === 'pm' && f.ref === undefined) {
            total++;
            if (tripStart >= measureFrom) { latency.push(now() - tripStart); operations++; }
            sendA();
          }
        };
        sendA();
      });
    }));
  } else if (scenario.kind === 'post') {
    const b = await open(scenario.recipient.url);
    await sleep(200);
    let waiting = null;
    b.onmessage = (event) => {
      const f = JSON.parse(event.data);
      if (waiting && f.type === 'pm' && f.text === waiting.text) { waiting.resolve(now()); waiting = null; }
    };
    let i = 0;
    while (now() < end) {
      const text = 'latency ' + (i++);
      const arrived = new Promise((resolve) => { waiting = { text, resolve }; });
      const t0 = now();
      const res = await fetch(scenario.postUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer ' + scenario.senderToken },
        body: JSON.stringify({ to: scenario.recipient.username, text }),
      });
      await res.arrayBuffer();
      const t1 = now();
      if (res.status !== 201) { errors++; break; }
      const t2 = await Promise.race([arrived, sleep(5000).then(() => null)]);
      if (t2 === null) { errors++; break; }
      total++;
      if (t0 >= measureFrom) { latency.push(t2 - t0); http.push(t1 - t0); operations++; }
    }
    b.close();
  }
  const wallMs = Math.min(now(), end) - measureFrom;
  parentPort.postMessage({ operations, total, wallMs: Math.max(1, wallMs), errors, latency: stats(latency), ...(http.length ? { http: stats(http) } : {}) });
}
run().catch((err) => parentPort.postMessage({ failed: String(err && err.stack || err) }));
`;

function drive(scenario: unknown): Promise<RunResult> {
  const meter = cpuMeter();
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENTS, {
      eval: true,
      workerData: { scenario, warmupMs: WARMUP_S * 1000, durationMs: DURATION_S * 1000 },
    });
    worker.once('message', (result: RunResult & { failed?: string }) => {
      void worker.terminate();
      if (result.failed) reject(new Error(result.failed));
      else resolve(withCpu(result, meter));
    });
    worker.once('error', reject);
  });
}

/** No PM limit for the run: the benchmark sends far more than 20 PMs a minute per sender. */
class UnlimitedLimiter extends RateLimiter {
  override async hit(): Promise<RateDecision> {
    return { allowed: true, retryAfter: 0 };
  }
}

function buildServices(env: BenchEnv, counter: { sql: number }) {
  return openBenchServices(env, counter, { name: 'chat', limiter: (s) => new UnlimitedLimiter(s.redis, s.keyPrefix) });
}

/** The bare baseline: @hono/node-server's upgradeWebSocket over `ws`, echoing every frame. */
async function startEchoServer(services: Services) {
  const app = new Hono();
  app.get(
    '/ws',
    upgradeWebSocket(() => ({
      onMessage(event, ws) {
        ws.send(String(event.data));
      },
    })),
  );
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
  const server = await startHttpServer(app, {
    port: 0,
    host: '127.0.0.1',
    log: services.log,
    shutdownGraceMs: 500,
    websocket: wss,
  });
  return {
    url: `ws://127.0.0.1:${server.port}/ws`,
    async close() {
      wss.close();
      await server.close();
    },
  };
}

/**
 * The durable floor of a PM round trip: two INSERTs of a message-sized row, each its own
 * committed statement (so each waits for PostgreSQL's WAL flush, as a stored PM does), one after
 * the other — by `clients` loops at once. No WebSocket, no Redis, no JavaScript of ours: what
 * this machine's disk and PostgreSQL take for the two stored messages of a round trip.
 */
async function durableFloor(env: BenchEnv, clients: number): Promise<RunResult> {
  const pool = new pg.Pool({ connectionString: env.databaseUrl, max: clients });
  try {
    await pool.query(
      'create table if not exists bench_floor (id bigserial primary key, sender bigint not null, recipient bigint not null, text text not null, sent_at timestamptz not null default now())',
    );
    const insert = (a: number, b: number) =>
      pool.query('insert into bench_floor (sender, recipient, text) values ($1, $2, $3) returning id, sent_at', [
        a,
        b,
        'ping',
      ]);
    const meter = cpuMeter();
    const start = performance.now();
    const measuredFrom = start + WARMUP_S * 1000;
    const end = measuredFrom + DURATION_S * 1000;
    const samples: number[] = [];
    let total = 0;
    await Promise.all(
      Array.from({ length: clients }, async (_, i) => {
        while (performance.now() < end) {
          const t0 = performance.now();
          await insert(2 * i, 2 * i + 1);
          await insert(2 * i + 1, 2 * i);
          total++;
          if (t0 >= measuredFrom) samples.push(performance.now() - t0);
        }
      }),
    );
    const sorted = ascending(samples);
    const mean = samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length);
    return withCpu(
      {
        operations: samples.length,
        total,
        wallMs: DURATION_S * 1000,
        errors: 0,
        latency: {
          count: samples.length,
          mean,
          p50: quantile(sorted, 0.5),
          p99: quantile(sorted, 0.99),
          max: sorted.at(-1) ?? 0,
        },
      },
      meter,
    );
  } finally {
    await pool.end();
  }
}

export const chatWs: Benchmark = {
  name: 'chat-ws',
  title: `WebSocket PM round trips (1 and ${PAIRS} pairs), POST /messages → frame latency, vs a bare ws echo`,
  async run(env) {
    const counter = { sql: 0 };
    const { services, close } = await buildServices(env, counter);
    const closers: Array<() => Promise<void>> = [];
    try {
      // The real API with the chat gateway, limits raised so the benchmark measures the path, not the limiter.
      const real = await startChatServer(services, {
        frameRate: { count: 1_000_000, windowSeconds: 1 },
        maxPending: 1_000,
      });
      closers.push(() => real.close());
      const echo = await startEchoServer(services);
      closers.push(() => echo.close());

      const em = services.orm.em.fork();
      const users = Array.from({ length: PAIRS * 2 + 2 }, (_, i) =>
        em.create(User, { username: `bench_chat_${i}`, accountState: 'active', firstName: `U${i}` }),
      );
      await em.flush();
      const clients = await Promise.all(
        users.map(async (u) => {
          const { token } = await issueAccessToken(services.keys, services.config.publicUrl, u.id);
          return { username: u.username as string, token, url: `ws://127.0.0.1:${real.http.port}/ws?token=${token}` };
        }),
      );
      const pair = (i: number) => ({ a: clients[2 * i], b: clients[2 * i + 1] });

      const results: Array<{ scenario: string; unit: string; result: RunResult }> = [];
      const sqlBefore = counter.sql;
      results.push({
        scenario: 'Gramdesk PM ping-pong, 1 pair',
        unit: 'round trips (2 PMs)',
        result: await profiled('chat-ws-1-pair', () => drive({ kind: 'pingpong', pairs: [pair(0)] })),
      });
      const sqlPerPm = (counter.sql - sqlBefore) / Math.max(1, 2 * (results[0]?.result.total ?? 0));
      const sqlBeforePairs = counter.sql;
      results.push({
        scenario: `Gramdesk PM ping-pong, ${PAIRS} pairs`,
        unit: 'round trips (2 PMs)',
        result: await profiled('chat-ws-pairs', () =>
          drive({ kind: 'pingpong', pairs: Array.from({ length: PAIRS }, (_, i) => pair(i)) }),
        ),
      });
      // With many pairs, PMs of one event-loop turn commit together: their group's BEGIN and COMMIT count too.
      const sqlPerPmPairs = (counter.sql - sqlBeforePairs) / Math.max(1, 2 * (results[1]?.result.total ?? 0));
      const sqlPerPmMax = Math.max(sqlPerPm, sqlPerPmPairs);
      results.push({
        scenario: 'bare ws echo, 1 client',
        unit: 'round trips',
        result: await drive({ kind: 'echo', url: echo.url, clients: 1 }),
      });
      results.push({
        scenario: `bare ws echo, ${PAIRS} clients`,
        unit: 'round trips',
        result: await drive({ kind: 'echo', url: echo.url, clients: PAIRS }),
      });
      results.push({
        scenario: 'durable floor: 2 committed INSERTs in a row, 1 client',
        unit: 'round trips (2 rows)',
        result: await durableFloor(env, 1),
      });
      results.push({
        scenario: `durable floor: 2 committed INSERTs in a row, ${PAIRS} clients`,
        unit: 'round trips (2 rows)',
        result: await durableFloor(env, PAIRS),
      });
      const sender = clients[PAIRS * 2] as (typeof clients)[number];
      const recipient = clients[PAIRS * 2 + 1] as (typeof clients)[number];
      const post = await drive({
        kind: 'post',
        postUrl: `http://127.0.0.1:${real.http.port}/messages`,
        senderToken: sender.token,
        recipient,
      });

      const rows = results.map(({ scenario, unit, result }) => ({
        scenario,
        unit,
        operations: result.operations,
        errors: result.errors,
        perSecond: round((result.operations / result.wallMs) * 1000),
        p50Ms: round(result.latency.p50, 3),
        p99Ms: round(result.latency.p99, 3),
        maxMs: round(result.latency.max, 3),
        serverCpuUs: round(result.serverCpuUs ?? Number.NaN, 0),
        machineCpuUs: round(result.machineCpuUs ?? Number.NaN, 0),
      }));
      const latency = {
        samples: post.operations,
        errors: post.errors,
        toFrame: {
          p50Ms: round(post.latency.p50),
          p99Ms: round(post.latency.p99),
          meanMs: round(post.latency.mean),
          maxMs: round(post.latency.max),
        },
        toHttp201: {
          p50Ms: round(post.http?.p50 ?? Number.NaN),
          p99Ms: round(post.http?.p99 ?? Number.NaN),
        },
      };
      type Row = (typeof rows)[number];
      const [single, many, echoOne, echoMany, floorOne, floorMany] = rows as [Row, Row, Row, Row, Row, Row];
      const goals = [
        [
          `SQL statements per PM (1 pair; ${PAIRS} pairs)`,
          `${fmt(sqlPerPm)}; ${fmt(sqlPerPmPairs)}`,
          '≤ 2',
          sqlPerPmMax <= 2,
        ],
        [`PMs per second, ${PAIRS} pairs`, fmt(many.perSecond * 2), '≥ 1,500', many.perSecond * 2 >= 1500],
        [`round trip p99, ${PAIRS} pairs`, `${fmt(many.p99Ms)} ms`, '< 30 ms', many.p99Ms < 30],
        ['round trip p50, 1 pair', `${fmt(single.p50Ms, 3)} ms`, '≤ 3 ms', single.p50Ms <= 3],
      ] as const;
      const report = [
        `${WARMUP_S} s warm-up + ${DURATION_S} s measured per row; server in the main thread, clients in a worker thread; ` +
          "CPU per operation: the main thread (the server; the durable floor's pg client), and the whole machine. " +
          'A PM round trip is two PMs (A → B, B → A), each authenticated, parsed, stored (SQL), published through ' +
          'Redis and delivered to the socket; an echo round trip is one frame there and back.',
        markdownTable(
          [
            'scenario',
            'unit',
            'count',
            'errors',
            'per s',
            'p50 ms',
            'p99 ms',
            'max ms',
            'server CPU µs/op',
            'machine CPU µs/op',
          ],
          rows.map((r) => [
            r.scenario,
            r.unit,
            String(r.operations),
            String(r.errors),
            fmt(r.perSecond),
            fmt(r.p50Ms, 3),
            fmt(r.p99Ms, 3),
            fmt(r.maxMs, 3),
            fmt(r.serverCpuUs, 0),
            fmt(r.machineCpuUs, 0),
          ]),
        ),
        markdownTable(
          [
            'POST /messages → recipient frame',
            'samples',
            'errors',
            'p50 ms',
            'p99 ms',
            'max ms',
            'HTTP 201 p50 ms',
            'HTTP 201 p99 ms',
          ],
          [
            [
              'sequential, recipient connected',
              String(latency.samples),
              String(latency.errors),
              fmt(latency.toFrame.p50Ms),
              fmt(latency.toFrame.p99Ms),
              fmt(latency.toFrame.maxMs),
              fmt(latency.toHttp201.p50Ms),
              fmt(latency.toHttp201.p99Ms),
            ],
          ],
        ),
        `PMs per second: ${fmt(single.perSecond * 2)} (1 pair), ${fmt(many.perSecond * 2)} (${PAIRS} pairs); ` +
          `PM round trip p50 × ${fmt(single.p50Ms / echoOne.p50Ms, 1)} of a bare echo round trip; ` +
          `${PAIRS}-way throughput ${fmt((many.perSecond / echoMany.perSecond) * 100, 1)} % of the bare echo's; ` +
          `SQL statements per PM: ${fmt(sqlPerPm)} (1 pair), ${fmt(sqlPerPmPairs)} (${PAIRS} pairs: the BEGIN and COMMIT of PMs committed together included).`,
        `Against the durable floor (two committed INSERTs, no WebSocket, no Redis, no code of ours): 1 pair p50 ` +
          `${fmt(single.p50Ms, 3)} ms vs ${fmt(floorOne.p50Ms, 3)} ms (× ${fmt(single.p50Ms / floorOne.p50Ms, 2)}); ` +
          `${PAIRS} pairs ${fmt(many.perSecond)} vs ${fmt(floorMany.perSecond)} round trips/s ` +
          `(${fmt((many.perSecond / floorMany.perSecond) * 100, 1)} %).`,
        markdownTable(
          ['goal (issue 17)', 'now', 'goal', ''],
          goals.map(([name, now, goal, met]) => [name, now, goal, met ? 'met' : 'not met']),
        ),
      ];
      return {
        report,
        data: {
          warmupSeconds: WARMUP_S,
          seconds: DURATION_S,
          pairs: PAIRS,
          sqlPerPm: round(sqlPerPm, 3),
          sqlPerPmPairs: round(sqlPerPmPairs, 3),
          rows,
          postLatency: latency,
          goals: goals.map(([name, now, goal, met]) => ({ name, now, goal, met })),
        },
      };
    } finally {
      for (const closeServer of closers.reverse()) await closeServer();
      await close();
    }
  },
};

function intFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}
