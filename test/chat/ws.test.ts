import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Message } from '../../src/features/chat/message.entity.js';
import { User } from '../../src/features/users/user.entity.js';
import { issueAccessToken } from '../../src/platform/auth/access-token.js';
import { ACCESS_TOKEN_TTL_SECONDS } from '../../src/platform/auth/keys.js';
import { createAccount } from '../helpers/accounts.js';
import { type ChatServer, type Frame, startChatServer, upgradeRequest, WsClient } from '../helpers/chat.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';

const env = useTestEnvironment();
/** Two API "processes" over the same database and Redis, as when the API is scaled out. */
let serverA: ChatServer;
let serverB: ChatServer;
const clients: WsClient[] = [];

beforeAll(async () => {
  serverA = await startChatServer(env.services);
  serverB = await startChatServer(env.services);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await serverA?.close();
  await serverB?.close();
});

let nextName = 1;
const account = (fields: Parameters<typeof createAccount>[1] = {}) =>
  createAccount(env.services, { username: `ws_user_${nextName++}`, ...fields });

async function connect(server: ChatServer, token: string, how: 'header' | 'query' = 'header'): Promise<WsClient> {
  const client = await WsClient.connect(server.wsUrl, token, how);
  clients.push(client);
  // The inbox comes first; these tests start from a clean slate unless they check it.
  return client;
}

const isPm = (text: string) => (f: Frame) => f.type === 'pm' && f.text === text;

