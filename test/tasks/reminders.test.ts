import { UnrecoverableError } from 'bullmq';
import { GrammyError } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { RateGate } from '../../src/features/mailings/jobs/rate-gate.js';
import {
  handleReminder,
  REMINDERS_QUEUE,
  type ReminderJob,
  reminderText,
  startReminderWorker,
} from '../../src/features/tasks/jobs/reminders.js';
import { Task } from '../../src/features/tasks/task.entities.js';
import { User } from '../../src/features/users/user.entity.js';
import { createTranslator } from '../../src/platform/i18n/translator.js';
import { chatBudget, telegramBudgetKey } from '../../src/platform/telegram/budget.js';
import { createAccount } from '../helpers/accounts.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';

const env = useTestEnvironment();
// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
const api = <T = any>(method: string, path: string, options: Parameters<typeof apiRequest>[3] = {}) =>
  apiRequest<T>(env.app, method, path, options);

let nextChat = 610_000;
const queue = () => env.services.jobs.queue<ReminderJob>(REMINDERS_QUEUE);
const jobOf = (taskId: string) => queue().getJob(`reminder-${taskId}`);
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000);

afterEach(() => {
  env.telegram.override('sendMessage', undefined);
});

async function owner(
  settings: Partial<Pick<User, 'timezone' | 'notifications' | 'language'>> & { telegram?: boolean } = {},
) {
  const chatId = nextChat++;
  const account = await createAccount(env.services, {
    firstName: 'Rita',
    telegramId: settings.telegram === false ? null : chatId,
    language: settings.language ?? 'en',
  });
  await env
    .em()
    .nativeUpdate(
      User,
      { id: account.user.id },
      { timezone: settings.timezone ?? 'UTC', notifications: settings.notifications ?? true },
    );
  return { ...account, chatId };
}

