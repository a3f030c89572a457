import { once } from 'node:events';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { NotFoundError } from '@mikro-orm/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DomainError } from '../../src/platform/errors.js';
import { type ApiDeps, createApi } from '../../src/platform/http/app.js';
import type { ApiEnv } from '../../src/platform/http/context.js';
import { errorResponses } from '../../src/platform/http/openapi.js';
import { startHttpServer } from '../../src/platform/http/server.js';
import { createLogger } from '../../src/platform/logger.js';
import { createMetrics } from '../../src/platform/metrics.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PUBLIC_URL = 'https://gramdesk.example.com';

// `pg` comes with @mikro-orm/postgresql and has no type declarations here; this is all we use of it.
interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}
const { Client } = createRequire(import.meta.url)('pg') as {
  Client: new (config: { connectionString: string }) => PgClient;
};

/** Collects pino's JSON lines so tests can read what was logged. */
function logCapture() {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger('debug', { destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  return { log, lines };
}

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

/** Holds GET /test/slow until a test lets it go; `entered` says it is waiting. */
const slowGate = { entered: false, wait: Promise.resolve(), release: () => {} };

/** Test-only routes, registered the way later features register theirs. */
function testRoutes(app: OpenAPIHono<ApiEnv>) {
  const Item = z.strictObject({ title: z.string().min(1), count: z.number().int() });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/test/items',
      request: { body: { required: true, content: { 'application/json': { schema: Item } } } },
      responses: {
        201: { description: 'created', content: { 'application/json': { schema: Item } } },
        ...errorResponses(400, 413, 415, 422),
      },
    }),
    (c) => c.json(c.req.valid('json'), 201),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/test/items/{id}',
      request: {
        params: z.object({ id: z.string() }),
        query: z.object({ limit: z.coerce.number().int().max(100).optional() }),
      },
      responses: {
        200: { description: 'ok', content: { 'application/json': { schema: z.object({ id: z.string() }) } } },
        ...errorResponses(422),
      },
    }),
    (c) => c.json({ id: c.req.valid('param').id }, 200),
  );
  // A handler's own header wins over the one every answer is given beforehand.
  app.get('/test/framed', (c) => c.json({ ok: true }, 200, { 'X-Frame-Options': 'SAMEORIGIN' }));
  app.get('/test/slow', async (c) => {
    slowGate.entered = true;
    await slowGate.wait;
    return c.json({ ok: true });
  });
  app.get('/test/boom', () => {
    throw new Error('connection to postgres://admin:hunter2@db failed');
  });
  app.get('/test/conflict', () => {
    // The status comes from the API's code → status table (username_taken: 409).
    throw new DomainError('username_taken', 'msg', { hint: 'h' });
  });
  app.get('/test/missing', () => {
    throw NotFoundError.findOneFailed('Task', { id: 'secret-id' });
  });
  app.get('/test/node-error', () => {
    // Node's own errors have a string code but are server faults.
    throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });
  });
}

