import type { Job } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { sendRoomMessage } from '../../src/features/chat/chat.js';
import { PMS_IN_FULL } from '../../src/features/chat/delivery.js';
import {
  CHAT_DELIVERY_QUEUE,
  type ChatDeliveryJob,
  handleChatDelivery,
} from '../../src/features/chat/jobs/delivery.js';
import { Message } from '../../src/features/chat/message.entity.js';
import { ECHO_LIMIT } from '../../src/features/chat/messages.js';
import { joinRoom } from '../../src/features/chat/room.js';
import { RateGate } from '../../src/features/mailings/jobs/rate-gate.js';
import { User } from '../../src/features/users/user.entity.js';
import {
  CHAT_MIN_RATE,
  chatBudget,
  chatSendRate,
  TELEGRAM_GLOBAL_RATE,
  telegramBudgetKey,
} from '../../src/platform/telegram/budget.js';
import { createAccount } from '../helpers/accounts.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';

/**
 * Issue 10, point 6: the floods one free account could aim at others through the chat — the
 * echo, a burst of PMs to one person, a chatty room beside a running mailing — are each stopped,
 * and nothing else changes.
 */
const env = useTestEnvironment();
let nextName = 1;
let nextTelegramId = 960_000;
const account = (fields: Parameters<typeof createAccount>[1] = {}) =>
  createAccount(env.services, { username: `lim_user_${nextName++}`, ...fields });

/** Runs every queued chat-delivery job (due or delayed) as the worker would, and those they enqueue. */
async function runChatJobs(): Promise<Array<{ data: ChatDeliveryJob; outcome: string }>> {
  const queue = env.services.jobs.queue<ChatDeliveryJob>(CHAT_DELIVERY_QUEUE);
  const ran: Array<{ data: ChatDeliveryJob; outcome: string }> = [];
  for (;;) {
    const jobs = (await queue.getJobs(['waiting', 'delayed', 'prioritized'])).filter(Boolean) as Job<ChatDeliveryJob>[];
    if (jobs.length === 0) return ran;
    jobs.sort((a, b) => a.timestamp + (a.delay ?? 0) - (b.timestamp + (b.delay ?? 0)));
    for (const job of jobs) {
      await job.remove();
      ran.push({ data: job.data, outcome: await handleChatDelivery(env.services, job) });
    }
  }
}

/** Runs the queued chat jobs and returns the echoes among them (the echo's Telegram send). */
async function runEchoJobs(): Promise<ChatDeliveryJob[]> {
  return (await runChatJobs()).map((r) => r.data).filter((data) => data.type === 'echo');
}

const post = (token: string, json: { text: string; to?: string }) =>
  apiRequest(env.app, 'POST', '/messages', { token, json });

afterEach(async () => {
  await runChatJobs();
});

describe('the echo flood', () => {
  it(`answers echo ${ECHO_LIMIT.count + 1} within a minute with 429 rate_limited and Retry-After; nothing more is stored or sent`, async () => {
    const chatId = nextTelegramId++;
    const ann = await account({ firstName: 'Ann', telegramId: chatId });
    for (let i = 1; i <= ECHO_LIMIT.count; i++) expect((await post(ann.token, { text: `echo ${i}` })).status).toBe(201);

    const refused = await post(ann.token, { text: 'one too many' });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(ECHO_LIMIT.windowSeconds);
    expect(refused.body.error.details).toEqual({ retryAfter });

    // Exactly the allowed echoes were stored, queued and sent to Telegram.
    expect(await env.em().count(Message, { from: ann.user.id })).toBe(ECHO_LIMIT.count);
    expect(await runEchoJobs()).toHaveLength(ECHO_LIMIT.count);
    const texts = env.telegram.textsTo(chatId);
    expect(texts).toHaveLength(ECHO_LIMIT.count);
    expect(texts.some((t) => t.includes('one too many'))).toBe(false);

    // The limit is the author's own: another account echoes, and Ann's PMs are not affected.
    const bobChat = nextTelegramId++;
    const bob = await account({ telegramId: bobChat });
    expect((await post(bob.token, { text: 'mine' })).status).toBe(201);
    expect((await post(ann.token, { to: bob.user.username as string, text: 'a PM still goes' })).status).toBe(201);
  });

  it('sends the echo under the chat lane of the Telegram send budget', async () => {
    const chatId = nextTelegramId++;
    const ann = await account({ telegramId: chatId });
    const key = telegramBudgetKey(env.services.keyPrefix, 'chat');
    await env.services.redis.del(key);
    expect((await post(ann.token, { text: 'budgeted' })).status).toBe(201);
    expect(await env.services.redis.exists(key)).toBe(0);
    await runEchoJobs();
    expect(env.telegram.textsTo(chatId)).toHaveLength(1);
    // The send booked its slot in the chat lane's schedule.
    expect(await env.services.redis.exists(key)).toBe(1);
  });
});

