import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Message } from '../../src/features/chat/message.entity.js';
import { blocks, blockUser } from '../../src/features/users/blocks.js';
import { User } from '../../src/features/users/user.entity.js';
import { UserBlock } from '../../src/features/users/user-block.entity.js';
import { createAccount } from '../helpers/accounts.js';
import { type ChatServer, startChatServer, WsClient } from '../helpers/chat.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';

/**
 * Blocking a person over the HTTP API (PUT/DELETE /users/{username}/block, GET /users/me/blocked)
 * and what it does to private messages, which the statement storing a PM refuses wherever they
 * come from (POST /messages, the WebSocket; the bot in blocks-bot.test.ts).
 */

const env = useTestEnvironment();
let server: ChatServer;
const sockets: WsClient[] = [];
beforeAll(async () => {
  server = await startChatServer(env.services);
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close().catch(() => undefined)));
  await server?.close();
});

let nextName = 1;
let nextTelegramId = 947_000;
const account = (fields: Parameters<typeof createAccount>[1] = {}) =>
  createAccount(env.services, { username: `blk_user_${nextName++}`, ...fields });
type Account = Awaited<ReturnType<typeof account>>;

const pm = (from: Account, to: string, text: string) =>
  apiRequest(env.app, 'POST', '/messages', { token: from.token, json: { to, text } });
const block = (who: Account, username: string) =>
  apiRequest(env.app, 'PUT', `/users/${encodeURIComponent(username)}/block`, { token: who.token });
const unblock = (who: Account, username: string) =>
  apiRequest(env.app, 'DELETE', `/users/${encodeURIComponent(username)}/block`, { token: who.token });
const blockedList = (who: Account, query = '') =>
  apiRequest(env.app, 'GET', `/users/me/blocked${query}`, { token: who.token });
const storedFrom = (from: Account, to: Account) =>
  env.em().count(Message, { kind: 'pm', from: from.user.id, to: to.user.id });

describe('PUT /users/{username}/block', () => {
  it("refuses the blocked person's PMs with 409 recipient_unreachable (reason blocked), stores nothing; one-way", async () => {
    const ann = await account({ firstName: 'Ann' });
    const bob = await account({ firstName: 'Bob' });
    expect((await pm(bob, ann.user.username as string, 'before')).status).toBe(201);

    const put = await block(ann, `@${bob.user.username?.toUpperCase()}`);
    expect(put.status).toBe(204);
    const refused = await pm(bob, ann.user.username as string, 'are you there?');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual({
      code: 'recipient_unreachable',
      message: 'This user does not accept messages from you: nothing was sent',
      details: { reason: 'blocked' },
    });
    expect(await storedFrom(bob, ann)).toBe(1);

    // One-way: Ann still writes to Bob, and her conversation with him keeps everything.
    expect((await pm(ann, bob.user.username as string, 'I can still write')).status).toBe(201);
    const history = await apiRequest(env.app, 'GET', `/messages?with=${bob.user.username}`, { token: ann.token });
    expect(history.body.items.map((m: { text: string }) => m.text)).toEqual(['I can still write', 'before']);
    // Bob is not blocked by anyone else.
    const carol = await account();
    expect((await pm(bob, carol.user.username as string, 'hi Carol')).status).toBe(201);
  });

  it('is idempotent (the first block time stays), and DELETE lets the PMs through again, idempotently too', async () => {
    const ann = await account();
    const bob = await account();
    expect((await block(ann, bob.user.username as string)).status).toBe(204);
    const first = await env.em().findOneOrFail(UserBlock, { blocker: ann.user.id, blocked: bob.user.id });
    expect((await block(ann, bob.user.username as string)).status).toBe(204);
    const again = await env.em().find(UserBlock, { blocker: ann.user.id });
    expect(again.map((b) => [b.blocked.id, b.createdAt.getTime()])).toEqual([[bob.user.id, first.createdAt.getTime()]]);

    expect((await unblock(ann, bob.user.username as string)).status).toBe(204);
    expect((await unblock(ann, bob.user.username as string)).status).toBe(204);
    expect(await env.em().count(UserBlock, { blocker: ann.user.id })).toBe(0);
    expect((await pm(bob, ann.user.username as string, 'hello again')).status).toBe(201);
  });

  it('blocks a Telegram-only user by their Telegram username, and a banned one is unknown (404)', async () => {
    const ann = await account();
    const em = env.em();
    const tim = em.create(User, {
      telegramId: nextTelegramId++,
      telegramUsername: 'Blk_Tele_Only',
      telegramFirstName: 'Tim',
      language: 'en',
    });
    const banned = em.create(User, {
      telegramId: nextTelegramId++,
      telegramUsername: 'blk_banned_one',
      language: 'en',
      status: 'banned',
    });
    await em.flush();
    expect((await block(ann, '@blk_tele_only')).status).toBe(204);
    expect(await blocks(env.em(), ann.user.id, tim.id)).toBe(true);
    const unknown = await block(ann, 'blk_banned_one');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'user_not_found']);
    expect(await blocks(env.em(), ann.user.id, banned.id)).toBe(false);
  });

  it('refuses oneself (422 cannot_block_self) and unknown users (404 user_not_found), and changes nothing', async () => {
    const ann = await account();
    for (const call of [block, unblock]) {
      const self = await call(ann, ann.user.username as string);
      expect([self.status, self.body.error.code], call.name).toEqual([422, 'cannot_block_self']);
      for (const name of ['nobody_by_that_name', 'x', 'not a/handle', '@']) {
        const unknown = await call(ann, name);
        expect([unknown.status, unknown.body.error?.code], `${call.name} ${name}`).toEqual([404, 'user_not_found']);
      }
    }
    expect(await env.em().count(UserBlock, { blocker: ann.user.id })).toBe(0);
    const anonymous = await apiRequest(env.app, 'PUT', `/users/${ann.user.username}/block`);
    expect(anonymous.status).toBe(401);
  });

  it('a banned user blocked before the ban can still be unblocked', async () => {
    const ann = await account();
    const bob = await account();
    expect((await block(ann, bob.user.username as string)).status).toBe(204);
    await env.em().nativeUpdate(User, { id: bob.user.id }, { status: 'banned' });
    expect((await unblock(ann, bob.user.username as string)).status).toBe(204);
    expect(await blocks(env.em(), ann.user.id, bob.user.id)).toBe(false);
  });
});

