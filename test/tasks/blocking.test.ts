import { beforeAll, describe, expect, it } from 'vitest';
import { chatKeys } from '../../src/features/chat/keys.js';
import { handleTaskNotice } from '../../src/features/tasks/jobs/notices.js';
import { handleReminder } from '../../src/features/tasks/jobs/reminders.js';
import { Task, TaskNotice } from '../../src/features/tasks/task.entities.js';
import { findAssignee, updateTask } from '../../src/features/tasks/tasks.js';
import { blockUser } from '../../src/features/users/blocks.js';
import { User } from '../../src/features/users/user.entity.js';
import { DomainError } from '../../src/platform/errors.js';
import { createAccount } from '../helpers/accounts.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';
import {
  findTask,
  lastToast,
  noticesDelivered,
  seedComments,
  seedTasks,
  startNoticeWorker,
  tableState,
  userOf,
} from '../helpers/tasks.js';

/**
 * Blocking a person (features/users/blocks.ts) in shared tasks: someone who blocked the owner
 * cannot be handed the owner's tasks — over the API, typed in the bot or picked from contacts —
 * and is told nothing more by the owner: no notices (assigned, status, comment, taken back), and
 * no reminders of the owner's tasks they had been given before the block, which stay in their
 * list (tasks.ts, refusesTasksFrom). The block is one way: the blocker is heard as before.
 */
const env = useTestEnvironment();

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
const api = <T = any>(method: string, path: string, options: Parameters<typeof apiRequest>[3] = {}) =>
  apiRequest<T>(env.app, method, path, options);

let olga: BotClient; // the owner (English)
let bea: BotClient; // blocks Olga (and Ivan)
let ivan: BotClient; // an owner who writes Russian
let olgaRow: User;
let beaRow: User;

/** The bot's messages (sent, not edited) to a chat whose text contains `part`. */
const sentTo = (client: BotClient, part: string) =>
  env.telegram
    .callsOf('sendMessage')
    .filter((c) => c.payload.chat_id === client.chatId && String(c.payload.text).includes(part));

/** A private message from `from` to `to`, so that each is a contact the other may pick. */
const corresponded = (from: User, to: User) =>
  env
    .em()
    .getConnection()
    .execute(`insert into messages (kind, from_id, to_id, text, sent_at) values ('pm', ?, ?, 'hi', now())`, [
      from.id,
      to.id,
    ]);

/**
 * Subscribes to these users' channels (what their sockets get): the frames published, per user.
 * A subscriber counts as a connected socket: a notice it takes does not go to Telegram.
 */