describe('a burst of PMs to one recipient', () => {
  it(`delivers ${PMS_IN_FULL} PMs in a row in full and folds the 6th and 7th into one notice`, async () => {
    const ann = await account();
    const chatId = nextTelegramId++;
    const bob = await account({ telegramId: chatId });
    for (let i = 1; i <= PMS_IN_FULL + 2; i++) {
      expect((await post(ann.token, { to: bob.user.username as string, text: `m${i}` })).status).toBe(201);
    }
    await runChatJobs();
    const from = `@${ann.user.username}`;
    expect(env.telegram.textsTo(chatId)).toEqual([
      ...Array.from({ length: PMS_IN_FULL }, (_, i) => `💬 ${from}: m${i + 1}`),
      `📨 2 new messages from ${from} — /inbox`,
    ]);
    // Every PM is stored and in the inbox, folded or not.
    expect(await env.em().count(Message, { kind: 'pm', to: bob.user.id })).toBe(PMS_IN_FULL + 2);
  });

  it('counts per recipient whoever sends, and names the senders of the folded PMs', async () => {
    const chatId = nextTelegramId++;
    const bob = await account({ telegramId: chatId });
    const [ann, carol, dave, erin] = await Promise.all([account(), account(), account(), account()]);
    const pm = async (from: { token: string }, text: string) =>
      expect((await post(from.token, { to: bob.user.username as string, text })).status).toBe(201);
    for (const text of ['a1', 'a2', 'a3']) await pm(ann, text);
    for (const text of ['c1', 'c2']) await pm(carol, text);
    // Bob has had 5 in full from two people; the flood goes on from two more.
    await pm(dave, 'd1');
    await pm(erin, 'e1');
    await pm(dave, 'd2');
    await runChatJobs();
    const texts = env.telegram.textsTo(chatId);
    expect(texts.filter((t) => t.startsWith('💬'))).toHaveLength(PMS_IN_FULL);
    expect(texts.filter((t) => t.startsWith('📨'))).toEqual([
      `📨 3 new messages from @${dave.user.username} and @${erin.user.username} — /inbox`,
    ]);
    // Several senders: no single one to reply to; /inbox lists them.
    const notice = env.telegram
      .callsOf('sendMessage')
      .find((c) => c.payload.chat_id === chatId && String(c.payload.text).startsWith('📨'));
    expect(notice?.payload.reply_markup).toBeUndefined();
  });

  it('names at most three senders and counts the rest, in the recipient’s language', async () => {
    const chatId = nextTelegramId++;
    const ivan = await account({ telegramId: chatId, language: 'ru' });
    const em = env.em();
    const senders = await Promise.all(Array.from({ length: 5 }, () => account()));
    const store = async (from: string, text: string) => {
      const m = em.create(Message, { kind: 'pm', from, to: ivan.user.id, text });
      await em.flush();
      expect(await env.services.chat.deliverPrivate(m.id)).toBe('telegram');
    };
    for (let i = 1; i <= PMS_IN_FULL; i++) await store(senders[0]?.user.id as string, `full ${i}`);
    for (const s of senders) await store(s.user.id, 'folded');
    await runChatJobs();
    const [first, second, third] = senders.map((s) => `@${s.user.username}`);
    expect(env.telegram.textsTo(chatId).filter((t) => t.startsWith('📨'))).toEqual([
      `📨 5 новых сообщений от ${first}, ${second}, ${third} и ещё 2 собеседников — /inbox`,
    ]);
  });
});

