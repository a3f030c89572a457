import type { OpenAPIHono } from '@hono/zod-openapi';
import { type Config, loadConfig } from '../../src/config.js';
import { SigningKeys } from '../../src/platform/auth/keys.js';
import { createApi } from '../../src/platform/http/app.js';
import type { ApiEnv } from '../../src/platform/http/context.js';
import { createLogger } from '../../src/platform/logger.js';
import { createMetrics } from '../../src/platform/metrics.js';
import type { Services } from '../../src/platform/services.js';
import type { TelegramFetch } from '../../src/platform/telegram/api.js';
import { apiRoutes } from '../../src/routes.js';
import { createServices } from '../../src/services.js';
import { TEST_BOT_TOKEN } from './bot.js';
import type { TestDatabase } from './db.js';
import { REDIS_URL } from './env.js';
import { FakeBotApi } from './fake-bot-api.js';
import type { TestRedis } from './redis.js';

/** The configuration tests run with: the defaults plus a test bot token and the test Redis. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ BOT_TOKEN: TEST_BOT_TOKEN, REDIS_URL, LOG_LEVEL: 'silent', ...env });
}

/** The same Services object main.ts builds, over this test file's database and Redis prefix. */
export async function createTestServices(
  db: TestDatabase,
  redis: TestRedis,
  env: Record<string, string> = {},
  telegram: FakeBotApi = new FakeBotApi(),
): Promise<Services> {
  const config = testConfig(env);
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const keys = await SigningKeys.load(() => db.orm.em.fork(), config.jwtPrivateKey);
  return createServices({
    config,
    log,
    orm: db.orm,
    redis: redis.redis,
    keys,
    keyPrefix: redis.keyPrefix,
    fetch: telegram.fetch as TelegramFetch,
    botInfo: telegram.botInfo,
  });
}

/** The full API app (every route, plus routes of the test's own) over the given services, for `app.request()` tests. */
export function createTestApi(services: Services, extraRoutes: Array<(app: OpenAPIHono<ApiEnv>) => void> = []) {
  return createApi({
    config: services.config,
    log: services.log,
    metrics: createMetrics(),
    orm: services.orm,
    readiness: { database: async () => undefined, redis: async () => undefined },
    routes: [...apiRoutes(services), ...extraRoutes],
  });
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

type App = ReturnType<typeof createTestApi>;

let nextRegistrationAddress = 1;

/** What @hono/node-server hands getConnInfo: the TCP peer of an in-process request. */
export const fromAddress = (address: string) => ({
  incoming: {
    socket: { remoteAddress: address, remotePort: 5555, remoteFamily: address.includes(':') ? 'IPv6' : 'IPv4' },
  },
});

/**
 * One HTTP request in-process. `json` is sent as a JSON body; `token` as a Bearer token;
 * `address` is the TCP peer (without one, requests have no socket and count as 'unknown').
 * POST /auth/register without an `address` comes from a fresh address each time: registration is
 * limited per address (10 per 10 minutes) and the suite registers many accounts; tests of that
 * limit pass `address`.
 * The body is parsed as JSON when the response says so, else returned as text.
 */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
export async function apiRequest<T = any>(
  app: App,
  method: string,
  path: string,
  options: {
    json?: unknown;
    token?: string;
    headers?: Record<string, string>;
    body?: string | Uint8Array | ArrayBuffer;
    address?: string;
  } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  }
  let address = options.address;
  if (address === undefined && method === 'POST' && path === '/auth/register') {
    const n = nextRegistrationAddress++;
    address = `198.18.${(n >> 8) & 255}.${n & 255}`; // RFC 2544 benchmarking range: never a real client
  }
  const response = await app.request(path, { method, headers, body }, address ? fromAddress(address) : undefined);
  const type = response.headers.get('content-type') ?? '';
  const parsed = type.includes('json') ? await response.json() : await response.text();
  return { status: response.status, body: parsed as T, headers: response.headers };
}
