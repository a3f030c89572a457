import { describe, expect, it } from 'vitest';
import { Registration } from '../../src/features/accounts/account.entities.js';
import { sweepRegistrationExpiry } from '../../src/features/accounts/jobs/expiry-sweep.js';
import {
  handleNotification,
  NOTIFICATIONS_QUEUE,
  startNotificationsWorker,
} from '../../src/features/accounts/jobs/notifications.js';
import { sweepReminders } from '../../src/features/tasks/jobs/reminder-sweep.js';
import { handleReminder, REMINDERS_QUEUE, startReminderWorker } from '../../src/features/tasks/jobs/reminders.js';
import { Task } from '../../src/features/tasks/task.entities.js';
import { User } from '../../src/features/users/user.entity.js';
import { createAccount } from '../helpers/accounts.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';

/**
 * Issue 18, point 1: PostgreSQL is the record, Redis is derived. After Redis loses everything
 * (the test's key prefix flushed: queues, delayed jobs, sessions), the sweeps re-queue what the
 * database says is owed, and the database markers make every reminder and expiry happen once.
 */
const env = useTestEnvironment();

/** An empty Redis for this file: every key under its prefix is gone (BullMQ's included). */
async function emptyRedis() {
  const keys = await env.redis.keys();
  if (keys.length > 0) await env.redis.redis.del(...keys);
  expect(await env.redis.keys()).toEqual([]);
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('an empty Redis loses nothing', () => {
  it('a due, unreminded task is reminded exactly once after the sweep (run twice), also with the jobs run again', async () => {
    const chatId = 640_001;
    const { token, user } = await createAccount(env.services, { firstName: 'Ada', telegramId: chatId, language: 'en' });
    await env.em().nativeUpdate(User, { id: user.id }, { timezone: 'UTC', notifications: true });
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    const created = await apiRequest(env.app, 'POST', '/tasks', {
      token,
      json: { title: 'Water the plants', dueAt: inAnHour },
    });
    expect(created.status).toBe(201);
    const snoozed = await apiRequest(env.app, 'POST', '/tasks', {
      token,
      json: { title: 'Call back', dueAt: inAnHour },
    });
    const taskId = created.body.id as string;
    // Time passes: the first task is due now; the second was reminded and snoozed until now.
    const due = new Date(Date.now() - 1_000);
    await env.em().nativeUpdate(Task, { id: taskId }, { dueAt: due });
    await env
      .em()
      .nativeUpdate(
        Task,
        { id: snoozed.body.id },
        { dueAt: due, remindedAt: due, snoozedUntil: new Date(Date.now() - 500) },
      );
    await emptyRedis();

    const queue = env.services.jobs.queue(REMINDERS_QUEUE);
    expect(await queue.getJob(`reminder-${taskId}`)).toBeUndefined();
    // Start-up sweep and the next periodic one: the owed jobs come back once each.
    expect(await sweepReminders(env.services)).toBe(2);
    expect(await sweepReminders(env.services)).toBe(0);
    expect(await queue.getJob(`reminder-${taskId}`)).toBeDefined();
    expect(await queue.getJob(`reminder-${snoozed.body.id}-snooze`)).toBeDefined();

    const sentTo = () => env.telegram.callsOf('sendMessage').filter((c) => c.payload.chat_id === chatId);
    const worker = startReminderWorker(env.services);
    try {
      await env.telegram.waitForCall(
        (c) => c.method === 'sendMessage' && c.payload.chat_id === chatId && String(c.payload.text).includes('Water'),
        10_000,
      );
      await env.telegram.waitForCall(
        (c) =>
          c.method === 'sendMessage' && c.payload.chat_id === chatId && String(c.payload.text).includes('Call back'),
        10_000,
      );
      // Sweeps after the send, and the job run again by hand (a duplicate): nothing more is sent.
      expect(await sweepReminders(env.services)).toBe(0);
      expect(await handleReminder(env.services, { data: { taskId, dueAt: due.toISOString() } })).toBe('skipped');
      await settle(500);
    } finally {
      await worker.close();
    }
    expect(sentTo().filter((c) => String(c.payload.text).includes('Water'))).toHaveLength(1);
    expect(sentTo().filter((c) => String(c.payload.text).includes('Call back'))).toHaveLength(1);
    const row = await env.em().findOneOrFail(Task, { id: taskId });
    expect(row.remindedAt).not.toBeNull();
    expect((await env.em().findOneOrFail(Task, { id: snoozed.body.id })).snoozedUntil).toBeNull();
  });

  it('a reminder not yet due is not queued early; one further out waits for a later sweep', async () => {
    const { token } = await createAccount(env.services, { firstName: 'Bo', telegramId: 640_002, language: 'en' });
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const res = await apiRequest(env.app, 'POST', '/tasks', { token, json: { title: 'Later', dueAt: later } });
    await emptyRedis();
    expect(await sweepReminders(env.services)).toBe(0);
    // An hour later (the sweep's clock), it is owed and queued with the delay left.
    const now = new Date(Date.now() + 3_600_000 - 30_000);
    expect(await sweepReminders(env.services, { now })).toBe(1);
    const job = await env.services.jobs.queue(REMINDERS_QUEUE).getJob(`reminder-${res.body.id}`);
    expect(job?.delay).toBeGreaterThan(3_000_000);
  });

  it('a pending registration past its expiry expires exactly once after the sweep', async () => {
    const client = env.bot.client({ id: 640_100, first_name: 'Tom', language_code: 'en' });
    await client.sendCommand('start');
    const res = await apiRequest(env.app, 'POST', '/auth/register', {
      json: { username: 'lost_in_redis', password: 'long enough pw', telegramId: client.user.id },
    });
    expect(res.status).toBe(202);
    const registration = await env.em().findOneOrFail(Registration, { username: 'lost_in_redis' });
    await handleNotification(env.services, { data: { type: 'registration-confirm', registrationId: registration.id } });
    expect(client.buttons()).toEqual(['✅ Confirm', '❌ Decline']);

    await emptyRedis();
    await env.em().nativeUpdate(Registration, { id: registration.id }, { expiresAt: new Date(Date.now() - 1_000) });
    expect(await sweepRegistrationExpiry(env.services)).toBe(1);
    expect(await sweepRegistrationExpiry(env.services)).toBe(0);

    const editsBefore = env.telegram.callsOf('editMessageText').length;
    const worker = startNotificationsWorker(env.services);
    try {
      await env.telegram.waitForCall(
        (c) => c.method === 'editMessageText' && c.payload.chat_id === client.user.id,
        10_000,
      );
      expect(await sweepRegistrationExpiry(env.services)).toBe(0);
      await handleNotification(env.services, {
        data: { type: 'registration-expire', registrationId: registration.id },
      });
      await settle(500);
    } finally {
      await worker.close();
    }
    expect(env.telegram.callsOf('editMessageText').length - editsBefore).toBe(1);
    expect(client.lastReply()).toContain('expired without an answer');
    expect((await env.em().findOneOrFail(Registration, { id: registration.id })).status).toBe('expired');
  });

  it('an expiry job that ran too early (completed, kept by BullMQ) is replaced by the sweep', async () => {
    const client = env.bot.client({ id: 640_101, first_name: 'Ann', language_code: 'en' });
    await client.sendCommand('start');
    await apiRequest(env.app, 'POST', '/auth/register', {
      json: { username: 'early_job', password: 'long enough pw', telegramId: client.user.id },
    });
    const registration = await env.em().findOneOrFail(Registration, { username: 'early_job' });
    const queue = env.services.jobs.queue(NOTIFICATIONS_QUEUE);
    const jobId = `registration-expire-${registration.id}`;
    // The job ran (e.g. while the database was away) and completed without expiring anything.
    const job = await queue.getJob(jobId);
    await job?.promote();
    const worker = startNotificationsWorker(env.services);
    try {
      for (let i = 0; i < 100 && (await (await queue.getJob(jobId))?.getState()) !== 'completed'; i++) await settle(50);
      expect(await (await queue.getJob(jobId))?.getState()).toBe('completed');
      expect((await env.em().findOneOrFail(Registration, { id: registration.id })).status).toBe('pending');
      await env.em().nativeUpdate(Registration, { id: registration.id }, { expiresAt: new Date(Date.now() - 1_000) });
      expect(await sweepRegistrationExpiry(env.services)).toBe(1);
      for (let i = 0; i < 100; i++) {
        if ((await env.em().findOneOrFail(Registration, { id: registration.id })).status === 'expired') break;
        await settle(50);
      }
    } finally {
      await worker.close();
    }
    expect((await env.em().findOneOrFail(Registration, { id: registration.id })).status).toBe('expired');
  });
});
