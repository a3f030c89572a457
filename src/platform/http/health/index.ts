import type { Metrics } from '../../metrics.js';
import type { Outages } from '../../outages.js';
import { createRouter } from '../openapi.js';
import { createMetricsHandler, createReadyHandler, health, type Readiness } from './handlers.js';
import * as routes from './routes.js';

export type { Readiness } from './handlers.js';

/**
 * Operations endpoints of SPEC §3.8: GET /health, GET /ready, GET /metrics. The platform's own
 * router (it knows no feature), in the same routes / handlers / index shape as a feature's API.
 */
export function healthApi(deps: { readiness: Readiness; metrics: Metrics; outages?: Outages }) {
  return createRouter()
    .openapi(routes.health, health)
    .openapi(routes.ready, createReadyHandler(deps.readiness, undefined, deps.outages))
    .openapi(routes.metrics, createMetricsHandler(deps.metrics));
}
