import { beforeAll, describe, expect, it } from 'vitest';
import { openTaskCallback, REMINDER_ACTIONS, reminderCallback } from '../../src/features/tasks/jobs/reminders.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import {
  dataOf,
  findTask,
  lastMessage,
  lastToast,
  seedComments,
  seedTasks,
  tableState,
  userOf,
} from '../helpers/tasks.js';

/**
 * Authorization matrix: a second Telegram user presses every task and comment button with the
 * first user's ids (the first user's real callback_data, sent from the second user's own chat,
 * as a modified client could) and gets "not found"; nothing is stored, and no dialog starts.
 */
const env = useTestEnvironment();

const TASK_NOT_FOUND = '❌ Task not found: it was deleted or is not yours.';
const COMMENT_NOT_FOUND = '❌ Comment not found: it was deleted or is not yours.';

let owner: BotClient;
let intruder: BotClient;
let ownerTask = '';
let ownerComment = '';
let intruderTask = '';
/** The owner's real callback_data, by button. */
const owned: Record<string, string> = {};

beforeAll(async () => {
  owner = env.bot.client({ id: 740_001, first_name: 'Owner', language_code: 'en' });
  intruder = env.bot.client({ id: 740_002, first_name: 'Intruder', language_code: 'en' });
  await owner.sendCommand('start');
  await intruder.sendCommand('start');
  const ownerUser = await userOf(env, owner);
  [ownerTask = ''] = await seedTasks(env, ownerUser, ['Secret plan'], {
    description: `${'long '.repeat(790)}end`,
    dueAt: new Date('2099-05-05T10:00:00Z'),
    tags: ['private'],
  });
  [ownerComment = ''] = await seedComments(env, ownerUser, ownerTask, ['Owner only']);
  // The intruder has a task and a comment of their own, so their screens have the same shape.
  const intruderUser = await userOf(env, intruder);
  [intruderTask = ''] = await seedTasks(env, intruderUser, ['Own plan']);
  await seedComments(env, intruderUser, intruderTask, ['Own comment']);

  await owner.sendCommand('tasks');
  owned['list: open task'] = dataOf(env, owner, '⏳ Secret plan · 📅 May 5, 2099');
  await owner.click('⏳ Secret plan · 📅 May 5, 2099');
  const card: Array<[string, string]> = [
    ['card: status in progress', '🟡 In progress'],
    ['card: status done', '✅ Done'],
    ['card: advance reminder', '🔔 In advance: off'],
    ['card: edit title', '✏️ Title'],
    ['card: edit description', '📝 Description'],
    ['card: edit due date', '📅 Due date'],
    ['card: edit tags', '🏷 Tags'],
    ['card: comments', '💬 Comments (1)'],
    ['card: full description', '📄 Full description'],
    ['card: delete', '🗑 Delete'],
    ['card: back to the list', '◀️ Back to list'],
  ];
  for (const [name, label] of card) owned[name] = dataOf(env, owner, label);
  await owner.click('🗑 Delete');
  owned['delete: yes'] = dataOf(env, owner, '🗑 Yes, delete');
  owned['delete: no'] = dataOf(env, owner, '◀️ No, keep it');
  await owner.click('◀️ No, keep it');
  await owner.click('💬 Comments (1)');
  owned['comments: edit'] = dataOf(env, owner, '✏️ 1');
  owned['comments: delete'] = dataOf(env, owner, '🗑 1');
  owned['comments: add'] = dataOf(env, owner, '➕ Add comment');
  owned['comments: back to the task'] = dataOf(env, owner, '◀️ Back to task');
  await owner.click('🗑 1');
  owned['comment delete: yes'] = dataOf(env, owner, '🗑 Yes, delete');
  owned['comment delete: no'] = dataOf(env, owner, '◀️ No, keep it');
  await owner.click('◀️ No, keep it');
  owned['reminder: open'] = openTaskCallback(ownerTask);
  for (const action of REMINDER_ACTIONS) owned[`reminder: ${action}`] = reminderCallback(ownerTask, action);

  await intruder.sendCommand('tasks');
});

