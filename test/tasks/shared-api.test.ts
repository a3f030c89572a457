import { beforeAll, describe, expect, it } from 'vitest';
import { chatKeys } from '../../src/features/chat/keys.js';
import { tasksVersionKey } from '../../src/features/tasks/jobs/reminders.js';
import { Task } from '../../src/features/tasks/task.entities.js';
import { User } from '../../src/features/users/user.entity.js';
import { createAccount } from '../helpers/accounts.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';
import { noticesDelivered, startNoticeWorker, tableState } from '../helpers/tasks.js';

/**
 * SPEC §3.4 with §2.2.1 over HTTP: `owner` and `assignee` on every task, `scope=mine|assigned|all`,
 * `PATCH {assignee}` by the owner only, the assignee's status changes and comments, and 404 for
 * everything else — the authorization matrix owner / assignee / third user × every route.
 */
const env = useTestEnvironment();

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
const api = <T = any>(method: string, path: string, options: Parameters<typeof apiRequest>[3] = {}) =>
  apiRequest<T>(env.app, method, path, options);

type Account = Awaited<ReturnType<typeof createAccount>>;
let owner: Account;
let assignee: Account;
let third: Account;
let httpOnly: Account;
let taskId = '';
let ownerComment = '';
let assigneeComment = '';

const version = (user: Account) =>
  env.services.redis.get(tasksVersionKey(env.services.keyPrefix, user.user.id)).then((v) => Number(v ?? 0));
const telegramTo = (telegramId: number) =>
  env.telegram.callsOf('sendMessage').filter((c) => c.payload.chat_id === telegramId);

beforeAll(async () => {
  startNoticeWorker(env);
  owner = await createAccount(env.services, { username: 'owner_api', firstName: 'Olga', telegramId: 770_001 });
  assignee = await createAccount(env.services, { username: 'assignee_api', firstName: 'Bea', telegramId: 770_002 });
  third = await createAccount(env.services, { username: 'third_api', firstName: 'Tom', telegramId: 770_003 });
  httpOnly = await createAccount(env.services, { username: 'http_only', firstName: 'Hal' });
  const created = await api('POST', '/tasks', {
    token: owner.token,
    json: { title: 'Shared plan', dueAt: new Date(Date.now() + 86_400_000).toISOString(), assignee: '@Assignee_API' },
  });
  expect(created.status).toBe(201);
  taskId = created.body.id;
  expect(created.body.owner).toEqual({ id: owner.user.id, username: 'owner_api', firstName: 'Olga' });
  expect(created.body.assignee).toEqual({ id: assignee.user.id, username: 'assignee_api', firstName: 'Bea' });
  expect(created.body.warnings).toBeUndefined();
  ownerComment = (await api('POST', `/tasks/${taskId}/comments`, { token: owner.token, json: { text: 'from owner' } }))
    .body.id;
  assigneeComment = (
    await api('POST', `/tasks/${taskId}/comments`, { token: assignee.token, json: { text: 'from assignee' } })
  ).body.id;
});

