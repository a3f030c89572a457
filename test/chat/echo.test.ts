import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { handleChatDelivery } from '../../src/features/chat/jobs/delivery.js';
import { Message } from '../../src/features/chat/message.entity.js';
import { User } from '../../src/features/users/user.entity.js';
import { createAccount } from '../helpers/accounts.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';

const env = useTestEnvironment();
const em = () => env.em();
let nextTelegramId = 500_000;

const deliverEcho = (messageId: string) => handleChatDelivery(env.services, { data: { type: 'echo', messageId } });

describe('POST /messages (echo)', () => {
  it('refuses an account without Telegram with 409 and stores nothing', async () => {
    const { user, token } = await createAccount(env.services);
    const res = await apiRequest(env.app, 'POST', '/messages', { token, json: { text: 'hello' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('telegram_not_linked');
    expect(await em().count(Message, { from: user.id })).toBe(0);
  });

  it('stores the message and echoes exactly the seed 000 text, HTML-escaped', async () => {
    const chatId = nextTelegramId++;
    const { user, token } = await createAccount(env.services, { firstName: 'Ann', telegramId: chatId });
    const res = await apiRequest(env.app, 'POST', '/messages', { token, json: { text: 'Hi <b>&</b>\nsecond line' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'echo',
      from: { id: user.id, username: user.username, firstName: 'Ann' },
      text: 'Hi <b>&</b>\nsecond line',
    });
    await deliverEcho(res.body.id);
    expect(env.telegram.textsTo(chatId)).toEqual([
      'Ann, I got a message from you:\nHi &lt;b&gt;&amp;&lt;/b&gt;\nsecond line',
    ]);
  });

  it('speaks Russian to Russian users and falls back to the Telegram first name', async () => {
    const chatId = nextTelegramId++;
    const { token } = await createAccount(env.services, {
      telegramFirstName: 'Иван',
      telegramId: chatId,
      language: 'ru',
    });
    const res = await apiRequest(env.app, 'POST', '/messages', { token, json: { text: 'привет' } });
    await deliverEcho(res.body.id);
    expect(env.telegram.textsTo(chatId)).toEqual(['Иван, я получил от тебя сообщение:\nпривет']);
  });

  it('splits an echo longer than 4096 characters', async () => {
    const chatId = nextTelegramId++;
    const { token } = await createAccount(env.services, { firstName: 'Long', telegramId: chatId });
    const text = `${'word '.repeat(1600)}end`;
    const res = await apiRequest(env.app, 'POST', '/messages', { token, json: { text } });
    await deliverEcho(res.body.id);
    const parts = env.telegram.textsTo(chatId);
    expect(parts.length).toBe(2);
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    expect(parts.join(' ')).toBe(`Long, I got a message from you:\n${text}`);
  });

  it.each([
    [{}, 'text'],
    [{ text: '' }, 'text'],
    [{ text: '   ' }, 'text'],
    [{ text: 42 }, 'text'],
    [{ text: 'x'.repeat(10_001) }, 'text'],
    [{ text: 'hi', from: 'someone-else' }, 'from'],
  ])('answers 422 for %j', async (json, field) => {
    const { token } = await createAccount(env.services, { telegramId: nextTelegramId++ });
    const res = await apiRequest(env.app, 'POST', '/messages', { token, json });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body.error.details)).toContain(field);
  });

  it('marks a user who blocked the env.bot instead of failing', async () => {
    const chatId = nextTelegramId++;
    const { user, token } = await createAccount(env.services, { telegramId: chatId });
    const res = await apiRequest(env.app, 'POST', '/messages', { token, json: { text: 'anyone?' } });
    env.telegram.override('sendMessage', (call) =>
      call.payload.chat_id === chatId
        ? { ok: false, error_code: 403, description: 'Forbidden: env.bot was blocked by the user' }
        : undefined,
    );
    try {
      await deliverEcho(res.body.id);
    } finally {
      env.telegram.override('sendMessage', undefined);
    }
    expect((await em().findOneOrFail(User, { id: user.id })).botBlocked).toBe(true);
  });

  it('a network error is not retried (it may hide a delivered echo)', async () => {
    const chatId = nextTelegramId++;
    const { token } = await createAccount(env.services, { telegramId: chatId });
    const res = await apiRequest(env.app, 'POST', '/messages', { token, json: { text: 'net' } });
    env.telegram.override('sendMessage', () => {
      throw new Error('socket hang up');
    });
    try {
      await expect(deliverEcho(res.body.id)).rejects.toBeInstanceOf(UnrecoverableError);
    } finally {
      env.telegram.override('sendMessage', undefined);
    }
  });
});

describe('GET /messages', () => {
  it('pages through the author’s own messages, newest first', async () => {
    const { token } = await createAccount(env.services, { telegramId: nextTelegramId++ });
    const other = await createAccount(env.services, { telegramId: nextTelegramId++ });
    for (const text of ['one', 'two', 'three'])
      await apiRequest(env.app, 'POST', '/messages', { token, json: { text } });
    await apiRequest(env.app, 'POST', '/messages', { token: other.token, json: { text: 'not yours' } });

    const first = await apiRequest(env.app, 'GET', '/messages?limit=2', { token });
    expect(first.body.items.map((m: { text: string }) => m.text)).toEqual(['three', 'two']);
    const second = await apiRequest(env.app, 'GET', `/messages?limit=2&cursor=${first.body.nextCursor}`, { token });
    expect(second.body.items.map((m: { text: string }) => m.text)).toEqual(['one']);
    expect(second.body.nextCursor).toBeNull();
  });

  it.each(['limit=0', 'limit=101', 'limit=abc', 'cursor=abc', 'cursor=1;drop'])(
    'answers 422 for ?%s',
    async (query) => {
      const { token } = await createAccount(env.services);
      expect((await apiRequest(env.app, 'GET', `/messages?${query}`, { token })).status).toBe(422);
    },
  );
});