describe('HTTP API basics', () => {
  let redis: Redis;
  let pg: PgClient;
  const realReadiness: ApiDeps['readiness'] = {
    database: async () => {
      await pg.query('select 1');
    },
    redis: async () => {
      await redis.ping();
    },
  };

  function build(overrides: Partial<ApiDeps> = {}) {
    const { log, lines } = logCapture();
    const metrics = createMetrics();
    const app = createApi({
      config: { publicUrl: PUBLIC_URL, logLevel: 'debug' },
      log,
      metrics,
      readiness: realReadiness,
      routes: [testRoutes],
      bodyLimitBytes: 1024,
      ...overrides,
    });
    return { app, lines, metrics };
  }

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    pg = new Client({ connectionString: DATABASE_URL });
    await pg.connect();
  });

  afterAll(async () => {
    redis?.disconnect();
    await pg?.end();
  });

  describe('operations', () => {
    it('GET /health answers ok', async () => {
      const res = await build().app.request('/health');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
    });

    it('GET /ready checks the real PostgreSQL and Redis', async () => {
      const res = await build().app.request('/ready');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });
    });

    it('GET /ready answers 503 naming the dependency that failed', async () => {
      const { app, lines } = build({
        readiness: {
          database: realReadiness.database,
          redis: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')),
        },
      });
      const res = await app.request('/ready');
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'unavailable', checks: { database: 'ok', redis: 'error' } });
      // Logged as the start of an outage (once, however often an orchestrator probes).
      expect(lines.some((l) => /^Redis unreachable/.test(String(l.msg)) && l.check === 'redis')).toBe(true);
      await app.request('/ready');
      expect(lines.filter((l) => /^Redis unreachable/.test(String(l.msg)))).toHaveLength(1);
    });

    it('GET /ready gives up on a check that hangs', async () => {
      const { app } = build({
        readiness: { database: () => new Promise(() => {}), redis: realReadiness.redis },
      });
      const res = await app.request('/ready');
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'unavailable', checks: { database: 'error', redis: 'ok' } });
    });

    it('GET /metrics exposes HTTP counters labelled by route pattern', async () => {
      const { app } = build();
      await app.request('/health');
      await app.request('/test/items/abc');
      await app.request('/no/such/path/123');
      await app.request('/no/such/path/456', json({}));
      const res = await app.request('/metrics');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await res.text();
      expect(text).toContain('http_requests_total{method="GET",route="/health",status="200"} 1');
      expect(text).toContain('http_requests_total{method="GET",route="/test/items/:id",status="200"} 1');
      expect(text).toContain('http_requests_total{method="GET",route="unmatched",status="404"} 1');
      // The body limit guards every path of POST (`/*`); it is not the route a request was aimed at.
      expect(text).toContain('http_requests_total{method="POST",route="unmatched",status="404"} 1');
      expect(text).not.toContain('route="/*"');
      expect(text).not.toContain('abc');
      expect(text).toContain('http_request_duration_seconds_bucket');
      expect(text).toContain('process_cpu_user_seconds_total');
    });

    it('each app has its own registry', async () => {
      const a = build();
      const b = build();
      await a.app.request('/health');
      expect(await b.metrics.render().then((m) => m.body)).not.toContain('route="/health"');
    });
  });

  describe('OpenAPI and docs', () => {
    it('GET /openapi.json is an OpenAPI 3.1 document of the registered routes', async () => {
      const res = await build().app.request('/openapi.json');
      expect(res.status).toBe(200);
      const doc = (await res.json()) as {
        openapi: string;
        info: { title: string; version: string };
        servers: Array<{ url: string }>;
        paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
        components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
      };
      expect(doc.openapi).toMatch(/^3\.1\./);
      expect(doc.info.title).toBe('Gramdesk API');
      expect(doc.servers).toEqual([{ url: PUBLIC_URL }]);
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/health', '/ready', '/metrics', '/test/items', '/test/items/{id}']),
      );
      expect(Object.keys(doc.paths['/ready']?.get?.responses ?? {})).toEqual(['200', '503']);
      // Any operation but /health and /metrics may answer 503 while PostgreSQL or Redis is away.
      expect(Object.keys(doc.paths['/test/items']?.post?.responses ?? {})).toEqual([
        '201',
        '400',
        '413',
        '415',
        '422',
        '503',
      ]);
      expect(doc.components.securitySchemes.bearerAuth).toEqual(
        expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
      );
      expect(doc.components.schemas).toHaveProperty('Error');
      expect(doc.paths).not.toHaveProperty('/openapi.json');
      expect(doc.paths).not.toHaveProperty('/docs');
    });

    it('lists the error schemas even before any route refers to them', async () => {
      const res = await build({ routes: [] }).app.request('/openapi.json');
      const doc = (await res.json()) as { components: { schemas: Record<string, unknown> } };
      expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Error', 'ValidationError']));
    });

    it('GET /docs serves Swagger UI from swagger-ui-dist, with a CSP that allows only the product itself', async () => {
      const res = await build().app.request('/docs');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).not.toMatch(/<script>/);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self';");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain(`connect-src 'self' ${PUBLIC_URL}`);
      for (const src of html.matchAll(/(?:src|href)="([^"]+)"/g)) {
        const asset = await build().app.request(`/${src[1]}`);
        expect(asset.status, src[1]).toBe(200);
      }
      const init = await (await build().app.request('/docs/assets/init.js')).text();
      expect(init).toContain("url: 'openapi.json'");
      expect((await build().app.request('/docs/assets/nope.js')).status).toBe(404);
    });
  });

  describe('errors', () => {
    it('unknown route → 404 not_found', async () => {
      const res = await build().app.request('/nope');
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'No route for GET /nope' } });
    });

    it('malformed JSON → 400 invalid_json', async () => {
      const res = await build().app.request('/test/items', json('{"title": "x",'));
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: { code: 'invalid_json', message: 'The request body is not valid JSON' },
      });
    });

    it('wrong types and missing fields → 422 validation_failed with details', async () => {
      const res = await build().app.request('/test/items', json({ title: 5 }));
      expect(res.status).toBe(422);
      const body = (await res.json()) as { error: { code: string; details: Array<{ path: string; message: string }> } };
      expect(body.error.code).toBe('validation_failed');
      expect(body.error.details.map((d) => d.path).sort()).toEqual(['count', 'title']);
      expect(body.error.details.every((d) => typeof d.message === 'string' && d.message.length > 0)).toBe(true);
    });

    it('unknown fields → 422 with one detail per field', async () => {
      const res = await build().app.request('/test/items', json({ title: 'x', count: 1, owner: 'me', admin: true }));
      expect(res.status).toBe(422);
      expect(await res.json()).toEqual({
        error: {
          code: 'validation_failed',
          message: 'The request is invalid',
          details: [
            { path: 'owner', message: 'Unknown field' },
            { path: 'admin', message: 'Unknown field' },
          ],
        },
      });
    });

    it('a JSON body that is not an object → 422', async () => {
      const res = await build().app.request('/test/items', json('[1, 2]'));
      expect(res.status).toBe(422);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    });

    it('invalid query parameters → 422', async () => {
      const res = await build().app.request('/test/items/a?limit=abc');
      expect(res.status).toBe(422);
      const body = (await res.json()) as { error: { code: string; details: Array<{ path: string }> } };
      expect(body.error.code).toBe('validation_failed');
      expect(body.error.details[0]?.path).toBe('limit');
    });

    it('a valid body passes', async () => {
      const res = await build().app.request('/test/items', json({ title: 'x', count: 2 }));
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({ title: 'x', count: 2 });
    });

    it('a body that is not JSON → 415 unsupported_media_type', async () => {
      const res = await build().app.request('/test/items', {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body: 'title=x',
      });
      expect(res.status).toBe(415);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
    });

    it('a body over the limit → 413 payload_too_large (declared length)', async () => {
      const res = await build().app.request('/test/items', json({ title: 'x'.repeat(2000), count: 1 }));
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    });

    it('a body over the limit → 413 payload_too_large (chunked, no length)', async () => {
      const chunk = new TextEncoder().encode('x'.repeat(600));
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(chunk);
          controller.enqueue(chunk);
          controller.close();
        },
      });
      const res = await build().app.request('/test/items', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
        body,
        duplex: 'half',
      } as RequestInit);
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    });

    it('an unexpected error → 500 internal_error without its message, logged with the request id', async () => {
      const { app, lines } = build();
      const res = await app.request('/test/boom', { headers: { 'X-Request-Id': 'boom-1' } });
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({
        error: { code: 'internal_error', message: 'Something went wrong on our side; the error was logged' },
      });
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('stack');
      const logged = lines.find((l) => l.msg === 'request failed');
      expect(logged?.reqId).toBe('boom-1');
      expect(JSON.stringify(logged?.err)).toContain('connection to postgres');
    });

    it('an error with a non-client code (Node, drivers) is still a 500', async () => {
      const res = await build().app.request('/test/node-error');
      expect(res.status).toBe(500);
      expect(await res.text()).not.toContain('ECONNREFUSED');
    });

    it('DomainError → the status of its code, code, message and details', async () => {
      const res = await build().app.request('/test/conflict');
      expect(res.status).toBe(409);
      expect(await res.json()).toEqual({ error: { code: 'username_taken', message: 'msg', details: { hint: 'h' } } });
    });

    it('MikroORM NotFoundError → 404 without the where-condition', async () => {
      const res = await build().app.request('/test/missing');
      expect(res.status).toBe(404);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ error: { code: 'not_found', message: 'Not found' } });
      expect(text).not.toContain('secret-id');
    });
  });

  describe('request id, logging and headers', () => {
    it('echoes a sane X-Request-Id', async () => {
      const res = await build().app.request('/health', { headers: { 'X-Request-Id': 'abc-DEF_1.2' } });
      expect(res.headers.get('x-request-id')).toBe('abc-DEF_1.2');
    });

    it.each([
      ['spaces and quotes', 'a b"c'],
      ['more than 128 characters', 'a'.repeat(129)],
      ['an encoded newline', 'a%0Ab'],
      ['nothing in it', ''],
    ])('replaces an X-Request-Id with %s by a UUID', async (_, value) => {
      const res = await build().app.request('/health', { headers: { 'X-Request-Id': value } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    });

    it('generates a request id when none is sent, also on errors', async () => {
      const res = await build().app.request('/nope');
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('writes one access line per request with the route, never the query string', async () => {
      const { app, lines } = build();
      await app.request('/test/items/42?token=s3cr3t&limit=5', { headers: { 'X-Request-Id': 'log-1' } });
      const access = lines.filter((l) => l.msg === 'http request');
      expect(access).toHaveLength(1);
      expect(access[0]).toMatchObject({
        reqId: 'log-1',
        method: 'GET',
        path: '/test/items/42',
        route: '/test/items/:id',
        status: 200,
      });
      expect(typeof access[0]?.ms).toBe('number');
      expect(JSON.stringify(lines)).not.toContain('s3cr3t');
    });

    it('logs the client address: the peer, or the X-Forwarded-For client of a trusted proxy only', async () => {
      const peer = (address: string) => ({ incoming: { socket: { remoteAddress: address, remotePort: 1 } } });
      const spoofed = { headers: { 'X-Forwarded-For': '203.0.113.9' } };
      const { app, lines } = build({
        config: { publicUrl: PUBLIC_URL, logLevel: 'debug', trustedProxies: ['10.9.0.0/16'] },
      });
      await app.request('/test/items/1', spoofed, peer('10.9.0.1'));
      await app.request('/test/items/2', spoofed, peer('198.51.100.4'));
      await app.request('/test/items/3', spoofed);
      const access = lines.filter((l) => l.msg === 'http request').map((l) => l.ip);
      expect(access).toEqual(['203.0.113.9', '198.51.100.4', 'unknown']);
    });

    it('sets security headers on JSON and error responses', async () => {
      const app = build().app;
      for (const path of ['/health', '/nope', '/test/boom']) {
        const res = await app.request(path);
        expect(res.headers.get('content-security-policy')).toBe(
          "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
        );
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('x-frame-options')).toBe('DENY');
        expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
        expect(res.headers.get('referrer-policy')).toBe('no-referrer');
        expect(res.headers.has('x-powered-by')).toBe(false);
      }
    });
    it('the access line of a request whose client hung up before the answer still names the client', async () => {
      const { app, lines } = build();
      const server = await startHttpServer(app, { port: 0, host: '127.0.0.1', log: createLogger('silent') });
      try {
        slowGate.entered = false;
        slowGate.wait = new Promise((resolve) => {
          slowGate.release = resolve;
        });
        const socket = connect(server.port, '127.0.0.1');
        await once(socket, 'connect');
        socket.write('GET /test/slow HTTP/1.1\r\nHost: localhost\r\n\r\n');
        await vi.waitFor(() => expect(slowGate.entered).toBe(true));
        socket.destroy();
        // The server has seen the hang-up before the handler answers.
        await vi.waitFor(async () => {
          const open = await new Promise<number>((done) => server.server.getConnections((_e, n) => done(n)));
          expect(open).toBe(0);
        });
        slowGate.release();
        await vi.waitFor(() =>
          expect(lines.filter((l) => l.msg === 'http request' && l.path === '/test/slow')).toEqual([
            expect.objectContaining({ ip: '127.0.0.1', status: 200 }),
          ]),
        );
      } finally {
        slowGate.release();
        await server.close();
      }
    });
    it('over a real Node server (the path production takes), every answer carries them once, beside its own', async () => {
      const { app, lines } = build();
      const server = await startHttpServer(app, { port: 0, host: '127.0.0.1', log: createLogger('silent') });
      try {
        const base = `http://127.0.0.1:${server.port}`;
        const answers = [
          await fetch(`${base}/health`),
          await fetch(`${base}/nope`),
          await fetch(`${base}/test/boom`),
          await fetch(`${base}/test/items`, json({ title: 'x'.repeat(2000), count: 1 })),
          await fetch(`${base}/test/items`, json({ title: '', count: 1 })),
          await fetch(`${base}/test/framed`),
        ];
        expect(answers.map((r) => r.status)).toEqual([200, 404, 500, 413, 422, 200]);
        for (const res of answers) {
          expect(res.headers.get('content-security-policy')).toBe(
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
          );
          expect(res.headers.get('x-content-type-options')).toBe('nosniff');
          expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
          expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
          // Those that act on a JSON answer, and none of helmet's for HTML documents or retired software.
          expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
          expect(res.headers.get('referrer-policy')).toBe('no-referrer');
          expect(res.headers.get('cache-control')).toBe('no-store');
          for (const legacy of ['x-xss-protection', 'x-download-options', 'x-permitted-cross-domain-policies']) {
            expect(res.headers.has(legacy)).toBe(false);
          }
        }
        expect(answers.slice(0, 5).map((r) => r.headers.get('x-frame-options'))).toEqual(Array(5).fill('DENY'));
        expect(answers[5]?.headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(await answers[0]?.json()).toEqual({ status: 'ok' });
        // The caller's own sane id is echoed, and is the one in the access line.
        const traced = await fetch(`${base}/health`, { headers: { 'X-Request-Id': 'trace-42' } });
        expect(traced.headers.get('x-request-id')).toBe('trace-42');
        expect(lines.filter((l) => l.msg === 'http request' && l.reqId === 'trace-42')).toEqual([
          expect.objectContaining({ method: 'GET', path: '/health', route: '/health', status: 200 }),
        ]);
        // /docs keeps its own policy (scripts from the product itself), not the API's "load nothing".
        const docs = await fetch(`${base}/docs`);
        expect(docs.headers.get('content-security-policy')).toContain("script-src 'self';");
        expect(docs.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      } finally {
        await server.close();
      }
    });
  });

  describe('Telegram webhook', () => {
    const path = '/telegram/webhook-s3cr3t';
    const webhook = {
      path,
      handler: async (c: Parameters<NonNullable<ApiDeps['webhook']>['handler']>[0]) => {
        if (c.req.header('X-Telegram-Bot-Api-Secret-Token') !== 'tok') return c.text('secret token is wrong', 401);
        const update = (await c.req.json()) as { update_id: number };
        return c.json({ ok: update.update_id });
      },
    };

    it('is mounted for POST only and stays out of the OpenAPI document', async () => {
      const { app } = build({ webhook });
      const res = await app.request(path, {
        ...json({ update_id: 7 }),
        headers: { 'Content-Type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': 'tok' },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: 7 });
      expect((await app.request(path)).status).toBe(404);
      const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, unknown> };
      expect(doc.paths).not.toHaveProperty(path);
    });

    it('a malformed update is a 400, not a 500', async () => {
      const { app } = build({ webhook });
      const res = await app.request(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': 'tok' },
        body: '{',
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
    });

    it('keeps its path out of logs and metric labels', async () => {
      const { app, lines, metrics } = build({ webhook });
      await app.request(path, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
      expect(JSON.stringify(lines)).not.toContain('s3cr3t');
      expect((await metrics.render()).body).toContain('route="/<telegram-webhook>",status="401"');
      expect((await metrics.render()).body).not.toContain('s3cr3t');
    });

    it('is absent without deps.webhook', async () => {
      expect((await build().app.request(path, json({}))).status).toBe(404);
    });
  });
});
