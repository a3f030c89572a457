import type { Job } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { sendRoomMessage } from '../../src/features/chat/chat.js';
import { createChatDelivery } from '../../src/features/chat/delivery.js';
import {
  CHAT_DELIVERY_QUEUE,
  type ChatDeliveryJob,
  handleChatDelivery,
} from '../../src/features/chat/jobs/delivery.js';
import { Message } from '../../src/features/chat/message.entity.js';
import { Presence } from '../../src/features/chat/presence.js';
import { isRoomMember, joinRoom, roomMembers } from '../../src/features/chat/room.js';
import { blockUser } from '../../src/features/users/blocks.js';
import { User } from '../../src/features/users/user.entity.js';
import { TelegramBudget } from '../../src/platform/telegram/budget.js';
import { createAccount } from '../helpers/accounts.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';

const env = useTestEnvironment();
let nextName = 1;
let nextTelegramId = 950_000;
const account = (fields: Parameters<typeof createAccount>[1] = {}) =>
  createAccount(env.services, { username: `tg_user_${nextName++}`, ...fields });
const queue = () => env.services.jobs.queue<ChatDeliveryJob>(CHAT_DELIVERY_QUEUE);

/**
 * Runs every chat-delivery job in the queue (due or delayed, so notice windows need not be waited
 * out) the way the worker would, including the jobs they enqueue, and removes them.
 */
async function runChatJobs(): Promise<Array<{ data: ChatDeliveryJob; outcome: string }>> {
  const ran: Array<{ data: ChatDeliveryJob; outcome: string }> = [];
  for (;;) {
    const jobs = (await queue().getJobs(['waiting', 'delayed', 'prioritized'])).filter(
      Boolean,
    ) as Job<ChatDeliveryJob>[];
    if (jobs.length === 0) return ran;
    jobs.sort((a, b) => a.timestamp + (a.delay ?? 0) - (b.timestamp + (b.delay ?? 0)));
    for (const job of jobs) {
      await job.remove();
      ran.push({ data: job.data, outcome: await handleChatDelivery(env.services, job) });
    }
  }
}

const postPm = (token: string, to: string | null | undefined, text: string) =>
  apiRequest(env.app, 'POST', '/messages', { token, json: { to, text } });

afterEach(async () => {
  await runChatJobs();
  env.telegram.override('sendMessage', undefined);
});

