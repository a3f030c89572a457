import { HttpError } from 'grammy';
import { beforeAll, describe, expect, it } from 'vitest';
import { startNotificationsWorker } from '../../src/features/accounts/index.js';
import { startChatDeliveryWorker } from '../../src/features/chat/index.js';
import { startReminderWorker } from '../../src/features/tasks/index.js';
import { neverReachedTelegram } from '../../src/platform/telegram/send-outcome.js';
import { createAccount } from '../helpers/accounts.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { FakeBotApi } from '../helpers/fake-bot-api.js';
import { apiRequest } from '../helpers/services.js';

/**
 * Issue 18, point 3: Telegram stalls. Through the fake Bot API's time-boxed faults — answering
 * 502 for a while, unreachable for a while (calls time out connecting: nothing reaches it), and a
 * 429 storm with retry_after — what the worker sends outside an update (a reminder, a private
 * message, the echo of a message posted over HTTP, a registration confirmation) is delayed, never
 * lost and never sent twice (counted in the messages the fake carried out); the bot answers
 * again once Telegram does.
 */
const env = useTestEnvironment();
const OUTAGE_MS = 2_500;

let nextChat = 672_000_000;

beforeAll(() => {
  startReminderWorker(env.services);
  startChatDeliveryWorker(env.services);
  startNotificationsWorker(env.services);
});

/** Everything the worker sends for one round, started while Telegram is down. */
async function owedDuringOutage(round: string) {
  const alice = await createAccount(env.services, {
    username: `alice_${round}`,
    firstName: 'Alice',
    telegramId: nextChat++,
  });
  const bob = await createAccount(env.services, { username: `bob_${round}`, firstName: 'Bob', telegramId: nextChat++ });
  // A Telegram user who started the bot (before the outage) asks for an account.
  const carol = env.bot.client({ id: nextChat++, first_name: 'Carol', language_code: 'en' });
  await carol.sendCommand('start');
  return {
    chats: { alice: alice.user.telegramId as number, bob: bob.user.telegramId as number, carol: carol.chatId },
    async start() {
      const task = await apiRequest(env.app, 'POST', '/tasks', {
        token: alice.token,
        json: { title: `Reminder ${round}`, dueAt: new Date(Date.now() + 300).toISOString() },
      });
      expect(task.status).toBe(201);
      const pm = await apiRequest(env.app, 'POST', '/messages', {
        token: alice.token,
        json: { to: `bob_${round}`, text: `PM ${round}` },
      });
      expect(pm.status).toBe(201);
      const echo = await apiRequest(env.app, 'POST', '/messages', {
        token: bob.token,
        json: { text: `Echo ${round}` },
      });
      expect(echo.status).toBe(201);
      const registered = await apiRequest(env.app, 'POST', '/auth/register', {
        json: { username: `carol_${round}`, password: 'a long password', telegramId: carol.chatId },
      });
      expect(registered.status).toBe(202);
    },
  };
}

/** Messages Telegram carried out to a chat that contain `text`. */
const delivered = (chatId: number, text: string) =>
  env.telegram.sentTo(chatId).filter((s) => s.text.includes(text)).length;

async function eventually(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function ridesOut(round: string, outage: () => void) {
  const owed = await owedDuringOutage(round);
  const { alice, bob, carol } = owed.chats;
  outage();
  await owed.start();
  // During the outage nothing got through.
  expect(delivered(alice, `Reminder ${round}`) + delivered(bob, `PM ${round}`)).toBe(0);
  const expected: Array<[number, string]> = [
    [alice, `Reminder ${round}`],
    [bob, `PM ${round}`],
    [bob, `Echo ${round}`],
    [carol, `@carol_${round}`],
  ];
  await eventually(`everything of round ${round}`, () => expected.every(([chat, text]) => delivered(chat, text) > 0));
  // Settle: any retry still queued would have gone out by now.
  await new Promise((r) => setTimeout(r, 1_500));
  for (const [chat, text] of expected) expect({ text, sent: delivered(chat, text) }).toEqual({ text, sent: 1 });

  // Interactive answers recover: the bot answers a fresh command.
  const dave = env.bot.client({ id: nextChat++, first_name: 'Dave', language_code: 'en' });
  await dave.sendCommand('start');
  expect(dave.lastReply()).toContain('Gramdesk');
}

describe('Telegram outages: delayed, never lost, never twice', () => {
  it('the Bot API answering 502 for a while', async () => {
    await ridesOut('e5xx', () => env.telegram.outage(OUTAGE_MS, 'server-error'));
    expect(env.telegram.anomalies.refusals.size).toBe(0);
  }, 45_000);

  it('the Bot API unreachable for a while (calls time out connecting)', async () => {
    await ridesOut('etimeout', () => env.telegram.outage(OUTAGE_MS, 'timeout'));
  }, 45_000);

  it('a 429 storm with retry_after', async () => {
    await ridesOut('e429', () => env.telegram.floodStorm(OUTAGE_MS, 1));
    expect(env.telegram.floodWindows.length).toBeGreaterThan(0);
  }, 45_000);
});

describe('neverReachedTelegram', () => {
  it('says "never sent" for a refused connection and "maybe delivered" for one cut after the call', async () => {
    const fake = new FakeBotApi();
    const root = await fake.listen();
    const call = () =>
      fetch(`${root}/bot1:x/sendMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: 1, text: 'hi' }),
      }).catch((err: unknown) => err);
    try {
      fake.resetAfterBody(1);
      const cut = await call();
      expect(neverReachedTelegram(new HttpError('failed', cut))).toBe(false);
      await fake.refuseFor(60_000);
      const refused = await call();
      expect(neverReachedTelegram(new HttpError('failed', refused))).toBe(true);
    } finally {
      await fake.close();
    }
  });
});
