import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { secureHeaders } from 'hono/secure-headers';
import type { ApiEnv } from './context.js';

/**
 * GET /console: the admin web console (SPEC §2.4.1). Plain ES modules and a stylesheet in
 * `console/` at the project root, served as they are (no build step, no CDN). The console is a
 * client of the public API only; this module serves files and knows no feature.
 */
export const CONSOLE_PATH = '/console';

/** What the console's directory may serve: flat names, scripts, styles and icons. */
const ASSET_NAME = /^[a-z0-9][a-z0-9-]*\.(js|css|svg)$/;
const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/** `console/` sits at the project root; walk up so this works from src/ (tsx) and dist/src/ (compiled). */
export function findConsoleDir(start = dirname(fileURLToPath(import.meta.url))): string | undefined {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'console');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The console's policy: everything from the product itself, no inline script or style, nothing
 * framed, and Trusted Types required, so a string can never reach an HTML sink (innerHTML and
 * friends throw): user text and mailing HTML are shown with textContent only.
 */
export function consoleSecureHeaders() {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      manifestSrc: ["'self'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
      requireTrustedTypesFor: ["'script'"],
      trustedTypes: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
  });
}

/** Registers GET /console and GET /console/{asset}; without a console/ directory, nothing. */
export function registerConsole(app: OpenAPIHono<ApiEnv>, dir = findConsoleDir()): void {
  if (!dir) return;
  const root = dir;
  // Read once, on first use: the files ship with the program and do not change while it runs.
  let files: Map<string, { body: string; type: string }> | undefined;
  const load = () => {
    if (!files) {
      files = new Map();
      files.set('index.html', { body: readFileSync(join(root, 'index.html'), 'utf8'), type: CONTENT_TYPES.html ?? '' });
      for (const name of readdirSync(root)) {
        const match = ASSET_NAME.exec(name);
        if (match) {
          files.set(name, { body: readFileSync(join(root, name), 'utf8'), type: CONTENT_TYPES[match[1] ?? ''] ?? '' });
        }
      }
    }
    return files;
  };
  const headers = consoleSecureHeaders();
  const serve = (name: string) => {
    const file = load().get(name);
    if (!file) return undefined;
    return new Response(file.body, {
      status: 200,
      headers: { 'Content-Type': file.type, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' },
    });
  };
  app.get(CONSOLE_PATH, headers, (c) => serve('index.html') ?? c.notFound());
  app.get(`${CONSOLE_PATH}/`, (c) => c.redirect(CONSOLE_PATH, 301));
  app.get(`${CONSOLE_PATH}/:asset`, headers, (c) => {
    const name = c.req.param('asset');
    if (name === 'index.html') return c.redirect(CONSOLE_PATH, 301);
    return (ASSET_NAME.test(name) ? serve(name) : undefined) ?? c.notFound();
  });
}