describe('the 409 tells the two unreachable cases apart', () => {
  it('someone who blocked the bot and has no account: reason bot_blocked; blocked wins when both hold', async () => {
    const ann = await account();
    const em = env.em();
    const gone = em.create(User, {
      telegramId: nextTelegramId++,
      telegramUsername: 'blk_blocked_bot',
      language: 'en',
      botBlocked: true,
    });
    await em.flush();
    const unreachable = await pm(ann, 'blk_blocked_bot', 'hi');
    expect(unreachable.status).toBe(409);
    expect(unreachable.body.error.details).toEqual({ reason: 'bot_blocked' });
    // Whether they could read it at all is none of a blocked sender's business.
    await blockUser(env.em(), gone.id, ann.user.id);
    expect((await pm(ann, 'blk_blocked_bot', 'hi')).body.error.details).toEqual({ reason: 'blocked' });
  });
});

describe('the WebSocket', () => {
  it("refuses a blocked sender's pm frame with recipient_unreachable (reason blocked) and keeps the socket", async () => {
    const ann = await account({ firstName: 'Ann' });
    const bob = await account({ firstName: 'Bob' });
    await blockUser(env.em(), ann.user.id, bob.user.id);
    const a = await WsClient.connect(server.wsUrl, ann.token);
    const b = await WsClient.connect(server.wsUrl, bob.token);
    sockets.push(a, b);
    b.send({ type: 'pm', to: ann.user.username, text: 'let me in', ref: 'x1' });
    expect(await b.next((f) => f.type === 'error')).toEqual({
      type: 'error',
      code: 'recipient_unreachable',
      message: 'This user does not accept messages from you: nothing was sent',
      details: { reason: 'blocked' },
      ref: 'x1',
    });
    expect(await storedFrom(bob, ann)).toBe(0);
    expect((await a.rest()).filter((f) => f.type === 'pm')).toEqual([]);
    // One-way: Ann's PM to Bob goes through, and Bob's socket is still open.
    a.send({ type: 'pm', to: bob.user.username, text: 'I can write' });
    expect(await b.next((f) => f.type === 'pm')).toMatchObject({ text: 'I can write', from: { id: ann.user.id } });
  });
});

