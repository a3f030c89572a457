import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Message } from '../../src/features/chat/message.entity.js';
import { CLOSE_CODES, MAX_FRAME_BYTES, MAX_SOCKETS_PER_USER } from '../../src/features/chat/ws/limits.js';
import { User } from '../../src/features/users/user.entity.js';
import { createAccount } from '../helpers/accounts.js';
import { type ChatServer, type Frame, startChatServer, upgradeRequest, WsClient } from '../helpers/chat.js';
import { useTestEnvironment } from '../helpers/environment.js';

/**
 * SPEC §3.5 limits of GET /ws, each tried as an attacker would: oversized frames, a pile of
 * sockets, a burst of frames spread over several sockets, and a banned account keeping its
 * sockets. Two API "processes" share the database and Redis, so the limits are shown to hold
 * across processes, not just inside one.
 */
const env = useTestEnvironment();
let serverA: ChatServer;
let serverB: ChatServer;
const clients: WsClient[] = [];
const rawSockets: Socket[] = [];

beforeAll(async () => {
  serverA = await startChatServer(env.services);
  serverB = await startChatServer(env.services);
});
afterAll(async () => {
  for (const socket of rawSockets) socket.destroy();
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await serverA?.close();
  await serverB?.close();
});

let nextName = 1;
const account = () => createAccount(env.services, { username: `wslim_${nextName++}` });

async function connect(server: ChatServer, token: string): Promise<WsClient> {
  const client = await WsClient.connect(server.wsUrl, token);
  clients.push(client);
  return client;
}

/**
 * Waits until the server has set the socket up (subscribed, counted, inbox sent): frames are
 * handled after that, so the answer to one proves it. Makes "the oldest socket" well defined.
 */
async function ready(client: WsClient, ref: string): Promise<void> {
  client.send({ type: 'leave', ref });
  await client.next((f) => f.type === 'left' && f.ref === ref);
}

