import { OpenAPIHono, type OpenAPIHonoOptions, z } from '@hono/zod-openapi';
import type { ClientErrorStatusCode } from 'hono/utils/http-status';
import { UNSTORABLE_TEXT_HINT, unstorablePath } from '../storable-text.js';
import type { ApiEnv } from './context.js';
import { ApiError, DEPENDENCY_UNAVAILABLE, validationError } from './errors.js';

/** Version of the HTTP contract shown in /openapi.json; bump it when the contract changes. */
export const API_VERSION = '0.1.0';

/** License of the API and its document (`info.license`); the same as package.json's `license`. */
export const API_LICENSE = { name: 'MIT', identifier: 'MIT' } as const;

/** Name of the JWT security scheme registered in the document; routes refer to it via `security`. */
export const BEARER_AUTH = 'bearerAuth';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ description: 'Stable snake_case code to branch on', example: 'not_found' }),
      message: z.string().openapi({ description: 'Human-readable explanation', example: 'Not found' }),
      details: z
        .unknown()
        .optional()
        .openapi({
          description: 'Extra data; for validation_failed a list of {path, message, reason?}',
          example: [{ path: 'title', message: 'Invalid input: expected string, received number' }],
        }),
    }),
  })
  .openapi('Error');

export const ValidationErrorSchema = z
  .object({
    error: z.object({
      code: z.literal('validation_failed'),
      message: z.string(),
      details: z.array(
        z.object({
          path: z.string(),
          message: z.string(),
          reason: z
            .string()
            .optional()
            .openapi({
              description:
                'The rule a value was refused by, for a client to say in its own words: e.g. empty, too_long, control, ' +
                'bad_tag, too_many, past (a due date), unknown, self, banned, blocked (an assignee). Absent for type and shape errors.',
              example: 'past',
            }),
        }),
      ),
    }),
  })
  .openapi('ValidationError', {
    example: {
      error: {
        code: 'validation_failed',
        message: 'The request is invalid',
        details: [{ path: 'dueAt', message: 'Unknown field' }],
      },
    },
  });

/**
 * What a 422 carries: validation_failed with its list of fields, or the code of a rule of the
 * operation (cannot_message_self, text_too_long, telegram_not_started…) with details of its own.
 */
const UnprocessableSchema = z.union([ValidationErrorSchema, ErrorSchema]);

const ERROR_DESCRIPTIONS: Partial<Record<ClientErrorStatusCode, string>> = {
  400: 'Body is not parseable JSON (invalid_json)',
  401: 'Missing or invalid token',
  403: 'Not allowed',
  404: 'Not found (also for objects of other users)',
  409: 'Conflict with the current state',
  413: 'Request body too large (payload_too_large)',
  415: 'Content type is not application/json',
  422: 'Parseable but invalid: wrong types, missing or unknown fields, limits (validation_failed, with the fields), or refused by a rule of the operation (its own code)',
  429: 'Rate limited; see Retry-After',
};

type ErrorResponse = {
  description: string;
  headers?: Record<string, { description: string; schema: { type: 'integer' } }>;
  content: { 'application/json': { schema: typeof ErrorSchema | typeof UnprocessableSchema } };
};

/** Every 429 says when to come back (SPEC §3). */
const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' as const } },
};

/**
 * `responses` entries for common error statuses, so routes stay short:
 * `responses: { 200: ..., ...errorResponses(401, 404, 422) }`.
 */
export function errorResponses<S extends ClientErrorStatusCode>(...statuses: S[]): Record<S, ErrorResponse> {
  const entries = statuses.map((status) => [
    status,
    {
      description: ERROR_DESCRIPTIONS[status] ?? 'Client error',
      ...(status === 429 ? { headers: RETRY_AFTER } : {}),
      content: { 'application/json': { schema: status === 422 ? UnprocessableSchema : ErrorSchema } },
    },
  ]);
  return Object.fromEntries(entries) as Record<S, ErrorResponse>;
}

/**
 * `default` response: any status the operation does not list, such as 500 internal_error, with the
 * common error body.
 */
export const UNEXPECTED_ERROR = {
  default: {
    description: 'Any other status, e.g. 500 internal_error (the error was logged)',
    content: { 'application/json': { schema: ErrorSchema } },
  },
} as const;

/**
 * Marks an operation that touches neither PostgreSQL nor Redis (`[NO_DEPENDENCY]: true` in its
 * route): it never answers 503 service_unavailable, so documentUnavailable leaves it alone.
 */
