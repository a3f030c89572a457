import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Services } from '../../services.js';
import type { ApiEnv } from '../context.js';

/** Every feature router of the API, in the order they appear in the OpenAPI document. */
export function apiRoutes(_services: Services): Array<(app: OpenAPIHono<ApiEnv>) => void> {
  return [];
}
