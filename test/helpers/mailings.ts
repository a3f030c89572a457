import { MailingEngine, type MailingEngineOptions } from '../../src/features/mailings/jobs/engine.js';
import {
  createMailing,
  getMailingView,
  type MailingInput,
  type MailingView,
} from '../../src/features/mailings/mailings.js';
import { type Role, User } from '../../src/features/users/user.entity.js';
import type { Em } from '../../src/platform/db/orm.js';
import type { Services } from '../../src/platform/services.js';
import type { BotClient } from './bot-client.js';
import type { TestEnvironment } from './environment.js';
import { FakeBotApi } from './fake-bot-api.js';

let nextChat = 900_000_000 + Math.floor(Math.random() * 50_000_000);

export interface SeedUser {
  tags?: string[];
  timezone?: string;
  language?: string;
  operatorCode?: string | null;
  role?: 'user' | 'admin';
  status?: 'active' | 'banned';
  botBlocked?: boolean;
  telegram?: boolean;
}

/** Inserts `count` users alike in one statement; returns their Telegram chat ids. */
export async function seedUsers(em: Em, count: number, user: SeedUser = {}): Promise<number[]> {
  const first = nextChat;
  nextChat += count;
  await em.getConnection().execute(
    `insert into users (telegram_id, language, timezone, tags, role, status, bot_blocked, operator_code, notifications, created_at, updated_at)
     select case when ? then ? + g else null end, ?, ?, array(select jsonb_array_elements_text(?::jsonb)), ?, ?, ?, ?, true, now(), now() from generate_series(0, ? - 1) g`,
    [
      user.telegram ?? true,
      first,
      user.language ?? 'en',
      user.timezone ?? 'UTC',
      JSON.stringify(user.tags ?? []),
      user.role ?? 'user',
      user.status ?? 'active',
      user.botBlocked ?? false,
      user.operatorCode ?? null,
      count,
    ],
  );
  return Array.from({ length: count }, (_, i) => first + i);
}

/** A fake Bot API server plus engines pointed at it; `stop()` ends both. */
export async function engineHarness(services: Services) {
  const fake = new FakeBotApi();
  const root = await fake.listen();
  const engines: MailingEngine[] = [];
  const engineServices = { ...services, config: { ...services.config, telegramApiRoot: root } };
  return {
    fake,
    root,
    engine(options: MailingEngineOptions = {}) {
      const engine = new MailingEngine(engineServices, {
        rate: 1000,
        tickMs: 100,
        idleMs: 50,
        retryBaseMs: 100,
        retryMaxMs: 500,
        timeoutMs: 2000,
        ...options,
      });
      engines.push(engine);
      return engine;
    },
    async stop() {
      await Promise.all(engines.map((e) => e.stop()));
      await fake.close();
    },
  };
}

export async function newMailing(services: Services, input: Partial<MailingInput> & { text: string }) {
  const em = services.orm.em.fork();
  return createMailing(em, null, { endAt: new Date(Date.now() + 60_000), ...input });
}

/** Waits until the mailing is completed or cancelled (and nothing is processing). */
export async function waitForMailing(
  services: Services,
  id: string,
  done: (v: MailingView) => boolean = (v) => v.status === 'completed' || v.status === 'cancelled',
  timeoutMs = 20_000,
): Promise<MailingView> {
  const started = Date.now();
  for (;;) {
    const view = await getMailingView(services.orm.em.fork(), id);
    if (done(view)) return view;
    if (Date.now() - started > timeoutMs) throw new Error(`mailing ${id} not done: ${JSON.stringify(view)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * An English Telegram user who started the bot and is made an admin, with `setRole` to demote
 * them (or promote them again) mid-flow: the tests of what a demoted admin may still reach.
 */
export async function demotableAdmin(
  env: TestEnvironment,
  profile: { id: number; first_name: string; username: string },
): Promise<{ client: BotClient; setRole(role: Role): Promise<void> }> {
  const client = env.bot.client({ ...profile, language_code: 'en' });
  await client.sendCommand('start');
  const em = env.em();
  const user = await em.findOneOrFail(User, { telegramId: client.user.id });
  const setRole = async (role: Role) => {
    user.role = role;
    await em.flush();
  };
  await setRole('admin');
  return { client, setRole };
}