describe('GET /users/me/blocked', () => {
  it('lists the people you blocked, the most recently blocked first, in pages', async () => {
    const ann = await account();
    const others = [await account({ firstName: 'P1' }), await account({ firstName: 'P2' }), await account()];
    for (const other of others) expect((await block(ann, other.user.username as string)).status).toBe(204);
    // Someone else's blocks are not Ann's.
    const bob = await account();
    await block(bob, ann.user.username as string);

    const first = await blockedList(ann, '?limit=2');
    expect(first.status).toBe(200);
    const [p3, p2, p1] = [...others].reverse() as [Account, Account, Account];
    expect(first.body.items).toEqual([
      { id: p3.user.id, username: p3.user.username, firstName: null, blockedAt: expect.stringMatching(/Z$/) },
      { id: p2.user.id, username: p2.user.username, firstName: 'P2', blockedAt: expect.stringMatching(/Z$/) },
    ]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await blockedList(ann, `?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({
      items: [{ id: p1.user.id, username: p1.user.username, firstName: 'P1', blockedAt: expect.any(String) }],
      nextCursor: null,
    });
    expect((await blockedList(bob)).body.items.map((i: { id: string }) => i.id)).toEqual([ann.user.id]);
    expect((await blockedList(await account())).body).toEqual({ items: [], nextCursor: null });
  });

  it('refuses a cursor it did not make (422) and a bad limit', async () => {
    const ann = await account();
    for (const query of ['?cursor=abc', '?cursor=1_99999999999999999999', '?cursor=12_-1', '?limit=0', '?limit=101']) {
      const res = await blockedList(ann, query);
      expect([res.status, res.body.error.code], query).toEqual([422, 'validation_failed']);
    }
  });

  it('is documented: operation ids, bearer security, scopes and the 4xx answers', async () => {
    const { body } = await apiRequest(env.app, 'GET', '/openapi.json');
    const put = body.paths['/users/{username}/block'].put;
    const del = body.paths['/users/{username}/block'].delete;
    const list = body.paths['/users/me/blocked'].get;
    expect([put.operationId, del.operationId, list.operationId]).toEqual([
      'blockUser',
      'unblockUser',
      'listBlockedUsers',
    ]);
    for (const operation of [put, del, list]) expect(operation.security).toEqual([{ bearerAuth: [] }]);
    expect([put['x-required-scope'], del['x-required-scope'], list['x-required-scope']]).toEqual([
      'profile:write',
      'profile:write',
      'profile:read',
    ]);
    expect(Object.keys(put.responses)).toEqual(expect.arrayContaining(['204', '401', '403', '404', '422']));
    expect(Object.keys(list.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '422']));
    expect(put.description).toContain('recipient_unreachable');
    expect(body.paths['/messages'].post.description).toContain('"blocked"');
  });
});

describe('user rows going away', () => {
  it('deleting a user deletes their blocks, both ways', async () => {
    const ann = await account();
    const bob = await account();
    const carol = await account();
    await blockUser(env.em(), ann.user.id, bob.user.id);
    await blockUser(env.em(), bob.user.id, carol.user.id);
    await env.em().nativeDelete(User, { id: bob.user.id });
    expect(await env.em().count(UserBlock, { $or: [{ blocker: bob.user.id }, { blocked: bob.user.id }] })).toBe(0);
  });

  it('linking a Telegram user to an account keeps what either blocked, once, and drops their blocks of each other', async () => {
    const { user: acct, token } = await createAccount(env.services, { username: `blk_linker_${nextName++}` });
    const both = await account();
    const onlyTelegram = await account();
    const { body } = await apiRequest(env.app, 'POST', '/token', { token });
    const client = env.bot.client({ id: nextTelegramId++, first_name: 'Lin', username: `blk_lin_${nextName++}` });
    await client.sendCommand('start');
    const tg = await env.em().findOneOrFail(User, { telegramId: client.user.id });
    const em = env.em();
    await blockUser(em, acct.id, both.user.id);
    await blockUser(em, tg.id, both.user.id);
    await blockUser(em, tg.id, onlyTelegram.user.id);
    await blockUser(em, acct.id, tg.id);
    await blockUser(em, tg.id, acct.id);
    await blockUser(em, both.user.id, tg.id);
    await blockUser(em, both.user.id, acct.id);

    await client.sendText(body.token);
    await client.click('✅ Link my Telegram');
    expect(client.lastReply()).toContain('Your Telegram is now linked');
    const rows = await env.em().find(UserBlock, { $or: [{ blocker: acct.id }, { blocked: acct.id }] });
    expect(rows.map((r) => `${r.blocker.id}>${r.blocked.id}`).sort()).toEqual(
      [`${acct.id}>${both.user.id}`, `${acct.id}>${onlyTelegram.user.id}`, `${both.user.id}>${acct.id}`].sort(),
    );
  });
});
