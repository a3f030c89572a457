import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMailingView } from '../../src/features/mailings/mailings.js';
import { SigningKeys } from '../../src/platform/auth/keys.js';
import type { Orm } from '../../src/platform/db/orm.js';
import type { Services } from '../../src/platform/services.js';
import { createAccount } from '../helpers/accounts.js';
import { BotClient } from '../helpers/bot-client.js';
import type { FakeBotApi } from '../helpers/fake-bot-api.js';
import { newMailing, seedUsers } from '../helpers/mailings.js';
import type { RunningProgram } from '../helpers/program.js';
import { type ProgramOnRedis, startProgramOnRedis } from '../helpers/program-on-redis.js';
import { testConfig } from '../helpers/services.js';
import type { ThrowawayRedis } from '../helpers/throwaway-redis.js';

/**
 * Issue 18, point 2: the real program (every role in one process) over a redis-server of this
 * file's own, stopped twice under traffic — first restarted with its append-only file (its data
 * back), then restarted empty (`--save '' --appendonly no`). Throughout: no exit; requests that
 * need Redis answer 503 service_unavailable with Retry-After, never 500; /ready flips and comes
 * back; the log says each outage once; /metrics counts them; the bot tells a user "temporarily
 * unavailable" once; a reminder due in each outage is sent exactly once (after the empty restart
 * the sweep re-queues it); a mailing running through both finishes with every recipient served once.
 */
const RECIPIENTS = 150;
const OUTAGE_MS = 2_000;

let harness: ProgramOnRedis;
let redis: ThrowawayRedis;
let telegram: FakeBotApi;
let program: RunningProgram;
let orm: Orm;
let api = '';

type Sample = { phase: string; path: string; status: number; retryAfter: string | null; body: unknown };
const samples: Sample[] = [];
let phase = 'before';

async function call(path: string, init: { token?: string; body?: unknown } = {}) {
  const response = await fetch(`${api}${path}`, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // /metrics is text
  }
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
}

const until: ProgramOnRedis['until'] = (...args) => harness.until(...args);

const logLines = () => harness.logLines();

const metric = async (name: string) => {
  const { body } = await call('/metrics');
  const line = String(body)
    .split('\n')
    .find((l) => l.startsWith(name));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : undefined;
};

beforeAll(async () => {
  harness = await startProgramOnRedis({ persistent: true, env: { MAILING_RATE: '20' } });
  ({ redis, telegram, program, orm, api } = harness);
}, 120_000);

afterAll(() => harness?.close(), 60_000);