/** Polls until `check` holds; fails with `what` after the deadline (a deadline, not a timing assertion). */
async function waitFor(what: string, check: () => boolean | Promise<boolean>, deadlineMs = 2_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function closedWith(client: WsClient, what: string): Promise<{ code: number; reason: string }> {
  await waitFor(what, () => client.closeEvent !== undefined);
  return client.closeEvent as { code: number; reason: string };
}

const messagesFrom = (userId: string) => env.em().count(Message, { from: userId });

/** A PM frame padded (with a field the server ignores) to exactly `bytes` bytes. */
function pmFrameOfSize(to: string, text: string, bytes: number): string {
  const bare = JSON.stringify({ type: 'pm', to, text, pad: '' });
  return JSON.stringify({ type: 'pm', to, text, pad: 'x'.repeat(bytes - Buffer.byteLength(bare)) });
}

describe('frame size (64 KiB, enforced by the protocol parser)', () => {
  it('reads a frame of exactly 64 KiB; closes 1 MiB and 16 MiB frames with 1009 and stores nothing of them', async () => {
    const ann = await account();
    const bob = await account();
    const bobSocket = await connect(serverB, bob.token);
    await ready(bobSocket, 'bob');

    const a = await connect(serverA, ann.token);
    const atLimit = pmFrameOfSize(bob.user.username as string, 'just fits', MAX_FRAME_BYTES);
    expect(Buffer.byteLength(atLimit)).toBe(MAX_FRAME_BYTES);
    a.send(atLimit);
    expect(await a.next((f) => f.type === 'pm')).toMatchObject({ text: 'just fits' });
    expect(await bobSocket.next((f) => f.type === 'pm')).toMatchObject({ text: 'just fits' });

    for (const size of [MAX_FRAME_BYTES + 1, 1024 * 1024, 16 * 1024 * 1024]) {
      const client = await connect(serverA, ann.token);
      client.send(pmFrameOfSize(bob.user.username as string, `oversized ${size}`, size));
      expect((await closedWith(client, `the close of a ${size}-byte frame`)).code, `${size} bytes`).toBe(
        CLOSE_CODES.tooLarge,
      );
    }
    // Only the frame that fit was stored, and Bob got nothing else.
    expect(await messagesFrom(ann.user.id)).toBe(1);
    expect((await bobSocket.rest(200)).filter((f) => f.type === 'pm')).toEqual([]);
    // The socket that sent the 64 KiB frame is untouched.
    expect(a.closeEvent).toBeUndefined();
  });

  it('closes with 1009 on the header of a 16 MiB frame alone, without waiting for its payload', async () => {
    // A raw socket announces a 16 MiB text frame and sends 4 bytes of it: a server that reads a frame
    // in full before checking its size would wait here forever.
    const ann = await account();
    const res = await upgradeRequest(`${serverA.httpUrl}/ws`, { authorization: `Bearer ${ann.token}` });
    expect(res.status).toBe(101);
    const socket = res.socket as Socket;
    rawSockets.push(socket);
    const received: Buffer[] = [];
    let ended = false;
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('close', () => {
      ended = true;
    });
    socket.on('error', () => undefined);

    const header = Buffer.alloc(14);
    header[0] = 0x81; // FIN + text
    header[1] = 0x80 | 127; // masked (as every client frame must be), 64-bit length follows
    header.writeBigUInt64BE(BigInt(16 * 1024 * 1024), 2);
    header.writeUInt32BE(0x01020304, 10); // masking key
    socket.write(Buffer.concat([header, Buffer.from('{"ty')]));

    const closeCode = () => {
      const data = Buffer.concat(received);
      // Server frames are unmasked; walk them to the close frame (opcode 8).
      for (let at = 0; at + 2 <= data.length; ) {
        const opcode = (data[at] as number) & 0x0f;
        let length = (data[at + 1] as number) & 0x7f;
        let start = at + 2;
        if (length === 126) {
          length = data.readUInt16BE(at + 2);
          start = at + 4;
        }
        if (opcode === 8 && length >= 2 && start + 2 <= data.length) return data.readUInt16BE(start);
        at = start + length;
      }
      return undefined;
    };
    await waitFor('a close frame', () => closeCode() !== undefined || ended);
    expect(closeCode()).toBe(CLOSE_CODES.tooLarge);
    expect(await messagesFrom(ann.user.id)).toBe(0);
  });
});

describe(`sockets per user (at most ${MAX_SOCKETS_PER_USER}, across processes)`, () => {
  it('opening a 6th socket closes the oldest (on the other process) with 4000; the other 5 keep working', async () => {
    const ann = await account();
    const bob = await account();
    // The oldest on B, the newest on A: the cap is counted and enforced across processes.
    const servers = [serverB, serverA, serverB, serverA, serverB];
    const sockets: WsClient[] = [];
    for (const [i, server] of servers.entries()) {
      const socket = await connect(server, ann.token);
      await ready(socket, `s${i}`);
      sockets.push(socket);
    }
    expect(sockets.every((s) => s.closeEvent === undefined)).toBe(true);

    const sixth = await connect(serverA, ann.token);
    await ready(sixth, 's5');
    const oldest = sockets[0] as WsClient;
    expect((await closedWith(oldest, 'the oldest socket to close')).code).toBe(CLOSE_CODES.replaced);

    const open = [...sockets.slice(1), sixth];
    expect(open.every((s) => s.closeEvent === undefined)).toBe(true);
    // Each of the 5 still sends...
    for (const [i, socket] of open.entries()) await ready(socket, `after-${i}`);
    // ...and each receives.
    const res = await fetch(`${serverB.httpUrl}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bob.token}` },
      body: JSON.stringify({ to: ann.user.username, text: 'to all five' }),
    });
    expect(res.status).toBe(201);
    for (const socket of open) {
      expect(await socket.next((f) => f.type === 'pm')).toMatchObject({ text: 'to all five' });
    }
    expect(oldest.frames.filter((f) => f.text === 'to all five')).toEqual([]);
  });
});

describe('frame rate per user, across sockets and processes', () => {
  const LIMIT = 6;
  let limitedA: ChatServer;
  let limitedB: ChatServer;
  beforeAll(async () => {
    // A small limit, well under the PM limit (20/min), so only the frame limit can refuse these frames.
    limitedA = await startChatServer(env.services, { frameRate: { count: LIMIT, windowSeconds: 60 } });
    limitedB = await startChatServer(env.services, { frameRate: { count: LIMIT, windowSeconds: 60 } });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await limitedA?.close();
    await limitedB?.close();
  });

  it('answers frames over the limit with rate_limited (retryAfter) and drops them, however many sockets send', async () => {
    const ann = await account();
    const bob = await account();
    const tab1 = await connect(limitedA, ann.token);
    const tab2 = await connect(limitedB, ann.token);
    const PER_TAB = 5;
    for (let i = 0; i < PER_TAB; i++) {
      tab1.send({ type: 'pm', to: bob.user.username, text: `t1-${i}`, ref: `t1-${i}` });
      tab2.send({ type: 'pm', to: bob.user.username, text: `t2-${i}`, ref: `t2-${i}` });
    }
    // Every frame gets one answer on its own socket: its echo or a rate_limited error, with its ref.
    const answers = (tab: WsClient, prefix: string) =>
      tab.frames.filter((f: Frame) => f.type === 'error' || (f.type === 'pm' && f.ref?.startsWith(prefix)));
    await waitFor('an answer to every frame', () => answers(tab1, 't1').length + answers(tab2, 't2').length >= 10);
    const all = [...answers(tab1, 't1'), ...answers(tab2, 't2')];
    const errors = all.filter((f) => f.type === 'error');
    expect(all.filter((f) => f.type === 'pm')).toHaveLength(LIMIT);
    expect(errors).toHaveLength(2 * PER_TAB - LIMIT);
    // Each error names the dropped frame by its ref: with the echoes, every ref sent, once.
    const refs = [...all.map((f) => f.ref)].sort();
    expect(refs).toEqual([...Array(PER_TAB).keys()].flatMap((i) => [`t1-${i}`, `t2-${i}`]).sort());
    for (const error of errors) {
      expect(error.code).toBe('rate_limited');
      expect(typeof error.message).toBe('string');
      expect(error.details.retryAfter).toBeGreaterThan(0);
      expect(error.details.retryAfter).toBeLessThanOrEqual(60);
    }
    expect(await messagesFrom(ann.user.id)).toBe(LIMIT);
    // Dropped, not closed: both sockets stay open.
    expect(tab1.closeEvent).toBeUndefined();
    expect(tab2.closeEvent).toBeUndefined();
  });
});

