import { beforeAll, describe, expect, it } from 'vitest';
import { sweepTaskNotices } from '../../src/features/tasks/jobs/notice-sweep.js';
import {
  ASSIGNED_LIST_CALLBACK,
  ASSIGNMENTS_IN_FULL,
  summaryCounts,
  taskNoticesQueue,
} from '../../src/features/tasks/jobs/notices.js';
import { TaskNotice } from '../../src/features/tasks/task.entities.js';
import { blockUser } from '../../src/features/users/blocks.js';
import { createAccount } from '../helpers/accounts.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';
import { noticesDelivered, startNoticeWorker, userOf } from '../helpers/tasks.js';

/**
 * Assignment floods (jobs/notices.ts, as the chat folds PM bursts, SPEC §2.3): the first
 * ASSIGNMENTS_IN_FULL tasks one owner hands to (or takes back from) one person within a minute
 * reach them one by one, at once; the rest of that minute come as one summary, "@x assigned you
 * N more tasks", with 📥 Assigned to me. The summaries are owed in PostgreSQL (the sweep sends
 * one whose job Redis lost) and say nothing from someone the recipient blocked meanwhile.
 */
const env = useTestEnvironment();

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
const api = <T = any>(method: string, path: string, options: Parameters<typeof apiRequest>[3] = {}) =>
  apiRequest<T>(env.app, method, path, options);

type Account = Awaited<ReturnType<typeof createAccount>>;
let owner: Account; // Olga, who floods
let other: Account; // Pete, another owner
let bea: BotClient; // the recipient (English)
let ivan: BotClient; // the recipient (Russian)

const textsTo = (client: BotClient) =>
  env.telegram.callsOf('sendMessage').filter((c) => c.payload.chat_id === client.chatId);
const told = (client: BotClient, part: string) => textsTo(client).filter((c) => String(c.payload.text).includes(part));