describe('GET /ws: private messages', () => {
  it('two clients connected to two different API servers exchange PMs', async () => {
    const ann = await account({ firstName: 'Ann' });
    const bob = await account({ firstName: 'Bob' });
    const a = await connect(serverA, ann.token);
    const b = await connect(serverB, bob.token, 'query');

    a.send({ type: 'pm', to: `@${bob.user.username?.toUpperCase()}`, text: 'hi Bob', ref: 'm1' });
    const echo = await a.next();
    expect(echo).toMatchObject({
      type: 'pm',
      ref: 'm1',
      from: { id: ann.user.id, username: ann.user.username, firstName: 'Ann' },
      to: { id: bob.user.id, username: bob.user.username, firstName: 'Bob' },
      text: 'hi Bob',
    });
    const received = await b.next();
    expect(received).toEqual({
      type: 'pm',
      id: echo.id,
      from: { id: ann.user.id, username: ann.user.username, firstName: 'Ann' },
      to: { id: bob.user.id, username: bob.user.username, firstName: 'Bob' },
      text: 'hi Bob',
      sentAt: echo.sentAt,
    });

    b.send({ type: 'pm', to: ann.user.username, text: 'hi Ann' });
    expect(await a.next()).toMatchObject({ type: 'pm', from: { id: bob.user.id }, text: 'hi Ann' });
    expect(await b.next()).toMatchObject({ type: 'pm', from: { id: bob.user.id }, text: 'hi Ann' });

    const stored = await env.em().find(Message, { kind: 'pm', from: { $in: [ann.user.id, bob.user.id] } });
    expect(stored.map((m) => m.text).sort()).toEqual(['hi Ann', 'hi Bob']);
    // Delivered live: nothing went to the Telegram queue.
    expect(await env.services.jobs.queue('chat-delivery').getJob(`pm-${echo.id}`)).toBeUndefined();
  });

  it('ignores a forged `from`: the recipient sees, and the database stores, the real sender', async () => {
    const mallory = await account();
    const victim = await account();
    const bob = await account();
    const m = await connect(serverA, mallory.token);
    const b = await connect(serverB, bob.token);
    m.send({
      type: 'pm',
      from: { id: victim.user.id, username: victim.user.username },
      sender: victim.user.id,
      to: bob.user.username,
      text: 'I am the victim',
    });
    const got = await b.next(isPm('I am the victim'));
    expect(got.from).toEqual({ id: mallory.user.id, username: mallory.user.username, firstName: null });
    const stored = await env.em().findOneOrFail(Message, { id: got.id });
    expect(stored.from.id).toBe(mallory.user.id);
  });

  it('answers bad frames with error frames and the connection stays usable after each', async () => {
    const ann = await account();
    const bob = await account();
    const a = await connect(serverA, ann.token);
    const b = await connect(serverB, bob.token);
    // Someone who blocked the bot and has no account would never read a PM.
    const em = env.em();
    em.create(User, { telegramId: 951_001, telegramUsername: 'ws_blocked_us', language: 'en', botBlocked: true });
    await em.flush();
    const cases: Array<[string, string | ArrayBuffer, string]> = [
      ['not JSON', 'hello there', 'invalid_json'],
      ['a JSON array', '[1,2]', 'invalid_frame'],
      ['a JSON string', '"pm"', 'invalid_frame'],
      ['no type', JSON.stringify({ to: 'x', text: 'y' }), 'unknown_type'],
      ['an unknown type', JSON.stringify({ type: 'nuke' }), 'unknown_type'],
      ['a pm without to', JSON.stringify({ type: 'pm', text: 'y' }), 'invalid_frame'],
      ['a pm without text', JSON.stringify({ type: 'pm', to: bob.user.username }), 'invalid_frame'],
      ['a number as text', JSON.stringify({ type: 'pm', to: bob.user.username, text: 42 }), 'invalid_frame'],
      ['empty text', JSON.stringify({ type: 'pm', to: bob.user.username, text: '  ' }), 'text_empty'],
      [
        'text over the limit',
        JSON.stringify({ type: 'pm', to: bob.user.username, text: 'x'.repeat(4001) }),
        'text_too_long',
      ],
      ['an unknown user', JSON.stringify({ type: 'pm', to: 'nobody_here_at_all', text: 'y' }), 'user_not_found'],
      ['a malformed username', JSON.stringify({ type: 'pm', to: 'a b/c', text: 'y' }), 'user_not_found'],
      ['oneself', JSON.stringify({ type: 'pm', to: ann.user.username, text: 'me' }), 'cannot_message_self'],
      [
        'someone who blocked the bot',
        JSON.stringify({ type: 'pm', to: 'ws_blocked_us', text: 'y' }),
        'recipient_unreachable',
      ],
      ['a room frame without text', JSON.stringify({ type: 'room' }), 'invalid_frame'],
      ['a binary frame', new Uint8Array([1, 2, 3]).buffer, 'binary_not_supported'],
    ];
    for (const [label, frame, code] of cases) {
      a.send(frame);
      const error = await a.next();
      expect(error, label).toMatchObject({ type: 'error', code });
      expect(typeof error.message, label).toBe('string');
      const text = `still here after ${label}`;
      a.send({ type: 'pm', to: bob.user.username, text });
      expect(await a.next(), label).toMatchObject({ type: 'pm', text });
      expect(await b.next(), label).toMatchObject({ type: 'pm', text, from: { id: ann.user.id } });
    }
    expect(a.closeEvent).toBeUndefined();
    // Field problems are named.
    a.send({ type: 'pm', text: 'y', ref: 'r-42' });
    expect(await a.next()).toMatchObject({
      type: 'error',
      code: 'invalid_frame',
      ref: 'r-42',
      details: [{ path: 'to' }],
    });
  });

  it('rate-limits PMs per sender: the 21st in a minute gets rate_limited with retryAfter', async () => {
    const ann = await account();
    const bob = await account();
    const a = await connect(serverA, ann.token);
    for (let i = 1; i <= 20; i++) {
      a.send({ type: 'pm', to: bob.user.username, text: `pm ${i}` });
      expect(await a.next()).toMatchObject({ type: 'pm', text: `pm ${i}` });
    }
    a.send({ type: 'pm', to: bob.user.username, text: 'one too many', ref: 'x' });
    const error = await a.next();
    expect(error).toMatchObject({ type: 'error', code: 'rate_limited', ref: 'x' });
    expect(error.details.retryAfter).toBeGreaterThan(0);
    expect(error.details.retryAfter).toBeLessThanOrEqual(60);
    expect(await env.em().count(Message, { from: ann.user.id, text: 'one too many' })).toBe(0);
    // Still open and serving other frames.
    a.send({ type: 'leave', ref: 'after' });
    expect(await a.next()).toEqual({ type: 'left', ref: 'after' });
  });

  it('on connect sends the last 20 PMs received, newest first (not the oldest, not the sent ones)', async () => {
    const me = await account();
    const senders = [await account(), await account()];
    const sent: string[] = [];
    for (let i = 1; i <= 25; i++) {
      const sender = senders[i % 2] as Awaited<ReturnType<typeof account>>;
      const res = await fetch(`${serverA.httpUrl}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${sender.token}` },
        body: JSON.stringify({ to: me.user.username, text: `received ${i}` }),
      });
      expect(res.status).toBe(201);
      sent.push(((await res.json()) as { id: string }).id);
    }
    // Messages I sent are not "received".
    await fetch(`${serverA.httpUrl}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${me.token}` },
      body: JSON.stringify({ to: senders[0]?.user.username, text: 'my own' }),
    });
    const client = await connect(serverB, me.token);
    const frames = await client.take(20);
    expect(frames.map((f) => f.text)).toEqual(Array.from({ length: 20 }, (_, i) => `received ${25 - i}`));
    expect(frames.map((f) => f.id)).toEqual([...sent].reverse().slice(0, 20));
    expect(frames.every((f) => f.type === 'pm' && f.to.id === me.user.id)).toBe(true);
    expect(await client.rest()).toEqual([]);
  });

  it('delivers a PM posted over HTTP to the recipient’s socket, and to the sender’s own open sockets', async () => {
    const ann = await account();
    const bob = await account();
    const bobSocket = await connect(serverB, bob.token);
    const annTab = await connect(serverA, ann.token);
    const res = await fetch(`${serverA.httpUrl}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ann.token}` },
      body: JSON.stringify({ to: bob.user.username, text: 'over http' }),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string };
    expect(await bobSocket.next()).toMatchObject({ type: 'pm', id: body.id, text: 'over http' });
    expect(await annTab.next()).toMatchObject({ type: 'pm', id: body.id, text: 'over http' });
  });

  it('sends what one tab sent to the sender’s other tabs, but not back to the sending tab twice', async () => {
    const ann = await account();
    const bob = await account();
    const tab1 = await connect(serverA, ann.token);
    const tab2 = await connect(serverB, ann.token);
    tab1.send({ type: 'pm', to: bob.user.username, text: 'from tab 1' });
    expect(await tab1.next()).toMatchObject({ type: 'pm', text: 'from tab 1' });
    expect(await tab2.next()).toMatchObject({ type: 'pm', text: 'from tab 1' });
    expect(await tab1.rest(200)).toEqual([]);
  });
});

