import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Presence } from '../../src/features/chat/presence.js';
import { createAccount } from '../helpers/accounts.js';
import { type ChatServer, startChatServer, upgradeRequest, WsClient } from '../helpers/chat.js';
import { useTestEnvironment } from '../helpers/environment.js';

/**
 * Presence is per connection with a heartbeat and a TTL (seed 001 kept one flag per user with
 * no TTL: a crash left people online forever, a second tab's close took them offline).
 * Short heartbeats and TTLs here stand in for the 10 s / 30 s of production.
 */
const HEARTBEAT_MS = 100;
const TTL_MS = 400;

const env = useTestEnvironment();
let server: ChatServer;
let presence: Presence;
let telegramId = 930_000;

beforeAll(async () => {
  server = await startChatServer(env.services, { heartbeatMs: HEARTBEAT_MS, presenceTtlMs: TTL_MS });
  presence = new Presence(env.services.redis, env.services.keyPrefix);
});
afterAll(async () => {
  await server?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await sleep(25);
  }
}

describe('presence', () => {
  it('is per connection: closing one of two tabs keeps the user online, closing both takes them offline', async () => {
    const ann = await createAccount(env.services);
    expect(await presence.isOnline(ann.user.id)).toBe(false);
    const tab1 = await WsClient.connect(server.wsUrl, ann.token);
    const tab2 = await WsClient.connect(server.wsUrl, ann.token);
    await eventually(async () => (await presence.liveConnections(ann.user.id)) === 2);

    await tab1.close();
    await eventually(async () => (await presence.liveConnections(ann.user.id)) === 1);
    // Still online well past the TTL: the heartbeat keeps refreshing the remaining connection.
    await sleep(TTL_MS * 2);
    expect(await presence.isOnline(ann.user.id)).toBe(true);

    await tab2.close();
    await eventually(async () => !(await presence.isOnline(ann.user.id)));
    expect(await env.services.redis.exists(`${env.services.keyPrefix}presence:${ann.user.id}`)).toBe(0);
  });

  it('lapses after the TTL when the process dies without closing anything (SIGKILL)', async () => {
    const ann = await createAccount(env.services, { telegramId: telegramId++ });
    const bob = await createAccount(env.services);
    const child = await startChatProcess(env.db.url, env.services.keyPrefix);
    try {
      const socket = await WsClient.connect(`ws://127.0.0.1:${child.port}/ws`, ann.token);
      await eventually(() => presence.isOnline(ann.user.id));
      child.process.kill('SIGKILL');
      await socket.closed();
      // Nobody removed the entry: it is still there until its expiry passes...
      expect(await env.services.redis.zcard(`${env.services.keyPrefix}presence:${ann.user.id}`)).toBe(1);
      await eventually(async () => !(await presence.isOnline(ann.user.id)), TTL_MS * 5);
      // ...and then a PM to the user goes to Telegram instead of into the void.
      const res = await fetch(`${server.httpUrl}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bob.token}` },
        body: JSON.stringify({ to: ann.user.username, text: 'are you there?' }),
      });
      expect(res.status).toBe(201);
      const { id } = (await res.json()) as { id: string };
      const queue = env.services.jobs.queue('chat-delivery');
      expect(await queue.getJob(`pm-${id}`)).toBeDefined();
    } finally {
      child.process.kill('SIGKILL');
    }
  });

  it('is not trusted alone: a live entry whose process no longer subscribes still falls back to Telegram', async () => {
    const ann = await createAccount(env.services, { telegramId: telegramId++ });
    const bob = await createAccount(env.services);
    // An entry as a process would leave it, but no process holds a socket of Ann's.
    await presence.touch(ann.user.id, 'ghost-connection');
    const res = await fetch(`${server.httpUrl}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bob.token}` },
      body: JSON.stringify({ to: ann.user.username, text: 'hello?' }),
    });
    const { id } = (await res.json()) as { id: string };
    expect(await env.services.chat.deliverPrivate(id)).toBe('telegram');
  });

  it('drops a client that stops answering pings, and its presence with it', async () => {
    const ann = await createAccount(env.services);
    const socket = await rawUpgrade(server.httpUrl, ann.token);
    await eventually(() => presence.isOnline(ann.user.id));
    // The raw socket never answers the server's pings.
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    await closed;
    await eventually(async () => !(await presence.isOnline(ann.user.id)));
    expect(server.gateway.connectionCount()).toBe(0);
  });
});

/** A WebSocket handshake by hand: the socket then stays silent (no pong, no close frame). */
async function rawUpgrade(baseUrl: string, token: string): Promise<Socket> {
  const { status, socket } = await upgradeRequest(`${baseUrl}/ws`, {
    authorization: `Bearer ${token}`,
  });
  if (status !== 101 || !socket) throw new Error(`no upgrade: ${status}`);
  socket.on('data', () => undefined); // read and ignore everything, pings included
  return socket;
}

const CHAT_PROCESS = fileURLToPath(new URL('../helpers/chat-process.ts', import.meta.url));

async function startChatProcess(
  databaseUrl: string,
  keyPrefix: string,
): Promise<{ process: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    // `--import tsx` rather than the tsx CLI: the CLI runs the script in a child process of its
    // own, which a SIGKILL of the CLI would leave running.
    [
      '--import',
      'tsx',
      CHAT_PROCESS,
      JSON.stringify({ databaseUrl, keyPrefix, heartbeatMs: HEARTBEAT_MS, presenceTtlMs: TTL_MS }),
    ],
    { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /chat-process listening (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`chat process exited (${code}):\n${output}`)));
    setTimeout(() => reject(new Error(`chat process did not start:\n${output}`)), 30_000);
  });
  return { process: child, port };
}