export const NO_DEPENDENCY = 'x-no-dependency';

/** The shared response every operation that needs PostgreSQL or Redis refers to (`#/components/responses/…`). */
export const SERVICE_UNAVAILABLE = 'ServiceUnavailable';

type DocumentOperation = { responses?: Record<string, unknown>; [NO_DEPENDENCY]?: boolean };

/**
 * Declares the 503 service_unavailable (platform/outages.ts, http/errors.ts) on every operation
 * but those marked NO_DEPENDENCY, once, when the document is built: any operation reading the
 * database or Redis (sessions, limits, queues, caches, the user behind a token) may answer it
 * while one of them is unreachable, so a route cannot forget it. An operation documenting a 503
 * of its own (GET /ready) keeps it.
 */
export function documentUnavailable(document: { paths?: object; components?: object }): void {
  const example = DEPENDENCY_UNAVAILABLE;
  document.components ??= {};
  const components = document.components as { responses?: Record<string, unknown> };
  components.responses = {
    ...components.responses,
    [SERVICE_UNAVAILABLE]: {
      description: 'PostgreSQL or Redis is unreachable for a while (service_unavailable); try again after Retry-After',
      headers: {
        'Retry-After': {
          description: 'Seconds to wait before trying again',
          schema: { type: 'integer', example: Number(example.headers?.['Retry-After']) },
        },
      },
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, example: example.body } },
    },
  };
  for (const item of Object.values(document.paths ?? {}) as Array<Record<string, unknown>>) {
    for (const [method, value] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method)) continue;
      const operation = value as DocumentOperation;
      if (operation[NO_DEPENDENCY]) continue;
      operation.responses ??= {};
      operation.responses['503'] ??= { $ref: `#/components/responses/${SERVICE_UNAVAILABLE}` };
    }
  }
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** What the body limit answers (with the limit the app was built with; 1 MiB by default). */
const PAYLOAD_TOO_LARGE = {
  error: { code: 'payload_too_large', message: 'The request body is larger than 1048576 bytes' },
};

/**
 * Every method but GET and HEAD (OPTIONS may carry a body too): the app's body limit (app.ts) runs
 * on each.
 */
export const BODY_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Declares 413 payload_too_large on every operation of a method that may carry a body, once, when
 * the document is built: the body limit runs before any route — also one that reads no body
 * (DELETE, POST …/cancel) — so a route cannot forget it. An operation documenting a 413 of its
 * own keeps it.
 */
export function documentBodyLimit(document: { paths?: object }): void {
  const methods = new Set(BODY_METHODS.map((m) => m.toLowerCase()));
  for (const item of Object.values(document.paths ?? {}) as Array<Record<string, unknown>>) {
    for (const [method, value] of Object.entries(item)) {
      if (!methods.has(method)) continue;
      const operation = value as DocumentOperation;
      operation.responses ??= {};
      operation.responses['413'] ??= {
        description: ERROR_DESCRIPTIONS[413],
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, example: PAYLOAD_TOO_LARGE } },
      };
    }
  }
}

/**
 * zod-openapi calls this after validating params, query, headers and JSON bodies. Failures become
 * 422 validation_failed through the app's onError, so there is one error shape. (A body that is not
 * JSON at all never gets here: hono's validator throws 400 first, which onError maps to invalid_json.)
 * A value that passed its schema is still refused when a string in it cannot be stored as given
 * (NUL, an unpaired surrogate; storable-text.ts): one rule for every body field, search word and
 * cursor, before any of them reaches a query.
 */
export const validationHook: NonNullable<OpenAPIHonoOptions<ApiEnv>['defaultHook']> = (result) => {
  if (!result.success) throw validationError(result.error.issues);
  // A path id or name that cannot exist is "not found" (its handler answers 404 without a query).
  if ((result as { target?: string }).target === 'param') return;
  const path = unstorablePath(result.data);
  if (path !== undefined) {
    throw new ApiError(422, 'validation_failed', 'The request is invalid', [{ path, message: UNSTORABLE_TEXT_HINT }]);
  }
};

/**
 * A router for a feature (`features/<feature>/api/index.ts`, chained so its type carries the
 * routes). It carries the validation hook itself: zod-openapi binds the hook when a route is
 * added, so the one of the app it is mounted into would not apply. It behaves the same mounted
 * with `app.route()` or used standalone in a test.
 * Use `z.strictObject` for request bodies so unknown fields are rejected with 422.
 */
export function createRouter(): OpenAPIHono<ApiEnv> {
  return new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
}