describe('room fan-out beside a running mailing', () => {
  it('draws from a lane of its own, so the mailing keeps its full MAILING_RATE while the room’s lane is used up', async () => {
    const rate = env.services.config.mailing.rate;
    const keys = {
      mailing: telegramBudgetKey(env.services.keyPrefix, 'mailing'),
      chat: telegramBudgetKey(env.services.keyPrefix, 'chat'),
    };
    expect(keys.mailing).not.toBe(keys.chat);
    await env.services.redis.del(keys.mailing, keys.chat);

    // A chatty room: a line to every offline Telegram member, sent the way the worker sends it.
    const sender = await account({ firstName: 'Sam' });
    const members = await Promise.all(Array.from({ length: 4 }, () => account({ telegramId: nextTelegramId++ })));
    for (const u of [sender, ...members]) await joinRoom(env.services, u.user.id);
    const line = await sendRoomMessage(env.em(), await env.em().findOneOrFail(User, { id: sender.user.id }), 'chatty');
    await env.services.chat.deliverRoom(line.id);
    const ran = await runChatJobs();
    expect(ran.filter((r) => r.data.type === 'room-send' && r.outcome === 'sent')).toHaveLength(members.length);
    for (const m of members)
      expect(env.telegram.textsTo(m.user.telegramId as number)).toEqual(['🏠 <b>Sam</b> in the room: chatty']);
    // It booked slots of the chat lane only: the mailing lane's schedule was never touched.
    expect(await env.services.redis.exists(keys.chat)).toBe(1);
    expect(await env.services.redis.exists(keys.mailing)).toBe(0);

    // The room floods on: its lane is booked a minute ahead (every room line, PM and echo waits)...
    const chat = chatBudget(env.services);
    for (let i = 0; i < chat.rate * 60; i++) await chat.reserve();
    expect(await chat.take(1, 1000)).toMatchObject({ taken: 0 });
    // ...and the mailing's gate (src/features/mailings/jobs/engine.ts sends through it) still hands out a full
    // second at MAILING_RATE.
    const gate = new RateGate(env.services.redis, env.services.keyPrefix, rate);
    expect(await gate.take(rate, 1000)).toMatchObject({ taken: rate });
  });

  it('a 429 heard by a mailing pauses the chat lane too (SPEC §2.5: all sending), and not longer than asked', async () => {
    const keys = (['mailing', 'chat'] as const).map((lane) => telegramBudgetKey(env.services.keyPrefix, lane));
    await env.services.redis.del(...keys);
    const gate = new RateGate(env.services.redis, env.services.keyPrefix, env.services.config.mailing.rate);
    await gate.pause(30);
    const chat = chatBudget(env.services);
    expect(await chat.take(1, 20_000)).toMatchObject({ taken: 0 });
    expect(await chat.take(1, 40_000)).toMatchObject({ taken: 1 });
    await env.services.redis.del(...keys);
  });

  it('splits Telegram’s global limit: the two lanes together stay within ~30 messages/s', () => {
    const config = env.services.config.mailing;
    expect(config.rate + chatSendRate(config)).toBeLessThanOrEqual(TELEGRAM_GLOBAL_RATE);
    expect(chatSendRate({ rate: 25, paidBroadcast: false })).toBe(5);
    expect(chatSendRate({ rate: 10, paidBroadcast: false })).toBe(20);
    // MAILING_RATE may take (nearly) the whole limit: the chat still moves.
    expect(chatSendRate({ rate: 30, paidBroadcast: false })).toBe(CHAT_MIN_RATE);
    // Paid broadcasts are outside the free limit: the chat gets all of it.
    expect(chatSendRate({ rate: 500, paidBroadcast: true })).toBe(TELEGRAM_GLOBAL_RATE);
  });
});
