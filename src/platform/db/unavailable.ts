import { ConnectionException, DriverException } from '@mikro-orm/core';

/** The socket errors of a server that is away (PostgreSQL's here; Redis's in outages.ts). */
export const SOCKET_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * The one place that tells "PostgreSQL is unreachable" from any other database error (issue 18).
 * What counts: MikroORM's ConnectionException; socket errors of the pg driver (refused, reset,
 * timed out, host not found); PostgreSQL's own shutdown and connection classes (57P01 admin
 * shutdown, 57P02 crash shutdown, 57P03 cannot connect now, every 08xxx connection exception);
 * and pg's code-less "Connection terminated" errors. MikroORM's DriverException copies the
 * driver's `code`; wrapped errors are followed through `cause`, `previous` and AggregateError.
 * A socket code counts only inside a DriverException (what the ORM throws when it cannot reach
 * PostgreSQL): a bare ECONNREFUSED from elsewhere is not the database's and stays a 500.
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03']);
const CONNECTION_CLASS = /^08[0-9A-Z]{3}$/;
const TERMINATED =
  /^Connection terminated|^timeout exceeded when trying to connect|^Client has encountered a connection error/;

export function isDatabaseUnavailable(err: unknown, depth = 0, fromDriver = false): boolean {
  if (depth > 5 || typeof err !== 'object' || err === null) return false;
  if (err instanceof ConnectionException) return true;
  const driver = fromDriver || err instanceof DriverException;
  const { code, message, cause, previous, errors } = err as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    previous?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string') {
    if (SERVER_CODES.has(code) || CONNECTION_CLASS.test(code)) return true;
    if (driver && SOCKET_CODES.has(code)) return true;
  }
  if (typeof message === 'string' && TERMINATED.test(message)) return true;
  const next = (e: unknown) => isDatabaseUnavailable(e, depth + 1, driver);
  if (Array.isArray(errors) && errors.some(next)) return true;
  return next(cause) || next(previous);
}