describe('a banned account loses its open sockets', () => {
  it('PATCH /admin/users/{id} {banned: true} closes the user’s sockets on every process with 4003', async () => {
    const admin = await account();
    await env.em().nativeUpdate(User, { id: admin.user.id }, { role: 'admin' });
    const victim = await account();
    const onA = await connect(serverA, victim.token);
    const onB = await connect(serverB, victim.token);
    await ready(onA, 'a');
    await ready(onB, 'b');
    const bystander = await connect(serverA, (await account()).token);
    await ready(bystander, 'x');

    const res = await fetch(`${serverA.httpUrl}/admin/users/${victim.user.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body: JSON.stringify({ banned: true }),
    });
    expect(res.status).toBe(200);
    expect((await closedWith(onA, 'the socket on A to close')).code).toBe(CLOSE_CODES.forbidden);
    expect((await closedWith(onB, 'the socket on B to close')).code).toBe(CLOSE_CODES.forbidden);
    expect(bystander.closeEvent).toBeUndefined();
  });

  it('the ban button of the bot’s admin card closes the user’s sockets with 4003', async () => {
    const admin = env.bot.client({ id: 790_001, first_name: 'Root', username: 'wslim_root', language_code: 'en' });
    await admin.sendCommand('start');
    await env.em().nativeUpdate(User, { telegramId: admin.user.id }, { role: 'admin' });
    const victim = await account();
    const onA = await connect(serverA, victim.token);
    const onB = await connect(serverB, victim.token);
    await ready(onA, 'a');
    await ready(onB, 'b');

    await admin.sendCommand('admin');
    await admin.click('👥 Users');
    await admin.sendText(victim.user.id);
    await admin.click(new RegExp(`^${victim.user.username} `));
    await admin.click('⛔ Ban');
    // A ban asks for confirmation first (issue 14).
    await admin.click('⛔ Yes, ban');
    expect((await env.em().findOneOrFail(User, { id: victim.user.id })).status).toBe('banned');
    expect((await closedWith(onA, 'the socket on A to close')).code).toBe(CLOSE_CODES.forbidden);
    expect((await closedWith(onB, 'the socket on B to close')).code).toBe(CLOSE_CODES.forbidden);
  });
});

describe('the sender is checked by the statement that stores the PM (issue 17: no per-frame reload)', () => {
  it('a ban committed with no close order published refuses the very next PM frame and stores nothing', async () => {
    const ann = await account();
    const bob = await account();
    const socket = await connect(serverA, ann.token);
    await ready(socket, 'r');
    socket.send({ type: 'pm', to: bob.user.username, text: 'before', ref: 'p1' });
    expect((await socket.next((f) => f.ref === 'p1')).type).toBe('pm');
    // Straight in the database: no close order reaches the gateway, only the next frame can tell.
    await env.em().nativeUpdate(User, { id: ann.user.id }, { status: 'banned' });
    socket.send({ type: 'pm', to: bob.user.username, text: 'after the ban', ref: 'p2' });
    const refused = await socket.next((f) => f.ref === 'p2');
    expect(refused).toMatchObject({ type: 'error', code: 'forbidden' });
    expect((await closedWith(socket, 'the socket to close')).code).toBe(CLOSE_CODES.forbidden);
    expect(await env.em().count(Message, { from: ann.user.id })).toBe(1);
  });

  it('a deleted account’s next PM frame is refused; nothing is stored', async () => {
    const ann = await account();
    const bob = await account();
    const socket = await connect(serverA, ann.token);
    await ready(socket, 'r');
    await env.em().nativeDelete(User, { id: ann.user.id });
    socket.send({ type: 'pm', to: bob.user.username, text: 'from beyond', ref: 'p' });
    expect(await socket.next((f) => f.ref === 'p')).toMatchObject({ type: 'error', code: 'forbidden' });
    expect((await closedWith(socket, 'the socket to close')).code).toBe(CLOSE_CODES.forbidden);
    expect(await env.em().count(Message, { to: bob.user.id })).toBe(0);
  });
});
