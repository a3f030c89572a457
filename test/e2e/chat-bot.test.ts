import { afterAll, describe, expect, it } from 'vitest';
import { e2eRedisUrl, flushRedis, pollingClient, startE2eApp } from '../helpers/program.js';

const REDIS_DATABASE = 7;
afterAll(() => flushRedis(e2eRedisUrl(REDIS_DATABASE)));

// biome-ignore lint/suspicious/noExplicitAny: frames are asserted field by field
type Frame = Record<string, any>;

describe('chat in the bot end to end (the real program)', () => {
  it('two Telegram users /pm each other and swipe-reply with a photo; an HTTP user over its WebSocket gets a Reply and a document', async () => {
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

      // Ann answers with Telegram's own reply (swipe) and a photo with a caption: back to Bob,
      // relayed by file id with the caption under the sender's name. The worker stores the
      // Telegram id of the PM it delivered just after sending it, so the swipe may need a retry.
      const hiAnn = telegram.chat(ann.chatId).find((m) => m.text === '💬 @bob_e2e: Hi Ann');
      expect(hiAnn).toBeDefined();
      for (let i = 0; i < 50; i++) {
        await ann.sendMessage(
          { photo: [{ file_id: 'e2e-photo', file_unique_id: 'e2e-u', width: 10, height: 10 }], caption: 'the view <3' },
          { message_id: hiAnn?.message_id ?? 0 },
        );
        if (ann.lastReply() === '✅ Sent to @bob_e2e') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(ann.lastReply()).toBe('✅ Sent to @bob_e2e');
      const photo = await telegram.waitForCall(
        (c) => c.method === 'sendPhoto' && c.payload.chat_id === bob.chatId && c.payload.photo === 'e2e-photo',
        15_000,
      );
      expect(photo.payload.caption).toBe('💬 @Ann_E2E: the view &lt;3');
      expect(JSON.stringify(photo.payload.reply_markup)).toMatch(/"callback_data":"pm:reply:\d+"/);

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
      expect(bob.lastReply()).toBe(
        '✍️ Reply to @web_e2e: send your message (text, photo, document, voice message, video or sticker).',
      );
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

      // A document sent with the Reply button reaches the socket with its `media` description.
      await bob.click('↩️ Reply');
      await bob.sendMessage({
        document: { file_id: 'e2e-doc', file_unique_id: 'e2e-d', file_name: 'notes.txt', mime_type: 'text/plain' },
        caption: 'notes',
      });
      expect(bob.lastReply()).toBe('✅ Sent to @web_e2e');
      let doc: Frame | undefined;
      while (!doc && Date.now() - started < 20_000) {
        doc = frames.find((f) => f.type === 'pm' && f.text === 'notes');
        if (!doc) await new Promise((r) => setTimeout(r, 50));
      }
      expect(doc).toMatchObject({ media: { type: 'document', fileName: 'notes.txt', mimeType: 'text/plain' } });
      expect(JSON.stringify(doc)).not.toContain('e2e-doc');
      socket.close();
      expect(await program.stop()).toBe(0);
    } finally {
      socket?.close();
      await app.close();
    }
  }, 120_000);
});
