import { NotFoundError } from '@mikro-orm/core';
import type { ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ClientErrorStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { DomainError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ApiEnv } from './context.js';

/** The one error shape of SPEC §3: `{"error": {"code", "message", "details"?}}`. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** One entry of `details` for 422 validation_failed. */
export interface FieldProblem {
  /** Dotted path inside the validated input (`items.0.title`); empty for the input itself. */
  path: string;
  message: string;
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/**
 * An error the API layer raises itself (validation, body limit, auth middlewares). Its message
 * is sent to the client as is, so it must never contain secrets.
 */
export class ApiError extends Error {
  constructor(
    readonly status: ClientErrorStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After for 429. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface MappedError {
  status: ClientErrorStatusCode | 500;
  body: ErrorBody;
  headers?: Record<string, string>;
}

const BY_STATUS: Partial<Record<number, { code: string; message: string }>> = {
  400: { code: 'bad_request', message: 'The request is malformed' },
  401: { code: 'unauthorized', message: 'Authentication is required' },
  403: { code: 'forbidden', message: 'Not allowed' },
  404: { code: 'not_found', message: 'Not found' },
  405: { code: 'method_not_allowed', message: 'Method not allowed' },
  409: { code: 'conflict', message: 'Conflict' },
  413: { code: 'payload_too_large', message: 'The request body is too large' },
  415: { code: 'unsupported_media_type', message: 'Unsupported content type; send application/json' },
  422: { code: 'validation_failed', message: 'The request is invalid' },
  429: { code: 'rate_limited', message: 'Too many requests' },
};

const INTERNAL: MappedError = {
  status: 500,
  body: errorBody('internal_error', 'Something went wrong on our side; the error was logged'),
};

const INVALID_JSON_MESSAGE = 'The request body is not valid JSON';

/** hono/validator throws HTTPException(400) with this message when `c.req.json()` fails. */
const HONO_MALFORMED_JSON = /^Malformed JSON/;

const SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/**
 * Errors from other layers that carry their own client-facing code and status (DomainError,
 * later auth errors). Both are required: Node and driver errors also have a string `code`
 * (ECONNREFUSED, 23505) but are server faults whose messages must not reach the client.
 */
function isCodedClientError(err: unknown): err is Error & { code: string; status: ClientErrorStatusCode } {
  if (!(err instanceof Error)) return false;
  const { code, status } = err as { code?: unknown; status?: unknown };
  return (
    typeof code === 'string' &&
    SNAKE_CASE.test(code) &&
    typeof status === 'number' &&
    Number.isInteger(status) &&
    status >= 400 &&
    status < 500
  );
}

export function zodIssuesToDetails(issues: readonly z.core.$ZodIssue[]): FieldProblem[] {
  return issues.flatMap((issue) => {
    const base = issue.path.map(String);
    // Zod reports all unknown keys of an object in one issue; one entry per field is easier to act on.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...base, key].join('.'), message: 'Unknown field' }));
    }
    return [{ path: base.join('.'), message: issue.message }];
  });
}

export function validationError(issues: readonly z.core.$ZodIssue[]): ApiError {
  return new ApiError(422, 'validation_failed', 'The request is invalid', zodIssuesToDetails(issues));
}

/** Maps anything thrown while handling a request to a status and body. Only unknown errors become 500. */
export function mapError(err: unknown): MappedError {
  if (err instanceof ApiError) {
    return { status: err.status, body: errorBody(err.code, err.message, err.details), headers: err.headers };
  }
  if (err instanceof DomainError || isCodedClientError(err)) {
    const details = (err as { details?: unknown }).details;
    return { status: err.status, body: errorBody(err.code, err.message, details) };
  }
  if (err instanceof NotFoundError) {
    // MikroORM's message names the entity and the where-condition: not for clients.
    return { status: 404, body: errorBody('not_found', 'Not found') };
  }
  if (err instanceof HTTPException) {
    if (err.status === 400 && HONO_MALFORMED_JSON.test(err.message)) {
      return { status: 400, body: errorBody('invalid_json', INVALID_JSON_MESSAGE) };
    }
    const known = BY_STATUS[err.status];
    if (err.status >= 400 && err.status < 500) {
      const status = err.status as ClientErrorStatusCode;
      return { status, body: errorBody(known?.code ?? 'bad_request', err.message || known?.message || 'Bad request') };
    }
    return INTERNAL;
  }
  if (err instanceof z.core.$ZodError) {
    // Domain use cases re-validate their input with zod; a failure there is the client's input.
    return mapError(validationError(err.issues));
  }
  if (err instanceof SyntaxError) {
    // A handler (or grammY's webhook adapter) called c.req.json() on a body that is not JSON.
    return { status: 400, body: errorBody('invalid_json', INVALID_JSON_MESSAGE) };
  }
  return INTERNAL;
}

/**
 * The app's one `onError`. Client errors are answered quietly (the access log has them);
 * server faults are logged with the request id, and the client gets a generic message.
 */
export function createErrorHandler(fallbackLog: Logger): ErrorHandler<ApiEnv> {
  return (err, c) => {
    const mapped = mapError(err);
    const log = c.get('log') ?? fallbackLog;
    if (mapped.status >= 500) log.error({ err, reqId: c.get('requestId') }, 'request failed');
    else log.debug({ code: mapped.body.error.code }, 'request rejected');
    return c.json(mapped.body, mapped.status, mapped.headers);
  };
}

export const notFoundHandler: NotFoundHandler<ApiEnv> = (c) =>
  c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`), 404);
