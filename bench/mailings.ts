/**
 * Mailing delivery (SPEC §2.5): (a) efficiency = achieved rate ÷ configured rate for 5,000
 * recipients at 25/s and 1,000/s with two engines (two workers in this process, sharing the Redis
 * rate limit and PostgreSQL claims like two processes would); (b) the raw ceiling with no rate
 * limit; (c) peak RSS while materialising and sending 200,000 recipients (no rate limit).
 * BENCH_MAILING_QUICK=1 skips the 25/s case (it takes 200 s by design).
 */
import { createOrm, type Orm } from '../src/db/orm.js';
import { createMailing, getMailingView } from '../src/domain/mailings.js';
import { createLogger } from '../src/logger.js';
import { MailingEngine } from '../src/mailings/engine.js';
import { connectRedis, createRedis } from '../src/redis.js';
import type { Services } from '../src/services.js';
import { FakeBotApiServer } from '../test/helpers/fake-bot-api-server.js';
import { testConfig } from '../test/helpers/services.js';
import { type BenchEnv, type Benchmark, fmt, markdownTable, round } from './harness.js';

async function seed(orm: Orm, tag: string, count: number, firstChat: number) {
  await orm.em
    .fork()
    .getConnection()
    .execute(
      `insert into users (telegram_id, language, timezone, tags, role, status, bot_blocked, notifications, created_at, updated_at)
     select ? + g, 'en', 'UTC', array[?], 'user', 'active', false, true, now(), now() from generate_series(0, ? - 1) g`,
      [firstChat, tag, count],
    );
}

async function scenario(
  services: Services,
  apiRoot: string,
  fake: FakeBotApiServer,
  tag: string,
  _count: number,
  rate: number | null,
  engines = 2,
) {
  const sendsBefore = fake.sends.length;
  const mailing = await createMailing(services.orm.em.fork(), null, {
    text: `bench ${tag}`,
    filter: { tags: [tag] },
    endAt: new Date(Date.now() + 3_600_000),
  });
  const config = { ...services.config, telegramApiRoot: apiRoot, mailing: { rate: rate ?? 1000, paidBroadcast: true } };
  const list = Array.from({ length: engines }, () =>
    new MailingEngine({ ...services, config }, { rate, tickMs: 200, idleMs: 20 }).start(),
  );
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const started = Date.now();
  for (;;) {
    const view = await getMailingView(services.orm.em.fork(), mailing.id);
    if (view.status === 'completed') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  clearInterval(sampler);
  await Promise.all(list.map((e) => e.stop()));
  const sends = fake.sends.slice(sendsBefore);
  const first = sends[0]?.at ?? started;
  const last = sends[sends.length - 1]?.at ?? started;
  // n sends span n-1 intervals.
  const achieved = sends.length > 1 ? ((sends.length - 1) * 1000) / Math.max(1, last - first) : 0;
  return {
    sent: sends.length,
    achieved,
    totalMs: Date.now() - started,
    peakRssMb: peakRss / 2 ** 20,
    duplicates: fake.duplicates,
  };
}

export const mailingsBench: Benchmark = {
  name: 'mailings',
  title: 'Mailing delivery: rate efficiency, raw ceiling, memory',
  async run(env: BenchEnv) {
    const orm = await createOrm({ databaseUrl: env.databaseUrl, pgliteDir: '', poolSize: 16 });
    const redis = createRedis(env.redisUrl);
    await connectRedis(redis, env.redisUrl);
    const fake = new FakeBotApiServer();
    const apiRoot = await fake.listen();
    const services = {
      config: testConfig({ REDIS_URL: env.redisUrl }),
      log: createLogger('warn'),
      orm,
      redis,
      keyPrefix: env.keyPrefix,
    } as unknown as Services;
    const rows: string[][] = [];
    const data: Record<string, unknown> = {};
    try {
      const cases: Array<[string, number, number | null]> = [];
      if (!process.env.BENCH_MAILING_QUICK) cases.push(['rate25', 5000, 25]);
      cases.push(['rate1000', 5000, 1000], ['raw', 20000, null]);
      let chat = 100_000_000;
      for (const [tag, count, rate] of cases) {
        await seed(orm, tag, count, chat);
        chat += count;
        const r = await scenario(services, apiRoot, fake, tag, count, rate);
        data[tag] = { count, rate, ...r };
        rows.push([
          tag,
          fmt(count, 0),
          rate === null ? '—' : fmt(rate, 0),
          fmt(r.achieved, 1),
          rate === null ? '—' : fmt(r.achieved / rate, 3),
          fmt(r.peakRssMb, 0),
          String(r.duplicates),
        ]);
      }
      const big = Number(process.env.BENCH_MAILING_BIG ?? 200_000);
      const before = process.memoryUsage().rss / 2 ** 20;
      await orm.em
        .fork()
        .getConnection()
        .execute(
          `insert into users (telegram_id, language, timezone, tags, role, status, bot_blocked, notifications, created_at, updated_at)
         select ? + g, 'en', 'UTC', array['big'], 'user', 'active', false, true, now(), now() from generate_series(0, ? - 1) g`,
          [chat, big],
        );
      const r = await scenario(services, apiRoot, fake, 'big', big, null);
      data.big = { count: big, rssBeforeMb: round(before), ...r };
      rows.push(['big (memory)', fmt(big, 0), '—', fmt(r.achieved, 1), '—', fmt(r.peakRssMb, 0), String(r.duplicates)]);
    } finally {
      await fake.close();
      await redis.quit();
      await orm.close(true);
    }
    return {
      report: [
        markdownTable(['case', 'recipients', 'rate/s', 'achieved/s', 'efficiency', 'peak RSS MB', 'duplicates'], rows),
        'Two engines in one process (the fake Bot API in the same process answers instantly). Efficiency = (sends − 1) ÷ (last − first send) ÷ rate.',
      ],
      data,
    };
  },
};
