import { beforeAll, describe, expect, it } from 'vitest';
import { sendRoomMessage } from '../../src/features/chat/chat.js';
import {
  CHAT_DELIVERY_QUEUE,
  chatDeliveryJobOptions,
  handleChatDelivery,
  startChatDeliveryWorker,
} from '../../src/features/chat/jobs/delivery.js';
import {
  DELIVERY_GRACE_MS,
  DELIVERY_MAX_AGE_MS,
  sweepChatDeliveries,
} from '../../src/features/chat/jobs/delivery-sweep.js';
import { Message, type StoredMedia } from '../../src/features/chat/message.entity.js';
import { joinRoom } from '../../src/features/chat/room.js';
import { RoomSend } from '../../src/features/chat/room-send.entity.js';
import { NOTICE_MAX_AGE_MS, sweepTaskNotices } from '../../src/features/tasks/jobs/notice-sweep.js';
import { TaskNotice } from '../../src/features/tasks/task.entities.js';
import { User } from '../../src/features/users/user.entity.js';
import type { Logger } from '../../src/platform/logger.js';
import { createAccount } from '../helpers/accounts.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';

/**
 * Issue 18: what a message owes outlives its jobs. A Telegram outage longer than a job's retries
 * (here two quick attempts instead of ten over 17 minutes) must not lose a room member's copy of a
 * line or the second part of a media PM: the sweep re-derives them from PostgreSQL once Telegram
 * is back, each member gets the line exactly once (also those served before the outage), and a
 * PM's first part is not sent again. Owed for over a day, a PM still goes out; an echo, a room
 * line or a task notice is stale news, marked given up and counted in one log line per sweep.
 */
const env = useTestEnvironment();
const OUTAGE_MS = 2_500;

let nextChat = 684_000_000;

beforeAll(() => {
  // The queue's first user sets its options: two quick attempts, so an outage outlasts them.
  env.services.jobs.queue(CHAT_DELIVERY_QUEUE, {
    defaultJobOptions: {
      ...chatDeliveryJobOptions.defaultJobOptions,
      attempts: 2,
      backoff: { type: 'fixed', delay: 100 },
    },
  });
});

const chatQueue = () => env.services.jobs.queue(CHAT_DELIVERY_QUEUE, chatDeliveryJobOptions);

async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The worker has given up on `n` jobs (every retry answered with an error) and nothing else is pending. */
const retriesRanOut = (n: number) =>
  eventually(`${n} jobs out of retries`, async () => {
    const { failed, ...pending } = await chatQueue().getJobCounts(
      'waiting',
      'active',
      'delayed',
      'prioritized',
      'failed',
    );
    return failed === n && Object.values(pending).every((count) => count === 0);
  });

const chatQueueDrained = () =>
  eventually('the chat queue to drain', async () => {
    const counts = await chatQueue().getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).every((n) => n === 0);
  });

/** Waits out the rest of an outage started at `started`. */
const outageOver = (started: number) =>
  new Promise((r) => setTimeout(r, Math.max(0, started + OUTAGE_MS + 100 - Date.now())));

/** The sweeps' clock, past the grace they leave the request that stored the message. */
const later = (ms = 0) => ({ now: new Date(Date.now() + 2 * DELIVERY_GRACE_MS + 1_000 + ms) });

async function telegramUser(name: string) {
  const account = await createAccount(env.services, {
    username: `${name.toLowerCase()}_${nextChat}`,
    firstName: name,
    telegramId: nextChat++,
  });
  return { ...account, chatId: account.user.telegramId as number };
}

/** The bot's messages in a chat, as its user sees them: [text or caption, media file id]. */
const chatOf = (chatId: number) => env.telegram.botMessages(chatId).map((m) => [m.caption ?? m.text, m.media?.file_id]);

let workerStarted = false;
/** The chat worker of this file, started once (the first test starts it mid-outage). */
const startWorker = () => {
  if (!workerStarted) startChatDeliveryWorker(env.services);
  workerStarted = true;
};