describe('a PM to someone without a live WebSocket', () => {
  it('arrives in their Telegram as "💬 @sender: text", HTML-escaped, with Reply and Block buttons', async () => {
    const ann = await account({ firstName: 'Ann' });
    const chatId = nextTelegramId++;
    await account({ telegramId: chatId, username: 'bob_tg' });
    const res = await postPm(ann.token, 'bob_tg', 'Hi <b>Bob</b> & co');
    expect(res.status).toBe(201);
    const ran = await runChatJobs();
    expect(ran).toEqual([{ data: { type: 'pm', messageId: res.body.id }, outcome: 'sent' }]);
    const sent = env.telegram.callsOf('sendMessage').filter((c) => c.payload.chat_id === chatId);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.payload.text).toBe(`💬 @${ann.user.username}: Hi &lt;b&gt;Bob&lt;/b&gt; &amp; co`);
    expect(sent[0]?.payload.parse_mode).toBe('HTML');
    expect(sent[0]?.payload.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: '↩️ Reply', callback_data: `pm:reply:${ann.user.id}` },
          { text: '🚫 Block', callback_data: `pm:block:${ann.user.id}` },
        ],
      ],
    });
  });

  it('speaks the recipient’s language and names a sender without a username by name', async () => {
    const chatId = nextTelegramId++;
    const ivan = await account({ telegramId: chatId, language: 'ru' });
    const em = env.em();
    const sender = em.create(User, { telegramId: nextTelegramId++, telegramFirstName: 'Анна', language: 'en' });
    const message = em.create(Message, { kind: 'pm', from: sender, to: ivan.user.id, text: 'привет' });
    await em.flush();
    expect(await env.services.chat.deliverPrivate(message.id)).toBe('telegram');
    await runChatJobs();
    const sent = env.telegram.callsOf('sendMessage').filter((c) => c.payload.chat_id === chatId);
    expect(sent.map((c) => c.payload.text)).toEqual(['💬 Анна: привет']);
    expect(sent[0]?.payload.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: '↩️ Ответить', callback_data: `pm:reply:${sender.id}` },
          { text: '🚫 Заблокировать', callback_data: `pm:block:${sender.id}` },
        ],
      ],
    });
  });

  it('10 quick PMs: the first 5 arrive in full, the other 5 become exactly one "N new messages" notice', async () => {
    const ann = await account();
    const chatId = nextTelegramId++;
    const bob = await account({ telegramId: chatId });
    for (let i = 1; i <= 10; i++) expect((await postPm(ann.token, bob.user.username, `quick ${i}`)).status).toBe(201);
    const ran = await runChatJobs();
    expect(ran.map((r) => r.data.type)).toEqual(['pm', 'pm', 'pm', 'pm', 'pm', 'pm-notice']);
    const inFull = [1, 2, 3, 4, 5].map((i) => `💬 @${ann.user.username}: quick ${i}`);
    expect(env.telegram.textsTo(chatId)).toEqual([...inFull, `📨 5 new messages from @${ann.user.username} — /inbox`]);
    const notice = env.telegram
      .callsOf('sendMessage')
      .find((c) => c.payload.chat_id === chatId && String(c.payload.text).startsWith('📨'));
    expect(notice?.payload.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: '↩️ Reply', callback_data: `pm:reply:${ann.user.id}` },
          { text: '🚫 Block', callback_data: `pm:block:${ann.user.id}` },
        ],
      ],
    });
    // Another recipient has a window of their own.
    const carolChat = nextTelegramId++;
    const carol = await account({ telegramId: carolChat });
    await postPm(ann.token, carol.user.username, 'to carol');
    await runChatJobs();
    expect(env.telegram.textsTo(carolChat)).toEqual([`💬 @${ann.user.username}: to carol`]);
  });

  it('gives one notice per window even when several processes deliver at once, and a notice job that runs twice sends once', async () => {
    const ann = await account();
    const chatId = nextTelegramId++;
    const bob = await account({ telegramId: chatId, language: 'ru' });
    const em = env.em();
    const ids: string[] = [];
    for (let i = 1; i <= 8; i++) {
      const m = em.create(Message, { kind: 'pm', from: ann.user.id, to: bob.user.id, text: `p${i}` });
      await em.flush();
      ids.push(m.id);
    }
    // Three "processes", each with its own delivery object, deliver concurrently.
    const processes = [0, 1, 2].map(() =>
      createChatDelivery({
        orm: env.services.orm,
        redis: env.services.redis,
        jobs: env.services.jobs,
        keyPrefix: env.services.keyPrefix,
      }),
    );
    const outcomes = await Promise.all(ids.map((id, i) => processes[i % 3]?.deliverPrivate(id)));
    expect(outcomes.every((o) => o === 'telegram')).toBe(true);
    const jobs = (await queue().getJobs(['waiting', 'delayed'])).filter(Boolean) as Job<ChatDeliveryJob>[];
    const mine = jobs.filter(
      (j) =>
        (j.data.type === 'pm' && ids.includes(j.data.messageId)) ||
        (j.data.type === 'pm-notice' && j.data.recipientId === bob.user.id),
    );
    expect(mine.map((j) => j.data.type).sort()).toEqual(['pm', 'pm', 'pm', 'pm', 'pm', 'pm-notice']);
    const notice = mine.find((j) => j.data.type === 'pm-notice') as Job<ChatDeliveryJob>;
    expect(await handleChatDelivery(env.services, notice)).toBe('sent');
    expect(await handleChatDelivery(env.services, notice)).toBe('skipped');
    await runChatJobs();
    const texts = env.telegram.textsTo(chatId);
    expect(texts.filter((t) => t.startsWith('📨'))).toEqual([`📨 3 новых сообщения от @${ann.user.username} — /inbox`]);
    expect(texts.filter((t) => t.startsWith('💬'))).toHaveLength(5);
  });

  it('starts a new window once the old one is over: the next PM arrives in full again', async () => {
    const delivery = createChatDelivery(
      { orm: env.services.orm, redis: env.services.redis, jobs: env.services.jobs, keyPrefix: env.services.keyPrefix },
      // One PM in full per window, so that the second one of the window is folded.
      { noticeWindowMs: 300, pmsInFull: 1 },
    );
    const ann = await account();
    const chatId = nextTelegramId++;
    const bob = await account({ telegramId: chatId });
    const em = env.em();
    const store = async (text: string) => {
      const m = em.create(Message, { kind: 'pm', from: ann.user.id, to: bob.user.id, text });
      await em.flush();
      return m.id;
    };
    await delivery.deliverPrivate(await store('w1 a'));
    await delivery.deliverPrivate(await store('w1 b'));
    await new Promise((r) => setTimeout(r, 400));
    await delivery.deliverPrivate(await store('w2 a'));
    await runChatJobs();
    // (The notice is due a moment after its window ends, so it may come after "w2 a".)
    expect(env.telegram.textsTo(chatId).sort()).toEqual(
      [
        `💬 @${ann.user.username}: w1 a`,
        `📨 1 new message from @${ann.user.username} — /inbox`,
        `💬 @${ann.user.username}: w2 a`,
      ].sort(),
    );
  });

  it('sends nothing to someone who blocked the bot or has no Telegram (stored only)', async () => {
    const ann = await account();
    const blockedChat = nextTelegramId++;
    const blocked = await account({ telegramId: blockedChat });
    await env.em().nativeUpdate(User, { id: blocked.user.id }, { botBlocked: true });
    const httpOnly = await account();
    const before = env.telegram.callsOf('sendMessage').length;
    for (const to of [blocked, httpOnly]) {
      const res = await postPm(ann.token, to.user.username, 'anyone?');
      expect(res.status).toBe(201);
      expect(await env.services.chat.deliverPrivate(res.body.id)).toBe('stored');
    }
    expect(await runChatJobs()).toEqual([]);
    expect(env.telegram.callsOf('sendMessage').length).toBe(before);
    // Still readable later.
    const inbox = await apiRequest(env.app, 'GET', `/messages?with=${ann.user.username}`, { token: httpOnly.token });
    expect(inbox.body.items.map((m: { text: string }) => m.text)).toEqual(['anyone?']);
  });

  it('marks a recipient who blocked the bot meanwhile (403) and sends them nothing more', async () => {
    const ann = await account();
    const chatId = nextTelegramId++;
    const bob = await account({ telegramId: chatId });
    env.telegram.override('sendMessage', (call) =>
      call.payload.chat_id === chatId
        ? { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' }
        : undefined,
    );
    await postPm(ann.token, bob.user.username, 'first');
    expect((await runChatJobs()).map((r) => r.outcome)).toEqual(['blocked']);
    expect((await env.em().findOneOrFail(User, { id: bob.user.id })).botBlocked).toBe(true);
    const next = await postPm(ann.token, bob.user.username, 'second');
    expect(await env.services.chat.deliverPrivate(next.body.id)).toBe('stored');
  });

  it('sends nothing more of a sender the recipient blocked after the PMs were sent, in full or in the notice', async () => {
    const ann = await account();
    const cid = await account();
    const chatId = nextTelegramId++;
    const bob = await account({ telegramId: chatId });
    // Five go in full, the other three (two of Ann's, Cid's) are folded into the window's notice.
    for (let i = 1; i <= 7; i++) expect((await postPm(ann.token, bob.user.username, `ann ${i}`)).status).toBe(201);
    expect((await postPm(cid.token, bob.user.username, 'cid here')).status).toBe(201);
    await blockUser(env.em(), bob.user.id, ann.user.id);

    const ran = await runChatJobs();
    expect(ran.map((r) => `${r.data.type} ${r.outcome}`)).toEqual([...Array(5).fill('pm skipped'), 'pm-notice sent']);
    expect(env.telegram.textsTo(chatId)).toEqual([`📨 1 new message from @${cid.user.username} — /inbox`]);
    // Stored all the same: the blocker's history with Ann keeps them.
    expect(await env.em().count(Message, { kind: 'pm', from: ann.user.id, to: bob.user.id })).toBe(7);
  });
});