async function createTask(token: string, json: Record<string, unknown>) {
  const res = await api('POST', '/tasks', { token, json: { title: 'Call the bank', ...json } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; dueAt: string | null; title: string };
}

const remind = (taskId: string, dueAt: string) => handleReminder(env.services, { data: { taskId, dueAt } });
const sentTo = (chatId: number) => env.telegram.callsOf('sendMessage').filter((c) => c.payload.chat_id === chatId);
const taskRow = (id: string) => env.em().findOneOrFail(Task, { id });
const keyboardEn = (id: string) => [
  [
    { text: '✅ Done', callback_data: `rm:${id}:d` },
    { text: '📂 Open', callback_data: `rm:${id}:o` },
  ],
  [
    { text: '⏰ 15 min', callback_data: `rm:${id}:z15` },
    { text: '⏰ 1 hour', callback_data: `rm:${id}:z60` },
    { text: '⏰ Tomorrow 9:00', callback_data: `rm:${id}:zt` },
  ],
];

/** When a delayed job is due: BullMQ keeps the creation time and the delay. */
async function scheduledFor(taskId: string) {
  const job = await jobOf(taskId);
  if (!job) return null;
  return { at: job.timestamp + job.delay, data: job.data, state: await job.getState() };
}

describe('scheduling follows the task', () => {
  it('a task with a due date gets one delayed job reminder-<id> for that time', async () => {
    const { token } = await owner();
    const due = inMinutes(90);
    const task = await createTask(token, { dueAt: due.toISOString() });
    const job = await scheduledFor(task.id);
    expect(job).toMatchObject({ state: 'delayed', data: { taskId: task.id, dueAt: due.toISOString() } });
    expect(Math.abs((job?.at ?? 0) - due.getTime())).toBeLessThan(1_000);
    const raw = await jobOf(task.id);
    expect(raw?.delay).toBeGreaterThan(89 * 60_000);
    expect(raw?.delay).toBeLessThanOrEqual(90 * 60_000);
  });

  it('no due date, or created done: no job', async () => {
    const { token } = await owner();
    expect(await jobOf((await createTask(token, {})).id)).toBeUndefined();
    const done = await createTask(token, { dueAt: inMinutes(5).toISOString(), status: 'done' });
    expect(await jobOf(done.id)).toBeUndefined();
  });

  it('moves with the due date: the old job goes, the new one has the new delay', async () => {
    const { token } = await owner();
    const task = await createTask(token, { dueAt: inMinutes(30).toISOString() });
    const later = inMinutes(24 * 60);
    await api('PATCH', `/tasks/${task.id}`, { token, json: { dueAt: later.toISOString() } });
    const delayed = await queue().getDelayed();
    const mine = delayed.filter((j) => j.data.taskId === task.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.id).toBe(`reminder-${task.id}`);
    expect(mine[0]?.data.dueAt).toBe(later.toISOString());
    expect(Math.abs((mine[0]?.timestamp ?? 0) + (mine[0]?.delay ?? 0) - later.getTime())).toBeLessThan(1_000);

    // Other changes leave the job alone.
    const before = await jobOf(task.id);
    await api('PATCH', `/tasks/${task.id}`, { token, json: { title: 'Renamed', tags: ['x'] } });
    expect((await jobOf(task.id))?.timestamp).toBe(before?.timestamp);
  });

  it('is dropped when the due date is cleared, the task is done or deleted — and comes back when reopened', async () => {
    const { token } = await owner();
    const a = await createTask(token, { dueAt: inMinutes(60).toISOString() });
    await api('PATCH', `/tasks/${a.id}`, { token, json: { dueAt: null } });
    expect(await jobOf(a.id)).toBeUndefined();

    const b = await createTask(token, { dueAt: inMinutes(60).toISOString() });
    await api('PATCH', `/tasks/${b.id}`, { token, json: { status: 'done' } });
    expect(await jobOf(b.id)).toBeUndefined();
    await api('PATCH', `/tasks/${b.id}`, { token, json: { status: 'todo' } });
    expect((await scheduledFor(b.id))?.data.dueAt).toBe(b.dueAt);

    const c = await createTask(token, { dueAt: inMinutes(60).toISOString() });
    expect(await jobOf(c.id)).toBeDefined();
    await api('DELETE', `/tasks/${c.id}`, { token });
    expect(await jobOf(c.id)).toBeUndefined();
  });

  it('a refused change leaves the job as it was', async () => {
    const { token } = await owner();
    const task = await createTask(token, { dueAt: inMinutes(60).toISOString() });
    const before = await scheduledFor(task.id);
    await api('PATCH', `/tasks/${task.id}`, { token, json: { dueAt: '2001-01-01T00:00:00Z' } });
    await api('PATCH', `/tasks/${task.id}`, { token, json: { title: '', dueAt: null } });
    expect(await scheduledFor(task.id)).toEqual(before);
  });
});

describe('the reminder’s text', () => {
  const translator = createTranslator();
  const en = translator.forLocale('en');
  const ru = translator.forLocale('ru');
  const moscow = (locale: string) => ({ timezone: 'Europe/Moscow', locale });

  it('names the due time in words that stay true in the chat: no “today”, the year only when not this year’s (both languages)', () => {
    // Monday 7 December 2026, 12:00 in Moscow; the task is due at 15:00 that day. The message
    // stays in the chat: "today 15:00" would read wrong tomorrow, "07.12.2026 15:00" reads as a form.
    const now = new Date('2026-12-07T09:00:00Z');
    const task = { title: 'Call <Ann>', dueAt: new Date('2026-12-07T12:00:00Z') };
    expect(reminderText(en, task, moscow('en'), 'due', null, now)).toBe(
      '🔔 Reminder: <b>Call &lt;Ann&gt;</b>\nDue: Mon, Dec 7, 15:00',
    );
    expect(reminderText(ru, task, moscow('ru'), 'due', null, now)).toBe(
      '🔔 Напоминание: <b>Call &lt;Ann&gt;</b>\nСрок: пн, 7 дек., 15:00',
    );
    // A day ahead, on New Year's Eve: the due date is next year's, and says so.
    const eve = new Date('2026-12-31T06:00:00Z');
    const newYear = { title: 'Call', dueAt: new Date('2027-01-01T06:00:00Z') };
    expect(reminderText(en, newYear, moscow('en'), 'advance', 'P1D', eve)).toBe(
      '🔔 Due in a day: <b>Call</b>\nDue: Fri, Jan 1, 2027, 09:00',
    );
    expect(reminderText(ru, newYear, moscow('ru'), 'advance', 'P1D', eve)).toBe(
      '🔔 Срок через сутки: <b>Call</b>\nСрок: пт, 1 янв. 2027 г., 09:00',
    );
  });
});

describe('handleReminder', () => {
  it('sends once, in English, with the due time in the owner’s zone and Done, Open and Snooze buttons', async () => {
    const { token, chatId } = await owner({ timezone: 'America/New_York' });
    const task = await createTask(token, { title: 'Pay <rent> & fees', dueAt: '2030-07-01T13:30:00Z' });
    expect(await remind(task.id, '2030-07-01T13:30:00.000Z')).toBe('sent');
    expect(await remind(task.id, '2030-07-01T13:30:00.000Z')).toBe('skipped');
    const sent = sentTo(chatId);
    expect(sent).toHaveLength(1);
    // 13:30 UTC is 09:30 in New York; not this year, so with the year.
    expect(sent[0]?.payload).toMatchObject({
      text: '🔔 Reminder: <b>Pay &lt;rent&gt; &amp; fees</b>\nDue: Mon, Jul 1, 2030, 09:30',
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: keyboardEn(task.id) },
    });
    expect((await taskRow(task.id)).remindedAt).toBeInstanceOf(Date);
  });

  it('speaks Russian to a Russian owner, in their zone', async () => {
    const { token, chatId } = await owner({ language: 'ru', timezone: 'Asia/Vladivostok' });
    const task = await createTask(token, { title: 'Позвонить маме', dueAt: '2030-01-15T23:05:00Z' });
    expect(await remind(task.id, task.dueAt ?? '')).toBe('sent');
    expect(sentTo(chatId).map((c) => c.payload)).toEqual([
      expect.objectContaining({
        text: '🔔 Напоминание: <b>Позвонить маме</b>\nСрок: ср, 16 янв. 2030 г., 09:05',
        reply_markup: {
          inline_keyboard: [
            [
              { text: '✅ Готово', callback_data: `rm:${task.id}:d` },
              { text: '📂 Открыть', callback_data: `rm:${task.id}:o` },
            ],
            [
              { text: '⏰ 15 мин', callback_data: `rm:${task.id}:z15` },
              { text: '⏰ 1 час', callback_data: `rm:${task.id}:z60` },
              { text: '⏰ Завтра в 9:00', callback_data: `rm:${task.id}:zt` },
            ],
          ],
        },
      }),
    ]);
  });

  it('sends nothing when notifications are off, the task is done or gone, or there is no Telegram', async () => {
    const quiet = await owner({ notifications: false });
    const q = await createTask(quiet.token, { dueAt: inMinutes(5).toISOString() });
    expect(await remind(q.id, q.dueAt ?? '')).toBe('skipped');
    expect(sentTo(quiet.chatId)).toEqual([]);

    const busy = await owner();
    const done = await createTask(busy.token, { dueAt: inMinutes(5).toISOString() });
    await api('PATCH', `/tasks/${done.id}`, { token: busy.token, json: { status: 'done' } });
    expect(await remind(done.id, done.dueAt ?? '')).toBe('skipped');
    const gone = await createTask(busy.token, { dueAt: inMinutes(5).toISOString() });
    await api('DELETE', `/tasks/${gone.id}`, { token: busy.token });
    expect(await remind(gone.id, gone.dueAt ?? '')).toBe('skipped');
    expect(sentTo(busy.chatId)).toEqual([]);

    const httpOnly = await owner({ telegram: false });
    const h = await createTask(httpOnly.token, { dueAt: inMinutes(5).toISOString() });
    expect(await remind(h.id, h.dueAt ?? '')).toBe('skipped');
  });

  it('a stale job (the due date moved after it was scheduled) sends nothing and leaves the new one its chance', async () => {
    const { token, chatId } = await owner();
    const task = await createTask(token, { dueAt: inMinutes(5).toISOString() });
    const moved = inMinutes(50).toISOString();
    await api('PATCH', `/tasks/${task.id}`, { token, json: { dueAt: moved } });
    expect(await remind(task.id, task.dueAt ?? '')).toBe('skipped');
    expect(sentTo(chatId)).toEqual([]);
    expect((await taskRow(task.id)).remindedAt).toBeNull();
    expect(await remind(task.id, moved)).toBe('sent');
    expect(sentTo(chatId)).toHaveLength(1);
  });

  it('a new due date after a reminder was sent gets its own reminder', async () => {
    const { token, chatId } = await owner();
    const task = await createTask(token, { dueAt: inMinutes(5).toISOString() });
    expect(await remind(task.id, task.dueAt ?? '')).toBe('sent');
    const next = inMinutes(60).toISOString();
    await api('PATCH', `/tasks/${task.id}`, { token, json: { dueAt: next } });
    expect((await taskRow(task.id)).remindedAt).toBeNull();
    expect(await remind(task.id, next)).toBe('sent');
    expect(sentTo(chatId)).toHaveLength(2);
  });

  it('Telegram 403 (bot blocked): marks the owner, does not throw, does not retry', async () => {
    const { user, token, chatId } = await owner();
    const task = await createTask(token, { dueAt: inMinutes(5).toISOString() });
    env.telegram.override('sendMessage', () => ({
      ok: false,
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    }));
    expect(await remind(task.id, task.dueAt ?? '')).toBe('skipped');
    expect((await env.em().findOneOrFail(User, { id: user.id })).botBlocked).toBe(true);
    env.telegram.override('sendMessage', undefined);
    expect(await remind(task.id, task.dueAt ?? '')).toBe('skipped');
    expect(sentTo(chatId)).toHaveLength(1);
  });

  it('Telegram 5xx: gives the claim back and throws, so BullMQ retries; the retry sends once', async () => {
    const { token, chatId } = await owner();
    const task = await createTask(token, { dueAt: inMinutes(5).toISOString() });
    env.telegram.override('sendMessage', () => ({ ok: false, error_code: 502, description: 'Bad Gateway' }));
    const failed = remind(task.id, task.dueAt ?? '');
    await expect(failed).rejects.toBeInstanceOf(GrammyError);
    await expect(failed).rejects.not.toBeInstanceOf(UnrecoverableError);
    expect((await taskRow(task.id)).remindedAt).toBeNull();
    env.telegram.override('sendMessage', undefined);
    expect(await remind(task.id, task.dueAt ?? '')).toBe('sent');
    expect(await remind(task.id, task.dueAt ?? '')).toBe('skipped');
    expect(sentTo(chatId).filter((c) => String(c.payload.text).includes('Reminder'))).toHaveLength(2); // 1 refused + 1 sent
  });

  it('a 429 pauses all sending (SPEC §2.5): the mailing lane too, until retry_after; the reminder is retried', async () => {
    const { token, chatId } = await owner();
    const task = await createTask(token, { dueAt: inMinutes(5).toISOString() });
    const keys = (['mailing', 'chat'] as const).map((lane) => telegramBudgetKey(env.services.keyPrefix, lane));
    await env.services.redis.del(...keys);
    env.telegram.override('sendMessage', () => ({
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 30',
      parameters: { retry_after: 30 },
    }));
    try {
      await expect(remind(task.id, task.dueAt ?? '')).rejects.toBeInstanceOf(GrammyError);
    } finally {
      env.telegram.override('sendMessage', undefined);
    }
    expect((await taskRow(task.id)).remindedAt).toBeNull();
    // Neither a mailing worker nor a PM gets a slot in the next 20 s.
    const gate = new RateGate(env.services.redis, env.services.keyPrefix, env.services.config.mailing.rate);
    expect(await gate.take(1, 20_000)).toMatchObject({ taken: 0 });
    expect(await chatBudget(env.services).take(1, 20_000)).toMatchObject({ taken: 0 });
    await env.services.redis.del(...keys);
    expect(await remind(task.id, task.dueAt ?? '')).toBe('sent');
    expect(sentTo(chatId).filter((c) => String(c.payload.text).includes('Reminder'))).toHaveLength(2);
  });

  it('a network error: UnrecoverableError, and no second message (it may have arrived)', async () => {
    const { token, chatId } = await owner();
    const task = await createTask(token, { dueAt: inMinutes(5).toISOString() });
    env.telegram.override('sendMessage', () => {
      throw new Error('socket hang up');
    });
    await expect(remind(task.id, task.dueAt ?? '')).rejects.toBeInstanceOf(UnrecoverableError);
    env.telegram.override('sendMessage', undefined);
    expect((await taskRow(task.id)).remindedAt).toBeInstanceOf(Date);
    expect(await remind(task.id, task.dueAt ?? '')).toBe('skipped');
    expect(sentTo(chatId)).toHaveLength(1);
  });

  it('two workers running the same job at once send one message', async () => {
    const { token, chatId } = await owner();
    const task = await createTask(token, { dueAt: inMinutes(5).toISOString() });
    const results = await Promise.all([1, 2, 3].map(() => remind(task.id, task.dueAt ?? '')));
    expect(results.filter((r) => r === 'sent')).toHaveLength(1);
    expect(sentTo(chatId)).toHaveLength(1);
  });
});