/** Presses `data` as the intruder, on the intruder's own latest message. */
async function press(data: string): Promise<void> {
  await intruder.pressCallback(lastMessage(env, intruder), data);
}

/** After a refused press, a text must not land in a dialog (no edit dialog was started). */
async function expectNoDialog(): Promise<void> {
  await intruder.sendText('Hijacked!');
  expect(intruder.lastReply()).toContain("I'm not sure what you mean");
}

describe('another user pressing the owner’s buttons', () => {
  const names = [
    'list: open task',
    'card: status in progress',
    'card: status done',
    'card: advance reminder',
    'card: edit title',
    'card: edit description',
    'card: edit due date',
    'card: edit tags',
    'card: comments',
    'card: full description',
    'card: delete',
    'card: back to the list',
    'delete: yes',
    'delete: no',
    'comments: edit',
    'comments: delete',
    'comments: add',
    'comments: back to the task',
    'comment delete: yes',
    'comment delete: no',
    'reminder: open',
    'reminder: d',
    'reminder: o',
    'reminder: z15',
    'reminder: z60',
    'reminder: zt',
  ];

  it('collected every button of the owner', () => {
    expect(Object.keys(owned).sort()).toEqual([...names].sort());
    // The payloads do carry the owner's ids.
    expect(owned['card: edit title']).toContain(`/${ownerTask}.`);
    expect(owned['comment delete: yes']).toContain(`${ownerComment}/`);
  });

  it.each(names)('%s → "not found", nothing changes', async (name) => {
    const before = await tableState(env);
    const repliesBefore = intruder.replies().length;
    await press(owned[name] ?? '');
    expect(lastToast(env)).toBe(TASK_NOT_FOUND);
    // Nothing of the owner's task reached the intruder's chat.
    const shown = intruder.replies().slice(repliesBefore).join('\n');
    expect(shown).not.toContain('Secret plan');
    expect(shown).not.toContain('Owner only');
    expect(shown).not.toContain('long long');
    await expectNoDialog();
    expect(await tableState(env)).toEqual(before);
  });

  it('the deep link /start task_<id> of someone else’s task says "not found"', async () => {
    const before = await tableState(env);
    await intruder.sendCommand('start', `task_${ownerTask}`);
    expect(intruder.lastReply()).toBe(TASK_NOT_FOUND);
    await expectNoDialog();
    expect(await tableState(env)).toEqual(before);
  });

  it('the owner’s comment id on the intruder’s own task finds nothing either', async () => {
    // The intruder's own comments screen has the same shape; swap in the owner's comment id.
    await intruder.sendCommand('tasks');
    await intruder.click('⏳ Own plan');
    await intruder.click('💬 Comments (1)');
    const swap = (data: string) => data.replace(/\.([a-z])\d+\//, `.$1${ownerComment}/`);
    const before = await tableState(env);

    await press(swap(dataOf(env, intruder, '✏️ 1')));
    expect(lastToast(env)).toBe(COMMENT_NOT_FOUND);
    await expectNoDialog();
    await press(swap(dataOf(env, intruder, '🗑 1')));
    expect(lastToast(env)).toBe(COMMENT_NOT_FOUND);
    await intruder.click('🗑 1');
    await press(swap(dataOf(env, intruder, '🗑 Yes, delete')));
    expect(lastToast(env)).toBe(COMMENT_NOT_FOUND);
    expect(await tableState(env)).toEqual(before);
  });

  it('answers every forged press exactly once, and the owner’s buttons still work for the owner', async () => {
    const answers = env.telegram.callsOf('answerCallbackQuery').map((c) => c.payload.callback_query_id);
    expect(new Set(answers).size).toBe(answers.length);
    expect(intruder.replies().join('\n')).not.toContain('Sorry, something went wrong');

    await owner.pressCallback(lastMessage(env, owner), owned['reminder: open'] ?? '');
    expect(owner.lastReply()).toContain('📌 <b>Secret plan</b>');
    await owner.click('🟡 In progress');
    expect((await findTask(env, ownerTask))?.status).toBe('in_progress');
  });
});
