import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRedis } from '../../src/platform/redis.js';
import { BotClient, type TelegramUserProfile } from './bot-client.js';
import { createEmptyDatabase } from './db.js';
import { FakeBotApi } from './fake-bot-api.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX_LOADER = pathToFileURL(
  fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url)),
).href;

/** The node flags of `npm start` (`node <flags> --import tsx src/main.ts` in package.json). */
function startFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> };
  const words = (scripts.start ?? '').split(/\s+/);
  return words.slice(1, Math.max(1, words.indexOf('--import'))).filter((w) => w.startsWith('--'));
}

export interface RunningProgram {
  process: ChildProcess;
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends a signal and resolves with the exit code (null if killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

/**
 * Starts the real program the way `npm start` does (`node <flags> --import tsx src/main.ts`: tsx
 * loaded into the program's own process, so a SIGKILL hits the program itself — tsx's CLI would
 * run it in a child and leave it running), with only the given environment (plus PATH), and
 * collects what it prints.
 */
export function startProgram(
  env: Record<string, string>,
  options: { cwd?: string; args?: string[] } = {},
): RunningProgram {
  const child = spawn(
    process.execPath,
    [...startFlags(), '--import', TSX_LOADER, `${ROOT}src/main.ts`, ...(options.args ?? [])],
    {
      cwd: options.cwd ?? ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    process: child,
    output: () => output,
    exited,
    async waitForOutput(pattern, timeoutMs = 60_000) {
      const started = Date.now();
      while (!pattern.test(output)) {
        if (child.exitCode !== null)
          throw new Error(`program exited (${child.exitCode}) before ${pattern}:\n${output}`);
        if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${pattern}:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** A Redis database of an e2e file's own (the program uses its default key prefix), flushed afterwards. */
export function e2eRedisUrl(database: number): string {
  return `${(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').replace(/\/\d+$/, '')}/${database}`;
}

export async function flushRedis(url: string): Promise<void> {
  const redis = createRedis(url);
  await redis.connect();
  await redis.flushdb();
  await redis.quit();
}

/** Waits until the program has answered: new Bot API calls arrived and then none for a moment. */
export async function settled(telegram: FakeBotApi, before: number): Promise<void> {
  await telegram.waitForCall(() => telegram.calls.length > before);
  let seen = -1;
  while (seen !== telegram.calls.length) {
    seen = telegram.calls.length;
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** A Telegram user whose updates reach the real program through the fake's getUpdates queue. */
export function pollingClient(telegram: FakeBotApi, user: TelegramUserProfile): BotClient {
  return new BotClient(telegram, user, async (update) => {
    const before = telegram.calls.length;
    telegram.pushUpdate(update);
    await settled(telegram, before);
  });
}

export interface E2eResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
  body: any;
}

/** The real program with its own database, fake Telegram and port, and an HTTP client for its API. */
export interface E2eApp {
  api: string;
  port: number;
  telegram: FakeBotApi;
  program: RunningProgram;
  /** JSON request to the API: POST when there is a body unless `method` says otherwise. */
  call(path: string, init?: { method?: string; body?: unknown; token?: string }): Promise<E2eResponse>;
  /**
   * POST /auth/register for a Telegram user who has just sent /start: the program stores the new
   * user when it has handled /start, which on a loaded machine can come a little after its answer
   * was seen, so a telegram_not_started is asked again for a few seconds.
   */
  register(body: Record<string, unknown>): Promise<E2eResponse>;
  /** A Telegram user who started the bot, registered `username` with their Telegram id, confirmed and logged in. */
  member(username: string, firstName: string): Promise<{ telegramId: number; token: string; client: BotClient }>;
  close(): Promise<void>;
}

/**
 * Starts `npm start`'s program on a fresh database and this file's Redis database, waits until
 * it is up, and gives the test what it needs to drive it. `close()` kills it and cleans up.
 */
export async function startE2eApp(redisDatabase: number, extraEnv: Record<string, string> = {}): Promise<E2eApp> {
  const db = await createEmptyDatabase();
  const telegram = new FakeBotApi();
  const apiRoot = await telegram.listen();
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const program = startProgram({
    BOT_TOKEN: '7000000001:E2E-secret_token',
    TELEGRAM_API_ROOT: apiRoot,
    REDIS_URL: e2eRedisUrl(redisDatabase),
    DATABASE_URL: db.url,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...extraEnv,
  });
  const close = async () => {
    await program.stop('SIGKILL');
    await telegram.close();
    await db.drop();
  };
  try {
    await program.waitForOutput(/gramdesk started/, 90_000);
  } catch (err) {
    await close();
    throw err;
  }
  const call: E2eApp['call'] = async (path, init = {}) => {
    const response = await fetch(`${api}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  };
  const register: E2eApp['register'] = async (body) => {
    let registered = await call('/auth/register', { body });
    for (let i = 0; i < 50 && registered.body?.error?.code === 'telegram_not_started'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      registered = await call('/auth/register', { body });
    }
    return registered;
  };
  const member: E2eApp['member'] = async (username, firstName) => {
    const telegramId = 830_000_000 + Math.floor(Math.random() * 100_000_000);
    const client = pollingClient(telegram, { id: telegramId, first_name: firstName, language_code: 'en' });
    await client.sendCommand('start');
    const password = `${username} password`;
    const registered = await register({ username, password, telegramId });
    if (registered.status !== 202) throw new Error(`registration failed: ${JSON.stringify(registered.body)}`);
    await telegram.waitForCall((c) => c.method === 'sendMessage' && String(c.payload.text).includes(`@${username}`));
    await client.click('✅ Confirm');
    const login = await call('/auth/login', { body: { username, password } });
    if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
    return { telegramId, token: login.body.access_token as string, client };
  };
  return { api, port, telegram, program, call, register, member, close };
}
