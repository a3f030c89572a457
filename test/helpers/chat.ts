import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { type ChatGateway, type ChatGatewayOptions, createChatGateway } from '../../src/features/chat/ws/gateway.js';
import { createApi } from '../../src/platform/http/app.js';
import { type HttpServer, startHttpServer } from '../../src/platform/http/server.js';
import { createMetrics } from '../../src/platform/metrics.js';
import type { Services } from '../../src/platform/services.js';
import { apiRoutes } from '../../src/routes.js';

/** One API "process": the full app plus its own chat gateway on a real port of its own. */
export interface ChatServer {
  gateway: ChatGateway;
  http: HttpServer;
  /** ws://127.0.0.1:<port>/ws */
  wsUrl: string;
  /** http://127.0.0.1:<port> */
  httpUrl: string;
  close(): Promise<void>;
}

export async function startChatServer(services: Services, options: ChatGatewayOptions = {}): Promise<ChatServer> {
  const gateway = createChatGateway(services, options);
  const app = createApi({
    config: services.config,
    log: services.log,
    metrics: createMetrics(),
    orm: services.orm,
    readiness: { database: async () => undefined, redis: async () => undefined },
    routes: apiRoutes(services, { chatGateway: gateway }),
  });
  const http = await startHttpServer(app, {
    port: 0,
    host: '127.0.0.1',
    log: services.log,
    shutdownGraceMs: 500,
    websocket: gateway.server,
  });
  let closed: Promise<void> | undefined;
  return {
    gateway,
    http,
    wsUrl: `ws://127.0.0.1:${http.port}/ws`,
    httpUrl: `http://127.0.0.1:${http.port}`,
    close() {
      closed ??= gateway.close().then(() => http.close());
      return closed;
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: frames are asserted field by field in tests
export type Frame = Record<string, any>;

/**
 * A WebSocket client over Node's global WebSocket (undici) that keeps every frame it got, so
 * tests can wait for the next one matching a predicate.
 */
export class WsClient {
  readonly frames: Frame[] = [];
  private cursor = 0;
  closeEvent: { code: number; reason: string } | undefined;
  private readonly closedPromise: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    socket.addEventListener('message', (event) => {
      this.frames.push(JSON.parse(String(event.data)) as Frame);
    });
    this.closedPromise = new Promise((resolve) =>
      socket.addEventListener('close', (event) => {
        this.closeEvent = { code: event.code, reason: event.reason };
        resolve(this.closeEvent);
      }),
    );
  }

  /** Opens a socket with the token in the Authorization header (default) or in ?token=. */
  static connect(url: string, token?: string, how: 'header' | 'query' = 'header'): Promise<WsClient> {
    const target = token && how === 'query' ? `${url}?token=${encodeURIComponent(token)}` : url;
    const init = token && how === 'header' ? { headers: { authorization: `Bearer ${token}` } } : undefined;
    // undici's WebSocket takes an init object with headers in place of the protocols argument.
    const socket = new WebSocket(target, init as unknown as string[]);
    const client = new WsClient(socket);
    return new Promise((resolve, reject) => {
      socket.addEventListener('open', () => resolve(client), { once: true });
      socket.addEventListener('error', () => reject(new Error('websocket failed to open')), { once: true });
    });
  }

  /** Strings and binary data go as they are, anything else as JSON. */
  send(frame: unknown): void {
    if (typeof frame === 'string' || frame instanceof ArrayBuffer || ArrayBuffer.isView(frame)) {
      this.socket.send(frame as string | ArrayBuffer);
    } else this.socket.send(JSON.stringify(frame));
  }

  /** The next frame (after those already taken) matching `predicate`; frames skipped over are consumed. */
  async next(predicate: (frame: Frame) => boolean = () => true, timeoutMs = 5_000): Promise<Frame> {
    const started = Date.now();
    for (;;) {
      while (this.cursor < this.frames.length) {
        const frame = this.frames[this.cursor++] as Frame;
        if (predicate(frame)) return frame;
      }
      if (this.closeEvent) throw new Error(`socket closed (${this.closeEvent.code}) while waiting for a frame`);
      if (Date.now() - started > timeoutMs) {
        throw new Error(`timed out waiting for a frame; got ${JSON.stringify(this.frames.slice(-5))}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Waits for `count` frames (from the cursor on) and takes them. */
  async take(count: number, timeoutMs = 5_000): Promise<Frame[]> {
    const taken: Frame[] = [];
    for (let i = 0; i < count; i++) taken.push(await this.next(() => true, timeoutMs));
    return taken;
  }

  /** Frames received and not yet taken, after waiting `ms` for stragglers. */
  async rest(ms = 150): Promise<Frame[]> {
    await new Promise((r) => setTimeout(r, ms));
    const rest = this.frames.slice(this.cursor);
    this.cursor = this.frames.length;
    return rest;
  }

  closed(): Promise<{ code: number; reason: string }> {
    return this.closedPromise;
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close();
    await this.closedPromise;
  }
}

/**
 * A WebSocket handshake by hand, to see the plain HTTP answer of a refused upgrade (the
 * WebSocket API hides it). An accepted upgrade's socket is returned (and must be destroyed).
 */
export function upgradeRequest(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; socket?: import('node:net').Socket }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        'sec-websocket-version': '13',
        ...headers,
      },
    });
    req.on('upgrade', (res, socket) => resolve({ status: res.statusCode ?? 0, headers: res.headers, socket }));
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on('error', reject);
    req.end();
  });
}
