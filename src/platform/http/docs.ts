import { createHash } from 'node:crypto';
import { SwaggerUI, swaggerUI } from '@hono/swagger-ui';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from './context.js';
import { API_LICENSE, API_VERSION, BEARER_AUTH, ErrorSchema, ValidationErrorSchema } from './openapi.js';
import { documentScopes } from './scopes.js';
import { docsSecureHeaders } from './secure-headers.js';

export const OPENAPI_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

const ASSET_ORIGIN = 'https://cdn.jsdelivr.net';

/** What @hono/swagger-ui renders; `version` pins the Swagger UI major so a new one cannot break the page. */
const UI_OPTIONS = { url: OPENAPI_PATH, version: '5', validatorUrl: 'none', title: 'Gramdesk API' } as const;

const DESCRIPTION = [
  'HTTP API of Gramdesk, a bot-first Telegram workspace: the same tasks, comments and messages as in the bot.',
  '',
  'Errors are always `{"error": {"code": "snake_case_code", "message": "…", "details"?: …}}`:',
  '400 invalid_json, 401 no or invalid token, 403 not allowed, 404 not found, 409 conflict,',
  '413 payload_too_large, 422 validation_failed (details lists `{path, message}`), 429 rate_limited.',
  'Every response carries `X-Request-Id` (yours if you sent a sane one); quote it when reporting a problem.',
  '',
  'Trusted services (SERVICE_KEYS) call with their own signed tokens on behalf of a user. Each operation such a',
  'token may call names its scope (`x-required-scope`); without it the answer is 403 insufficient_scope, also',
  'when the user is an admin. A service configured with a bare key has `*`: every scope except the admin ones',
  '(`users:admin`, `mailings:admin`), which must be listed by name. Operations without a scope (`/token`)',
  'take only the user’s own access token.',
].join('\n');

/**
 * CSP source for the bootstrap `<script>` that @hono/swagger-ui inlines into the page. Computed from
 * the package's own rendering, so the hash follows the package when it changes.
 */
export function swaggerInlineScriptHash(): string {
  const page = SwaggerUI(UI_OPTIONS);
  const inline = /<script>([\s\S]*?)<\/script>/.exec(page)?.[1];
  if (inline === undefined)
    throw new Error('@hono/swagger-ui no longer renders an inline <script>; update the docs CSP');
  return `'sha256-${createHash('sha256').update(inline).digest('base64')}'`;
}

/** GET /openapi.json (OpenAPI 3.1 of every route registered with app.openapi) and GET /docs (Swagger UI). */
export function registerDocs(app: OpenAPIHono<ApiEnv>, { publicUrl }: { publicUrl: string }): void {
  app.openAPIRegistry.registerComponent('securitySchemes', BEARER_AUTH, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Access token from POST /auth/login',
  });
  // Listed even before a route refers to them: every route can answer with these.
  app.openAPIRegistry.register('Error', ErrorSchema);
  app.openAPIRegistry.register('ValidationError', ValidationErrorSchema);

  // Built on first request, when every feature has registered its routes, then reused.
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.get(OPENAPI_PATH, (c) => {
    if (!document) {
      document = app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: { title: 'Gramdesk API', version: API_VERSION, description: DESCRIPTION, license: API_LICENSE },
        servers: [{ url: publicUrl }],
      });
      documentScopes(document);
    }
    return c.json(document);
  });

  app.get(
    DOCS_PATH,
    docsSecureHeaders({
      assetOrigin: ASSET_ORIGIN,
      inlineScriptHash: swaggerInlineScriptHash(),
      apiOrigins: [new URL(publicUrl).origin],
    }),
    swaggerUI(UI_OPTIONS),
  );
}
