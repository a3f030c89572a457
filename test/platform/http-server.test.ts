import { Agent, request as httpRequest } from 'node:http';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { type HttpServer, startHttpServer } from '../../src/platform/http/server.js';
import { createLogger } from '../../src/platform/logger.js';

const log = createLogger('silent');

/** GET over a keep-alive agent, so the connection stays open after the response like a browser's. */
function get(port: number, path: string, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startHttpServer', () => {
  const started: HttpServer[] = [];
  const agents: Agent[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.close()));
    for (const agent of agents.splice(0)) agent.destroy();
  });

  function keepAlive() {
    const agent = new Agent({ keepAlive: true });
    agents.push(agent);
    return agent;
  }

  it('resolves once listening and serves the app', async () => {
    const app = new Hono().get('/hi', (c) => c.text('hello'));
    const http = await startHttpServer(app, { port: 0, host: '127.0.0.1', log });
    started.push(http);
    expect(http.port).toBeGreaterThan(0);
    expect(await get(http.port, '/hi', keepAlive())).toEqual({ status: 200, body: 'hello' });
  });

  it('rejects when the port is taken', async () => {
    const app = new Hono();
    const first = await startHttpServer(app, { port: 0, host: '127.0.0.1', log });
    started.push(first);
    await expect(startHttpServer(app, { port: first.port, host: '127.0.0.1', log })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });

  it('close() lets an in-flight request finish and does not wait for idle keep-alive connections', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => {};
    const inHandler = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const app = new Hono()
      .get('/fast', (c) => c.text('fast'))
      .get('/slow', async (c) => {
        entered();
        await gate;
        return c.text('slow done');
      });
    // A grace period far longer than the test timeout: close() must not need it.
    const http = await startHttpServer(app, { port: 0, host: '127.0.0.1', log, shutdownGraceMs: 60_000 });
    // Node would keep a finished keep-alive socket this long; close() must not wait for it either.
    http.server.keepAliveTimeout = 60_000;

    const idleAgent = keepAlive();
    await get(http.port, '/fast', idleAgent); // leaves an idle keep-alive socket behind

    const slow = get(http.port, '/slow', keepAlive());
    await inHandler;
    const closed = http.close();
    let closedYet = false;
    void closed.then(() => {
      closedYet = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(closedYet).toBe(false); // still serving /slow

    release();
    expect(await slow).toEqual({ status: 200, body: 'slow done' });
    await closed;
    expect(http.server.listening).toBe(false);
    await expect(get(http.port, '/fast', keepAlive())).rejects.toThrow();
  }, 10_000);

  it('close() cuts connections still busy after the grace period', async () => {
    const app = new Hono().get('/hang', () => new Promise<Response>(() => {}));
    const http = await startHttpServer(app, { port: 0, host: '127.0.0.1', log, shutdownGraceMs: 100 });
    const hanging = get(http.port, '/hang', keepAlive());
    await new Promise((r) => setTimeout(r, 50));
    await http.close();
    await expect(hanging).rejects.toThrow();
  });

  it('close() is idempotent', async () => {
    const http = await startHttpServer(new Hono(), { port: 0, host: '127.0.0.1', log });
    await Promise.all([http.close(), http.close()]);
    await http.close();
  });
});
