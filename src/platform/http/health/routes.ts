import { createRoute, z } from '@hono/zod-openapi';
import { NO_DEPENDENCY } from '../openapi.js';

const CheckStatus = z.enum(['ok', 'error']);

const Checks = z.object({ database: CheckStatus, redis: CheckStatus }).openapi('ReadinessChecks');

export const ReadySchema = z
  .object({ status: z.literal('ready'), checks: Checks })
  .openapi('Ready', { example: { status: 'ready', checks: { database: 'ok', redis: 'ok' } } });

export const UnavailableSchema = z
  .object({ status: z.literal('unavailable'), checks: Checks })
  .openapi('Unavailable', { example: { status: 'unavailable', checks: { database: 'ok', redis: 'error' } } });

export const health = createRoute({
  method: 'get',
  path: '/health',
  operationId: 'getHealth',
  [NO_DEPENDENCY]: true,
  tags: ['Operations'],
  security: [],
  summary: 'Liveness: the process is up',
  description: 'Touches no dependency, so a slow database cannot get the process restarted.',
  responses: {
    200: {
      description: 'The process is up',
      content: { 'application/json': { schema: z.object({ status: z.literal('ok') }).openapi('Health') } },
    },
  },
});

export const ready = createRoute({
  method: 'get',
  path: '/ready',
  operationId: 'getReadiness',
  tags: ['Operations'],
  security: [],
  summary: 'Readiness: PostgreSQL and Redis are reachable',
  responses: {
    200: { description: 'Both dependencies answered', content: { 'application/json': { schema: ReadySchema } } },
    503: {
      description: 'At least one dependency did not answer in time; take this instance out of rotation',
      content: { 'application/json': { schema: UnavailableSchema } },
    },
  },
});

export const metrics = createRoute({
  method: 'get',
  path: '/metrics',
  operationId: 'getMetrics',
  [NO_DEPENDENCY]: true,
  tags: ['Operations'],
  security: [],
  summary: 'Prometheus metrics',
  responses: {
    200: {
      description: 'Prometheus text exposition format',
      content: { 'text/plain': { schema: z.string() } },
    },
  },
});