describe('GET /ws: authentication before the upgrade', () => {
  it('refuses a missing, malformed, expired or foreign token with a plain 401 and no socket', async () => {
    const ann = await account();
    const expired = await issueAccessToken(
      env.services.keys,
      env.services.config.publicUrl,
      ann.user.id,
      Math.floor(Date.now() / 1000) - ACCESS_TOKEN_TTL_SECONDS - 5,
    );
    const wrongIssuer = await issueAccessToken(env.services.keys, 'https://elsewhere.example', ann.user.id);
    const attempts: Array<[string, Record<string, string>, string]> = [
      ['no token', {}, ''],
      ['garbage', { authorization: 'Bearer not-a-jwt' }, ''],
      ['expired', { authorization: `Bearer ${expired.token}` }, ''],
      ['expired in the query', {}, `?token=${expired.token}`],
      ['another issuer', { authorization: `Bearer ${wrongIssuer.token}` }, ''],
      ['basic auth', { authorization: 'Basic YTpi' }, ''],
    ];
    for (const [label, headers, query] of attempts) {
      const res = await upgradeRequest(`${serverA.httpUrl}/ws${query}`, headers);
      expect(res.status, label).toBe(401);
      expect(res.socket, label).toBeUndefined();
      expect(res.headers['www-authenticate'], label).toContain('Bearer');
      // Status and headers only: what the document says a refused handshake carries.
      expect(res.headers['content-length'], label).toBe('0');
    }
    const doc = (await apiRequest(env.app, 'GET', '/openapi.json')).body;
    expect(doc.paths['/ws'].get.responses['401'].description).toContain(
      'A refused WebSocket handshake carries no body',
    );
    await expect(WsClient.connect(serverA.wsUrl, expired.token)).rejects.toThrow('failed to open');
    await expect(WsClient.connect(serverA.wsUrl)).rejects.toThrow('failed to open');
    expect(serverA.gateway.connectionCount() + serverB.gateway.connectionCount()).toBe(
      clients.filter((c) => c.socket.readyState === WebSocket.OPEN).length,
    );
  });

  it('refuses a banned user with 403 and answers a plain GET with 426', async () => {
    const banned = await account();
    const em = env.em();
    await em.nativeUpdate(User, { id: banned.user.id }, { status: 'banned' });
    expect((await upgradeRequest(`${serverA.httpUrl}/ws`, { authorization: `Bearer ${banned.token}` })).status).toBe(
      403,
    );
    const ann = await account();
    const plain = await fetch(`${serverA.httpUrl}/ws`, { headers: { authorization: `Bearer ${ann.token}` } });
    expect(plain.status).toBe(426);
    expect(((await plain.json()) as { error: { code: string } }).error.code).toBe('upgrade_required');
  });

  it('closes the socket with 4001 when its access token expires', async () => {
    const ann = await account();
    const now = Math.floor(Date.now() / 1000);
    const { token } = await issueAccessToken(
      env.services.keys,
      env.services.config.publicUrl,
      ann.user.id,
      now - ACCESS_TOKEN_TTL_SECONDS + 2,
    );
    const client = await connect(serverA, token);
    const closed = await client.closed();
    expect(closed.code).toBe(4001);
  });
});

