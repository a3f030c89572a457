import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Metrics } from '../../metrics.js';
import type { ApiEnv } from '../context.js';
import { createMetricsHandler, createReadyHandler, health, type Readiness } from './handlers.js';
import * as routes from './routes.js';

export type { Readiness } from './handlers.js';

/** Operations endpoints of SPEC §3.8: GET /health, GET /ready, GET /metrics. */
export function registerHealthRoutes(app: OpenAPIHono<ApiEnv>, deps: { readiness: Readiness; metrics: Metrics }): void {
  app.openapi(routes.health, health);
  app.openapi(routes.ready, createReadyHandler(deps.readiness));
  app.openapi(routes.metrics, createMetricsHandler(deps.metrics));
}