describe('moving the due date while its reminder job runs', () => {
  it('schedules the new date under its own id instead of losing it', async () => {
    let running!: () => void;
    const started = new Promise<void>((resolve) => {
      running = resolve;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A worker stuck in the old job (as if Telegram were slow to answer).
    const worker = env.services.jobs.worker<ReminderJob>(REMINDERS_QUEUE, async () => {
      running();
      await released;
    });
    try {
      const { token } = await owner();
      const task = await createTask(token, { dueAt: new Date(Date.now() + 500).toISOString() });
      await started;
      expect(await (await jobOf(task.id))?.getState()).toBe('active');

      const next = inMinutes(60);
      const res = await api('PATCH', `/tasks/${task.id}`, { token, json: { dueAt: next.toISOString() } });
      expect(res.status).toBe(200);
      const pending = (await queue().getDelayed()).filter((j) => j.data.taskId === task.id);
      expect(pending.map((j) => j.data.dueAt)).toEqual([next.toISOString()]);
      expect(pending[0]?.id).toBe(`reminder-${task.id}-${next.getTime()}`);
    } finally {
      release();
      await worker.close();
    }
  });
});

describe('the reminder worker', () => {
  it('delivers a reminder at the due time, once', async () => {
    const worker = startReminderWorker(env.services);
    await worker.waitUntilReady();
    const { token, chatId } = await owner();
    const due = new Date(Date.now() + 1_500);
    const task = await createTask(token, { title: 'Soon', dueAt: due.toISOString() });
    const call = await env.telegram.waitForCall(
      (c) => c.method === 'sendMessage' && c.payload.chat_id === chatId,
      10_000,
    );
    expect(call.payload.text).toContain('Soon');
    expect(call.payload.reply_markup).toEqual({ inline_keyboard: keyboardEn(task.id) });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(sentTo(chatId)).toHaveLength(1);
    expect(await jobOf(task.id)).toBeUndefined();
    await worker.close();
  });
});