describe('assignment over HTTP', () => {
  it('POST with an assignee tells them at once in Telegram, with Open and Accept', async () => {
    await noticesDelivered(env);
    const [notice] = telegramTo(770_002).filter((c) => String(c.payload.text).includes('assigned you a task'));
    expect(notice?.payload.text).toBe('👤 Olga assigned you a task: <b>Shared plan</b>');
    expect(JSON.stringify(notice?.payload.reply_markup)).toContain(`tn:${taskId}:a`);
  });

  it('scope: mine, assigned and all, combined with status', async () => {
    const [mine] = await seedOwn(assignee, 'Bea’s own');
    const titles = async (token: string, query: string) =>
      (await api('GET', `/tasks?${query}`, { token })).body.items.map((t: { title: string }) => t.title);
    expect(await titles(assignee.token, 'scope=mine')).toEqual(['Bea’s own']);
    expect(await titles(assignee.token, 'scope=assigned')).toEqual(['Shared plan']);
    expect(await titles(assignee.token, 'scope=all')).toEqual(['Bea’s own', 'Shared plan']);
    expect(await titles(assignee.token, '')).toEqual(['Bea’s own', 'Shared plan']);
    expect(await titles(assignee.token, 'scope=assigned&status=done')).toEqual([]);
    expect(await titles(assignee.token, 'scope=assigned&status=open')).toEqual(['Shared plan']);
    expect(await titles(owner.token, 'scope=assigned')).toEqual([]);
    expect(await titles(owner.token, 'scope=mine')).toEqual(['Shared plan']);
    expect(await titles(third.token, 'scope=all')).toEqual([]);
    expect((await api('GET', '/tasks?scope=theirs', { token: owner.token })).status).toBe(422);
    await api('DELETE', `/tasks/${mine}`, { token: assignee.token });
  });

  it('bad assignees: yourself, unknown, banned — 422 on `assignee`, nothing changes', async () => {
    await env.em().nativeUpdate(User, { id: third.user.id }, { status: 'banned' });
    const before = await tableState(env);
    for (const [name, reason] of [
      ['owner_api', 'own'],
      ['no_such_user_x', 'No Gramdesk user'],
      ['third_api', 'cannot be assigned'],
    ] as const) {
      const res = await api('PATCH', `/tasks/${taskId}`, { token: owner.token, json: { assignee: name } });
      expect(res.status).toBe(422);
      expect(res.body.error.details[0].path).toBe('assignee');
      if (reason !== 'own') expect(res.body.error.details[0].message).toContain(reason);
    }
    expect(await tableState(env)).toEqual(before);
    await env.em().nativeUpdate(User, { id: third.user.id }, { status: 'active' });
  });

  it('someone who never started the bot may be assigned; the owner is warned they get no Telegram notices', async () => {
    const res = await api('PATCH', `/tasks/${taskId}`, { token: owner.token, json: { assignee: 'http_only' } });
    expect(res.status).toBe(200);
    expect(res.body.assignee.username).toBe('http_only');
    expect(res.body.warnings).toEqual([
      { code: 'assignee_not_in_telegram', message: expect.stringContaining('has not started the Telegram bot') },
    ]);
    // The former assignee hears the task was taken back, and loses it.
    await noticesDelivered(env);
    expect(telegramTo(770_002).filter((c) => String(c.payload.text).includes('took back'))).toHaveLength(1);
    expect((await api('GET', `/tasks/${taskId}`, { token: assignee.token })).status).toBe(404);
    expect((await api('GET', `/tasks/${taskId}`, { token: httpOnly.token })).status).toBe(200);
  });

  it('reassigning and unassigning bump both users’ list versions', async () => {
    const before = { owner: await version(owner), old: await version(httpOnly), next: await version(assignee) };
    expect(
      (await api('PATCH', `/tasks/${taskId}`, { token: owner.token, json: { assignee: 'assignee_api' } })).status,
    ).toBe(200);
    expect(await version(owner)).toBeGreaterThan(before.owner);
    expect(await version(httpOnly)).toBeGreaterThan(before.old);
    expect(await version(assignee)).toBeGreaterThan(before.next);
    const unassigned = await api('PATCH', `/tasks/${taskId}`, { token: owner.token, json: { assignee: null } });
    expect(unassigned.body.assignee).toBeNull();
    await api('PATCH', `/tasks/${taskId}`, { token: owner.token, json: { assignee: 'assignee_api' } });
  });

  it('a status change by the assignee notifies the owner once; more within the minute are folded', async () => {
    await env.services.redis.del(`${env.services.keyPrefix}tasks:notice:${taskId}:${owner.user.id}`);
    const before = telegramTo(770_001).length;
    const bump = await version(owner);
    for (const status of ['in_progress', 'todo', 'in_progress'] as const) {
      expect((await api('PATCH', `/tasks/${taskId}`, { token: assignee.token, json: { status } })).status).toBe(200);
    }
    expect(await version(owner)).toBeGreaterThan(bump);
    await noticesDelivered(env);
    const notices = telegramTo(770_001).slice(before);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.payload.text).toBe('🔄 Bea moved <b>Shared plan</b> to “🟡 In progress”.');
    expect(JSON.stringify(notices[0]?.payload.reply_markup)).toContain(`tn:${taskId}:o`);
    // A comment in the same minute is folded too.
    await api('POST', `/tasks/${taskId}/comments`, { token: assignee.token, json: { text: 'more' } });
    await noticesDelivered(env);
    expect(telegramTo(770_001).slice(before)).toHaveLength(1);
  });
});

describe('notices over the WebSocket', () => {
  it('a connected assignee gets a notice frame instead of a Telegram message', async () => {
    const sub = env.services.redis.duplicate();
    const frames: unknown[] = [];
    try {
      await sub.subscribe(chatKeys(env.services.keyPrefix).userChannel(assignee.user.id));
      sub.on('message', (_channel, raw) => frames.push(JSON.parse(raw)));
      await env.services.redis.del(`${env.services.keyPrefix}tasks:notice:${taskId}:${assignee.user.id}`);
      const before = telegramTo(770_002).length;
      const res = await api('POST', `/tasks/${taskId}/comments`, { token: owner.token, json: { text: 'ping' } });
      expect(res.status).toBe(201);
      await expect.poll(() => frames.length).toBe(1);
      await noticesDelivered(env);
      expect(frames[0]).toEqual({
        frame: {
          type: 'notice',
          topic: 'task',
          data: expect.objectContaining({ event: 'comment', taskId, title: 'Shared plan', text: 'ping' }),
        },
      });
      expect(telegramTo(770_002)).toHaveLength(before);
    } finally {
      sub.disconnect();
    }
  });
});

