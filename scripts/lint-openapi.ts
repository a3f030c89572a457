// Writes the API's OpenAPI document to node_modules/.cache/gramdesk/openapi.json and lints it with
// `redocly lint` (redocly.yaml: the recommended ruleset). Run as `npm run lint:openapi`; `-- --keep`
// keeps the file and prints its path. The path is fixed because .redocly.lint-ignore.yaml names the
// file its few deliberate exceptions are in (an operation that has no client error to answer).
//
// The document is built in-process exactly as GET /openapi.json serves it: createApi with every
// feature router, then one request to /openapi.json. Building the routers reads only the
// configuration; the other services are used by handlers, which never run here, so they are
// stand-ins that throw if touched. No database, Redis or Telegram is needed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.js';
import { createApi } from '../src/platform/http/app.js';
import { OPENAPI_PATH } from '../src/platform/http/docs.js';
import { createLogger } from '../src/platform/logger.js';
import { createMetrics } from '../src/platform/metrics.js';
import type { Services } from '../src/platform/services.js';
import { apiRoutes } from '../src/routes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A service the document does not need: reading it is fine, using it throws. */
function unavailable(name: string): unknown {
  const fail = () => {
    throw new Error(`services.${name} is not available while building the OpenAPI document`);
  };
  return new Proxy(fail, { get: fail, apply: fail, construct: fail });
}

/** The OpenAPI document of the whole API, as GET /openapi.json returns it (fixed config, no env). */
export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  // Fixed values, not process.env: the document must not depend on where it is built.
  const config = loadConfig({ BOT_TOKEN: '1:openapi-document', LOG_LEVEL: 'silent' });
  const log = createLogger('silent');
  const known: Partial<Services> = { config, log, keyPrefix: 'openapi:' };
  const services = new Proxy(known, {
    get: (target, key) => (typeof key === 'string' && !(key in target) ? unavailable(key) : Reflect.get(target, key)),
  }) as Services;
  const app = createApi({
    config,
    log,
    metrics: createMetrics(),
    readiness: { database: async () => undefined, redis: async () => undefined },
    routes: apiRoutes(services),
  });
  const response = await app.request(OPENAPI_PATH);
  if (response.status !== 200) throw new Error(`GET ${OPENAPI_PATH} answered ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

async function main(): Promise<number> {
  const keep = process.argv.includes('--keep');
  const dir = join(ROOT, 'node_modules', '.cache', 'gramdesk');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'openapi.json');
  try {
    writeFileSync(file, `${JSON.stringify(await buildOpenApiDocument(), null, 2)}\n`);
    if (keep) console.log(`OpenAPI document: ${file}`);
    const redocly = join(ROOT, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');
    const result = spawnSync(
      process.execPath,
      [redocly, 'lint', file, '--config', join(ROOT, 'redocly.yaml'), '--max-problems', '1000'],
      {
        cwd: ROOT,
        stdio: 'inherit',
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    );
    if (result.error) throw result.error;
    return result.status ?? 1;
  } finally {
    if (!keep) rmSync(file, { force: true });
  }
}

process.exitCode = await main().catch((err: unknown) => {
  console.error(err);
  return 1;
});
