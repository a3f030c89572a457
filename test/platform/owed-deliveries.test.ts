import type { Worker } from 'bullmq';
import { beforeAll, describe, expect, it } from 'vitest';
import { sendRoomMessage } from '../../src/features/chat/chat.js';
import {
  CHAT_DELIVERY_QUEUE,
  chatDeliveryJobOptions,
  handleChatDelivery,
  startChatDeliveryWorker,
} from '../../src/features/chat/jobs/delivery.js';
import { DELIVERY_GRACE_MS, sweepChatDeliveries } from '../../src/features/chat/jobs/delivery-sweep.js';
import { Message } from '../../src/features/chat/message.entity.js';
import { joinRoom } from '../../src/features/chat/room.js';
import { sweepTaskNotices } from '../../src/features/tasks/jobs/notice-sweep.js';
import { handleTaskNotice, startTaskNoticeWorker } from '../../src/features/tasks/jobs/notices.js';
import { TaskNotice } from '../../src/features/tasks/task.entities.js';
import { User } from '../../src/features/users/user.entity.js';
import { createAccount } from '../helpers/accounts.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { freePort } from '../helpers/program.js';
import { apiRequest } from '../helpers/services.js';
import { noticesDelivered } from '../helpers/tasks.js';

/**
 * Issue 18, points 1 and 3, for what the earlier outage tests left out: shared-task notices and
 * the chat deliveries owed by a stored message (an echo, PMs in full and folded, a room line).
 * Through the fake Bot API's faults (502s for a while, unreachable for a while, a 429 storm) a
 * notice is delayed, then arrives exactly once; after Redis lost every key of this file, the
 * sweeps re-derive from PostgreSQL what was owed and it all arrives exactly once; and a POST
 * /messages whose queueing fails answers 201 with the message stored once (a client retrying a
 * 5xx would have stored it twice), the sweep delivering it.
 */
const env = useTestEnvironment();
const OUTAGE_MS = 2_500;

let nextChat = 681_000_000;
let noticeWorker: Worker | undefined;

beforeAll(() => {
  noticeWorker = startTaskNoticeWorker(env.services);
});

/** Messages Telegram carried out to a chat that contain `text`. */
const delivered = (chatId: number, text: string) =>
  env.telegram.sentTo(chatId).filter((s) => s.text.includes(text)).length;

async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const chatQueue = () => env.services.jobs.queue(CHAT_DELIVERY_QUEUE, chatDeliveryJobOptions);

/** Waits until the chat worker has handled every queued delivery (and what those queued). */
const chatQueueDrained = () =>
  eventually('the chat queue to drain', async () => {
    const counts = await chatQueue().getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).every((n) => n === 0);
  });

/** An empty Redis for this file: every key under its prefix is gone (BullMQ's included). */
async function emptyRedis() {
  const keys = await env.redis.keys();
  if (keys.length > 0) await env.redis.redis.del(...keys);
  expect(await env.redis.keys()).toEqual([]);
}

/** The sweeps' clock, past the grace they leave the request that stored the message. */
const later = () => ({ now: new Date(Date.now() + 2 * DELIVERY_GRACE_MS + 1_000) });

async function pair(round: string) {
  const olga = await createAccount(env.services, {
    username: `olga_${round}`,
    firstName: 'Olga',
    telegramId: nextChat++,
  });
  const bea = await createAccount(env.services, { username: `bea_${round}`, firstName: 'Bea', telegramId: nextChat++ });
  return { olga, bea, chats: { olga: olga.user.telegramId as number, bea: bea.user.telegramId as number } };
}

/** Olga assigns Bea a task and Bea starts it while Telegram is down: each hears once, after it. */
async function noticesRideOut(round: string, outage: () => void) {
  const { olga, bea, chats } = await pair(round);
  outage();
  const created = await apiRequest(env.app, 'POST', '/tasks', {
    token: olga.token,
    json: { title: `Plan ${round}`, assignee: `bea_${round}` },
  });
  expect(created.status).toBe(201);
  const moved = await apiRequest(env.app, 'PATCH', `/tasks/${created.body.id}`, {
    token: bea.token,
    json: { status: 'in_progress' },
  });
  expect(moved.status).toBe(200);
  // During the outage nothing got through.
  expect(delivered(chats.bea, `Plan ${round}`) + delivered(chats.olga, `Plan ${round}`)).toBe(0);
  await eventually(
    `the notices of round ${round}`,
    () => delivered(chats.bea, 'assigned you a task') > 0 && delivered(chats.olga, 'moved') > 0,
  );
  // Every retry still queued has run by now.
  await noticesDelivered(env);
  expect(env.telegram.sentTo(chats.bea).map((s) => s.text)).toEqual([
    `👤 Olga assigned you a task: <b>Plan ${round}</b>`,
  ]);
  expect(env.telegram.sentTo(chats.olga).map((s) => s.text)).toEqual([
    `🔄 Bea moved <b>Plan ${round}</b> to “🟡 In progress”.`,
  ]);
  // Recorded as sent: the sweep finds nothing owed.
  expect(await sweepTaskNotices(env.services, later())).toBe(0);
}

