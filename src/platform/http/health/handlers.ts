import type { RouteHandler } from '@hono/zod-openapi';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics.js';
import type { Dependency, Outages } from '../../outages.js';
import type { ApiEnv } from '../context.js';
import { requestLog } from '../request-scope.js';
import type * as routes from './routes.js';

/** Each check resolves when the dependency answered and throws (or rejects) when it did not. */
export interface Readiness {
  database(): Promise<void>;
  redis(): Promise<void>;
}

/** Well under the usual 5 s probe timeout of orchestrators, so /ready itself always answers. */
export const READINESS_TIMEOUT_MS = 2_000;

type CheckStatus = 'ok' | 'error';

async function probe(
  name: string,
  check: () => Promise<void>,
  timeoutMs: number,
  log: Logger,
  outage?: { outages: Outages; dependency: Dependency },
): Promise<CheckStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    outage?.outages.up(outage.dependency);
    return 'ok';
  } catch (err) {
    // Probed every few seconds by an orchestrator: an outage is logged once, not per probe.
    if (outage) outage.outages.down(outage.dependency, err, { check: name });
    else log.warn({ err, check: name }, 'readiness check failed');
    return 'error';
  } finally {
    clearTimeout(timer);
  }
}

export const health: RouteHandler<typeof routes.health, ApiEnv> = (c) => c.json({ status: 'ok' as const }, 200);

export function createReadyHandler(
  readiness: Readiness,
  timeoutMs = READINESS_TIMEOUT_MS,
  outages?: Outages,
): RouteHandler<typeof routes.ready, ApiEnv> {
  return async (c) => {
    const log = requestLog(c);
    const [database, redis] = await Promise.all([
      probe('database', () => readiness.database(), timeoutMs, log, outages && { outages, dependency: 'postgres' }),
      probe('redis', () => readiness.redis(), timeoutMs, log, outages && { outages, dependency: 'redis' }),
    ]);
    const checks = { database, redis };
    return database === 'ok' && redis === 'ok'
      ? c.json({ status: 'ready' as const, checks }, 200)
      : c.json({ status: 'unavailable' as const, checks }, 503);
  };
}

export function createMetricsHandler(metrics: Metrics): RouteHandler<typeof routes.metrics, ApiEnv> {
  return async (c) => {
    const { contentType, body } = await metrics.render();
    return c.text(body, 200, { 'Content-Type': contentType });
  };
}