describe('Redis stops and comes back, with and without its data', () => {
  it('answers 503 (never 500), flips /ready, says it once, and loses and duplicates nothing', async () => {
    const config = testConfig();
    const keys = await SigningKeys.load(() => orm.em.fork(), undefined);
    const services = { orm, keys, config } as unknown as Services;
    const ownerChat = 651_000_001;
    const { token } = await createAccount(services, { firstName: 'Ola', telegramId: ownerChat });

    const mailingChats = new Set(await seedUsers(orm.em.fork(), RECIPIENTS, { tags: ['outage'] }));
    const mailing = await newMailing(services, {
      text: 'Outage mailing',
      filter: { tags: ['outage'] },
      endAt: new Date(Date.now() + 10 * 60_000),
    });

    // Traffic all along: a route that reads (tasks) and one that needs Redis (the echo's limit and queue).
    let traffic = true;
    const load = (async () => {
      while (traffic) {
        for (const [path, body] of [
          ['/tasks', undefined],
          ['/messages', { text: 'ping' }],
          ['/health', undefined],
        ] as const) {
          const at = phase;
          const res = await call(path, { token, body });
          // Where the request started and where it ended: one in flight when Redis stopped is an outage's too.
          samples.push({
            phase: `${at}…${phase}`,
            path,
            status: res.status,
            retryAfter: res.retryAfter,
            body: res.body,
          });
        }
        await new Promise((r) => setTimeout(r, 150));
      }
    })();

    const reminded = (title: string) => telegram.sentTo(ownerChat).filter((s) => s.text.includes(title)).length;
    const outage = async (name: string, title: string, persistent: boolean) => {
      const created = await call('/tasks', {
        token,
        body: { title, dueAt: new Date(Date.now() + 1_500).toISOString() },
      });
      expect(created.status).toBe(201);
      phase = `down: ${name}`;
      await redis.stop();
      await until('/ready 503', async () => (await call('/ready')).status === 503);
      expect((await call('/ready')).body).toMatchObject({ status: 'unavailable', checks: { redis: 'error' } });
      expect(await metric('dependency_up{dependency="redis"}')).toBe(0);
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      await redis.start({ persistent });
      await until('/ready 200', async () => (await call('/ready')).status === 200);
      phase = `up: ${name}`;
      // The reminder that fell due while Redis was away: sent once, whether its job survived or not.
      await until(`the reminder "${title}"`, () => reminded(title) > 0);
    };

    await outage('outage with data', 'Due in outage one', true);

    // The bot during the second outage: one short notice in the user's language, not one per message.
    const user = { id: 651_000_002, first_name: 'Ира', language_code: 'ru' };
    const client = new BotClient(telegram, user, async (update) => telegram.pushUpdate(update));
    const notices = () => telegram.sentTo(user.id).filter((s) => s.text.includes('временно недоступен')).length;
    const secondOutage = outage('empty outage', 'Due in outage two', false);
    await until('the second outage', () => phase === 'down: empty outage');
    await until('/ready 503 again', async () => (await call('/ready')).status === 503);
    await client.sendText('привет');
    await until('the notice', () => notices() === 1);
    // A second message in the same minute: no second notice (checked below, once it was handled).
    await client.sendText('ещё раз');
    await secondOutage;

    // After the empty restart the bot answers again (updates of a chat are handled in order, so
    // the second message was handled before this one).
    await client.sendCommand('start');
    await until('the bot to answer after the outage', () => telegram.sentTo(user.id).length >= 2);
    expect(notices()).toBe(1);

    // The mailing ran through both outages.
    let view = await getMailingView(orm.em.fork(), mailing.id);
    await until(
      'the mailing to complete',
      async () => {
        view = await getMailingView(orm.em.fork(), mailing.id);
        return view.status === 'completed';
      },
      40_000,
    );
    traffic = false;
    await load;

    expect(program.process.exitCode).toBeNull();
    // Every reminder exactly once.
    expect(reminded('Due in outage one')).toBe(1);
    expect(reminded('Due in outage two')).toBe(1);
    // Every recipient of the mailing exactly once.
    expect(view.counts.sent).toBe(RECIPIENTS);
    const mailingSends = telegram.sends.filter((s) => mailingChats.has(s.chatId));
    expect(mailingSends).toHaveLength(RECIPIENTS);
    expect(new Set(mailingSends.map((s) => s.chatId)).size).toBe(RECIPIENTS);

    // Requests: never a 500; 503s during the outages, in the one error shape with Retry-After.
    expect(samples.filter((s) => s.status >= 500 && s.status !== 503)).toEqual([]);
    const unavailable = samples.filter((s) => s.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const s of unavailable) {
      expect(s.phase).toMatch(/down: /);
      expect(s.retryAfter).toMatch(/^\d+$/);
      expect(s.body).toEqual({ error: { code: 'service_unavailable', message: expect.any(String) } });
    }
    expect(samples.filter((s) => s.path === '/health').every((s) => s.status === 200)).toBe(true);
    // After the empty restart: served again (the echo's own limit may say 429, never 503).
    const after = samples.filter((s) => s.phase === 'up: empty outage…up: empty outage');
    expect(after.filter((s) => s.path === '/tasks').at(-1)?.status).toBe(200);
    expect([201, 429]).toContain(after.filter((s) => s.path === '/messages').at(-1)?.status);

    // The log: each outage once, and its end once.
    const lines = logLines();
    expect(lines.filter((l) => /^Redis unreachable/.test(l.msg))).toHaveLength(2);
    expect(lines.filter((l) => /^Redis reachable again/.test(l.msg))).toHaveLength(2);
    // Nothing else at warn or above but the access log's line per answered request.
    expect(lines.filter((l) => l.level >= 40 && l.msg !== 'http request' && !/^Redis unreachable/.test(l.msg))).toEqual(
      [],
    );

    // /metrics: both outages counted, Redis up again, what was answered "unavailable".
    expect(await metric('dependency_up{dependency="redis"}')).toBe(1);
    expect(await metric('dependency_outages_total{dependency="redis"}')).toBe(2);
    expect(await metric('dependency_unavailable_answers_total{dependency="redis",surface="http"}')).toBeGreaterThan(0);
    expect(await metric('dependency_unavailable_answers_total{dependency="redis",surface="bot"}')).toBeGreaterThan(0);
  }, 120_000);
});
