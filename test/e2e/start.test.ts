import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase } from '../helpers/db.js';
import { FakeBotApi } from '../helpers/fake-bot-api.js';
import { e2eRedisUrl, flushRedis, freePort, pollingClient, startProgram } from '../helpers/program.js';

const BOT_TOKEN = '7000000001:E2E-token_not-real';
/** This file's own Redis database, flushed at the end. */
const E2E_REDIS_URL = e2eRedisUrl(9);

afterAll(() => flushRedis(E2E_REDIS_URL));

async function exercise(database: { DATABASE_URL?: string }, cwd?: string) {
  const telegram = new FakeBotApi();
  const apiRoot = await telegram.listen();
  const port = await freePort();
  const program = startProgram(
    {
      BOT_TOKEN,
      TELEGRAM_API_ROOT: apiRoot,
      REDIS_URL: E2E_REDIS_URL,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...database,
    },
    { cwd },
  );
  try {
    await program.waitForOutput(/gramdesk started/, 90_000);
    expect(program.output()).toContain(database.DATABASE_URL ? '"database":"postgresql"' : '"database":"pglite"');
    const userId = 800_000_000 + Math.floor(Math.random() * 1_000_000);
    const client = pollingClient(telegram, { id: userId, first_name: 'Eve', language_code: 'en' });
    await client.sendCommand('start');
    const reply = await telegram.waitForCall((c) => c.method === 'sendMessage' && c.payload.chat_id === userId);
    expect(String(reply.payload.text)).toContain('Welcome to <b>Gramdesk</b>, Eve!');
    // A first start asks the time zone, then shows the main menu.
    const menu = await telegram.waitForCall(
      (c) =>
        c.method === 'sendMessage' &&
        c.payload.chat_id === userId &&
        JSON.stringify(c.payload.reply_markup).includes('⚙️ Settings'),
    );
    expect(String(menu.payload.text)).toContain('Gramdesk');

    // Commands are registered in both languages.
    const commands = telegram.callsOf('setMyCommands');
    expect(commands.map((c) => c.payload.language_code ?? 'default').sort()).toEqual(['default', 'en', 'ru']);

    // A dialog (a conversation, which builds its own Bot API client) reaches the same API root.
    await client.click('⚙️ Settings');
    await client.click('👤 Display name');
    expect(client.lastReply()).toContain('Send the name other Gramdesk users will see');
    await client.sendText('Eve E2E');
    // The saved name shows on the Settings screen the dialog returns to.
    expect(client.replies().some((r) => r.includes('✅ Display name: <b>Eve E2E</b>'))).toBe(true);

    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/ready`);
    expect(await ready.json()).toMatchObject({ status: 'ready' });

    const started = Date.now();
    expect(await program.stop('SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    // Secrets never reach the logs.
    expect(program.output()).not.toContain('E2E-token_not-real');
  } finally {
    await program.stop('SIGKILL');
    await telegram.close();
  }
}

describe('the real program (npm start) against a fake Bot API', () => {
  it('with PostgreSQL: migrates, answers /start received through getUpdates, exits 0 on SIGTERM', async () => {
    const db = await createEmptyDatabase();
    try {
      await exercise({ DATABASE_URL: db.url });
    } finally {
      await db.drop();
    }
  });

  it('with the embedded database (no DATABASE_URL): the same', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'gramdesk-e2e-'));
    try {
      await exercise({}, cwd);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('roles', () => {
  it('--role=api serves HTTP without polling Telegram; --role=worker neither; both stop cleanly', async () => {
    const db = await createEmptyDatabase();
    const telegram = new FakeBotApi();
    const apiRoot = await telegram.listen();
    const port = await freePort();
    const env = {
      BOT_TOKEN,
      TELEGRAM_API_ROOT: apiRoot,
      REDIS_URL: E2E_REDIS_URL,
      DATABASE_URL: db.url,
      HOST: '127.0.0.1',
    };
    try {
      const api = startProgram({ ...env, PORT: String(port) }, { args: ['--role=api'] });
      await api.waitForOutput(/gramdesk started/);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);

      const worker = startProgram({ ...env, PORT: String(await freePort()) }, { args: ['--role=worker'] });
      await worker.waitForOutput(/gramdesk started/);
      expect(worker.output()).toContain('"roles":["worker"]');

      expect(await api.stop()).toBe(0);
      expect(await worker.stop()).toBe(0);
      expect(telegram.calls.map((c) => c.method)).not.toContain('deleteWebhook');
      expect(telegram.calls.map((c) => c.method)).not.toContain('setMyCommands');
    } finally {
      await telegram.close();
      await db.drop();
    }
  });
});

describe('start-up failures', () => {
  it('comes up without Telegram (API healthy, bot retrying) and never prints the bot token', async () => {
    const db = await createEmptyDatabase();
    const port = await freePort();
    const program = startProgram({
      BOT_TOKEN,
      TELEGRAM_API_ROOT: `http://127.0.0.1:${await freePort()}`,
      REDIS_URL: E2E_REDIS_URL,
      DATABASE_URL: db.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
    });
    try {
      await program.waitForOutput(/cannot reach the Bot API/);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
      expect(await program.stop()).toBe(0);
      expect(program.output()).not.toContain('E2E-token_not-real');
    } finally {
      await program.stop('SIGKILL');
      await db.drop();
    }
  });

  it('names each unreachable dependency and how to start it, and exits non-zero', async () => {
    const program = startProgram({
      BOT_TOKEN,
      DATABASE_URL: 'postgres://postgres:secretpw@127.0.0.1:1/nothing',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(await program.exited).toBe(1);
    const output = program.output();
    expect(output).toContain('PostgreSQL is not reachable at 127.0.0.1:1/nothing (DATABASE_URL). Start it');
    expect(output).toContain('Redis is not reachable at 127.0.0.1:1 (REDIS_URL). Start it');
    expect(output).not.toContain('secretpw');
  });

  it('reports invalid configuration with one line per variable', async () => {
    const program = startProgram({ BOT_TOKEN: 'oops', PORT: 'eighty' });
    expect(await program.exited).toBe(1);
    const lines = program.output().trim().split('\n');
    expect(lines).toEqual([
      'Configuration error: BOT_TOKEN: expected a bot token like 123456:ABC-def (digits, colon, secret)',
      'Configuration error: PORT: expected a port number (1-65535)',
    ]);
  });

  it('rejects an unknown --role', async () => {
    const program = startProgram({ BOT_TOKEN }, { args: ['--role=cook'] });
    expect(await program.exited).toBe(1);
    expect(program.output()).toContain('--role: expected bot, api or worker');
  });
});
