import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HeaderSet,
  PresetHeadersResponse,
  presetHeader,
  presetHeaders,
} from '../../src/platform/http/preset-headers.js';
import { type HttpServer, startHttpServer } from '../../src/platform/http/server.js';
import { createLogger } from '../../src/platform/logger.js';

const SECURITY = new HeaderSet([
  ['X-Frame-Options', 'DENY'],
  ['X-Content-Type-Options', 'nosniff'],
]);

/** The answer's header lines as sent (name as written, in order), so duplicates would show. */
function rawGet(port: number, path = '/'): Promise<{ status: number; message: string; lines: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => {
        const lines: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
        resolve({ status: res.statusCode ?? 0, message: res.statusMessage ?? '', lines, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Lines other than the ones Node adds to every answer. */
const own = (lines: string[]) => lines.filter((l) => !/^(date|connection|keep-alive|transfer-encoding):/i.test(l));

describe('PresetHeadersResponse', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
  });

  /** A plain Node server on PresetHeadersResponse; `handle` answers each request. */
  async function serve(handle: (res: PresetHeadersResponse) => void): Promise<number> {
    const server = createServer({ ServerResponse: PresetHeadersResponse }, (_req, res: ServerResponse) =>
      handle(res as PresetHeadersResponse),
    );
    servers.push(server);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return (server.address() as AddressInfo).port;
  }

  it("writes the preset headers beside the handler's, the handler's winning on a name both set, whatever its case", async () => {
    const port = await serve((res) => {
      res.preset('X-Request-Id', 'abc');
      res.preset('X-Frame-Options', 'DENY');
      res.preset('X-Content-Type-Options', 'nosniff');
      res.writeHead(201, { 'content-type': 'application/json', 'x-frame-options': 'SAMEORIGIN', 'Content-Length': 2 });
      res.end('{}');
    });
    const answer = await rawGet(port);
    expect(answer.status).toBe(201);
    expect(own(answer.lines)).toEqual([
      'X-Request-Id: abc',
      'X-Content-Type-Options: nosniff',
      'content-type: application/json',
      'x-frame-options: SAMEORIGIN',
      'Content-Length: 2',
    ]);
    expect(answer.body).toBe('{}');
  });

  it('a header preset again replaces the earlier one; a reason phrase and no headers of its own are fine', async () => {
    const port = await serve((res) => {
      res.preset('X-Request-Id', 'first');
      res.preset('x-request-id', 'second');
      res.writeHead(404, 'Nothing Here');
      res.end();
    });
    const answer = await rawGet(port);
    expect([answer.status, answer.message]).toEqual([404, 'Nothing Here']);
    expect(own(answer.lines).filter((l) => !/^content-length:/i.test(l))).toEqual(['x-request-id: second']);
  });

  it("carries them when the handler sets headers one by one (Node's own merge): what it set wins", async () => {
    const port = await serve((res) => {
      res.preset('X-Frame-Options', 'DENY');
      res.preset('X-Request-Id', 'abc');
      res.setHeader('X-Frame-Options', 'SAMEORIGIN');
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
    });
    const lines = own((await rawGet(port)).lines);
    expect(lines).toContain('X-Frame-Options: SAMEORIGIN');
    expect(lines).toContain('X-Request-Id: abc');
    expect(lines).toContain('Content-Type: text/plain');
    expect(lines.filter((l) => l.startsWith('Set-Cookie'))).toEqual(['Set-Cookie: a=1', 'Set-Cookie: b=2']);
    expect(lines.filter((l) => /^x-frame-options/i.test(l))).toHaveLength(1);
  });

  it('carries them on an answer ended without writeHead, and on one whose headers came as a flat list', async () => {
    const implicit = await serve((res) => {
      res.preset('X-Request-Id', 'abc');
      res.end('plain');
    });
    expect(own((await rawGet(implicit)).lines)).toContain('X-Request-Id: abc');

    const flat = await serve((res) => {
      res.preset('X-Request-Id', 'abc');
      res.preset('X-Frame-Options', 'DENY');
      res.writeHead(200, ['X-Frame-Options', 'SAMEORIGIN', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2']);
      res.end();
    });
    const lines = own((await rawGet(flat)).lines);
    expect(lines.filter((l) => /^x-frame-options/i.test(l))).toEqual(['X-Frame-Options: SAMEORIGIN']);
    expect(lines).toContain('X-Request-Id: abc');
    expect(lines.filter((l) => l.startsWith('Set-Cookie'))).toEqual(['Set-Cookie: a=1', 'Set-Cookie: b=2']);
  });

  it('array values of a handler (set-cookie) stay one line each', async () => {
    const port = await serve((res) => {
      res.preset('X-Request-Id', 'abc');
      res.writeHead(200, { 'set-cookie': ['a=1', 'b=2'], 'content-length': 0 });
      res.end();
    });
    const lines = own((await rawGet(port)).lines);
    expect(lines).toEqual(['X-Request-Id: abc', 'set-cookie: a=1', 'set-cookie: b=2', 'content-length: 0']);
  });

  describe('through Hono', () => {
    const started: HttpServer[] = [];
    afterEach(async () => {
      await Promise.all(started.splice(0).map((s) => s.close()));
    });

    function app() {
      return new Hono()
        .use(async (c, next) => {
          presetHeader(c, 'X-Request-Id', 'r-1');
          presetHeaders(c, SECURITY);
          await next();
        })
        .get('/plain', (c) => c.json({ ok: true }))
        .get('/own', (c) => c.json({ ok: true }, 200, { 'X-Frame-Options': 'SAMEORIGIN', 'Cache-Control': 'no-store' }))
        .get('/boom', () => {
          throw new Error('boom');
        })
        .onError((_err, c) => c.json({ error: 'boom' }, 500));
    }

    it('served by startHttpServer, every answer carries them once, a handler or error answer included', async () => {
      const http = await startHttpServer(app(), { port: 0, host: '127.0.0.1', log: createLogger('silent') });
      started.push(http);
      for (const path of ['/plain', '/own', '/boom', '/nope']) {
        const lines = own((await rawGet(http.port, path)).lines);
        expect(
          lines.filter((l) => /^x-request-id: r-1$/i.test(l)),
          path,
        ).toHaveLength(1);
        expect(
          lines.filter((l) => /^x-content-type-options: nosniff$/i.test(l)),
          path,
        ).toHaveLength(1);
        expect(
          lines.filter((l) => /^x-frame-options:/i.test(l)),
          path,
        ).toEqual([path === '/own' ? 'x-frame-options: SAMEORIGIN' : 'X-Frame-Options: DENY']);
      }
    });

    it('without Node underneath (app.request) they are set on the response itself', async () => {
      const res = await app().request('/own');
      expect(res.headers.get('x-request-id')).toBe('r-1');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    });
  });
});
