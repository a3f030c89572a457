import { NotFoundError } from '@mikro-orm/core';
import type { ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ClientErrorStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { DomainError } from '../errors.js';
import type { Logger } from '../logger.js';
import { Outages, UNAVAILABLE_RETRY_AFTER_SECONDS, unavailableDependency } from '../outages.js';
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
  /** The rule a domain check refused the value by (`past`, `too_long`, `blocked`…); absent for type and shape errors. */
  reason?: string;
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
  status: ClientErrorStatusCode | 500 | 503;
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

/**
 * The one table from DomainError codes to HTTP statuses (issue 11: the domain throws codes, the API
 * decides how HTTP says them). Every code thrown in src/ must be listed here:
 * test/platform/domain-error-status.test.ts reads them from the sources and fails on a missing one.
 */
export const DOMAIN_ERROR_STATUS = {
  // 401: who the caller is could not be established.
  invalid_credentials: 401,
  invalid_refresh_token: 401,
  // 403: known caller, not allowed (now or at all).
  forbidden: 403,
  pending_confirmation: 403,
  user_banned: 403,
  // 404: also for other users' objects, so their existence is not revealed.
  not_found: 404,
  user_not_found: 404,
  // 409: conflicts with the current state.
  assignee_changed: 409,
  cannot_ban_self: 409,
  cannot_change_own_role: 409,
  mailing_finished: 409,
  mailing_not_paused: 409,
  mailing_not_running: 409,
  mailing_started: 409,
  mailing_recalled: 409,
  nothing_to_recall: 409,
  recipient_unreachable: 409,
  recall_too_late: 409,
  target_banned: 409,
  not_linked: 409,
  telegram_already_linked: 409,
  telegram_not_linked: 409,
  telegram_taken: 409,
  token_exists: 409,
  username_taken: 409,
  // 413
  payload_too_large: 413,
  // 422: parseable but refused input. `<field>_invalid` codes (the domain's field refusals, some
  // with a computed field name such as `filter.tags_invalid`) are 422 by FIELD_INVALID below.
  cannot_block_self: 422,
  cannot_message_self: 422,
  caption_too_long: 422,
  empty_image: 422,
  telegram_not_started: 422,
  test_send_failed: 422,
  text_empty: 422,
  text_too_long: 422,
  unsupported_image: 422,
  validation_failed: 422,
  // 429: details carry the seconds to wait; mapError sends them as Retry-After.
  rate_limited: 429,
  too_many_attempts: 429,
} as const satisfies Record<string, ClientErrorStatusCode>;

/** A field the domain refused: `<field>_invalid`, with `{field, reason, ...}` details. */
const FIELD_INVALID = /_invalid$/;

/**
 * A code missing from the table still answers as a client error (the message of a DomainError is
 * written for the user and carries no secrets) with 422, what DomainError defaulted to when it
 * carried a status; onError logs it as a warning so the gap is seen, and the test above catches it
 * before that.
 */
export const UNKNOWN_DOMAIN_ERROR_STATUS = 422;

/** The HTTP status of a DomainError code, and whether the table (or the `_invalid` rule) knows it. */
export function domainErrorStatus(code: string): { status: ClientErrorStatusCode; known: boolean } {
  const listed = (DOMAIN_ERROR_STATUS as Record<string, ClientErrorStatusCode>)[code];
  if (listed !== undefined) return { status: listed, known: true };
  if (FIELD_INVALID.test(code)) return { status: 422, known: true };
  return { status: UNKNOWN_DOMAIN_ERROR_STATUS, known: false };
}

/** Seconds to wait from a 429's details (`retryAfter` of the chat limits, `retryAfterSeconds` of login). */
function retryAfterOf(details: unknown): number | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const { retryAfter, retryAfterSeconds } = details as { retryAfter?: unknown; retryAfterSeconds?: unknown };
  const seconds = retryAfterSeconds ?? retryAfter;
  return typeof seconds === 'number' && Number.isFinite(seconds) ? seconds : undefined;
}

/** Retry-After when a client must wait before retrying (SPEC §3: every 429 says when to come back). */
const RETRY_AFTER_DEFAULT_SECONDS = 60;

function mapDomainError(err: DomainError): MappedError {
  const { status } = domainErrorStatus(err.code);
  const body = errorBody(err.code, err.message, err.details);
  if (status !== 429) return { status, body };
  const seconds = retryAfterOf(err.details) ?? RETRY_AFTER_DEFAULT_SECONDS;
  return { status, body, headers: { 'Retry-After': String(seconds) } };
}

const INTERNAL: MappedError = {
  status: 500,
  body: errorBody('internal_error', 'Something went wrong on our side; the error was logged'),
};

/**
 * PostgreSQL or Redis unreachable (platform/outages.ts): a clean 503 the client may retry, never a
 * 500. Telegram's webhook gets it too, and redelivers the update later.
 */
export const DEPENDENCY_UNAVAILABLE: MappedError = {
  status: 503,
  body: errorBody('service_unavailable', 'The service is temporarily unavailable; retry later'),
  headers: { 'Retry-After': String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
};

const INVALID_JSON_MESSAGE = 'The request body is not valid JSON';

/** hono/validator throws HTTPException(400) with this message when `c.req.json()` fails. */
const HONO_MALFORMED_JSON = /^Malformed JSON/;

const SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/**
 * Errors from other layers that carry their own client-facing code and status (auth errors
 * of libraries; DomainError carries no status and goes through DOMAIN_ERROR_STATUS). Both are required: Node and driver errors also have a string `code`
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
  if (err instanceof DomainError) return mapDomainError(err);
  if (isCodedClientError(err)) {
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
  if (unavailableDependency(err)) return DEPENDENCY_UNAVAILABLE;
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
export function createErrorHandler(
  fallbackLog: Logger,
  // One error log per outage, not one per request (issue 18).
  outages: Outages = new Outages({ log: fallbackLog }),
  webhookPath?: string,
): ErrorHandler<ApiEnv> {
  return (err, c) => {
    const mapped = mapError(err);
    const log = c.get('scope')?.log ?? fallbackLog;
    const dependency = mapped === DEPENDENCY_UNAVAILABLE ? unavailableDependency(err) : undefined;
    if (dependency) {
      outages.down(dependency, err, { reqId: c.get('requestId') });
      outages.answered(dependency, webhookPath !== undefined && c.req.path === webhookPath ? 'webhook' : 'http');
    } else if (mapped.status >= 500) log.error({ err, reqId: c.get('requestId') }, 'request failed');
    else if (err instanceof DomainError && !domainErrorStatus(err.code).known) {
      log.warn({ code: err.code }, 'DomainError code missing from DOMAIN_ERROR_STATUS; answered 422');
    } else log.debug({ code: mapped.body.error.code }, 'request rejected');
    return c.json(mapped.body, mapped.status, mapped.headers);
  };
}

export const notFoundHandler: NotFoundHandler<ApiEnv> = (c) =>
  c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`), 404);
