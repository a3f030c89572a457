import { describe, expect, it } from 'vitest';
import { editComment } from '../../src/features/tasks/comments.js';
import { Comment, Task } from '../../src/features/tasks/task.entities.js';
import { updateProfile } from '../../src/features/users/profile.js';
import { User } from '../../src/features/users/user.entity.js';
import { createAccount } from '../helpers/accounts.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';
import {
  clockIn,
  commentsOf,
  dataOf,
  findTask,
  lastMessage,
  lastToast,
  localAt,
  seedComments,
  seedTasks,
  tableState,
  userOf,
} from '../helpers/tasks.js';

const env = useTestEnvironment();

let nextId = 720_000;
async function newClient(language_code = 'en'): Promise<BotClient> {
  const client = env.bot.client({ id: nextId++, first_name: 'Ann', language_code });
  await client.sendCommand('start');
  return client;
}

/** A client on the comments screen of a fresh task of theirs with `count` comments. */
async function onComments(count: number, title = 'Discuss me') {
  const client = await newClient();
  const user = await userOf(env, client);
  const [taskId = ''] = await seedTasks(env, user, [title]);
  const commentIds = await seedComments(
    env,
    user,
    taskId,
    Array.from({ length: count }, (_, i) => `Comment ${i + 1}`),
  );
  await client.sendCommand('tasks');
  await client.click(`⏳ ${title}`);
  await client.click(`💬 Comments (${count})`);
  return { client, user, taskId, commentIds };
}

