import { afterAll, describe, expect, it } from 'vitest';
import { type Frame, upgradeRequest, WsClient } from '../helpers/chat.js';
import { e2eRedisUrl, flushRedis, startE2eApp } from '../helpers/program.js';

/** This file's own Redis database, flushed at the end. */
const REDIS_DATABASE = 11;
afterAll(() => flushRedis(e2eRedisUrl(REDIS_DATABASE)));

describe('chat end to end (the real program)', () => {
  it('a PM posted over HTTP reaches the recipient’s WebSocket; once they disconnect, their Telegram', async () => {
    const app = await startE2eApp(REDIS_DATABASE);
    const { api, call, telegram, program, port } = app;
    const sockets: WsClient[] = [];
    try {
      const ann = await app.member('ann_chat_e2e', 'Ann');
      const bob = await app.member('bob_chat_e2e', 'Bob');

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
      await app.close();
    }
  }, 120_000);
});
