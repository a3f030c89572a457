import { NotFoundError } from '@mikro-orm/core';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DomainError } from '../../src/platform/errors.js';
import { ApiError, errorBody, mapError, zodIssuesToDetails } from '../../src/platform/http/errors.js';
import { errorResponses } from '../../src/platform/http/openapi.js';

const INTERNAL = {
  status: 500,
  body: { error: { code: 'internal_error', message: 'Something went wrong on our side; the error was logged' } },
};

describe('errorBody', () => {
  it('omits details unless given', () => {
    expect(errorBody('a_b', 'm')).toEqual({ error: { code: 'a_b', message: 'm' } });
    expect(errorBody('a_b', 'm', [1])).toEqual({ error: { code: 'a_b', message: 'm', details: [1] } });
  });
});

describe('mapError', () => {
  it('keeps an ApiError as it is, headers included', () => {
    const err = new ApiError(429, 'rate_limited', 'Slow down', undefined, { 'Retry-After': '30' });
    expect(mapError(err)).toEqual({
      status: 429,
      body: { error: { code: 'rate_limited', message: 'Slow down' } },
      headers: { 'Retry-After': '30' },
    });
  });

  it('maps DomainError by its code (a code missing from the table: 422) with its details', () => {
    expect(mapError(new DomainError('username_taken', 'Taken'))).toMatchObject({
      status: 409,
      body: { error: { code: 'username_taken', message: 'Taken' } },
    });
    expect(mapError(new DomainError('too_long', 'Too long', { max: 10 }))).toMatchObject({
      status: 422,
      body: { error: { code: 'too_long', message: 'Too long', details: { max: 10 } } },
    });
  });

  it('maps other errors carrying a snake_case code and a 4xx status', () => {
    class AuthError extends Error {
      readonly code = 'invalid_token';
      readonly status = 401;
    }
    expect(mapError(new AuthError('Token expired'))).toMatchObject({
      status: 401,
      body: { error: { code: 'invalid_token', message: 'Token expired' } },
    });
  });

  it.each([
    ['a Node error code', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['a PostgreSQL SQLSTATE', Object.assign(new Error('duplicate key value'), { code: '23505' })],
    ['a code without status', Object.assign(new Error('x'), { code: 'some_code' })],
    ['a 5xx status', Object.assign(new Error('x'), { code: 'upstream_down', status: 502 })],
    ['a plain Error', new Error('secret')],
    ['a thrown string', 'oops'],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'id')")],
  ])('turns %s into a generic 500', (_, err) => {
    expect(mapError(err)).toEqual(INTERNAL);
  });

  it('maps MikroORM NotFoundError to 404 without its message', () => {
    expect(mapError(NotFoundError.findOneFailed('Task', { id: 1 }))).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'Not found' } },
    });
  });

  it("maps hono's malformed-JSON 400 to invalid_json", () => {
    const err = new HTTPException(400, { message: 'Malformed JSON in request body' });
    expect(mapError(err).body.error.code).toBe('invalid_json');
  });

  it('maps a bare SyntaxError (c.req.json() in a handler) to invalid_json', () => {
    let thrown: unknown;
    try {
      JSON.parse('{');
    } catch (err) {
      thrown = err;
    }
    expect(mapError(thrown)).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } });
  });

  it.each([
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [415, 'unsupported_media_type'],
    [429, 'rate_limited'],
    [418, 'bad_request'],
  ] as const)('maps HTTPException %i to %s', (status, code) => {
    const mapped = mapError(new HTTPException(status));
    expect(mapped.status).toBe(status);
    expect(mapped.body.error.code).toBe(code);
    expect(mapped.body.error.message.length).toBeGreaterThan(0);
  });

  it('maps an HTTPException 5xx to the generic 500', () => {
    expect(mapError(new HTTPException(503, { message: 'db down at 10.0.0.5' }))).toEqual(INTERNAL);
  });

  it('maps a ZodError thrown by a use case to 422 with details', () => {
    const result = z.object({ title: z.string() }).safeParse({ title: 1 });
    expect(result.success).toBe(false);
    expect(mapError(result.error)).toMatchObject({
      status: 422,
      body: { error: { code: 'validation_failed', details: [{ path: 'title' }] } },
    });
  });
});

describe('zodIssuesToDetails', () => {
  it('gives dotted paths and one entry per unknown key', () => {
    const schema = z.strictObject({ items: z.array(z.strictObject({ n: z.number() })) });
    const result = schema.safeParse({ items: [{ n: 'x' }], extra: 1, more: 2 });
    expect(result.success).toBe(false);
    const details = zodIssuesToDetails(result.error?.issues ?? []);
    expect(details).toContainEqual({ path: 'extra', message: 'Unknown field' });
    expect(details).toContainEqual({ path: 'more', message: 'Unknown field' });
    expect(details.map((d) => d.path)).toContain('items.0.n');
  });
});

describe('errorResponses', () => {
  it('builds response entries for the given statuses', () => {
    const responses = errorResponses(401, 404, 422);
    expect(Object.keys(responses)).toEqual(['401', '404', '422']);
    expect(responses[404].content['application/json'].schema).toBeDefined();
    expect(responses[401].description).toMatch(/token/);
  });
});
