import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from './context.js';
import { notFoundHandler } from './errors.js';
import {
  API_LICENSE,
  API_VERSION,
  BEARER_AUTH,
  documentBodyLimit,
  documentUnavailable,
  ErrorSchema,
  ValidationErrorSchema,
} from './openapi.js';
import { documentScopes } from './scopes.js';
import { docsSecureHeaders } from './secure-headers.js';

export const OPENAPI_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';
export const DOCS_ASSETS_PATH = '/docs/assets';

/**
 * Swagger UI comes from the pinned `swagger-ui-dist` package and is served by the product itself:
 * /docs works offline and behind firewalls, and its CSP allows nothing but this origin.
 */
const SWAGGER_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

/** The page's bootstrap, an asset of its own so that the CSP needs no inline script. */
const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '${OPENAPI_PATH.slice(1)}',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gramdesk API</title>
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
<link rel="icon" type="image/png" href="docs/assets/favicon-32x32.png" sizes="32x32">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/assets/init.js"></script>
</body>
</html>
`;

function swaggerDir(): string {
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

const DESCRIPTION = [
  'HTTP API of Gramdesk, a bot-first Telegram workspace: the same tasks, comments and messages as in the bot.',
  '',
  'Errors are always `{"error": {"code": "snake_case_code", "message": "…", "details"?: …}}`:',
  '400 invalid_json, 401 no or invalid token, 403 not allowed, 404 not found, 409 conflict,',
  '413 payload_too_large, 422 validation_failed (details lists `{path, message, reason?}`; `reason` names',
  'the rule a domain check refused the value by, e.g. `past`, `too_long`, `blocked`), 429 rate_limited,',
  '503 service_unavailable while PostgreSQL or Redis is unreachable (try again after `Retry-After` seconds).',
  'Every response carries `X-Request-Id` (yours if you sent a sane one); quote it when reporting a problem.',
  '',
  'Trusted services (SERVICE_KEYS) call with their own signed tokens on behalf of a user. Each operation such a',
  'token may call names its scope (`x-required-scope`); without it the answer is 403 insufficient_scope, also',
  'when the user is an admin. A service configured with a bare key has `*`: every scope except the admin ones',
  '(`users:admin`, `mailings:admin`), which must be listed by name. Operations without a scope (`/token`)',
  'take only the user’s own access token.',
].join('\n');

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
      documentUnavailable(document);
      documentBodyLimit(document);
    }
    return c.json(document);
  });

  // Read once, when the app is built (not at import): every asset is a file of the pinned package.
  const dir = swaggerDir();
  const assets = new Map<string, { type: string; body: Uint8Array<ArrayBuffer> }>(
    Object.entries(SWAGGER_FILES).map(([name, type]) => [
      name,
      { type, body: new Uint8Array(readFileSync(join(dir, name))) },
    ]),
  );
  assets.set('init.js', { type: 'text/javascript; charset=utf-8', body: new TextEncoder().encode(INIT_SCRIPT) });
  app.get(`${DOCS_ASSETS_PATH}/:name`, (c) => {
    const asset = assets.get(c.req.param('name'));
    if (!asset) return notFoundHandler(c);
    return c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'public, max-age=3600' });
  });
  app.get(DOCS_PATH, docsSecureHeaders({ apiOrigins: [new URL(publicUrl).origin] }), (c) => c.html(PAGE));
}
