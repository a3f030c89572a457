import { ConnectionException, DriverException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../src/platform/db/unavailable.js';
import { mapError } from '../../src/platform/http/errors.js';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable: the one detector of "PostgreSQL is unreachable"', () => {
  it.each([
    ['ECONNREFUSED from the ORM', new DriverException(coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'))],
    ['ECONNRESET from the ORM', new DriverException(coded('ECONNRESET'))],
    ['57P01 admin shutdown', coded('57P01', 'terminating connection due to administrator command')],
    ['08006 connection failure', coded('08006')],
    ['08P01 protocol violation', coded('08P01')],
    ["pg's code-less termination", new Error('Connection terminated unexpectedly')],
    ['MikroORM ConnectionException', new ConnectionException(new Error('gone'))],
    ['MikroORM DriverException copying the code', new DriverException(coded('57P01'))],
    ['a wrapped cause', new Error('query failed', { cause: coded('57P01') })],
    [
      'an ORM error wrapping a dual-stack connect',
      new DriverException(
        Object.assign(new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')]), { message: '' }),
      ),
    ],
  ])('%s → unavailable', (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect(mapError(err)).toMatchObject({
      status: 503,
      body: { error: { code: 'service_unavailable' } },
      headers: { 'Retry-After': expect.stringMatching(/^\d+$/) },
    });
  });

  it.each([
    ['a unique violation', new UniqueConstraintViolationException(coded('23505'))],
    ['a syntax error', coded('42601')],
    ['a plain error', new Error('boom')],
    ['not an error', 'ECONNREFUSED'],
    ['a bare ECONNREFUSED (not the database)', coded('ECONNREFUSED')],
  ])('%s → not unavailable (still 500 or its own mapping)', (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
    expect(mapError(err).status).not.toBe(503);
  });
});
