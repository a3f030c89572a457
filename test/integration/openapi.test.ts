import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/services.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { createTestRedis, type TestRedis } from '../helpers/redis.js';
import { apiRequest, createTestApi, createTestServices } from '../helpers/services.js';

let db: TestDatabase;
let redis: TestRedis;
let services: Services;

beforeAll(async () => {
  db = await createTestDatabase();
  redis = await createTestRedis();
  services = await createTestServices(db, redis);
});
afterAll(async () => {
  await services.jobs.close();
  await redis.close();
  await db.drop();
});

describe('the OpenAPI document of the whole API', () => {
  it('documents every public route with its methods, security and error responses', async () => {
    const app = createTestApi(services);
    const { status, body } = await apiRequest(app, 'GET', '/openapi.json');
    expect(status).toBe(200);
    const paths = body.paths as Record<
      string,
      Record<string, { responses: Record<string, unknown>; security?: unknown }>
    >;
    const expected: Record<string, string[]> = {
      '/auth/register': ['post'],
      '/auth/login': ['post'],
      '/auth/refresh': ['post'],
      '/auth/logout': ['post'],
      '/.well-known/jwks.json': ['get'],
      '/users/me': ['get', 'patch'],
      '/users/me/avatar': ['put', 'delete'],
      '/users/{username}': ['get'],
      '/users/{username}/avatar': ['get'],
      '/users': ['get'],
      '/token': ['post', 'get', 'delete'],
      '/messages': ['post', 'get'],
      '/health': ['get'],
      '/ready': ['get'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      expect(Object.keys(paths[path] ?? {}), path).toEqual(expect.arrayContaining(methods));
    }
    // Protected routes declare bearer security and their 401.
    for (const path of ['/users/me', '/token', '/messages']) {
      for (const operation of Object.values(paths[path] ?? {})) {
        expect(operation.security).toEqual([{ bearerAuth: [] }]);
        expect(Object.keys(operation.responses)).toContain('401');
      }
    }
    expect(body.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});