describe('a Telegram outage longer than the retries', () => {
  it('a room line reaches every member exactly once: the one served before it, the rest after it via the sweep', async () => {
    const olga = await telegramUser('Olga');
    const members = [await telegramUser('Ann'), await telegramUser('Bob'), await telegramUser('Cid')];
    for (const m of members) await joinRoom(env.services, m.user.id);
    const from = await env.em().findOneOrFail(User, { id: olga.user.id });
    const line = await sendRoomMessage(env.em(), from, 'Through the storm');
    // The fan-out is planned (no worker yet), and Ann's copy goes out before Telegram fails.
    expect(await handleChatDelivery(env.services, { data: { type: 'room', messageId: line.id } })).toBe('queued');
    expect(await env.em().count(RoomSend, { message: line.id })).toBe(3);
    const [ann, bob, cid] = members as [(typeof members)[0], (typeof members)[0], (typeof members)[0]];
    expect(
      await handleChatDelivery(env.services, { data: { type: 'room-send', messageId: line.id, userId: ann.user.id } }),
    ).toBe('sent');

    const started = Date.now();
    env.telegram.outage(OUTAGE_MS, 'server-error');
    startWorker();
    // Bob's and Cid's jobs use up their retries; Ann's finds nothing owed.
    await retriesRanOut(2);
    await outageOver(started);
    const expected = ['🏠 <b>Olga</b> in the room: Through the storm', undefined];
    expect(chatOf(ann.chatId)).toEqual([expected]);
    expect(chatOf(bob.chatId)).toEqual([]);
    expect(chatOf(cid.chatId)).toEqual([]);

    // Telegram is back: the sweep queues the two copies still owed, and only those.
    expect(await sweepChatDeliveries(env.services, later())).toBe(2);
    await eventually('Bob and Cid', () => chatOf(bob.chatId).length > 0 && chatOf(cid.chatId).length > 0);
    await chatQueueDrained();
    expect(await sweepChatDeliveries(env.services, later())).toBe(0);
    for (const m of members) expect(chatOf(m.chatId)).toEqual([expected]);
    expect(chatOf(olga.chatId)).toEqual([]);
    expect(await env.em().count(RoomSend, { message: line.id })).toBe(0);
  }, 45_000);

  it.each([
    {
      kind: 'a photo whose caption is too long (the caption follows as a reply)',
      media: { type: 'photo', fileId: 'storm-photo' } satisfies StoredMedia,
      text: `Long caption ${'x'.repeat(1_100)}`,
      failing: 'sendMessage',
      parts: (text: string) => [
        ['💬…', 'storm-photo'],
        [text, undefined],
      ],
    },
    {
      kind: 'a sticker (the sender line first, then the sticker)',
      media: { type: 'sticker', fileId: 'storm-sticker' } satisfies StoredMedia,
      text: '',
      failing: 'sendSticker',
      parts: () => [
        ['💬…', undefined],
        ['', 'storm-sticker'],
      ],
    },
  ])(
    'a media PM, $kind: each part arrives once',
    async ({ media, text, failing, parts }) => {
      startWorker();
      const olga = await telegramUser('Olga');
      const bea = await telegramUser('Bea');
      const em = env.em();
      const pm = em.create(Message, { kind: 'pm', from: olga.user.id, to: bea.user.id, text, media, delivery: 'owed' });
      await em.flush();
      /** What Bea sees: the sender's line shortened to its 💬. */
      const seen = () => chatOf(bea.chatId).map(([t, f]) => [String(t).startsWith('💬') ? '💬…' : t, f]);
      // The first part goes through; the second fails until the job's retries are used up.
      const started = Date.now();
      env.telegram.outage(OUTAGE_MS, 'server-error', [failing]);
      await env.services.chat.deliverPrivate(pm.id);
      await retriesRanOut(1);
      await outageOver(started);
      expect(seen()).toEqual(parts(text).slice(0, 1));

      expect(await sweepChatDeliveries(env.services, later())).toBe(1);
      await eventually('the rest of the PM', () => seen().length > 1);
      await chatQueueDrained();
      expect(await sweepChatDeliveries(env.services, later())).toBe(0);
      expect(seen()).toEqual(parts(text));
      if (media.type === 'photo') {
        // The caption in full, as a reply to the photo sent before the outage.
        const photo = env.telegram.botMessages(bea.chatId)[0];
        const texts = env.telegram.calls.filter((c) => c.method === 'sendMessage' && c.payload.chat_id === bea.chatId);
        expect(texts.at(-1)?.payload.reply_parameters).toMatchObject({ message_id: photo?.message_id });
      }
      expect((await env.em().findOneOrFail(Message, { id: pm.id })).delivery).toBeNull();
    },
    45_000,
  );
});