describe('GET /ws: the room', () => {
  it('fans room frames out to members on every server, never to non-members, and leave stops them', async () => {
    const ann = await account({ firstName: 'Ann' });
    const bob = await account();
    const outsider = await account();
    const a = await connect(serverA, ann.token);
    const b = await connect(serverB, bob.token);
    const o = await connect(serverB, outsider.token);

    a.send({ type: 'join', ref: 'j' });
    expect(await a.next((f) => f.type === 'joined')).toEqual({ type: 'joined', ref: 'j' });

    // Bob's first room frame makes him a member.
    b.send({ type: 'room', text: 'hello room', from: 'forged', ref: 'r1' });
    expect(await b.next()).toEqual({ type: 'joined' });
    const echo = await b.next();
    expect(echo).toMatchObject({ type: 'room', text: 'hello room', ref: 'r1', from: { id: bob.user.id } });
    expect(echo.to).toBeUndefined();
    expect(await a.next()).toEqual({
      type: 'room',
      id: echo.id,
      from: { id: bob.user.id, username: bob.user.username, firstName: null },
      text: 'hello room',
      sentAt: echo.sentAt,
    });
    // Bob's echo is not doubled by the fan-out.
    expect(await b.rest(200)).toEqual([]);

    a.send({ type: 'room', text: 'hi all' });
    expect(await a.next()).toMatchObject({ type: 'room', text: 'hi all' });
    expect(await b.next()).toMatchObject({ type: 'room', text: 'hi all', from: { firstName: 'Ann' } });

    b.send({ type: 'leave' });
    expect(await b.next()).toEqual({ type: 'left' });
    a.send({ type: 'room', text: 'after bob left' });
    expect(await a.next()).toMatchObject({ type: 'room', text: 'after bob left' });
    expect(await b.rest(200)).toEqual([]);
    expect(await o.rest(0)).toEqual([]);
  });

  it('shows a joining client the latest room messages, oldest first', async () => {
    const ann = await account();
    const a = await connect(serverA, ann.token);
    for (const text of ['r-one', 'r-two', 'r-three']) {
      a.send({ type: 'room', text });
      await a.next((f) => f.type === 'room' && f.text === text);
    }
    const late = await account();
    const l = await connect(serverB, late.token);
    l.send({ type: 'join' });
    const frames: Frame[] = [];
    for (;;) {
      const frame = await l.next();
      if (frame.type === 'joined') break;
      frames.push(frame);
    }
    expect(frames.length).toBeLessThanOrEqual(10);
    expect(frames.slice(-3).map((f) => f.text)).toEqual(['r-one', 'r-two', 'r-three']);
    expect(frames.every((f) => f.type === 'room')).toBe(true);
  });
});
