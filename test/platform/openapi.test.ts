import { beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/platform/services.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest, createTestApi } from '../helpers/services.js';

const env = useTestEnvironment();
let services: Services;
beforeAll(() => {
  services = env.services;
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

  it('gives every operation a unique operationId, a security array and a 4xx (if it can fail), and a license', async () => {
    const app = createTestApi(services);
    const { status, body } = await apiRequest(app, 'GET', '/openapi.json');
    expect(status).toBe(200);
    const methods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
    const paths = body.paths as Record<
      string,
      Record<string, { operationId?: unknown; security?: unknown; responses: Record<string, unknown> }>
    >;
    // These take no input and no token and document exactly the statuses they answer (api-basics and
    // auth-login tests pin that): none is a 4xx.
    const without4xx = new Set(['GET /health', 'GET /ready', 'GET /metrics', 'GET /.well-known/jwks.json']);
    const ids: string[] = [];
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!methods.has(method)) continue;
        const where = `${method.toUpperCase()} ${path}`;
        expect(operation.operationId, where).toMatch(/^[a-z][A-Za-z0-9]*$/);
        expect(Array.isArray(operation.security), `${where} has a security array`).toBe(true);
        expect(
          Object.keys(operation.responses).some((code) => /^4(\d\d|XX)$/.test(code)),
          `${where} has a 4xx`,
        ).toBe(!without4xx.has(where));
        ids.push(String(operation.operationId));
      }
    }
    expect(ids.length).toBeGreaterThanOrEqual(41);
    expect(
      ids.filter((id, i) => ids.indexOf(id) !== i),
      'duplicate operationIds',
    ).toEqual([]);
    // Public operations say so with an empty list (protected ones are checked in the test above).
    for (const [path, method] of [
      ['/health', 'get'],
      ['/auth/register', 'post'],
      ['/auth/login', 'post'],
      ['/.well-known/jwks.json', 'get'],
    ] as const) {
      expect(paths[path]?.[method]?.security, `${method} ${path}`).toEqual([]);
    }
    expect(paths['/tasks']?.get?.operationId).toBe('listTasks');
    expect(body.info.license).toEqual({ name: 'MIT', identifier: 'MIT' });
  });
});

describe('503 service_unavailable in the OpenAPI document', () => {
  it('is declared, with Retry-After and the error body, on every operation that needs PostgreSQL or Redis', async () => {
    const app = createTestApi(services);
    const { body } = await apiRequest(app, 'GET', '/openapi.json');
    type Response = {
      $ref?: string;
      description?: string;
      headers?: Record<string, { schema?: { type?: string } }>;
      content?: Record<string, { schema?: { $ref?: string }; example?: unknown }>;
    };
    const paths = body.paths as Record<string, Record<string, { responses: Record<string, Response> }>>;
    const shared = body.components.responses as Record<string, Response>;
    const resolve = (response: Response | undefined) =>
      response?.$ref ? shared[response.$ref.replace('#/components/responses/', '')] : response;
    // These touch neither: liveness and the process's own metrics. /ready documents its own 503.
    const without503 = new Set(['GET /health', 'GET /metrics']);
    const methods = new Set(['get', 'put', 'post', 'delete', 'patch']);
    let declared = 0;
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!methods.has(method)) continue;
        const where = `${method.toUpperCase()} ${path}`;
        const unavailable = resolve(operation.responses['503']);
        if (without503.has(where)) {
          expect(unavailable, where).toBeUndefined();
          continue;
        }
        expect(unavailable, `${where} declares 503`).toBeDefined();
        if (where === 'GET /ready') continue;
        expect(unavailable?.headers?.['Retry-After']?.schema?.type, `${where}: Retry-After`).toBe('integer');
        expect(unavailable?.content?.['application/json']?.schema, `${where}: the error body`).toEqual({
          $ref: '#/components/schemas/Error',
        });
        declared += 1;
      }
    }
    expect(declared).toBeGreaterThanOrEqual(40);
    // What the API sends while a dependency is away.
    expect(shared.ServiceUnavailable?.content?.['application/json']?.example).toEqual({
      error: { code: 'service_unavailable', message: 'The service is temporarily unavailable; retry later' },
    });
    expect(paths['/tasks']?.post?.responses['503']).toEqual({ $ref: '#/components/responses/ServiceUnavailable' });
  });

  it('names an operation’s scope once, in the note every scoped operation gets', async () => {
    const { body } = await apiRequest(createTestApi(services), 'GET', '/openapi.json');
    const paths = body.paths as Record<string, Record<string, { description?: string; 'x-required-scope'?: string }>>;
    let scoped = 0;
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const mentions = (operation.description ?? '').match(/Scope `/g)?.length ?? 0;
        expect(mentions, `${method.toUpperCase()} ${path}`).toBeLessThanOrEqual(1);
        scoped += mentions;
      }
    }
    expect(scoped).toBeGreaterThanOrEqual(20);
  });

  it('declares 413 payload_too_large on every operation whose method may carry a body, as the body limit answers it', async () => {
    const app = createTestApi(services);
    const { body } = await apiRequest(app, 'GET', '/openapi.json');
    type Content = Record<string, { schema?: unknown }>;
    const paths = body.paths as Record<string, Record<string, { responses: Record<string, { content?: Content }> }>>;
    const withBody = new Set(['post', 'put', 'patch', 'delete']);
    const operations = Object.entries(paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => withBody.has(method))
        .map(([method, operation]) => ({ where: `${method.toUpperCase()} ${path}`, operation })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(25);
    for (const { where, operation } of operations) {
      expect(operation.responses['413']?.content?.['application/json']?.schema, `${where} declares 413`).toEqual({
        $ref: '#/components/schemas/Error',
      });
    }
    // What it documents is what a route that reads no body answers.
    const refused = await app.request('/tasks/1', { method: 'DELETE', body: 'x'.repeat(1024 * 1024 + 1) });
    expect(refused.status).toBe(413);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });
});
