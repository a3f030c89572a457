import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Update } from 'grammy/types';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/redis.js';
import { createEmptyDatabase } from '../helpers/db.js';
import { REDIS_URL } from '../helpers/env.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { freePort, startProgram } from '../helpers/program.js';

const BOT_TOKEN = '7000000001:E2E-token_not-real';
/** This file's own Redis database, flushed at the end, so the program's default key prefix is safe. */
const E2E_REDIS_URL = `${REDIS_URL.replace(/\/\d+$/, '')}/9`;

afterAll(async () => {
  const redis = createRedis(E2E_REDIS_URL);
  await redis.connect();
  await redis.flushdb();
  await redis.quit();
});

function startUpdate(userId: number, updateId: number): Update {
  return {
    update_id: updateId,
    message: {
      message_id: 1,
      date: Math.floor(Date.now() / 1000),
      chat: { id: userId, type: 'private', first_name: 'Eve' },
      from: { id: userId, is_bot: false, first_name: 'Eve', language_code: 'en' },
      text: '/start',
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
    },
  } as Update;
}

async function exercise(database: { DATABASE_URL?: string }, cwd?: string) {
  const telegram = new FakeTelegram();
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
    telegram.pushUpdate(startUpdate(userId, 1));
    const reply = await telegram.waitForCall((c) => c.method === 'sendMessage' && c.payload.chat_id === userId);
    expect(String(reply.payload.text)).toContain('Welcome to <b>Gramdesk</b>, Eve!');
    expect(JSON.stringify(reply.payload.reply_markup)).toContain('⚙️ Settings');

    // Commands are registered in both languages.
    const commands = telegram.callsOf('setMyCommands');
    expect(commands.map((c) => c.payload.language_code ?? 'default').sort()).toEqual(['default', 'en', 'ru']);

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

describe('start-up failures', () => {
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
