import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createLocalJWKSet, jwtVerify } from 'jose';
import pg from 'pg';
import { Task } from '../src/features/tasks/task.entities.js';
import { User } from '../src/features/users/user.entity.js';
import { issueAccessToken } from '../src/platform/auth/access-token.js';
import { createApi } from '../src/platform/http/app.js';
import { API_SECURITY_HEADERS } from '../src/platform/http/secure-headers.js';
import { startHttpServer } from '../src/platform/http/server.js';
import { createMetrics } from '../src/platform/metrics.js';
import type { Services } from '../src/platform/services.js';
import { apiRoutes } from '../src/routes.js';
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
 * Issue #4 (a): `GET /tasks` with a valid token and a page of 20 tasks through the real API
 * (request context and access log at info into a discarding sink, security headers, body limit,
 * ORM context, EdDSA token verification, the user row, the page query, JSON), served by
 * @hono/node-server on a real port, next to a bare Hono app on another port answering a static
 * JSON body of the same size. Each gets CONNECTIONS concurrent keep-alive connections for
 * DURATION_S after a WARMUP_S warm-up, from a load generator in a worker thread (its own event
 * loop, so the client does not steal the server's), which times every request.
 */

const CONNECTIONS = intFromEnv('BENCH_API_CONNECTIONS', 50);
const DURATION_S = intFromEnv('BENCH_API_SECONDS', 5);
const WARMUP_S = 1;
const ROUNDS = intFromEnv('BENCH_API_ROUNDS', 3);
const TASKS = 20;

/** One load run; its CPU is per answer, warm-up included (as `total`). */
interface LoadResult extends CpuPerOperation {
  /** Answers within the measured window. */
  requests: number;
  /** Answers including the warm-up (for per-request counts of the server side). */
  total: number;
  errors: number;
  statuses: Record<string, number>;
  wallMs: number;
  /** Percentiles in ms, computed in the worker from every request of the measured window. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** Answers in the slowest whole second of the measured window. */
  worstSecond: number;
}

/**
 * The load generator, plain JS for a worker thread: `connections` keep-alive sockets, each sending
 * its next request as soon as the previous answer is whole. It writes one precomputed request and
 * reads only what framing needs (the status, Content-Length or chunked framing), so the client's
 * own CPU — which shares this 2-core machine with the server and PostgreSQL — stays small: Node's
 * http client spent about as much per request as a bare Hono server does.
 */
const LOAD_GENERATOR = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const { url, headers, connections, warmupMs, durationMs } = workerData;
const target = new URL(url);
const head = ['GET ' + target.pathname + target.search + ' HTTP/1.1', 'Host: ' + target.host, 'Connection: keep-alive',
  ...Object.entries(headers).map(([k, v]) => k + ': ' + v), '', ''].join('\\r\\n');
const request = Buffer.from(head);
const CRLFCRLF = Buffer.from('\\r\\n\\r\\n');
const samples = [];
const perSecond = new Map();
const statuses = {};
let errors = 0;
let total = 0;
const started = performance.now();
const measureFrom = started + warmupMs;
const end = measureFrom + durationMs;

const LENGTH_NAMES = [Buffer.from('\\r\\ncontent-length:'), Buffer.from('\\r\\nContent-Length:')];
/**
 * The Content-Length of a head ending at headEnd, or -1 without one. Found with Buffer.indexOf on
 * the two spellings servers write, digits read from the bytes: the head is not decoded and
 * scanned by a regex, work that grew with every header line a server sends and so charged the
 * server that sends more of them through the client's share of this machine's two cores.
 */
function contentLength(buf, headEnd) {
  let from = -1;
  for (const name of LENGTH_NAMES) {
    const at = buf.indexOf(name);
    if (at >= 0 && at < headEnd) { from = at + name.length; break; }
  }
  if (from < 0) {
    const match = /\\r\\ncontent-length: *(\\d+)/i.exec(buf.toString('latin1', 0, headEnd));
    return match ? Number(match[1]) : -1;
  }
  while (buf[from] === 32) from++;
  let length = 0;
  for (let c = buf[from]; c >= 48 && c <= 57; c = buf[++from]) length = length * 10 + (c - 48);
  return length;
}

/** One keep-alive socket's request loop; resolves when the measured window is over. */
function connection() {
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.hostname, port: Number(target.port) });
    socket.setNoDelay(true);
    let pending = null; // unparsed bytes
    let t0 = 0;
    let status = 0;
    let bodyLeft = -1; // Content-Length body bytes still to read
    let chunked = false;
    let inHead = true;
    const send = () => {
      t0 = performance.now();
      if (t0 >= end) { socket.end(); resolve(); return; }
      inHead = true; bodyLeft = -1; chunked = false; status = 0;
      socket.write(request);
    };
    const done = () => {
      const t1 = performance.now();
      total++;
      if (t0 >= measureFrom) {
        samples.push(t1 - t0);
        const second = Math.floor((t1 - measureFrom) / 1000);
        if (t1 < end) perSecond.set(second, (perSecond.get(second) || 0) + 1);
        statuses[status] = (statuses[status] || 0) + 1;
        if (status !== 200) errors++;
      }
      send();
    };
    socket.on('data', (chunk) => {
      let buf = pending ? Buffer.concat([pending, chunk]) : chunk;
      pending = null;
      for (;;) {
        if (inHead) {
          const at = buf.indexOf(CRLFCRLF);
          if (at < 0) { pending = buf; return; }
          status = (buf[9] - 48) * 100 + (buf[10] - 48) * 10 + (buf[11] - 48);
          bodyLeft = contentLength(buf, at);
          chunked = bodyLeft < 0 && /\\r\\ntransfer-encoding: *chunked/i.test(buf.toString('latin1', 0, at));
          if (bodyLeft < 0) bodyLeft = 0;
          inHead = false;
          buf = buf.subarray(at + 4);
        }
        if (chunked) {
          // Each chunk: hex size CRLF data CRLF; a zero-size chunk and a CRLF end the body.
          const eol = buf.indexOf('\\r\\n');
          if (eol < 0) { pending = buf; return; }
          const size = Number.parseInt(buf.toString('latin1', 0, eol), 16);
          const need = eol + 2 + size + 2;
          if (buf.length < need) { pending = buf; return; }
          buf = buf.subarray(need);
          if (size !== 0) continue;
        } else {
          if (buf.length < bodyLeft) { bodyLeft -= buf.length; return; }
          buf = buf.subarray(bodyLeft);
        }
        done();
        if (buf.length === 0) return;
      }
    });
    socket.on('error', () => { errors++; resolve(); });
    socket.on('connect', send);
  });
}
(async () => {
  await Promise.all(Array.from({ length: connections }, connection));
  const wallMs = performance.now() - measureFrom;
  samples.sort((a, b) => a - b);
  const q = (p) => samples.length ? samples[Math.min(samples.length - 1, Math.max(0, Math.ceil(p * samples.length) - 1))] : NaN;
  const mean = samples.reduce((a, b) => a + b, 0) / (samples.length || 1);
  const seconds = Math.floor(durationMs / 1000);
  let worstSecond = Infinity;
  for (let i = 0; i < seconds; i++) worstSecond = Math.min(worstSecond, perSecond.get(i) || 0);
  parentPort.postMessage({ worstSecond: seconds > 0 ? worstSecond : NaN, requests: samples.length, total, errors, statuses, wallMs, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: samples[samples.length - 1], mean });
})();
`;

function drive(url: string, headers: Record<string, string>): Promise<LoadResult> {
  const meter = cpuMeter();
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD_GENERATOR, {
      eval: true,
      workerData: { url, headers, connections: CONNECTIONS, warmupMs: WARMUP_S * 1000, durationMs: DURATION_S * 1000 },
    });
    worker.once('message', (result: Omit<LoadResult, keyof CpuPerOperation>) => {
      resolve({ ...result, ...perOperation(meter(), result.total) });
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

function buildServices(env: BenchEnv, counter: { sql: number }) {
  return openBenchServices(env, counter, { name: 'tasks-api' });
}

async function seed(services: Services): Promise<string> {
  const em = services.orm.em.fork();
  const user = em.create(User, { username: 'bench_tasks', accountState: 'active', firstName: 'Bench' });
  await em.flush();
  for (let i = 1; i <= TASKS; i++) {
    em.create(Task, {
      owner: user,
      title: `Task number ${i}: write the quarterly report section ${i}`,
      description: 'Collect the figures, draft, send for review. '.repeat(2).trim(),
      status: i % 3 === 0 ? 'done' : i % 3 === 1 ? 'todo' : 'in_progress',
      dueAt: new Date(Date.now() + i * 86_400_000),
      tags: ['work', `q${(i % 4) + 1}`],
    });
  }
  await em.flush();
  return (await issueAccessToken(services.keys, services.config.publicUrl, user.id)).token;
}

/**
 * The floor of issue 17: a lean handler doing exactly GET /tasks's work — verify the EdDSA access
 * token (jose, against the same public keys), read the user's state (exists, active account, not
 * banned), read the page (owner and assignee joined, 21 rows) and answer the same JSON — with
 * Hono, `pg` and jose only: no ORM, no middleware, no logging. `cacheTokens` keeps verified
 * tokens until they expire (the variant the issue also measured).
 */
async function startLeanHandler(
  env: BenchEnv,
  services: Services,
  options: { cacheTokens: boolean },
): Promise<{ port: number; close(): Promise<void> }> {
  const pool = new pg.Pool({ connectionString: env.databaseUrl, max: 10 });
  const jwks = createLocalJWKSet(await services.keys.jwks());
  const verified = new Map<string, { sub: string; exp: number }>();
  const party = (row: Record<string, unknown>, p: string) =>
    row[`${p}_id`] == null
      ? null
      : {
          id: String(row[`${p}_id`]),
          username: (row[`${p}_username`] ?? row[`${p}_telegram_username`] ?? null) as string | null,
          firstName: (row[`${p}_display_name`] ?? row[`${p}_first_name`] ?? row[`${p}_telegram_first_name`] ?? null) as
            | string
            | null,
        };
  const cols = (a: string) =>
    ['id', 'username', 'telegram_username', 'display_name', 'first_name', 'telegram_first_name']
      .map((c) => `${a}.${c} as ${a}_${c}`)
      .join(', ');
  const pageSql = `select t.id, t.title, t.description, t.status, t.due_at, t.remind_before, t.tags, t.comment_count,
      t.created_at, t.updated_at, ${cols('o')}, ${cols('a')}
    from tasks t join users o on o.id = t.owner_id left join users a on a.id = t.assignee_id
    where (t.owner_id = $1 or t.assignee_id = $1) order by t.id desc limit 21`;
  const app = new Hono();
  app.get('/tasks', async (c) => {
    const token = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    if (!token) return c.json({ error: { code: 'unauthorized' } }, 401);
    let claims = options.cacheTokens ? verified.get(token) : undefined;
    if (!claims || claims.exp * 1000 <= Date.now()) {
      try {
        const { payload } = await jwtVerify(token, jwks, {
          algorithms: ['EdDSA'],
          issuer: services.config.publicUrl,
          audience: 'gramdesk',
        });
        claims = { sub: String(payload.sub), exp: Number(payload.exp) };
        if (options.cacheTokens) verified.set(token, claims);
      } catch {
        return c.json({ error: { code: 'unauthorized' } }, 401);
      }
    }
    const user = await pool.query('select status, account_state from users where id = $1', [claims.sub]);
    const state = user.rows[0];
    if (state?.account_state !== 'active') return c.json({ error: { code: 'unauthorized' } }, 401);
    if (state.status === 'banned') return c.json({ error: { code: 'user_banned' } }, 403);
    const { rows } = await pool.query(pageSql, [claims.sub]);
    const items = rows.slice(0, 20).map((r) => ({
      id: String(r.id),
      owner: party(r, 'o'),
      assignee: party(r, 'a'),
      title: r.title,
      description: r.description,
      status: r.status,
      dueAt: r.due_at ? new Date(r.due_at).toISOString() : null,
      remindBefore: r.remind_before ?? null,
      tags: r.tags,
      commentCount: r.comment_count,
      createdAt: new Date(r.created_at).toISOString(),
      updatedAt: new Date(r.updated_at).toISOString(),
    }));
    return c.json({ items, nextCursor: rows.length > 20 ? (items.at(-1)?.id ?? null) : null });
  });
  const server = await listen(app);
  return {
    port: server.port,
    async close() {
      await server.close();
      await pool.end();
    },
  };
}

function listen(app: Hono): Promise<{ port: number; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
  });
}

export const tasksApi: Benchmark = {
  name: 'tasks-api',
  title: `GET /tasks (valid token, ${TASKS} rows) vs a bare Hono app, ${CONNECTIONS} keep-alive connections`,
  async run(env) {
    const counter = { sql: 0 };
    const { services, close } = await buildServices(env, counter);
    const servers: Array<{ close(): Promise<void> }> = [];
    try {
      const token = await seed(services);
      const app = createApi({
        config: services.config,
        log: services.log,
        metrics: createMetrics(),
        orm: services.orm,
        readiness: { database: async () => undefined, redis: async () => undefined },
        routes: apiRoutes(services),
      });
      const real = await startHttpServer(app, { port: 0, host: '127.0.0.1', log: services.log, shutdownGraceMs: 1000 });
      servers.push(real);

      // The same answer, precomputed: what the framework and the socket cost alone.
      const probe = await fetch(`http://127.0.0.1:${real.port}/tasks`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = await probe.text();
      const page = JSON.parse(body) as { items: unknown[] };
      if (probe.status !== 200 || page.items.length !== TASKS) {
        throw new Error(`GET /tasks answered ${probe.status} with ${page.items?.length} items`);
      }
      const bare = new Hono();
      bare.get('/tasks', (c) => c.body(body, 200, { 'content-type': 'application/json' }));
      bare.get('/health', (c) => c.json({ status: 'ok' }));
      // The same answer as Gramdesk's /health, headers included (a request id and the seven security
      // headers), written the plain Hono way: what those bytes cost the framework by themselves.
      const sameHeaders = Object.fromEntries(API_SECURITY_HEADERS.pairs);
      bare.get('/health-same-headers', (c) =>
        c.json({ status: 'ok' }, 200, { 'X-Request-Id': randomUUID(), ...sameHeaders }),
      );
      const bareServer = await listen(bare);
      servers.push(bareServer);
      const lean = await startLeanHandler(env, services, { cacheTokens: false });
      servers.push(lean);
      const leanCached = await startLeanHandler(env, services, { cacheTokens: true });
      servers.push(leanCached);
      const auth = { authorization: `Bearer ${token}` };
      const leanProbe = (await (await fetch(`http://127.0.0.1:${lean.port}/tasks`, { headers: auth })).json()) as {
        items: unknown[];
      };
      if (JSON.stringify(leanProbe) !== body) throw new Error('the lean handler does not answer the same JSON');
      const headerNames = async (url: string) =>
        [...(await fetch(url)).headers.keys()]
          .filter((name) => name !== 'date' && name !== 'keep-alive')
          .sort()
          .join();
      const [ownHeaders, bareHeaders] = await Promise.all([
        headerNames(`http://127.0.0.1:${real.port}/health`),
        headerNames(`http://127.0.0.1:${bareServer.port}/health-same-headers`),
      ]);
      if (ownHeaders !== bareHeaders) throw new Error(`/health headers differ: ${ownHeaders} vs ${bareHeaders}`);

      const sqlBefore = counter.sql;
      // ROUNDS rounds, the stacks one after another in each: this 2-core VM's speed drifts by tens
      // of per cent within a minute, so a ratio is taken within each round (seconds apart) and the
      // median round is reported.
      const stacks = [
        {
          name: 'Gramdesk GET /tasks',
          url: `http://127.0.0.1:${real.port}/tasks`,
          headers: auth,
          profile: 'tasks-api-get-tasks',
        },
        { name: 'lean GET /tasks (Hono + pg + jose)', url: `http://127.0.0.1:${lean.port}/tasks`, headers: auth },
        { name: 'lean GET /tasks, tokens cached', url: `http://127.0.0.1:${leanCached.port}/tasks`, headers: auth },
        { name: 'bare Hono, static JSON', url: `http://127.0.0.1:${bareServer.port}/tasks`, headers: {} },
        {
          name: 'Gramdesk GET /health',
          url: `http://127.0.0.1:${real.port}/health`,
          headers: {},
          profile: 'tasks-api-health',
        },
        {
          name: 'bare Hono /health',
          url: `http://127.0.0.1:${bareServer.port}/health`,
          headers: {},
          profile: 'tasks-api-bare-health',
        },
        {
          name: 'bare Hono /health, the same headers',
          url: `http://127.0.0.1:${bareServer.port}/health-same-headers`,
          headers: {},
        },
      ];
      const runs: LoadResult[][] = stacks.map(() => []);
      let gramdeskTasksTotal = 0;
      for (let round = 0; round < ROUNDS; round++) {
        for (const [i, stack] of stacks.entries()) {
          const go = () => drive(stack.url, stack.headers);
          // The profile covers the first round only (one file per stack).
          const result = stack.profile && round === 0 ? await profiled(stack.profile, go) : await go();
          // Only Gramdesk's ORM counts statements (the lean handler has its own pg pool; /health reads nothing).
          if (i === 0) gramdeskTasksTotal += result.total;
          runs[i]?.push(result);
        }
      }
      const sqlPerRequest = (counter.sql - sqlBefore) / Math.max(1, gramdeskTasksTotal);
      const perSecond = (r: LoadResult) => (r.requests / r.wallMs) * 1000;
      /** The median of the rounds' ratios a ÷ b (stack indexes). */
      const medianRatio = (a: number, b: number) =>
        quantile(
          ascending(
            Array.from(
              { length: ROUNDS },
              (_, k) => perSecond(runs[a]?.[k] as LoadResult) / perSecond(runs[b]?.[k] as LoadResult),
            ),
          ),
          0.5,
        );
      /** A stack's round with the median rate: the row shown for it. */
      const medianRun = (i: number) => {
        const sorted = [...(runs[i] ?? [])].sort((x, y) => perSecond(x) - perSecond(y));
        return sorted[Math.floor((sorted.length - 1) / 2)] as LoadResult;
      };
      const [full, leanRun, leanCachedRun, baseline, health, bareHealth, bareSameHeaders] = stacks.map((_, i) =>
        medianRun(i),
      ) as [LoadResult, LoadResult, LoadResult, LoadResult, LoadResult, LoadResult, LoadResult];

      const row = (name: string, r: LoadResult) => {
        const rps = (r.requests / r.wallMs) * 1000;
        return {
          stack: name,
          requests: r.requests,
          errors: r.errors,
          perSecond: round(rps),
          worstSecond: round(r.worstSecond),
          meanMs: round(r.mean),
          p50Ms: round(r.p50),
          p90Ms: round(r.p90),
          p99Ms: round(r.p99),
          maxMs: round(r.max),
          serverCpuUs: round(r.serverCpuUs, 0),
          machineCpuUs: round(r.machineCpuUs, 0),
          statuses: r.statuses,
        };
      };
      const rows = [
        row('Gramdesk GET /tasks', full),
        row('lean GET /tasks (Hono + pg + jose)', leanRun),
        row('lean GET /tasks, tokens cached', leanCachedRun),
        row('bare Hono, static JSON', baseline),
        row('Gramdesk GET /health', health),
        row('bare Hono /health', bareHealth),
        row('bare Hono /health, the same headers', bareSameHeaders),
      ];
      type Row = ReturnType<typeof row>;
      const [mine, , , base] = rows as [Row, Row, Row, Row, Row, Row, Row];
      const ratio = {
        throughput: round(medianRatio(0, 3), 3),
        p99: round(mine.p99Ms / base.p99Ms, 2),
        vsLean: round(medianRatio(0, 1), 3),
        vsLeanCached: round(medianRatio(0, 2), 3),
        health: round(medianRatio(4, 5), 3),
        healthSameHeaders: round(medianRatio(4, 6), 3),
        /** Each round's ratios, to show the spread. */
        rounds: Array.from({ length: ROUNDS }, (_, k) => ({
          vsLean: round(perSecond(runs[0]?.[k] as LoadResult) / perSecond(runs[1]?.[k] as LoadResult), 3),
          health: round(perSecond(runs[4]?.[k] as LoadResult) / perSecond(runs[5]?.[k] as LoadResult), 3),
          healthSameHeaders: round(perSecond(runs[4]?.[k] as LoadResult) / perSecond(runs[6]?.[k] as LoadResult), 3),
        })),
      };
      const goals = [
        ['GET /tasks ÷ lean handler', fmt(ratio.vsLean, 3), '≥ 0.6', ratio.vsLean >= 0.6 ? 'met' : 'not met'],
        ['GET /tasks p99 at 50 connections', `${fmt(mine.p99Ms)} ms`, '≤ 40 ms', mine.p99Ms <= 40 ? 'met' : 'not met'],
        ['GET /health ÷ bare Hono', fmt(ratio.health, 3), '≥ 0.8', ratio.health >= 0.8 ? 'met' : 'not met'],
      ];
      const report = [
        `${CONNECTIONS} keep-alive connections, ${WARMUP_S} s warm-up + ${DURATION_S} s measured per stack, ${ROUNDS} rounds ` +
          "(each stack once per round; rows: its median round; ratios: the median of the rounds' ratios); " +
          `response ${body.length} bytes (${TASKS} tasks); servers in the main thread, load generator in a worker thread (raw sockets). ` +
          'CPU per request: the server thread alone, and the whole machine (server, load generator, PostgreSQL; warm-up included). ' +
          'The lean handler does the same work as Gramdesk (token verified, user state read, page read with owner and ' +
          'assignee joined, the same JSON) with Hono, pg and jose only.',
        markdownTable(
          [
            'stack',
            'requests',
            'errors',
            'req/s',
            'worst 1 s',
            'mean ms',
            'p50 ms',
            'p90 ms',
            'p99 ms',
            'max ms',
            'server CPU µs/req',
            'machine CPU µs/req',
          ],
          rows.map((r) => [
            r.stack,
            String(r.requests),
            String(r.errors),
            fmt(r.perSecond),
            fmt(r.worstSecond),
            fmt(r.meanMs),
            fmt(r.p50Ms),
            fmt(r.p90Ms),
            fmt(r.p99Ms),
            fmt(r.maxMs),
            fmt(r.serverCpuUs, 0),
            fmt(r.machineCpuUs, 0),
          ]),
        ),
        markdownTable(['goal (issue 17)', 'now', 'goal', ''], goals),
        `Ratios by round: GET /tasks ÷ lean ${ratio.rounds.map((r) => fmt(r.vsLean, 3)).join(', ')}; ` +
          `GET /health ÷ bare ${ratio.rounds.map((r) => fmt(r.health, 3)).join(', ')}.`,
        `GET /health ÷ bare Hono answering with the same headers (a request id and the seven security headers, ` +
          `set as c.json(body, 200, headers)): ${fmt(ratio.healthSameHeaders, 3)} ` +
          `(rounds ${ratio.rounds.map((r) => fmt(r.healthSameHeaders, 3)).join(', ')}); bare Hono with those headers ÷ without: ` +
          `${fmt(perSecond(bareSameHeaders) / perSecond(bareHealth), 3)}.`,
        `Gramdesk / bare static JSON: ${fmt(ratio.throughput * 100, 1)} % of the requests per second; ` +
          `÷ lean with cached tokens: ${fmt(ratio.vsLeanCached, 3)}; SQL statements per request: ${fmt(sqlPerRequest)}`,
      ];
      return {
        report,
        data: {
          connections: CONNECTIONS,
          warmupSeconds: WARMUP_S,
          seconds: DURATION_S,
          tasks: TASKS,
          responseBytes: body.length,
          sqlPerRequest: round(sqlPerRequest, 3),
          rows,
          ratio,
        },
      };
    } finally {
      for (const server of servers.reverse()) await server.close();
      await close();
    }
  },
};

function intFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}