describe('comments', () => {
  it('lists oldest first, 5 a page, opening on the newest page; author, time in the user’s zone, an edited mark', async () => {
    const client = await newClient();
    const em = env.em();
    const user = await em.findOneOrFail(User, { telegramId: client.user.id });
    await updateProfile(em, user, { timezone: 'Europe/Moscow' });
    const [taskId = ''] = await seedTasks(env, user, ['Talkative']);
    const ids = await seedComments(
      env,
      user,
      taskId,
      Array.from({ length: 12 }, (_, i) => `Comment ${i + 1}`),
    );
    await editComment(
      env.em(),
      { cache: env.services.commentCache, effects: env.services.taskEffects },
      await env.em().findOneOrFail(User, { id: user.id }),
      taskId,
      ids[2] ?? '',
      'Comment 3, reworded',
    );
    const stored = await commentsOf(env, taskId);
    // Written just now: the page is redrawn, so "today", not the date in digits.
    const time = (n: number) => `today ${clockIn(stored[n - 1]?.createdAt ?? new Date(0), 'Europe/Moscow')}`;

    await client.sendCommand('tasks');
    await client.click('⏳ Talkative');
    expect(client.lastReply()).toContain('💬 Comments: 12');
    await client.click('💬 Comments (12)');
    expect(client.lastReply()).toBe(
      [
        '💬 <b>Comments</b> · Talkative',
        'Page 3/3',
        '',
        `<b>11.</b> Ann · ${time(11)}`,
        'Comment 11',
        '',
        `<b>12.</b> Ann · ${time(12)}`,
        'Comment 12',
      ].join('\n'),
    );
    expect(client.buttons()).toEqual(['✏️ 11', '🗑 11', '✏️ 12', '🗑 12', '◀️', '3/3', '➕ Add comment', '◀️ Back to task']);

    await client.click('◀️');
    expect(client.lastReply()).toContain('Page 2/3');
    expect(client.lastReply()).toContain('<b>6.</b> Ann');
    expect(client.lastReply()).toContain('<b>10.</b> Ann');
    await client.click('◀️');
    expect(client.lastReply()).toContain('Page 1/3');
    expect(client.lastReply()).toContain(`<b>3.</b> Ann · ${time(3)} <i>(edited)</i>\nComment 3, reworded`);
    expect(client.lastReply()).not.toContain(`<b>1.</b> Ann · ${time(1)} <i>`);
    await client.click('▶️');
    expect(client.lastReply()).toContain('Page 2/3');

    await client.click('◀️ Back to task');
    expect(client.lastReply()).toContain('📌 <b>Talkative</b>');
  });

  it('says when each was written in words, in the reader’s zone: a date of another year, yesterday, today (en, ru)', async () => {
    for (const [language, today, older] of [
      ['en', 'today', ['<b>1.</b> Ann · Tue, Mar 5, 2024, 19:24', '<b>2.</b> Ann · yesterday 08:15']],
      ['ru', 'сегодня в', ['<b>1.</b> Ann · вт, 5 мар. 2024 г., 19:24', '<b>2.</b> Ann · вчера в 08:15']],
    ] as const) {
      const client = await newClient(language);
      const em = env.em();
      const user = await em.findOneOrFail(User, { telegramId: client.user.id });
      await updateProfile(em, user, { timezone: 'Asia/Vladivostok' });
      const [taskId = ''] = await seedTasks(env, user, ['Dated']);
      const [first = '', second = '', third = ''] = await seedComments(env, user, taskId, ['One', 'Two', 'Three']);
      // 09:24 UTC is 19:24 in Vladivostok; the second was written there yesterday at 08:15.
      await env.em().nativeUpdate(Comment, { id: first }, { createdAt: new Date('2024-03-05T09:24:00Z') });
      await env.em().nativeUpdate(Comment, { id: second }, { createdAt: localAt(10, -1, 8, 15) });
      const now = (await env.em().findOneOrFail(Comment, { id: third })).createdAt;
      await client.sendCommand('tasks');
      await client.click('⏳ Dated');
      await client.click(/^💬 /);
      const text = client.lastReply();
      for (const line of older) expect(text).toContain(`\n${line}\n`);
      expect(text).toContain(`\n<b>3.</b> Ann · ${today} ${clockIn(now, 'Asia/Vladivostok')}\nThree`);
    }
  });

  it('adds a comment: over-long input is refused with the limit, then it shows on the newest page', async () => {
    const { client, taskId } = await onComments(0);
    expect(client.lastReply()).toContain('No comments yet.');
    await client.click('➕ Add comment');
    expect(client.lastReply()).toContain('Send your comment on <b>Discuss me</b> (up to 2,000 characters)');
    await client.sendText('c'.repeat(2001));
    expect(client.lastReply()).toBe('❌ That is 2,001 characters; the limit is 2,000. Please send a shorter comment.');
    await client.sendText('<i>hi</i> & bye');
    expect(client.lastReply()).toMatch(/^✅ Comment added\n\n💬 <b>Comments<\/b> · Discuss me\n\n<b>1\.<\/b> Ann · /);
    expect(client.lastReply()).toContain('&lt;i&gt;hi&lt;/i&gt; &amp; bye');
    expect(client.buttons()).toEqual(['✏️ 1', '🗑 1', '➕ Add comment', '◀️ Back to task']);

    const stored = await commentsOf(env, taskId);
    expect(stored.map((c) => c.text)).toEqual(['<i>hi</i> & bye']);
    expect((await findTask(env, taskId))?.commentCount).toBe(1);

    // Six more: the list opens on the newest page and the new one is last.
    for (let i = 2; i <= 6; i++) {
      await client.click('➕ Add comment');
      await client.sendText(`Number ${i}`);
    }
    await client.click('➕ Add comment');
    await client.sendText('The newest');
    expect(client.lastReply()).toContain('Page 2/2');
    expect(client.lastReply().endsWith('The newest')).toBe(true);
    await client.click('◀️ Back to task');
    expect(client.lastReply()).toContain('💬 Comments: 7');
  });

  it('fits a page of the longest comments into one message', async () => {
    const { client } = await onComments(0);
    const user = await userOf(env, client);
    const taskId = String((await env.em().findOneOrFail(Task, { owner: user.id })).id);
    await seedComments(
      env,
      user,
      taskId,
      Array.from({ length: 5 }, () => '&<'.repeat(1000)),
    );
    await client.click('◀️ Back to task');
    await client.click('💬 Comments (5)');
    expect(client.lastReply().length).toBeLessThanOrEqual(4096);
    expect(client.lastReply().match(/&amp;&lt;/g)?.length).toBeGreaterThan(100);
    expect(client.lastReply()).toContain('<b>5.</b> Ann');
  });

  it('edits and deletes own comments; deleting asks to confirm', async () => {
    const { client, taskId, commentIds } = await onComments(2);
    await client.click('✏️ 1');
    expect(client.lastReply()).toContain('Send the new text of the comment');
    expect(client.lastReply()).toContain('<blockquote>Comment 1</blockquote>');
    await client.sendText('   ');
    expect(client.lastReply()).toContain('The comment cannot be empty');
    await client.sendText('Comment 1, better');
    expect(client.lastReply()).toContain('✅ Comment edited');
    expect(client.lastReply()).toMatch(/<b>1\.<\/b> Ann · today \d\d:\d\d <i>\(edited\)<\/i>\nComment 1, better/);
    const edited = (await commentsOf(env, taskId))[0];
    expect(edited?.text).toBe('Comment 1, better');
    expect(edited?.editedAt).toBeInstanceOf(Date);

    await client.click('🗑 2');
    expect(client.lastReply()).toBe('🗑 Delete this comment?\n\nComment 2');
    await client.click('◀️ No, keep it');
    expect((await commentsOf(env, taskId)).map((c) => c.id)).toEqual(commentIds);
    await client.click('🗑 2');
    await client.click('🗑 Yes, delete');
    expect(lastToast(env)).toBe('🗑 Comment deleted');
    expect(client.lastReply()).not.toContain('Comment 2');
    expect(client.buttons()).toEqual(['✏️ 1', '🗑 1', '➕ Add comment', '◀️ Back to task']);
    expect((await commentsOf(env, taskId)).map((c) => c.id)).toEqual([commentIds[0]]);
    expect((await findTask(env, taskId))?.commentCount).toBe(1);
  });

  it('only the author edits or deletes: no buttons on another author’s comment, and forged presses find nothing', async () => {
    const { client, taskId, commentIds } = await onComments(1);
    // A comment by someone else on this task (not possible through the bot or the API today,
    // but the author rule must hold on its own).
    const em = env.em();
    const other = em.create(User, { telegramId: nextId++, telegramFirstName: 'Mallory' });
    await em.flush();
    const foreign = em.create(Comment, { task: em.getReference(Task, taskId), author: other, text: 'Not yours' });
    await em.flush();
    await env.services.commentCache.invalidate(taskId);

    await client.click('◀️ Back to task');
    await client.click(/💬 Comments/);
    expect(client.lastReply()).toContain('<b>2.</b> Mallory');
    expect(client.buttons()).toEqual(['✏️ 1', '🗑 1', '➕ Add comment', '◀️ Back to task']);

    // Same button, same task, the other author's comment id in the payload (`<taskId>.<action><commentId>`).
    const forge = (data: string) => data.replace(/\.([a-z])\d+\//, `.$1${foreign.id}/`);
    expect(forge(dataOf(env, client, '✏️ 1'))).toContain(`.e${foreign.id}/`);
    expect(commentIds).toHaveLength(1);
    const before = await tableState(env);

    await client.pressCallback(lastMessage(env, client), forge(dataOf(env, client, '✏️ 1')));
    expect(lastToast(env)).toBe('❌ Comment not found: it was deleted or is not yours.');
    await client.sendText('Overwritten?');
    expect(client.lastReply()).toContain("I'm not sure what you mean");

    await client.pressCallback(lastMessage(env, client), forge(dataOf(env, client, '🗑 1')));
    expect(lastToast(env)).toBe('❌ Comment not found: it was deleted or is not yours.');

    await client.click('🗑 1');
    await client.pressCallback(lastMessage(env, client), forge(dataOf(env, client, '🗑 Yes, delete')));
    expect(lastToast(env)).toBe('❌ Comment not found: it was deleted or is not yours.');
    expect(await tableState(env)).toEqual(before);
  });

  it('keeps comment lists in Redis and shows a comment added or edited over the API at once', async () => {
    const profile = { id: nextId++, first_name: 'Ann', language_code: 'en' };
    const { token } = await createAccount(env.services, { telegramId: profile.id, telegramFirstName: 'Ann' });
    const client = env.bot.client(profile);
    await client.sendCommand('start');
    const created = await apiRequest(env.app, 'POST', '/tasks', { token, json: { title: 'Shared task' } });
    expect(created.status).toBe(201);
    const taskId = String(created.body.id);

    await client.sendCommand('tasks');
    await client.click('⏳ Shared task');
    await client.click('💬 Comments (0)');
    expect(client.lastReply()).toContain('No comments yet.');
    const cacheKey = `${env.redis.keyPrefix}comments:${taskId}`;
    expect(await env.redis.redis.exists(cacheKey)).toBe(1);

    const posted = await apiRequest(env.app, 'POST', `/tasks/${taskId}/comments`, {
      token,
      json: { text: 'Written over HTTP' },
    });
    expect(posted.status).toBe(201);
    await client.click('◀️ Back to task');
    expect(client.lastReply()).toContain('💬 Comments: 1');
    await client.click('💬 Comments (1)');
    expect(client.lastReply()).toContain('Written over HTTP');
    expect(client.buttons()).toEqual(['✏️ 1', '🗑 1', '➕ Add comment', '◀️ Back to task']);

    const patched = await apiRequest(env.app, 'PATCH', `/tasks/${taskId}/comments/${posted.body.id}`, {
      token,
      json: { text: 'Rewritten over HTTP' },
    });
    expect(patched.status).toBe(200);
    // The screen on display is now outdated: its next press shows the current list.
    await client.click('🗑 1');
    expect(client.lastReply()).toBe('🗑 Delete this comment?\n\nRewritten over HTTP');
    await client.click('◀️ No, keep it');
    expect(client.lastReply()).toContain('<i>(edited)</i>\nRewritten over HTTP');
  });
});