async function listenTo(userIds: string[]) {
  const subscriber = env.services.redis.duplicate();
  const received = new Map<string, string[]>(userIds.map((id) => [id, []]));
  const channelOf = (id: string) => chatKeys(env.services.keyPrefix).userChannel(id);
  subscriber.on('message', (channel: string, message: string) => {
    for (const id of userIds) if (channel === channelOf(id)) received.get(id)?.push(message);
  });
  await subscriber.subscribe(...userIds.map(channelOf));
  return {
    of: (id: string) => received.get(id) ?? [],
    /** Waits until a frame published for `id` has arrived here (delivery is asynchronous). */
    async arrived(id: string): Promise<string[]> {
      for (const started = Date.now(); (received.get(id) ?? []).length === 0; ) {
        if (Date.now() - started > 10_000) throw new Error(`no frame for ${id}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return received.get(id) ?? [];
    },
    close: () => subscriber.quit().then(() => undefined),
  };
}

beforeAll(async () => {
  startNoticeWorker(env);
  olga = env.bot.client({ id: 790_001, first_name: 'Olga', username: 'olga_block', language_code: 'en' });
  bea = env.bot.client({ id: 790_002, first_name: 'Bea', username: 'bea_block', language_code: 'en' });
  ivan = env.bot.client({ id: 790_003, first_name: 'Иван', username: 'ivan_block', language_code: 'ru' });
  for (const c of [olga, bea, ivan]) await c.sendCommand('start');
  [olgaRow, beaRow] = [await userOf(env, olga), await userOf(env, bea)];
});

describe('assigning a task to someone who blocked you', () => {
  it('is refused over the API, on POST and PATCH, with an honest reason; nothing changes', async () => {
    const owner = await createAccount(env.services, { username: 'owner_blocked', firstName: 'Oleg' });
    const blocker = await createAccount(env.services, { username: 'blocker_api', firstName: 'Bo' });
    await blockUser(env.em(), blocker.user.id, owner.user.id);
    const own = await api('POST', '/tasks', { token: owner.token, json: { title: 'Mine to give' } });
    expect(own.status).toBe(201);
    const before = await tableState(env);
    const created = await api('POST', '/tasks', {
      token: owner.token,
      json: { title: 'For Bo', assignee: '@Blocker_API' },
    });
    expect(created.status).toBe(422);
    expect(created.body.error.details).toEqual([
      { path: 'assignee', message: '@blocker_api does not accept tasks from you', reason: 'blocked' },
    ]);
    const patched = await api('PATCH', `/tasks/${own.body.id}`, {
      token: owner.token,
      json: { assignee: 'blocker_api' },
    });
    expect(patched.status).toBe(422);
    expect(patched.body.error.details[0]).toEqual({
      path: 'assignee',
      message: '@blocker_api does not accept tasks from you',
      reason: 'blocked',
    });
    expect(await tableState(env)).toEqual(before);
    // One way: the blocker may still hand the owner a task.
    const back = await api('POST', '/tasks', {
      token: blocker.token,
      json: { title: 'For Oleg', assignee: 'owner_blocked' },
    });
    expect(back.status).toBe(201);
  });

  it('is refused for a person picked by id too, with reason "blocked"', async () => {
    await blockUser(env.em(), beaRow.id, olgaRow.id);
    const em = env.em();
    const owner = await em.findOneOrFail(User, { id: olgaRow.id });
    const refusal = await findAssignee(em, owner, { id: beaRow.id }).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(DomainError);
    expect((refusal as DomainError).code).toBe('assignee_invalid');
    expect((refusal as DomainError).details).toMatchObject({
      field: 'assignee',
      reason: 'blocked',
      name: '@bea_block',
    });
  });

  it('the bot says so when the username is typed, and asks again', async () => {
    await seedTasks(env, olgaRow, ['Typed for Bea']);
    await olga.sendCommand('tasks');
    await olga.click(/Typed for Bea/);
    await olga.click('👤 Assign');
    await olga.click('⌨️ Type a username');
    const before = await tableState(env);
    await olga.sendText('@bea_block');
    expect(olga.lastReply()).toContain('🚫 @bea_block does not accept tasks from you: pick someone else.');
    expect(olga.lastReply()).toContain('Send the username of the person who should do “Typed for Bea”');
    expect(await tableState(env)).toEqual(before);
    await olga.sendCommand('cancel');
  });

  it('the assign picker says so when the person is picked from contacts', async () => {
    await corresponded(beaRow, olgaRow);
    const [id = ''] = await seedTasks(env, olgaRow, ['Picked for Bea']);
    await olga.sendCommand('tasks');
    await olga.click(/Picked for Bea/);
    await olga.click('👤 Assign');
    const before = await tableState(env);
    await olga.click('Bea (@bea_block)');
    expect(lastToast(env)).toBe('🚫 @bea_block does not accept tasks from you: pick someone else.');
    expect(await tableState(env)).toEqual(before);
    expect((await findTask(env, id))?.assignee).toBeNull();
  });

  it('the new task’s assignee step says so in the owner’s language (Russian), and asks again', async () => {
    const ivanRow = await userOf(env, ivan);
    await blockUser(env.em(), beaRow.id, ivanRow.id);
    await corresponded(ivanRow, beaRow);
    await ivan.sendCommand('newtask');
    await ivan.sendText('Задача для Беи');
    await ivan.sendText('/skip');
    await ivan.click('Bea (@bea_block)');
    expect(ivan.lastReply()).toContain('🚫 @bea_block не принимает от вас задачи — выберите кого-то другого.');
    expect(ivan.lastReply()).toContain('Поручить задачу кому-нибудь?');
    await ivan.sendText('@bea_block');
    expect(ivan.lastReply()).toContain('🚫 @bea_block не принимает от вас задачи');
    await ivan.sendText('/skip');
    await ivan.sendText('/skip');
    const task = await env.em().findOneOrFail(Task, { title: 'Задача для Беи' }, { populate: ['assignee'] });
    expect(task.assignee).toBeNull();
  });
});

describe('a task the blocked owner had assigned before the block', () => {
  let taskId = '';
  let tom: BotClient; // the assignee who blocks the owner later
  let tomRow: User;

  beforeAll(async () => {
    tom = env.bot.client({ id: 790_004, first_name: 'Tom', username: 'tom_block', language_code: 'en' });
    await tom.sendCommand('start');
    tomRow = await userOf(env, tom);
    [taskId = ''] = await seedTasks(env, olgaRow, ['Shared before the block'], {
      dueAt: new Date('2099-05-05T10:00:00Z'),
    });
    await olga.sendCommand('tasks');
    await olga.click(/Shared before the block/);
    await olga.click('👤 Assign');
    await olga.click('⌨️ Type a username');
    await olga.sendText('@tom_block');
    await noticesDelivered(env);
    expect(sentTo(tom, 'Shared before the block')).toHaveLength(1);
    await blockUser(env.em(), tomRow.id, olgaRow.id);
  });

  it('stays in the blocker’s list, and the owner may still change it, keeping the assignee', async () => {
    await tom.sendCommand('tasks');
    expect(tom.buttons().some((label) => label.includes('Shared before the block'))).toBe(true);
    // Naming the current assignee again (a client sending the whole task back) hands nothing new.
    const em = env.em();
    const olgaNow = await em.findOneOrFail(User, { id: olgaRow.id });
    const task = await updateTask(em, env.services.taskEffects, olgaNow, taskId, {
      title: 'Shared before the block (v2)',
      assignee: 'tom_block',
    });
    expect(task.assignee?.id).toBe(tomRow.id);
  });

  it('the owner’s status changes and comments no longer reach the blocker, in Telegram or on a socket; the blocker’s still reach the owner', async () => {
    // What each one's WebSocket connections would get (the notices are published on their channel).
    const frames = await listenTo([tomRow.id, olgaRow.id]);
    try {
      const sentBefore = env.telegram.chat(tom.chatId).length;
      await olga.sendCommand('tasks');
      await olga.click(/Shared before the block/);
      await olga.click('🟡 In progress');
      await seedComments(env, olgaRow, taskId, ['Are you on it?']);
      await noticesDelivered(env);
      expect(env.telegram.chat(tom.chatId).length).toBe(sentBefore);
      expect(await env.em().count(TaskNotice, { recipient: tomRow.id, by: olgaRow.id })).toBe(1);
      // Tom (who blocked) comments: Olga hears of it (on her "socket", which takes it).
      await seedComments(env, tomRow, taskId, ['Leave me alone']);
      expect((await frames.arrived(olgaRow.id)).some((frame) => frame.includes('Leave me alone'))).toBe(true);
      // Published before Tom's comment was, so it would have arrived first.
      expect(frames.of(tomRow.id)).toEqual([]);
    } finally {
      await frames.close();
    }
  });

  it('its reminders come to the owner only', async () => {
    const due = new Date(Date.now() - 1000);
    await env.em().nativeUpdate(Task, { id: taskId }, { dueAt: due, remindedAt: null, status: 'todo' });
    const before = { olga: sentTo(olga, 'Shared before the block').length, tom: env.telegram.chat(tom.chatId).length };
    expect(await handleReminder(env.services, { data: { taskId, dueAt: due.toISOString() } })).toBe('sent');
    expect(sentTo(olga, 'Shared before the block').length).toBe(before.olga + 1);
    expect(env.telegram.chat(tom.chatId).length).toBe(before.tom);
  });

  it('taking it back is not announced to the blocker either', async () => {
    const sentBefore = env.telegram.chat(tom.chatId).length;
    await olga.sendCommand('tasks');
    await olga.click(/Shared before the block/);
    await olga.click(/^👤 Tom/);
    await olga.click('🚫 Take it back');
    expect((await findTask(env, taskId))?.assignee).toBeNull();
    await noticesDelivered(env);
    expect(env.telegram.chat(tom.chatId).length).toBe(sentBefore);
  });
});

describe('a notice recorded before the block', () => {
  it('is not sent by the worker after it', async () => {
    const sam = env.bot.client({ id: 790_005, first_name: 'Sam', username: 'sam_block', language_code: 'en' });
    await sam.sendCommand('start');
    const samRow = await userOf(env, sam);
    const [id = ''] = await seedTasks(env, olgaRow, ['Owed before the block']);
    // Owed in PostgreSQL, its job not run yet (a Telegram outage, a busy worker).
    const em = env.em();
    const row = em.create(TaskNotice, {
      task: id,
      recipient: samRow.id,
      by: olgaRow.id,
      kind: 'assigned',
      title: 'Owed before the block',
      status: 'todo',
      text: null,
      sentAt: null,
    });
    await em.flush();
    await blockUser(env.em(), samRow.id, olgaRow.id);
    expect(await handleTaskNotice(env.services, { data: { noticeId: row.id } })).toBe('skipped');
    expect(env.telegram.chat(sam.chatId).map((m) => m.text ?? '')).not.toContain(
      expect.stringContaining('Owed before the block'),
    );
    // Claimed: no later job or sweep sends it.
    expect((await env.em().findOneOrFail(TaskNotice, { id: row.id })).sentAt).not.toBeNull();
  });
});
