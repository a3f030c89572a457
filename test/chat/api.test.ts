import { describe, expect, it, vi } from 'vitest';
import { CHAT_DELIVERY_QUEUE } from '../../src/features/chat/jobs/delivery.js';
import { Message } from '../../src/features/chat/message.entity.js';
import { User } from '../../src/features/users/user.entity.js';
import type { LanedPostgreSqlDriver } from '../../src/platform/db/orm.js';
import { createAccount } from '../helpers/accounts.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { schemaProblems } from '../helpers/openapi-schema.js';
import { apiRequest } from '../helpers/services.js';

const env = useTestEnvironment();
let nextName = 1;
let nextTelegramId = 940_000;
const account = (fields: Parameters<typeof createAccount>[1] = {}) =>
  createAccount(env.services, { username: `api_user_${nextName++}`, ...fields });
const chatJob = (id: string) => env.services.jobs.queue(CHAT_DELIVERY_QUEUE).getJob(id);

describe('POST /messages with `to` (a private message)', () => {
  it('stores the PM from the token’s user and answers 201 with it; the username may have any case and an @', async () => {
    const ann = await account({ firstName: 'Ann' });
    const bob = await account({ firstName: 'Bob', telegramId: nextTelegramId++ });
    const res = await apiRequest(env.app, 'POST', '/messages', {
      token: ann.token,
      json: { to: `@${bob.user.username?.toUpperCase()}`, text: '  Hi <Bob> & co  ' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^\d+$/),
      kind: 'pm',
      from: { id: ann.user.id, username: ann.user.username, firstName: 'Ann' },
      to: { id: bob.user.id, username: bob.user.username, firstName: 'Bob' },
      text: 'Hi <Bob> & co',
      sentAt: expect.stringMatching(/Z$/),
    });
    const stored = await env.em().findOneOrFail(Message, { id: res.body.id });
    expect([stored.kind, stored.from.id, stored.to?.id]).toEqual(['pm', ann.user.id, bob.user.id]);
    // Bob has no socket open: the PM goes to his Telegram through the worker.
    expect(await chatJob(`pm-${res.body.id}`)).toBeDefined();
  });

  it('finds Telegram-only users by their Telegram username', async () => {
    const ann = await account();
    const em = env.em();
    const tg = em.create(User, {
      telegramId: nextTelegramId++,
      telegramUsername: 'Tele_Only',
      telegramFirstName: 'Tim',
      language: 'en',
    });
    await em.flush();
    const res = await apiRequest(env.app, 'POST', '/messages', {
      token: ann.token,
      json: { to: 'tele_only', text: 'hi' },
    });
    expect(res.status).toBe(201);
    expect(res.body.to).toEqual({ id: tg.id, username: 'Tele_Only', firstName: 'Tim' });
  });

  it.each([
    ['an unknown user', { to: 'nobody_at_all', text: 'x' }, 404, 'user_not_found'],
    ['a username that cannot exist', { to: 'no such/user', text: 'x' }, 404, 'user_not_found'],
    ['an empty username', { to: '  ', text: 'x' }, 422, 'validation_failed'],
    ['a number as username', { to: 42, text: 'x' }, 422, 'validation_failed'],
    ['text over 4000 characters', { to: 'SELF_OTHER', text: 'x'.repeat(4001) }, 422, 'text_too_long'],
    ['blank text', { to: 'SELF_OTHER', text: '   ' }, 422, 'validation_failed'],
    ['a forged sender', { to: 'SELF_OTHER', text: 'x', from: '1' }, 422, 'validation_failed'],
  ])('refuses %s and stores nothing', async (_label, json, status, code) => {
    const ann = await account();
    const other = await account();
    const body = { ...json, ...(json.to === 'SELF_OTHER' ? { to: other.user.username } : {}) };
    const res = await apiRequest(env.app, 'POST', '/messages', { token: ann.token, json: body });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(await env.em().count(Message, { from: ann.user.id })).toBe(0);
  });

  it('refuses a message to oneself with 422 cannot_message_self', async () => {
    const ann = await account();
    const res = await apiRequest(env.app, 'POST', '/messages', {
      token: ann.token,
      json: { to: ann.user.username?.toUpperCase(), text: 'me' },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('cannot_message_self');
    // What a generated client checks the answer against: the document's 422 of this operation.
    const doc = (await apiRequest(env.app, 'GET', '/openapi.json')).body;
    const documented = doc.paths['/messages'].post.responses['422'].content['application/json'].schema;
    expect(schemaProblems(doc, documented, res.body)).toEqual([]);
    const invalid = await apiRequest(env.app, 'POST', '/messages', { token: ann.token, json: { text: 7 } });
    expect(invalid.status).toBe(422);
    expect(schemaProblems(doc, documented, invalid.body)).toEqual([]);
  });

  it('does not find banned users', async () => {
    const ann = await account();
    const banned = await account();
    await env.em().nativeUpdate(User, { id: banned.user.id }, { status: 'banned' });
    const res = await apiRequest(env.app, 'POST', '/messages', {
      token: ann.token,
      json: { to: banned.user.username, text: 'hi' },
    });
    expect(res.status).toBe(404);
  });

  it('refuses with 409 recipient_unreachable someone who blocked the bot and has no account; one with an account gets it', async () => {
    const ann = await account();
    const em = env.em();
    const gone = em.create(User, {
      telegramId: nextTelegramId++,
      telegramUsername: 'blocked_us',
      telegramFirstName: 'Gail',
      language: 'en',
      botBlocked: true,
    });
    await em.flush();
    const refused = await apiRequest(env.app, 'POST', '/messages', {
      token: ann.token,
      json: { to: 'blocked_us', text: 'are you there?' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('recipient_unreachable');
    expect(refused.body.error.message).toContain('blocked the bot');
    expect(await em.count(Message, { to: gone.id })).toBe(0);

    // The same, with an HTTP account (linked): stored for its next socket or GET /messages.
    const linked = await account({ telegramId: nextTelegramId++ });
    await env.em().nativeUpdate(User, { id: linked.user.id }, { botBlocked: true });
    const kept = await apiRequest(env.app, 'POST', '/messages', {
      token: ann.token,
      json: { to: linked.user.username, text: 'read me later' },
    });
    expect(kept.status).toBe(201);
    const inbox = await apiRequest(env.app, 'GET', `/messages?with=${ann.user.username}`, { token: linked.token });
    expect(inbox.body.items.map((m: { text: string }) => m.text)).toEqual(['read me later']);
  });

  it('PMs sent at the same moment are committed together, and each sender still gets their own answer', async () => {
    const driver = env.db.orm.driver as LanedPostgreSqlDriver;
    if (!driver.commits) throw new Error('the ORM has no commit groups');
    const grouped = vi.spyOn(driver.commits, 'query');
    const rita = await account({ firstName: 'Rita', telegramId: nextTelegramId++ });
    const banned = await account();
    await env.em().nativeUpdate(User, { id: banned.user.id }, { status: 'banned' });
    const senders = await Promise.all([account(), account(), account(), account(), account()]);
    const targets = [rita, rita, banned, senders[3], rita] as const;
    const answers = await Promise.all(
      senders.map((sender, i) =>
        apiRequest(env.app, 'POST', '/messages', {
          token: sender.token,
          json: { to: targets[i]?.user.username, text: `hello from ${i}` },
        }),
      ),
    );
    expect(answers.map((res) => [res.status, res.body.error?.code ?? res.body.text])).toEqual([
      [201, 'hello from 0'],
      [201, 'hello from 1'],
      [404, 'user_not_found'],
      [422, 'cannot_message_self'],
      [201, 'hello from 4'],
    ]);
    expect(grouped).toHaveBeenCalledTimes(5);
    const toRita = await env.em().find(Message, { to: rita.user.id }, { orderBy: { id: 'asc' } });
    expect(toRita.map((m) => m.text).sort()).toEqual(['hello from 0', 'hello from 1', 'hello from 4']);
    expect(await env.em().count(Message, { from: { $in: [senders[2]?.user.id, senders[3]?.user.id] } })).toBe(0);
    grouped.mockRestore();
  });

  it('needs a token', async () => {
    const res = await apiRequest(env.app, 'POST', '/messages', { json: { to: 'someone', text: 'hi' } });
    expect(res.status).toBe(401);
  });

  it('answers the 21st PM within a minute with 429 rate_limited and Retry-After', async () => {
    const ann = await account();
    const bob = await account();
    for (let i = 1; i <= 20; i++) {
      const ok = await apiRequest(env.app, 'POST', '/messages', {
        token: ann.token,
        json: { to: bob.user.username, text: `n${i}` },
      });
      expect(ok.status, `PM ${i}`).toBe(201);
    }
    const res = await apiRequest(env.app, 'POST', '/messages', {
      token: ann.token,
      json: { to: bob.user.username, text: 'n21' },
    });
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('rate_limited');
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.body.error.details.retryAfter).toBe(retryAfter);
    expect(await env.em().count(Message, { from: ann.user.id })).toBe(20);
    // The limit is per sender: Bob can still write.
    const bobs = await apiRequest(env.app, 'POST', '/messages', {
      token: bob.token,
      json: { to: ann.user.username, text: 'fine' },
    });
    expect(bobs.status).toBe(201);
  });

  it('keeps the echo without `to`', async () => {
    const ann = await account({ telegramId: nextTelegramId++ });
    const res = await apiRequest(env.app, 'POST', '/messages', { token: ann.token, json: { text: 'echo me' } });
    expect(res.status).toBe(201);
    expect(res.body.kind).toBe('echo');
    expect(res.body.to).toBeUndefined();
  });
});

describe('GET /messages?with=<username>', () => {
  it('pages through the conversation, both directions, newest first (not the oldest 20)', async () => {
    const ann = await account();
    const bob = await account();
    const carol = await account();
    const texts: string[] = [];
    for (let i = 1; i <= 25; i++) {
      const [from, to] = i % 2 ? [ann, bob] : [bob, ann];
      const text = `c${i}`;
      texts.push(text);
      await env
        .em()
        .persist(env.em().create(Message, { kind: 'pm', from: from.user.id, to: to.user.id, text }))
        .flush();
    }
    // Noise that must not show up: another conversation, an echo, a room message.
    await apiRequest(env.app, 'POST', '/messages', {
      token: ann.token,
      json: { to: carol.user.username, text: 'to carol' },
    });
    await env
      .em()
      .persist(env.em().create(Message, { kind: 'room', from: bob.user.id, text: 'room' }))
      .flush();

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/messages?with=${bob.user.username?.toUpperCase()}&limit=10${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await apiRequest(env.app, 'GET', query, { token: ann.token });
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((m: { text: string }) => m.text));
      expect(res.body.items.every((m: { kind: string }) => m.kind === 'pm')).toBe(true);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...texts].reverse());

    // The first page is the newest 20 by default, and Bob sees the same conversation.
    const first = await apiRequest(env.app, 'GET', `/messages?with=@${ann.user.username}`, { token: bob.token });
    expect(first.body.items.map((m: { text: string }) => m.text)).toEqual([...texts].reverse().slice(0, 20));
    expect(first.body.nextCursor).not.toBeNull();
  });

  it('answers 404 for an unknown user and 422 for a bad query', async () => {
    const ann = await account();
    const unknown = await apiRequest(env.app, 'GET', '/messages?with=nobody_here', { token: ann.token });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('user_not_found');
    for (const query of [
      'with=',
      'with=x&limit=0',
      'with=x&cursor=abc',
      'with=x&other=1',
      // One past PostgreSQL's bigint (found by npm run fuzz: it failed the query, a 500).
      'cursor=9223372036854775808',
      'cursor=9999999999999999999',
    ]) {
      expect((await apiRequest(env.app, 'GET', `/messages?${query}`, { token: ann.token })).status, query).toBe(422);
    }
    // One reason per refused field, not the pattern's and the range's both.
    const refused = await apiRequest(env.app, 'GET', '/messages?cursor=abc', { token: ann.token });
    expect(refused.body.error.details).toEqual([{ path: 'cursor', message: 'Not a cursor returned by this endpoint' }]);
    const last = await apiRequest(env.app, 'GET', '/messages?cursor=9223372036854775807', { token: ann.token });
    expect(last.status).toBe(200);
  });

  it('without `with` still lists the author’s own messages', async () => {
    const ann = await account();
    const bob = await account();
    await apiRequest(env.app, 'POST', '/messages', { token: ann.token, json: { to: bob.user.username, text: 'mine' } });
    await apiRequest(env.app, 'POST', '/messages', {
      token: bob.token,
      json: { to: ann.user.username, text: 'theirs' },
    });
    const res = await apiRequest(env.app, 'GET', '/messages', { token: ann.token });
    expect(res.body.items.map((m: { text: string }) => m.text)).toEqual(['mine']);
  });
});

describe('OpenAPI', () => {
  it('documents `to`, `with`, their errors and GET /ws', async () => {
    const { body } = await apiRequest(env.app, 'GET', '/openapi.json');
    const post = body.paths['/messages'].post;
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['201', '404', '409', '422', '429']));
    expect(post.description).toContain('409 recipient_unreachable');
    expect(body.paths['/ws'].get.description).toContain('`recipient_unreachable`');
    expect(Object.keys(body.components.schemas.PostMessageRequest.properties)).toEqual(['text', 'to']);
    const get = body.paths['/messages'].get;
    expect(get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['with', 'limit', 'cursor']),
    );
    const ws = body.paths['/ws'].get;
    expect(Object.keys(ws.responses)).toEqual(expect.arrayContaining(['101', '401', '426']));
    expect(ws.security).toEqual([{ bearerAuth: [] }]);
    expect(ws.description).toContain('{"type":"pm","to":"<username>","text":"…"}');
  });
});