describe('owed for more than a day', () => {
  it('a PM (in full or folded) still arrives; an echo, a room line, a member’s copy and a task notice are given up, counted in one log line', async () => {
    startWorker();
    const olga = await telegramUser('Olga');
    const bea = await telegramUser('Bea');
    const em = env.em();
    const owed = (kind: 'pm' | 'echo' | 'room', text: string, delivery: 'owed' | 'folded' = 'owed') =>
      em.create(Message, {
        kind,
        from: olga.user.id,
        to: kind === 'pm' ? bea.user.id : null,
        text,
        delivery,
      });
    const pm = owed('pm', 'Old PM');
    const folded = owed('pm', 'Old folded PM', 'folded');
    const echo = owed('echo', 'Old echo');
    const line = owed('room', 'Old line');
    const planned = owed('room', 'Old planned line');
    planned.delivery = null;
    await em.flush();
    em.create(RoomSend, {
      message: planned.id,
      user: bea.user.id,
      claimed: false,
      partsSent: 0,
      firstPartId: null,
      createdAt: new Date(),
    });
    await em.flush();
    const task = await apiRequest(env.app, 'POST', '/tasks', {
      token: olga.token,
      json: { title: 'Old plan', assignee: bea.user.username },
    });
    expect(task.status).toBe(201);
    // Nothing of it went out before (Redis lost the jobs): the task notice's job is dropped.
    await env.services.jobs.queue('task-notices').obliterate({ force: true });
    expect(await em.count(TaskNotice, { recipient: bea.user.id, sentAt: null })).toBe(1);

    const logged: Array<[unknown, string]> = [];
    const info = (obj: unknown, msg?: string) => {
      logged.push([obj, msg ?? '']);
    };
    const log = Object.assign(Object.create(env.services.log) as Logger, { info });
    const dayLater = later(Math.max(DELIVERY_MAX_AGE_MS, NOTICE_MAX_AGE_MS));
    // The PM in full and the folded one's notice are queued; the rest is given up, once.
    expect(await sweepChatDeliveries({ ...env.services, log }, dayLater)).toBe(2);
    expect(await sweepTaskNotices({ ...env.services, log }, dayLater)).toBe(0);
    expect(logged).toEqual([
      [{ echoesAndRoomLines: 2, memberCopies: 1 }, 'chat deliveries owed for over a day given up as stale'],
      [{ notices: 1 }, 'task notices owed for over a day given up as stale'],
    ]);
    expect(await sweepChatDeliveries({ ...env.services, log }, dayLater)).toBe(0);
    expect(await sweepTaskNotices({ ...env.services, log }, dayLater)).toBe(0);
    expect(logged).toHaveLength(2);

    await eventually('the old PMs', () => chatOf(bea.chatId).length >= 2);
    await chatQueueDrained();
    const texts = chatOf(bea.chatId).map(([t]) => t);
    expect(texts).toHaveLength(2);
    expect(texts).toEqual(
      expect.arrayContaining([expect.stringContaining('Old PM'), expect.stringContaining('1 new message from')]),
    );
    expect(chatOf(olga.chatId)).toEqual([]);
    const state = async (m: Message) => (await env.em().findOneOrFail(Message, { id: m.id })).delivery;
    expect([await state(pm), await state(folded)]).toEqual([null, null]);
    expect([await state(echo), await state(line), await state(planned)]).toEqual(['given_up', 'given_up', 'given_up']);
    expect(await env.em().count(RoomSend, { message: planned.id })).toBe(0);
    const notice = await env.em().findOneOrFail(TaskNotice, { recipient: bea.user.id });
    expect([notice.sentAt, notice.givenUpAt]).toEqual([null, expect.any(Date)]);
  }, 45_000);
});