describe('room fan-out to Telegram', () => {
  it('sends "name: text" to offline Telegram members only (never the sender, non-members, blocked or online users)', async () => {
    const sender = await account({ firstName: 'Sam' });
    const offlineChat = nextTelegramId++;
    const offline = await account({ telegramId: offlineChat });
    const onlineChat = nextTelegramId++;
    const online = await account({ telegramId: onlineChat });
    const blockedChat = nextTelegramId++;
    const blocked = await account({ telegramId: blockedChat });
    await env.em().nativeUpdate(User, { id: blocked.user.id }, { botBlocked: true });
    const outsiderChat = nextTelegramId++;
    await account({ telegramId: outsiderChat });
    const httpOnly = await account();
    for (const u of [sender, offline, online, blocked, httpOnly]) await joinRoom(env.services, u.user.id);
    await new Presence(env.services.redis, env.services.keyPrefix).touch(online.user.id, 'conn-1');

    const message = await sendRoomMessage(
      env.em(),
      await env.em().findOneOrFail(User, { id: sender.user.id }),
      'Hi <all>',
    );
    await env.services.chat.deliverRoom(message.id);
    const ran = await runChatJobs();
    expect(ran).toEqual([
      { data: { type: 'room', messageId: message.id }, outcome: 'queued' },
      { data: { type: 'room-send', messageId: message.id, userId: offline.user.id }, outcome: 'sent' },
    ]);
    expect(env.telegram.textsTo(offlineChat)).toEqual(['🏠 <b>Sam</b> in the room: Hi &lt;all&gt;']);
    for (const chat of [onlineChat, blockedChat, outsiderChat]) expect(env.telegram.textsTo(chat)).toEqual([]);
  });

  it('takes a member who blocked the bot out of the room', async () => {
    const sender = await account();
    const chatId = nextTelegramId++;
    const gone = await account({ telegramId: chatId });
    await joinRoom(env.services, gone.user.id);
    env.telegram.override('sendMessage', (call) =>
      call.payload.chat_id === chatId
        ? { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' }
        : undefined,
    );
    const message = await sendRoomMessage(env.em(), await env.em().findOneOrFail(User, { id: sender.user.id }), 'x');
    await env.services.chat.deliverRoom(message.id);
    const ran = await runChatJobs();
    expect(ran.find((r) => r.data.type === 'room-send' && r.data.userId === gone.user.id)?.outcome).toBe('blocked');
    expect(await isRoomMember(env.services, gone.user.id)).toBe(false);
    expect((await env.em().findOneOrFail(User, { id: gone.user.id })).botBlocked).toBe(true);
    expect(await roomMembers(env.services)).not.toContain(gone.user.id);
  });
});

describe('the shared Telegram send budget', () => {
  it('hands out slots 1/rate apart across instances (processes), and a 429 pushes the whole schedule back', async () => {
    const key = `${env.services.keyPrefix}budget-test:`;
    const a = new TelegramBudget(env.services.redis, key, 1);
    const b = new TelegramBudget(env.services.redis, key, 1);
    const waits = await Promise.all([a.reserve(), b.reserve(), a.reserve()]);
    waits.sort((x, y) => x - y);
    expect(waits[0]).toBeLessThan(100);
    expect(waits[1]).toBeGreaterThan(800);
    expect(waits[2]).toBeGreaterThan(1800);
    // A 429 with retry_after 5: no slot before now + 5 s, however many senders heard it.
    await b.pause(5);
    await a.pause(5);
    const afterPause = await a.reserve();
    expect(afterPause).toBeGreaterThan(4500);
    expect(afterPause).toBeLessThan(6000);
  });

  it('takes a group of slots that fall within a horizon in one call, and nothing while a pause key lives', async () => {
    const key = `${env.services.keyPrefix}budget-group:`;
    const budget = new TelegramBudget(env.services.redis, key, 100); // a slot every 10 ms
    const first = await budget.take(50, 100);
    expect(first.taken).toBe(10);
    expect(first.waitMs).toBeLessThan(20);
    // The next slots lie 100 ms and more ahead: outside a 50 ms horizon.
    const none = await budget.take(50, 50);
    expect(none.taken).toBe(0);
    expect(none.waitMs).toBeGreaterThan(0);
    expect(none.waitMs).toBeLessThanOrEqual(60);
    const capped = await budget.take(3, 1000);
    expect(capped.taken).toBe(3);
    expect(capped.waitMs).toBeGreaterThan(50);
    const pauseKey = `${key}pause`;
    await env.services.redis.set(pauseKey, '1', 'PX', 2000);
    const paused = await budget.take(5, 1000, pauseKey);
    expect(paused.taken).toBe(0);
    expect(paused.waitMs).toBeGreaterThan(1500);
  });
});