/** Waits until the worker has sent every notice told on its own (the summaries wait for their window). */
async function toldAtOnce(): Promise<void> {
  const queue = taskNoticesQueue(env.services.jobs);
  for (const started = Date.now(); ; ) {
    const counts = await queue.getJobCounts('waiting', 'active', 'prioritized');
    if (Object.values(counts).every((n) => n === 0)) return;
    if (Date.now() - started > 10_000) throw new Error(`task notices still queued: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The summaries waiting for their window's end, run now (as the worker would at the end of the window). */
async function windowEnds(): Promise<number> {
  const delayed = await taskNoticesQueue(env.services.jobs).getDelayed();
  for (const job of delayed) await job.promote();
  await noticesDelivered(env);
  return delayed.length;
}

const createFor = async (by: Account, assignee: string, title: string) => {
  const res = await api('POST', '/tasks', { token: by.token, json: { title, assignee } });
  expect(res.status).toBe(201);
  return res.body.id as string;
};

beforeAll(async () => {
  startNoticeWorker(env);
  owner = await createAccount(env.services, { username: 'olga_flood', firstName: 'Olga' });
  other = await createAccount(env.services, { username: 'pete_flood', firstName: 'Pete' });
  bea = env.bot.client({ id: 791_001, first_name: 'Bea', username: 'bea_flood', language_code: 'en' });
  ivan = env.bot.client({ id: 791_002, first_name: 'Иван', username: 'ivan_flood', language_code: 'ru' });
  for (const c of [bea, ivan]) await c.sendCommand('start');
});

describe('a burst of assignments from one owner to one person', () => {
  it('the first five reach them at once; the rest of the minute come as one summary', async () => {
    for (let i = 1; i <= ASSIGNMENTS_IN_FULL + 2; i++) await createFor(owner, 'bea_flood', `Chore ${i}`);
    // Another owner's assignment within the same minute is not part of Olga's burst.
    await createFor(other, 'bea_flood', 'Pete’s chore');
    await toldAtOnce();
    const one = (i: number) => told(bea, `<b>Chore ${i}</b>`);
    for (let i = 1; i <= ASSIGNMENTS_IN_FULL; i++) expect(one(i)).toHaveLength(1);
    expect(one(6)).toHaveLength(0);
    expect(one(7)).toHaveLength(0);
    expect(told(bea, 'Pete’s chore')).toHaveLength(1);
    expect(await env.em().count(TaskNotice, { folded: true, recipient: (await userOf(env, bea)).id })).toBe(2);

    expect(await windowEnds()).toBe(1);
    const summaries = told(bea, 'more task');
    expect(summaries.map((c) => c.payload.text)).toEqual(['👤 Olga assigned you 2 more tasks.']);
    expect(JSON.stringify(summaries[0]?.payload.reply_markup)).toContain(ASSIGNED_LIST_CALLBACK);
    // Once: a second run of the window's job (or the sweep's) finds nothing left to tell.
    expect(await sweepTaskNotices(env.services, { now: new Date(Date.now() + 10 * 60_000) })).toBe(0);
  });

  it('📥 Assigned to me turns the summary into the list of tasks assigned to them', async () => {
    await bea.click('📥 Assigned to me');
    expect(bea.lastReply()).toContain('Open · Assigned to me');
    expect(bea.buttons()).toContain('⏳ 📥 Chore 7');
  });

  it('tasks taken back count too; the summary tells what changed, in the recipient’s language', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= ASSIGNMENTS_IN_FULL; i++) ids.push(await createFor(owner, 'ivan_flood', `Дело ${i}`));
    // Beyond the five: two taken back, one more given, one given and taken back again (no news).
    for (const id of ids.slice(0, 2)) {
      expect((await api('PATCH', `/tasks/${id}`, { token: owner.token, json: { assignee: null } })).status).toBe(200);
    }
    await createFor(owner, 'ivan_flood', 'Дело 6');
    const fleeting = await createFor(owner, 'ivan_flood', 'Дело 7');
    expect((await api('PATCH', `/tasks/${fleeting}`, { token: owner.token, json: { assignee: null } })).status).toBe(
      200,
    );
    expect(await windowEnds()).toBe(1);
    expect(told(ivan, 'поручил(а) вам задачу')).toHaveLength(ASSIGNMENTS_IN_FULL);
    expect(told(ivan, 'забрал(а) задачу')).toHaveLength(0);
    expect(told(ivan, 'ещё').map((c) => c.payload.text)).toEqual([
      '👤 Olga поручил(а) вам ещё 1 задачу.\n👤 Olga забрал(а) у вас ещё 2 задачи.',
    ]);
    expect(JSON.stringify(told(ivan, 'ещё')[0]?.payload.reply_markup)).toContain('📥 Поручены мне');
  });
});

describe('a burst’s summary', () => {
  it('is not sent when the recipient blocked the owner before the window ended', async () => {
    const cleo = env.bot.client({ id: 791_003, first_name: 'Cleo', username: 'cleo_flood', language_code: 'en' });
    await cleo.sendCommand('start');
    for (let i = 1; i <= ASSIGNMENTS_IN_FULL + 3; i++) await createFor(other, 'cleo_flood', `Spam ${i}`);
    await toldAtOnce();
    expect(told(cleo, 'assigned you a task')).toHaveLength(ASSIGNMENTS_IN_FULL);
    await blockUser(env.em(), (await userOf(env, cleo)).id, other.user.id);
    expect(await windowEnds()).toBe(1);
    expect(told(cleo, 'more task')).toHaveLength(0);
  });

  it('whose job Redis lost is sent by the sweep, once', async () => {
    const dan = env.bot.client({ id: 791_004, first_name: 'Dan', username: 'dan_flood', language_code: 'en' });
    await dan.sendCommand('start');
    for (let i = 1; i <= ASSIGNMENTS_IN_FULL + 1; i++) await createFor(owner, 'dan_flood', `Lost ${i}`);
    await toldAtOnce();
    const queue = taskNoticesQueue(env.services.jobs);
    // Redis forgets the window's job.
    for (const job of await queue.getDelayed()) await job.remove();
    await noticesDelivered(env);
    // Within the window's grace the sweep leaves it to the window's own job…
    expect(await sweepTaskNotices(env.services)).toBe(0);
    // …after it, the sweep's own summary claims it.
    expect(await sweepTaskNotices(env.services, { now: new Date(Date.now() + 10 * 60_000) })).toBe(1);
    await noticesDelivered(env);
    expect(told(dan, 'more task').map((c) => c.payload.text)).toEqual(['👤 Olga assigned you one more task.']);
    expect(await sweepTaskNotices(env.services, { now: new Date(Date.now() + 10 * 60_000) })).toBe(0);
  });
});

describe('summaryCounts', () => {
  const row = (id: number, task: number, kind: 'assigned' | 'unassigned') => ({ id: String(id), task_id: task, kind });

  it('counts what changed for the recipient, task by task, from what they knew before the burst', () => {
    const rows = [
      row(1, 10, 'assigned'), // new, still theirs → assigned
      row(2, 11, 'unassigned'), // theirs before, gone → taken back
      row(3, 12, 'assigned'),
      row(4, 12, 'unassigned'), // given and taken back within the burst → nothing
      row(5, 13, 'unassigned'),
      row(6, 13, 'assigned'), // taken and given back → nothing
    ];
    expect(summaryCounts(rows, new Set(['10', '13']))).toEqual({ assigned: 1, takenBack: 1 });
    expect(summaryCounts([...rows].reverse(), new Set(['10', '13']))).toEqual({ assigned: 1, takenBack: 1 });
  });
});
