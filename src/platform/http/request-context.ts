import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Orm } from '../db/orm.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { clientAddress } from './client-address.js';
import type { ApiEnv } from './context.js';
import { presetHeader } from './preset-headers.js';
import { RequestScope } from './request-scope.js';
import { TrustedProxies } from './trusted-proxies.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** A caller's id is kept only if it cannot smuggle anything into logs or headers. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Probes and scrapes arrive every few seconds; their access lines go to debug so info stays readable. */
const QUIET_ROUTES = new Set(['/health', '/ready', '/metrics']);

/** Label for requests no route matched (404s), so random paths cannot grow the metric's label set. */
const UNMATCHED = 'unmatched';

export interface RequestContextOptions {
  log: Logger;
  metrics: Metrics;
  /**
   * Paths never written to logs or metric labels as they are (the webhook path may embed a
   * secret): they appear as the given placeholder.
   */
  hiddenPaths?: ReadonlyMap<string, string>;
  /** TRUSTED_PROXIES: whose X-Forwarded-For names the client in the logs and per-IP limits. */
  trustedProxies?: TrustedProxies;
  /** Whence each request's EntityManager is forked (on first use, see request-scope.ts). */
  orm?: Orm;
  /** Sets the answer's security headers before the handler runs (the policy depends on the path). */
  securityHeaders?: (c: Context<ApiEnv>) => void;
}

export function requestIdFrom(header: string | undefined): string {
  return header && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * The registered pattern (`/tasks/:id`) of the handler the request was routed to. Middlewares
 * (`app.use`) are registered for method ALL and skipped, so a request stopped early by a middleware
 * (e.g. 413) is still counted under the route it was aimed at.
 */
export function routePattern(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i] as (typeof routes)[number];
    // The body limit is registered for every path of the methods with a body (`/*`): not a route.
    if (route.method !== 'ALL' && route.path !== '/*') return route.path;
  }
  return UNMATCHED;
}

/**
 * Outermost middleware: request id, the request's scope (logger and EntityManager, made on first
 * use), the headers every answer carries, one access-log line and HTTP metrics. It wraps
 * everything else, so it sees the final status, also of responses made by onError. One
 * middleware rather than one per concern: each layer of Hono's compose costs GET /health a few
 * per cent (issue 17).
 */
export function requestContext({
  log,
  metrics,
  hiddenPaths,
  trustedProxies = new TrustedProxies(),
  orm,
  securityHeaders,
}: RequestContextOptions): MiddlewareHandler<ApiEnv> {
  const hide = (path: string) => hiddenPaths?.get(path) ?? path;
  // The access line holds only what this middleware puts in it (the id is sanitised, the webhook
  // path hidden): no path of the redaction list can occur in it, and pino's redaction walked every
  // field of every line — 4 % of GET /tasks (issue 17's profile). Tokens are still scrubbed by the
  // destination.
  const accessLog = log.child({}, { redact: [] });

  return async (c, next) => {
    const started = performance.now();
    const requestId = requestIdFrom(c.req.header(REQUEST_ID_HEADER));
    c.set('trustedProxies', trustedProxies);
    c.set('requestId', requestId);
    // c.req.path has no query string: query values may carry secrets and never reach the logs.
    // `ip` is the address the per-IP limits count, so a log line explains a 429. Read now: once a
    // client has hung up, its socket no longer knows the peer, and an aborted request is exactly
    // the one whose line must name it.
    const bindings = { reqId: requestId, method: c.req.method, path: hide(c.req.path), ip: clientAddress(c) };
    c.set('scope', new RequestScope(bindings, log, orm));

    // Set before the handler runs, so it is part of the response built (see preset-headers.ts).
    presetHeader(c, REQUEST_ID_HEADER, requestId);
    securityHeaders?.(c);
    let status = 500; // stays so only if something below throws past onError (a non-Error value)
    try {
      await next();
      status = c.res.status;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const route = hide(routePattern(c));
      metrics.http.record(c.req.method, route, status, seconds);

      // 503 is a dependency outage, whose cause is logged once per outage (errors.ts), not an error per request.
      const level = status === 503 ? 'warn' : status >= 500 ? 'error' : QUIET_ROUTES.has(route) ? 'debug' : 'info';
      // The bindings inline rather than through the scope's child logger: the same line, without
      // making a child for the many requests that log nothing else.
      if (accessLog.isLevelEnabled(level)) {
        accessLog[level]({ ...bindings, route, status, ms: Math.round(seconds * 10_000) / 10 }, 'http request');
      }
    }
  };
}
