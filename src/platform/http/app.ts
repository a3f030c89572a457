import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Config } from '../../config.js';
import type { Orm } from '../db/orm.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { Outages } from '../outages.js';
import { registerSandbox, SANDBOX_PATH } from '../sandbox/routes.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { CONSOLE_PATH, registerConsole } from './console.js';
import type { ApiEnv } from './context.js';
import { DOCS_PATH, registerDocs } from './docs.js';
import { ApiError, createErrorHandler, notFoundHandler } from './errors.js';
import type { Readiness } from './health/handlers.js';
import { healthApi } from './health/index.js';
import { BODY_METHODS, validationHook } from './openapi.js';
import { requestContext } from './request-context.js';
import { presetApiSecurityHeaders } from './secure-headers.js';
import { TrustedProxies } from './trusted-proxies.js';

export type { ApiEnv } from './context.js';

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** Stands in for the webhook path in logs and metric labels: the path may embed a secret. */
const WEBHOOK_LABEL = '/<telegram-webhook>';

export interface ApiDeps {
  config: Pick<Config, 'publicUrl' | 'logLevel'> & Partial<Pick<Config, 'trustedProxies'>>;
  log: Logger;
  metrics: Metrics;
  /** Each check throws if its dependency is unreachable. */
  readiness: Readiness;
  /** The process's outage view (logged once, metrics); without one the app keeps its own. */
  outages?: Outages;
  /** Telegram webhook, mounted only in webhook mode. `handler` is grammY's `webhookCallback(bot, 'hono', { secretToken })`. */
  webhook?: { path: string; handler: (c: Context) => Promise<Response> | Response };
  /** Gives every request its own EntityManager (`requestEm(c)`); routes that touch the database need it. */
  orm?: Orm;
  /** Later features register their routers here (tasks, auth, ...). */
  routes?: Array<(app: OpenAPIHono<ApiEnv>) => void>;
  bodyLimitBytes?: number;
  /** Sandbox mode only: the web chat at /sandbox (loopback clients only unless `public`). */
  sandbox?: { sandbox: Sandbox; public: boolean };
}

/**
 * Builds the HTTP app. The middleware order matters:
 * 1. request context (id, lazy logger and EntityManager, security headers — strict for the JSON API,
 *    a docs-only policy on /docs, the console's own on /console —, access log, metrics) — outermost,
 *    so it sees every final status;
 * 2. body limit — before any handler or validator reads the body (GET and HEAD have none).
 * Errors of any layer end in the one onError (errors.ts), unknown routes in notFound.
 */
export function createApi(deps: ApiDeps): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  const maxSize = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;

  // /docs and the console set policies of their own (docs.ts, console.ts).
  const ownPolicy = (path: string) =>
    path === DOCS_PATH || path === CONSOLE_PATH || path.startsWith(`${CONSOLE_PATH}/`) || path === SANDBOX_PATH;
  app.use(
    requestContext({
      log: deps.log,
      metrics: deps.metrics,
      hiddenPaths: deps.webhook ? new Map([[deps.webhook.path, WEBHOOK_LABEL]]) : undefined,
      trustedProxies: new TrustedProxies(deps.config.trustedProxies),
      orm: deps.orm,
      securityHeaders: (c) => {
        if (!ownPolicy(c.req.path)) presetApiSecurityHeaders(c);
      },
    }),
  );
  const limitBody = bodyLimit({
    maxSize,
    onError: () => {
      // The rest of the body is not read; closing the connection keeps clients from writing
      // the remainder into the next request on a keep-alive connection.
      throw new ApiError(413, 'payload_too_large', `The request body is larger than ${maxSize} bytes`, undefined, {
        Connection: 'close',
      });
    },
  });
  // GET and HEAD carry no body (asking for one makes @hono/node-server build a full Fetch
  // Request): the limit is a middleware of the other methods only, so a GET does not pass it.
  app.on(BODY_METHODS, '*', limitBody);
  const outages = deps.outages ?? new Outages({ log: deps.log, metrics: deps.metrics });
  app.onError(createErrorHandler(deps.log, outages, deps.webhook?.path));
  app.notFound(notFoundHandler);

  app.route('/', healthApi({ ...deps, outages }));
  registerDocs(app, { publicUrl: deps.config.publicUrl });
  registerConsole(app);

  // Not part of the public contract, so registered with app.post rather than app.openapi.
  if (deps.webhook) app.post(deps.webhook.path, deps.webhook.handler);

  if (deps.sandbox) registerSandbox(app, deps.sandbox.sandbox, { public: deps.sandbox.public });

  for (const register of deps.routes ?? []) register(app);
  return app;
}
