import { beforeAll, describe, expect, it } from 'vitest';
import { Comment, Task } from '../../src/features/tasks/task.entities.js';
import { countWrite, WRITE_LIMITS } from '../../src/features/tasks/tasks.js';
import { createAccount } from '../helpers/accounts.js';
import type { BotClient } from '../helpers/bot-client.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';
import { seedTasks, userOf } from '../helpers/tasks.js';

/**
 * The limits of writes per user (tasks.ts, WRITE_LIMITS): new tasks and new comments a minute,
 * over the API (429 rate_limited with Retry-After, nothing stored) and in the bot (the dialog
 * says how long to wait and keeps what was typed). Each user has a limit of their own.
 */
const env = useTestEnvironment();

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
const api = <T = any>(method: string, path: string, options: Parameters<typeof apiRequest>[3] = {}) =>
  apiRequest<T>(env.app, method, path, options);

/** Uses up `userId`'s limit of `what` for the current minute, as a script would. */
async function exhaust(what: keyof typeof WRITE_LIMITS, userId: string): Promise<void> {
  for (let i = 0; i < WRITE_LIMITS[what].count; i++) await countWrite(env.services.limiter, what, userId);
}

/** Lifts `userId`'s limit of `what` (the minute is over). */
const minutePasses = (what: keyof typeof WRITE_LIMITS, userId: string) =>
  env.services.redis.del(`${env.services.keyPrefix}rate:${what}s:${userId}`);

describe('over the API', () => {
  it(`POST /tasks: ${WRITE_LIMITS.task.count} a minute, then 429 with Retry-After and nothing created`, async () => {
    const { user, token } = await createAccount(env.services, { username: 'task_script' });
    const other = await createAccount(env.services, { username: 'task_person' });
    for (let i = 1; i <= WRITE_LIMITS.task.count; i++) {
      const res = await api('POST', '/tasks', { token, json: { title: `Task ${i}` } });
      expect(res.status, `task ${i}`).toBe(201);
    }
    const res = await api('POST', '/tasks', { token, json: { title: 'One too many' } });
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(res.body.error.message).toBe(`At most ${WRITE_LIMITS.task.count} new tasks per minute`);
    const retryAfter = res.body.error.details.retryAfter;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(WRITE_LIMITS.task.windowSeconds);
    expect(res.headers.get('retry-after')).toBe(String(retryAfter));
    expect(await env.em().count(Task, { owner: user.id })).toBe(WRITE_LIMITS.task.count);
    // The limit is the user's own.
    expect((await api('POST', '/tasks', { token: other.token, json: { title: 'Mine' } })).status).toBe(201);
  });

  it(`POST /tasks/{id}/comments: ${WRITE_LIMITS.comment.count} a minute, then 429 and nothing added`, async () => {
    const { user, token } = await createAccount(env.services, { username: 'comment_script' });
    const task = await api('POST', '/tasks', { token, json: { title: 'Chatty' } });
    for (let i = 1; i <= WRITE_LIMITS.comment.count; i++) {
      const res = await api('POST', `/tasks/${task.body.id}/comments`, { token, json: { text: `c${i}` } });
      expect(res.status, `comment ${i}`).toBe(201);
    }
    const res = await api('POST', `/tasks/${task.body.id}/comments`, { token, json: { text: 'one too many' } });
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(res.headers.get('retry-after')).toBe(String(res.body.error.details.retryAfter));
    expect(await env.em().count(Comment, { author: user.id })).toBe(WRITE_LIMITS.comment.count);
    expect((await api('GET', `/tasks/${task.body.id}`, { token })).body.commentCount).toBe(WRITE_LIMITS.comment.count);
  });
});

describe('in the bot', () => {
  let nora: BotClient;
  let ivan: BotClient;

  beforeAll(async () => {
    nora = env.bot.client({ id: 792_001, first_name: 'Nora', username: 'nora_limits', language_code: 'en' });
    ivan = env.bot.client({ id: 792_002, first_name: 'Иван', username: 'ivan_limits', language_code: 'ru' });
    for (const c of [nora, ivan]) await c.sendCommand('start');
  });

  it('a new task over the limit is not saved: the last step comes again with the wait, and the draft is kept', async () => {
    const id = (await userOf(env, nora)).id;
    await exhaust('task', id);
    await nora.sendCommand('newtask');
    await nora.sendText('Water the plants');
    await nora.sendText('Twice a week');
    await nora.sendText('/skip');
    expect(nora.lastReply()).toMatch(
      /^⏳ Not saved: at most 60 new tasks a minute\. Please try again in \d+ seconds?: pick the due date \(or Skip\) again, the rest is kept\./,
    );
    expect(nora.buttons()).toEqual(expect.arrayContaining(['⏭ Skip', '✖️ Cancel']));
    expect(await env.em().count(Task, { owner: id })).toBe(0);
    await minutePasses('task', id);
    await nora.sendText('/skip');
    expect(nora.lastReply()).toContain('✅ Task created');
    const task = await env.em().findOneOrFail(Task, { owner: id });
    expect([task.title, task.description]).toEqual(['Water the plants', 'Twice a week']);
  });

  it('a comment over the limit is not added: asked again in the user’s language (Russian) with the wait', async () => {
    const me = await userOf(env, ivan);
    const [taskId = ''] = await seedTasks(env, me, ['Отчёт']);
    await exhaust('comment', me.id);
    await ivan.sendCommand('tasks');
    await ivan.click(/Отчёт/);
    await ivan.click(/^💬/);
    await ivan.click('➕ Комментарий');
    await ivan.sendText('Готово');
    expect(ivan.lastReply()).toMatch(
      /^⏳ Не добавлено: можно оставлять не больше 60 комментариев в минуту\. Отправьте его ещё раз через \d+ (секунду|секунды|секунд)\./,
    );
    expect(await env.em().count(Comment, { task: taskId })).toBe(0);
    await minutePasses('comment', me.id);
    await ivan.sendText('Готово');
    expect(ivan.lastReply()).toContain('✅ Комментарий добавлен');
    expect(await env.em().count(Comment, { task: taskId })).toBe(1);
  });
});

describe('a limit that cannot be counted', () => {
  it('lets the write through while Redis is unreachable (issue 18: an outage refuses no change)', async () => {
    const unreachable = { hit: () => Promise.reject(new Error('Connection is closed.')) };
    await expect(countWrite(unreachable, 'task', '1')).resolves.toBeUndefined();
    const broken = { hit: () => Promise.reject(new Error('ERR unknown command')) };
    await expect(countWrite(broken, 'task', '1')).rejects.toThrow('ERR unknown command');
  });
});