describe('authorization matrix: owner / assignee / third user × every route', () => {
  type Who = 'owner' | 'assignee' | 'third';
  const token = (who: Who) => ({ owner, assignee, third })[who].token;
  // `only`: who presses it here (the authors' and the owner's own deletes are the last test's).
  const cases: Array<{
    route: string;
    call: (who: Who) => Promise<{ status: number }>;
    allowed: Who[];
    only?: Who[];
  }> = [
    {
      route: 'GET /tasks/{id}',
      call: (w) => api('GET', `/tasks/${taskId}`, { token: token(w) }),
      allowed: ['owner', 'assignee'],
    },
    {
      route: 'PATCH status',
      call: (w) => api('PATCH', `/tasks/${taskId}`, { token: token(w), json: { status: 'in_progress' } }),
      allowed: ['owner', 'assignee'],
    },
    ...(['title', 'description', 'dueAt', 'remindBefore', 'tags', 'assignee'] as const).map((field) => ({
      route: `PATCH ${field}`,
      call: (w: Who) =>
        api('PATCH', `/tasks/${taskId}`, {
          token: token(w),
          json: {
            title: { title: 'Shared plan' },
            description: { description: '' },
            dueAt: { dueAt: new Date(Date.now() + 86_400_000 * 2).toISOString() },
            remindBefore: { remindBefore: null },
            tags: { tags: [] },
            assignee: { assignee: 'assignee_api' },
          }[field],
        }),
      allowed: ['owner'] as Who[],
    })),
    {
      route: 'PATCH status + title',
      call: (w) => api('PATCH', `/tasks/${taskId}`, { token: token(w), json: { status: 'todo', title: 'Hijacked' } }),
      allowed: ['owner'],
    },
    {
      route: 'GET comments',
      call: (w) => api('GET', `/tasks/${taskId}/comments`, { token: token(w) }),
      allowed: ['owner', 'assignee'],
    },
    {
      route: 'POST comment',
      call: (w) => api('POST', `/tasks/${taskId}/comments`, { token: token(w), json: { text: `by ${w}` } }),
      allowed: ['owner', 'assignee'],
    },
    {
      route: 'PATCH owner’s comment',
      call: (w) => api('PATCH', `/tasks/${taskId}/comments/${ownerComment}`, { token: token(w), json: { text: 'x' } }),
      allowed: ['owner'],
    },
    {
      route: 'PATCH assignee’s comment',
      call: (w) =>
        api('PATCH', `/tasks/${taskId}/comments/${assigneeComment}`, { token: token(w), json: { text: 'y' } }),
      allowed: ['assignee'],
    },
    {
      route: 'DELETE owner’s comment',
      call: (w) => api('DELETE', `/tasks/${taskId}/comments/${ownerComment}`, { token: token(w) }),
      allowed: [],
      only: ['third', 'assignee'],
    },
    {
      route: 'DELETE assignee’s comment',
      call: (w) => api('DELETE', `/tasks/${taskId}/comments/${assigneeComment}`, { token: token(w) }),
      allowed: [],
      only: ['third', 'owner'],
    },
    {
      route: 'DELETE /tasks/{id}',
      call: (w) => api('DELETE', `/tasks/${taskId}`, { token: token(w) }),
      allowed: [],
      only: ['third', 'assignee'],
    },
  ];

  for (const c of cases) {
    for (const who of c.only ?? (['third', 'assignee', 'owner'] as const)) {
      const ok = c.allowed.includes(who);
      it(`${c.route} by the ${who}: ${ok ? 'allowed' : '404, nothing changes'}`, async () => {
        const before = await tableState(env);
        const res = await c.call(who);
        if (ok) expect(res.status).toBeLessThan(300);
        else {
          expect(res.status).toBe(404);
          expect(await tableState(env)).toEqual(before);
        }
      });
    }
  }

  it('comments and the task itself: each author deletes their own; only the owner deletes the task', async () => {
    expect(
      (await api('DELETE', `/tasks/${taskId}/comments/${assigneeComment}`, { token: assignee.token })).status,
    ).toBe(204);
    expect((await api('DELETE', `/tasks/${taskId}/comments/${ownerComment}`, { token: owner.token })).status).toBe(204);
    expect((await api('DELETE', `/tasks/${taskId}`, { token: assignee.token })).status).toBe(404);
    expect((await api('DELETE', `/tasks/${taskId}`, { token: owner.token })).status).toBe(204);
    expect(await env.em().count(Task, { id: taskId })).toBe(0);
  });
});

async function seedOwn(account: Account, title: string): Promise<string[]> {
  const res = await api('POST', '/tasks', { token: account.token, json: { title } });
  return [res.body.id];
}
