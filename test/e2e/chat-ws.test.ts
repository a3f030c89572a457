import { afterAll, describe, expect, it } from 'vitest';
import { type Frame, upgradeRequest, WsClient } from '../helpers/chat.js';
import { createEmptyDatabase } from '../helpers/db.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { e2eRedisUrl, flushRedis, freePort, pollingClient, startProgram } from '../helpers/program.js';

/** This file's own Redis database, flushed at the end. */
const E2E_REDIS_URL = e2eRedisUrl(11);
afterAll(() => flushRedis(E2E_REDIS_URL));

describe('chat end to end (the real program)', () => {
  it('a PM posted over HTTP reaches the recipient’s WebSocket; once they disconnect, their Telegram', async () => {
    const db = await createEmptyDatabase();
    const telegram = new FakeTelegram();
    const apiRoot = await telegram.listen();
    const port = await freePort();
    const api = `http://127.0.0.1:${port}`;
    const program = startProgram({
      BOT_TOKEN: '7000000001:E2E-chat_token',
      TELEGRAM_API_ROOT: apiRoot,
      REDIS_URL: E2E_REDIS_URL,
      DATABASE_URL: db.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
    const call = async (path: string, init: { body?: unknown; token?: string } = {}) => {
      const response = await fetch(`${api}${path}`, {
        method: init.body ? 'POST' : 'GET',
        headers: {
          'content-type': 'application/json',
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        },
        body: init.body ? JSON.stringify(init.body) : undefined,
      });
      // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
      return { status: response.status, body: (await response.json().catch(() => null)) as any };
    };
    /** A Telegram user with a confirmed HTTP account, logged in. */
    const member = async (username: string, firstName: string) => {
      const telegramId = 830_000_000 + Math.floor(Math.random() * 1_000_000);
      const client = pollingClient(telegram, { id: telegramId, first_name: firstName, language_code: 'en' });
      await client.sendCommand('start');
      const password = `${username} password`;
      expect((await call('/auth/register', { body: { username, password, telegramId } })).status).toBe(202);
      await telegram.waitForCall((c) => c.method === 'sendMessage' && String(c.payload.text).includes(`@${username}`));
      await client.click('✅ Confirm');
      const login = await call('/auth/login', { body: { username, password } });
      expect(login.status).toBe(200);
      return { telegramId, token: login.body.access_token as string };
    };
    const sockets: WsClient[] = [];
    try {
      await program.waitForOutput(/gramdesk started/, 90_000);
      const ann = await member('ann_chat_e2e', 'Ann');
      const bob = await member('bob_chat_e2e', 'Bob');

      // No token, no socket: refused with 401 before the upgrade.
      expect((await upgradeRequest(`${api}/ws`)).status).toBe(401);

      const bobSocket = await WsClient.connect(`ws://127.0.0.1:${port}/ws`, bob.token, 'query');
      sockets.push(bobSocket);
      const live = await call('/messages', {
        body: { to: '@BOB_CHAT_E2E', text: 'Hello over the socket' },
        token: ann.token,
      });
      expect(live.status).toBe(201);
      const frame = await bobSocket.next((f: Frame) => f.type === 'pm', 10_000);
      expect(frame).toMatchObject({
        type: 'pm',
        id: live.body.id,
        from: { username: 'ann_chat_e2e' },
        to: { username: 'bob_chat_e2e' },
        text: 'Hello over the socket',
      });
      // Live delivery: Bob's Telegram got nothing from Ann.
      await new Promise((r) => setTimeout(r, 500));
      expect(telegram.textsTo(bob.telegramId).some((t) => t.includes('Hello over the socket'))).toBe(false);

      // Bob goes offline: the next PM arrives in his Telegram through the worker, with a Reply button.
      await bobSocket.close();
      await new Promise((r) => setTimeout(r, 200));
      const offline = await call('/messages', {
        body: { to: 'bob_chat_e2e', text: 'Hello <in> Telegram' },
        token: ann.token,
      });
      expect(offline.status).toBe(201);
      const sent = await telegram.waitForCall(
        (c) =>
          c.method === 'sendMessage' && c.payload.chat_id === bob.telegramId && String(c.payload.text).startsWith('💬'),
        15_000,
      );
      expect(sent.payload.text).toBe('💬 @ann_chat_e2e: Hello &lt;in&gt; Telegram');
      expect(JSON.stringify(sent.payload.reply_markup)).toContain('"callback_data":"pm:reply:');

      // Reconnecting shows both, newest first.
      const again = await WsClient.connect(`ws://127.0.0.1:${port}/ws`, bob.token);
      sockets.push(again);
      const inbox = await again.take(2, 10_000);
      expect(inbox.map((f) => f.text)).toEqual(['Hello <in> Telegram', 'Hello over the socket']);

      // The conversation over HTTP, newest first.
      const history = await call('/messages?with=ann_chat_e2e', { token: bob.token });
      expect(history.body.items.map((m: { text: string }) => m.text)).toEqual([
        'Hello <in> Telegram',
        'Hello over the socket',
      ]);

      // A graceful stop closes the sockets (1001) and exits cleanly.
      const closed = again.closed();
      expect(await program.stop()).toBe(0);
      expect((await closed).code).toBe(1001);
      expect(program.output()).not.toContain(bob.token);
    } finally {
      for (const s of sockets) await s.close().catch(() => undefined);
      await program.stop('SIGKILL');
      await telegram.close();
      await db.drop();
    }
  }, 120_000);
});