describe('shared-task notices through a Telegram outage: delayed, then exactly once', () => {
  it('the Bot API answering 502 for a while', async () => {
    await noticesRideOut('n5xx', () => env.telegram.outage(OUTAGE_MS, 'server-error'));
  }, 45_000);

  it('the Bot API unreachable for a while (calls time out connecting)', async () => {
    await noticesRideOut('ntimeout', () => env.telegram.outage(OUTAGE_MS, 'timeout'));
  }, 45_000);

  it('a 429 storm with retry_after', async () => {
    await noticesRideOut('n429', () => env.telegram.floodStorm(OUTAGE_MS, 1));
    expect(env.telegram.floodWindows.length).toBeGreaterThan(0);
  }, 45_000);
});

describe('an empty Redis loses no notice, echo, PM or room line', () => {
  it('what was stored before Redis lost its keys is re-queued by the sweeps and delivered exactly once', async () => {
    await noticeWorker?.close();
    const { olga, bea, chats } = await pair('lost');
    // A shared-task notice, recorded and queued, never sent.
    const task = await apiRequest(env.app, 'POST', '/tasks', {
      token: olga.token,
      json: { title: 'Lost plan', assignee: 'bea_lost' },
    });
    expect(task.status).toBe(201);
    // An echo, six PMs to one recipient (five in full, one folded into a notice) and a room line.
    const echo = await apiRequest(env.app, 'POST', '/messages', { token: olga.token, json: { text: 'Echo lost' } });
    expect(echo.status).toBe(201);
    for (let i = 1; i <= 6; i++) {
      const pm = await apiRequest(env.app, 'POST', '/messages', {
        token: olga.token,
        json: { to: 'bea_lost', text: `PM lost ${i}` },
      });
      expect(pm.status).toBe(201);
    }
    await joinRoom(env.services, bea.user.id);
    const line = await sendRoomMessage(env.em(), await env.em().findOneOrFail(User, { id: olga.user.id }), 'Room lost');
    await env.services.chat.deliverRoom(line.id);

    await emptyRedis();
    // Room membership is Redis state, like a session: Bea enters room mode again.
    await joinRoom(env.services, bea.user.id);
    // Start-up sweep and the next one: each owed job comes back once (1 echo, 5 PMs, 1 notice, 1 room line).
    expect(await sweepChatDeliveries(env.services, later())).toBe(8);
    expect(await sweepChatDeliveries(env.services, later())).toBe(0);
    expect(await sweepTaskNotices(env.services, later())).toBe(1);
    expect(await sweepTaskNotices(env.services, later())).toBe(0);

    startChatDeliveryWorker(env.services);
    noticeWorker = startTaskNoticeWorker(env.services);
    const expected: Array<[number, string]> = [
      [chats.olga, 'Echo lost'],
      ...[1, 2, 3, 4, 5].map((i): [number, string] => [chats.bea, `PM lost ${i}`]),
      [chats.bea, '📨 1 new message from @olga_lost'],
      [chats.bea, 'Room lost'],
      [chats.bea, 'assigned you a task: <b>Lost plan</b>'],
    ];
    await eventually('everything owed', () => expected.every(([chat, text]) => delivered(chat, text) > 0));
    await chatQueueDrained();
    await noticesDelivered(env);
    // Sweeps after the sends, and a job run again by hand (a duplicate): nothing more is sent.
    expect(await sweepChatDeliveries(env.services, later())).toBe(0);
    expect(await sweepTaskNotices(env.services, later())).toBe(0);
    expect(await handleChatDelivery(env.services, { data: { type: 'echo', messageId: echo.body.id } })).toBe('skipped');
    const notice = await env.em().findOneOrFail(TaskNotice, { recipient: bea.user.id });
    expect(await handleTaskNotice(env.services, { data: { noticeId: notice.id } })).toBe('skipped');
    for (const [chat, text] of expected) expect({ text, sent: delivered(chat, text) }).toEqual({ text, sent: 1 });
    expect(env.telegram.sentTo(chats.bea).filter((s) => s.text.includes('PM lost 6'))).toHaveLength(0);
    expect(await env.em().count(Message, { from: olga.user.id, delivery: { $ne: null } })).toBe(0);
  }, 45_000);
});

describe('POST /messages while the queue’s Redis is unreachable', () => {
  it('answers 201: stored once (a client has nothing to retry), delivered once by the sweep', async () => {
    // An API process whose job queue points at a Redis that is not there (the rest of it works).
    const broken = await env.newServices({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    const app = env.newApp(broken);
    const { olga, chats } = await pair('noqueue');
    // A client that sends again when the answer is a 5xx.
    const post = async (json: Record<string, string>) => {
      const first = await apiRequest(app, 'POST', '/messages', { token: olga.token, json });
      return first.status >= 500 ? apiRequest(app, 'POST', '/messages', { token: olga.token, json }) : first;
    };
    expect((await post({ text: 'Echo unqueued' })).status).toBe(201);
    expect((await post({ to: 'bea_noqueue', text: 'PM unqueued' })).status).toBe(201);
    expect(await env.em().count(Message, { text: 'Echo unqueued' })).toBe(1);
    expect(await env.em().count(Message, { text: 'PM unqueued' })).toBe(1);

    expect(await sweepChatDeliveries(env.services, later())).toBe(2);
    await eventually(
      'the swept echo and PM',
      () => delivered(chats.olga, 'Echo unqueued') > 0 && delivered(chats.bea, 'PM unqueued') > 0,
    );
    await chatQueueDrained();
    expect(await sweepChatDeliveries(env.services, later())).toBe(0);
    expect(delivered(chats.olga, 'Echo unqueued')).toBe(1);
    expect(delivered(chats.bea, 'PM unqueued')).toBe(1);
  }, 45_000);
});
