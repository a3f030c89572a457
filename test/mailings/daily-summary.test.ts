import { describe, expect, it } from 'vitest';
import { sendDailySummaries } from '../../src/features/mailings/jobs/cards.js';
import { Mailing } from '../../src/features/mailings/mailing.entities.js';
import { User } from '../../src/features/users/user.entity.js';
import { useTestEnvironment } from '../helpers/environment.js';

const env = useTestEnvironment();

describe('daily summary of yesterday’s mailings', () => {
  it('goes to each admin at 09:00 in their own time zone, once per day, in their language', async () => {
    const em = env.em();
    const moscow = em.create(User, { telegramId: 990_001, role: 'admin', timezone: 'Europe/Moscow', language: 'ru' });
    const newYork = em.create(User, { telegramId: 990_002, role: 'admin', timezone: 'America/New_York' });
    em.create(User, { telegramId: 990_003, role: 'user', timezone: 'Europe/Moscow' });
    // Started on 2026-11-21 in both zones' local time.
    em.create(Mailing, {
      text: 'Hello',
      filter: {},
      startAt: new Date('2026-11-21T12:00:00Z'),
      endAt: new Date('2026-11-21T20:00:00Z'),
      status: 'completed',
    });
    await em.flush();

    // 09:10 in Moscow (06:10 UTC) = 01:10 in New York: only the Moscow admin.
    const moscowMorning = new Date('2026-11-22T06:10:00Z');
    expect(await sendDailySummaries(env.services, moscowMorning)).toBe(1);
    const toMoscow = env.telegram.textsTo(moscow.telegramId ?? 0);
    expect(toMoscow).toHaveLength(1);
    // The day as the bot writes days elsewhere (formatDay), not an ISO date.
    expect(toMoscow[0]).toContain('📊 <b>Рассылки за вчера</b> (сб, 21 нояб.)');
    expect(toMoscow[0]).toMatch(/#\d+ · ✅/);
    // Once per day.
    expect(await sendDailySummaries(env.services, new Date('2026-11-22T06:40:00Z'))).toBe(0);

    // 09:05 in New York (14:05 UTC).
    expect(await sendDailySummaries(env.services, new Date('2026-11-22T14:05:00Z'))).toBe(1);
    expect(env.telegram.textsTo(newYork.telegramId ?? 0)[0]).toContain('📊 <b>Mailings yesterday</b> (Sat, Nov 21)');
    expect(env.telegram.textsTo(990_003)).toHaveLength(0);
  });

  it('names the year when yesterday was in another one (January 1st)', async () => {
    const em = env.em();
    const admin = em.create(User, { telegramId: 990_004, role: 'admin', timezone: 'UTC', language: 'en' });
    em.create(Mailing, {
      text: 'New year',
      filter: {},
      startAt: new Date('2026-12-31T12:00:00Z'),
      endAt: new Date('2026-12-31T20:00:00Z'),
      status: 'completed',
    });
    await em.flush();
    expect(await sendDailySummaries(env.services, new Date('2027-01-01T09:10:00Z'))).toBe(1);
    expect(env.telegram.textsTo(admin.telegramId ?? 0)[0]).toContain(
      '📊 <b>Mailings yesterday</b> (Thu, Dec 31, 2026)',
    );
  });
});
