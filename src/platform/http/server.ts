import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type WebSocketServerLike } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Logger } from '../logger.js';
import type { ApiEnv } from './context.js';
import { PresetHeadersResponse } from './preset-headers.js';

/** How long close() lets in-flight requests finish before cutting the remaining connections. */
export const SHUTDOWN_GRACE_MS = 8_000;

export interface HttpServerOptions {
  port: number;
  host: string;
  log: Logger;
  /** Defaults to SHUTDOWN_GRACE_MS; tests pass a short one. */
  shutdownGraceMs?: number;
  /**
   * The `ws` server (created with `noServer: true`) that takes over upgrade requests once the
   * app's route for them (GET /ws) has accepted them; see src/features/chat/ws/gateway.ts.
   */
  websocket?: WebSocketServerLike;
}

export interface HttpServer {
  server: Server;
  /** The port actually bound (differs from the requested one when that was 0). */
  port: number;
  /** Stops accepting, lets in-flight requests finish within the grace period, then closes every connection. */
  close(): Promise<void>;
}

/**
 * The one place the Node server is created. WebSockets (GET /ws) go through the same server:
 * @hono/node-server's `websocket` option runs every upgrade request through the app first (so
 * auth rejects it with a plain HTTP answer before any upgrade) and hands accepted ones to `ws`.
 * Resolves once listening; rejects if the port cannot be bound (EADDRINUSE, EACCES).
 */
export function startHttpServer(app: Pick<Hono<ApiEnv>, 'fetch'>, options: HttpServerOptions): Promise<HttpServer> {
  const { port, host, log } = options;
  const graceMs = options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS;

  return new Promise((resolve, reject) => {
    const server = serve({
      fetch: app.fetch,
      port,
      hostname: host,
      // Answers carry the headers the request context gives before the handler (preset-headers.ts).
      serverOptions: { ServerResponse: PresetHeadersResponse },
      ...(options.websocket ? { websocket: { server: options.websocket } } : {}),
    }) as Server;

    const onListenError = (err: Error) => reject(err);
    server.once('error', onListenError);
    server.once('listening', () => {
      server.off('error', onListenError);
      server.on('error', (err) => log.error({ err }, 'http server error'));
      const bound = (server.address() as AddressInfo).port;
      log.info({ host, port: bound }, 'http server listening');
      resolve({ server, port: bound, close: once(() => closeGracefully(server, graceMs, log)) });
    });
  });
}

/** While closing, how often sockets that finished their last response are dropped. */
const IDLE_SWEEP_MS = 100;

function closeGracefully(server: Server, graceMs: number, log: Logger): Promise<void> {
  return new Promise((resolve) => {
    // server.close() stops accepting and drops the keep-alive sockets idle right now, but a socket
    // that was busy stays open after its response until keepAliveTimeout (5 s), and the client may
    // even send more requests on it. Sweeping idle sockets until close completes ends each connection
    // as soon as its in-flight request is answered.
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    const cutoff = setTimeout(() => {
      log.warn({ graceMs }, 'http requests still running at shutdown; closing their connections');
      server.closeAllConnections();
    }, graceMs);
    server.close((err) => {
      clearInterval(sweep);
      clearTimeout(cutoff);
      if (err && (err as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING')
        log.warn({ err }, 'http server close');
      else log.info('http server closed');
      resolve();
    });
  });
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => {
    result ??= fn();
    return result;
  };
}
