import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Task } from '../src/features/tasks/task.entities.js';
import { User } from '../src/features/users/user.entity.js';
import { issueAccessToken } from '../src/platform/auth/access-token.js';
import { createApi } from '../src/platform/http/app.js';
import { startHttpServer } from '../src/platform/http/server.js';
import { createMetrics } from '../src/platform/metrics.js';
import type { Services } from '../src/platform/services.js';
import { apiRoutes } from '../src/routes.js';
import { type BenchEnv, type Benchmark, fmt, markdownTable, round } from './harness.js';
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
const TASKS = 20;

interface LoadResult {
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
}

/**
 * The load generator, plain JS for a worker thread: `connections` loops, each sending its next
 * request as soon as the previous answer's body is read, over an http.Agent with keep-alive.
 */
const LOAD_GENERATOR = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, headers, connections, warmupMs, durationMs } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
const target = new URL(url);
function get() {
  return new Promise((resolve) => {
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname + target.search, agent, headers }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(res.statusCode));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}
(async () => {
  const samples = [];
  const statuses = {};
  let errors = 0;
  let total = 0;
  const started = performance.now();
  const measureFrom = started + warmupMs;
  const end = measureFrom + durationMs;
  async function loop() {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= end) return;
      const status = await get();
      const t1 = performance.now();
      total++;
      if (t0 >= measureFrom) {
        samples.push(t1 - t0);
        statuses[status] = (statuses[status] || 0) + 1;
        if (status !== 200) errors++;
      }
    }
  }
  await Promise.all(Array.from({ length: connections }, loop));
  const wallMs = performance.now() - measureFrom;
  agent.destroy();
  samples.sort((a, b) => a - b);
  const q = (p) => samples.length ? samples[Math.min(samples.length - 1, Math.max(0, Math.ceil(p * samples.length) - 1))] : NaN;
  const mean = samples.reduce((a, b) => a + b, 0) / (samples.length || 1);
  parentPort.postMessage({ requests: samples.length, total, errors, statuses, wallMs, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: samples[samples.length - 1], mean });
})();
`;

function drive(url: string, headers: Record<string, string>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD_GENERATOR, {
      eval: true,
      workerData: { url, headers, connections: CONNECTIONS, warmupMs: WARMUP_S * 1000, durationMs: DURATION_S * 1000 },
    });
    worker.once('message', (result: LoadResult) => {
      resolve(result);
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
      const bareServer = await listen(bare);
      servers.push(bareServer);

      const sqlBefore = counter.sql;
      const full = await drive(`http://127.0.0.1:${real.port}/tasks`, { authorization: `Bearer ${token}` });
      const sqlPerRequest = (counter.sql - sqlBefore) / Math.max(1, full.total);
      const baseline = await drive(`http://127.0.0.1:${bareServer.port}/tasks`, {});

      const row = (name: string, r: LoadResult) => {
        const rps = (r.requests / r.wallMs) * 1000;
        return {
          stack: name,
          requests: r.requests,
          errors: r.errors,
          perSecond: round(rps),
          meanMs: round(r.mean),
          p50Ms: round(r.p50),
          p90Ms: round(r.p90),
          p99Ms: round(r.p99),
          maxMs: round(r.max),
          statuses: r.statuses,
        };
      };
      const rows = [row('Gramdesk GET /tasks', full), row('bare Hono, static JSON', baseline)];
      const [mine, base] = rows as [ReturnType<typeof row>, ReturnType<typeof row>];
      const ratio = {
        throughput: round(mine.perSecond / base.perSecond, 3),
        p99: round(mine.p99Ms / base.p99Ms, 2),
      };
      const report = [
        `${CONNECTIONS} keep-alive connections, ${WARMUP_S} s warm-up + ${DURATION_S} s measured per stack; ` +
          `response ${body.length} bytes (${TASKS} tasks); servers in the main thread, load generator in a worker thread.`,
        markdownTable(
          ['stack', 'requests', 'errors', 'req/s', 'mean ms', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
          rows.map((r) => [
            r.stack,
            String(r.requests),
            String(r.errors),
            fmt(r.perSecond),
            fmt(r.meanMs),
            fmt(r.p50Ms),
            fmt(r.p90Ms),
            fmt(r.p99Ms),
            fmt(r.maxMs),
          ]),
        ),
        `Gramdesk / bare: ${fmt(ratio.throughput * 100, 1)} % of the requests per second, p99 × ${fmt(ratio.p99)}; ` +
          `SQL statements per request: ${fmt(sqlPerRequest)}`,
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
