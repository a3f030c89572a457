import { afterAll, describe, expect, it } from 'vitest';
import { e2eRedisUrl, flushRedis, pollingClient, startE2eApp } from '../helpers/program.js';

const REDIS_DATABASE = 13;
afterAll(() => flushRedis(e2eRedisUrl(REDIS_DATABASE)));

// biome-ignore lint/suspicious/noExplicitAny: frames are asserted field by field
type Frame = Record<string, any>;

describe('chat in the bot end to end (the real program)', () => {
  it('two Telegram users /pm each other; an HTTP user over its WebSocket writes to one and gets the Reply back', async () => {
    const app = await startE2eApp(REDIS_DATABASE);
    const { telegram, port, program } = app;
    const call = (path: string, body: unknown, token?: string) => app.call(path, { body, token });
    const sendTo = (chatId: number, text: string) =>
      telegram.waitForCall(
        (c) => c.method === 'sendMessage' && c.payload.chat_id === chatId && String(c.payload.text) === text,
        15_000,
      );
    let socket: WebSocket | undefined;
    try {
      const base = 830_000_000 + Math.floor(Math.random() * 1_000_000);
      const ann = pollingClient(telegram, { id: base, first_name: 'Ann', username: 'Ann_E2E', language_code: 'en' });
      const bob = pollingClient(telegram, {
        id: base + 1,
        first_name: 'Bob',
        username: 'bob_e2e',
        language_code: 'en',
      });
      await ann.sendCommand('start');
      await bob.sendCommand('start');

      // Telegram ↔ Telegram, usernames in any case, with or without @.
      await ann.sendCommand('pm', '@BOB_E2E Hi Bob <3');
      expect(ann.lastReply()).toBe('✅ Sent to @bob_e2e');
      const toBob = await sendTo(bob.chatId, '💬 @Ann_E2E: Hi Bob &lt;3');
      expect(JSON.stringify(toBob.payload.reply_markup)).toMatch(/"callback_data":"pm:reply:\d+"/);
      await bob.sendCommand('pm', 'ann_e2e Hi Ann');
      expect(bob.lastReply()).toBe('✅ Sent to @Ann_E2E');
      await sendTo(ann.chatId, '💬 @bob_e2e: Hi Ann');

      // An HTTP-only user, connected over the WebSocket.
      expect((await call('/auth/register', { username: 'web_e2e', password: 'chat e2e password' })).status).toBe(201);
      const login = await call('/auth/login', { username: 'web_e2e', password: 'chat e2e password' });
      const token = login.body.access_token as string;
      const frames: Frame[] = [];
      socket = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${encodeURIComponent(token)}`);
      socket.addEventListener('message', (event) => frames.push(JSON.parse(String(event.data)) as Frame));
      await new Promise<void>((resolve, reject) => {
        socket?.addEventListener('open', () => resolve(), { once: true });
        socket?.addEventListener('error', () => reject(new Error('websocket failed to open')), { once: true });
      });

      // It writes to Bob over HTTP; Bob gets it in Telegram and presses Reply.
      const sent = await call('/messages', { to: 'Bob_E2E', text: 'Hello from the web' }, token);
      expect(sent.status).toBe(201);
      expect(sent.body).toMatchObject({ kind: 'pm', from: { username: 'web_e2e' }, text: 'Hello from the web' });
      await sendTo(bob.chatId, '💬 @web_e2e: Hello from the web');
      await bob.click('↩️ Reply');
      expect(bob.lastReply()).toBe('✍️ Reply to @web_e2e: send your message, or /cancel.');
      await bob.sendText('Hello back, web');
      expect(bob.lastReply()).toBe('✅ Sent to @web_e2e');

      // The reply arrives on the socket, from Bob (identity from the server, not the client).
      const started = Date.now();
      let reply: Frame | undefined;
      while (!reply && Date.now() - started < 10_000) {
        reply = frames.find((f) => f.type === 'pm' && f.text === 'Hello back, web');
        if (!reply) await new Promise((r) => setTimeout(r, 50));
      }
      expect(reply).toMatchObject({
        type: 'pm',
        from: { username: 'bob_e2e' },
        to: { username: 'web_e2e' },
        text: 'Hello back, web',
      });
      socket.close();
      expect(await program.stop()).toBe(0);
    } finally {
      socket?.close();
      await app.close();
    }
  }, 120_000);
});
