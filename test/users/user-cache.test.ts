import { describe, expect, it } from 'vitest';
import { entities } from '../../src/entities.js';
import { User } from '../../src/features/users/user.entity.js';
import { attachUserCache } from '../../src/features/users/user-cache.js';
import { loadTelegramUser, setBotBlocked } from '../../src/features/users/users.js';
import { createOrm } from '../../src/platform/db/orm.js';
import { createAccount } from '../helpers/accounts.js';
import { useTestEnvironment } from '../helpers/environment.js';
import { apiRequest } from '../helpers/services.js';

const env = useTestEnvironment();
let nextTelegramId = 600_000;

/** A policy naming no admins (config's ADMIN_TELEGRAM_IDS). */
const NO_ADMINS = { adminTelegramIds: [] as number[] };

const BLOCKED = '⛔ Your access to Gramdesk has been blocked by an administrator.';

/**
 * A write made by another process (the API, the worker): its own ORM, with the user cache
 * attached as app.ts does there, over the same database and Redis. Nothing of the bot's process
 * (its ORM, its identity maps) hears of it except through what that process leaves in Redis.
 */
async function inAnotherProcess(work: (em: ReturnType<typeof env.em>) => Promise<void>): Promise<void> {
  const orm = await createOrm({ entities, databaseUrl: env.db.url, pgliteDir: '', poolSize: 1 });
  try {
    attachUserCache(orm, env.redis.redis, env.redis.keyPrefix);
    await work(orm.em.fork());
  } finally {
    await orm.close(true);
  }
}

/** A user the bot has met before (created on first contact, last seen just now); not cached yet. */
async function knownUser(firstName: string): Promise<number> {
  const telegramId = nextTelegramId++;
  const cache = attachUserCache(env.db.orm, env.redis.redis, env.redis.keyPrefix);
  const em = env.em();
  await loadTelegramUser(() => em, { id: telegramId, first_name: firstName }, NO_ADMINS, cache);
  return telegramId;
}

function queriesDuring(work: () => Promise<void>): Promise<string[]> {
  const before = env.db.queries.length;
  return work().then(() => env.db.queries.slice(before));
}

describe('the cached user behind a Telegram update', () => {
  it('after the first update, menu navigation sends no SQL at all', async () => {
    const client = env.bot.client({ id: nextTelegramId++, first_name: 'Cache', language_code: 'en' });
    await client.sendCommand('start');
    await client.click('⚙️ Settings');
    expect(await queriesDuring(() => client.click('◀️ Back'))).toEqual([]);
    expect(await queriesDuring(() => client.click('⚙️ Settings'))).toEqual([]);
    expect(await queriesDuring(() => client.sendCommand('help'))).toEqual([]);
  });

  it('a change made over the API reaches the bot at the next update', async () => {
    const telegramId = nextTelegramId++;
    const { token } = await createAccount(env.services, { telegramId, username: 'cache_api' });
    const client = env.bot.client({ id: telegramId, first_name: 'Api', language_code: 'en' });
    await client.sendCommand('menu');
    expect(client.lastReply()).toContain('What would you like to do?');
    expect((await apiRequest(env.app, 'PATCH', '/users/me', { token, json: { language: 'ru' } })).status).toBe(200);
    await client.sendCommand('menu');
    expect(client.lastReply()).toContain('Что будем делать?');
  });

  it('a change made in the bot is what the API then reads, and the cache follows every write', async () => {
    const telegramId = nextTelegramId++;
    const { token } = await createAccount(env.services, { telegramId, username: 'cache_bot' });
    const client = env.bot.client({ id: telegramId, first_name: 'Bot', language_code: 'en' });
    await client.sendCommand('settings');
    await client.click('🔔 Reminders & messages: on');
    expect((await apiRequest(env.app, 'GET', '/users/me', { token })).body.notifications).toBe(false);

    // Native paths that change users go through the entity too (setBotBlocked), so the cache hears of them.
    await setBotBlocked(env.em(), telegramId, true);
    const cache = attachUserCache(env.db.orm, env.redis.redis, env.redis.keyPrefix);
    const em = env.em();
    const cached = (await cache.get(em, telegramId)) ?? (await cache.load(em, telegramId));
    expect(cached?.botBlocked).toBe(true);
  });

  it('a setting toggled in the bot is one UPDATE, without a transaction; the screen, the API and the next update see it', async () => {
    const telegramId = nextTelegramId++;
    const { token } = await createAccount(env.services, { telegramId, username: 'cache_toggle' });
    const client = env.bot.client({ id: telegramId, first_name: 'Toggle', language_code: 'en' });
    await client.sendCommand('settings');
    // The first update brought the row in step with Telegram's profile (a write); the next one cached it.
    await client.click('◀️ Back');
    await client.click('⚙️ Settings');
    const before = await env.em().findOneOrFail(User, { telegramId });
    let transactions = 0;
    let counting = false;
    env.db.orm.em.getEventManager().registerSubscriber({
      afterTransactionStart: () => {
        if (counting) transactions++;
      },
    });
    counting = true;
    const sql = await queriesDuring(() => client.click('🔔 Reminders & messages: on'));
    counting = false;
    expect(sql).toHaveLength(1);
    expect(sql[0]).toMatch(/^update users set "notifications" = .*, "updated_at" = .* where id = /);
    expect(transactions).toBe(0);
    // The same update shows the new state (the label flipped in place) ...
    expect(client.buttons()).toContain('🔔 Reminders & messages: off');
    // ... the row holds it, with updated_at moved on, and the API reads it.
    const after = await env.em().findOneOrFail(User, { telegramId });
    expect(after.notifications).toBe(false);
    expect(after.updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());
    expect((await apiRequest(env.app, 'GET', '/users/me', { token })).body.notifications).toBe(false);
    // The changed row replaced the cached one: the next updates read no SQL and show the change.
    expect(await queriesDuring(() => client.click('◀️ Back'))).toEqual([]);
    expect(await queriesDuring(() => client.click('⚙️ Settings'))).toEqual([]);
    expect(client.buttons()).toContain('🔔 Reminders & messages: off');
    // What the cache holds is the row as stored, updated_at included.
    const cache = attachUserCache(env.db.orm, env.redis.redis, env.redis.keyPrefix);
    const cached = (await cache.peek(telegramId)).row;
    expect(cached?.notifications).toBe(false);
    expect(cached?.updatedAt.getTime()).toBe(after.updatedAt.getTime());
  });

  it('a row written through to the cache keeps out a reader that read the row before the write', async () => {
    const telegramId = await knownUser('Through');
    const cache = attachUserCache(env.db.orm, env.redis.redis, env.redis.keyPrefix);
    // A reader misses and reads the row from the database ...
    const { row: missed, generation } = await cache.peek(telegramId);
    expect(missed).toBeNull();
    const stale = await env.em().findOneOrFail(User, { telegramId });
    // ... meanwhile the sender is loaded (and cached) at the same generation and changes a setting.
    const senderEm = env.em();
    const sender = await loadTelegramUser(() => senderEm, { id: telegramId, first_name: 'Through' }, NO_ADMINS, cache);
    await sender.change({ timezone: 'Asia/Tokyo' });
    expect((await cache.peek(telegramId)).row?.timezone).toBe('Asia/Tokyo');
    // The reader's old row, put late, does not replace the newer one.
    await cache.put(stale, generation);
    expect((await cache.peek(telegramId)).row?.timezone).toBe('Asia/Tokyo');
  });

  it('a write after an invalidation the writer did not see drops the cached row instead of writing it', async () => {
    const telegramId = nextTelegramId++;
    const client = env.bot.client({ id: telegramId, first_name: 'Dropped', language_code: 'en' });
    await client.sendCommand('settings');
    await client.click('◀️ Back');
    await client.click('⚙️ Settings');
    const cache = attachUserCache(env.db.orm, env.redis.redis, env.redis.keyPrefix);
    const sender = await loadTelegramUser(
      () => env.em(),
      { id: telegramId, first_name: 'Dropped', language_code: 'en' },
      NO_ADMINS,
      cache,
    );
    // Another process writes the row (its flush invalidates) after the sender was loaded.
    await inAnotherProcess(async (em) => {
      const user = await em.findOneOrFail(User, { telegramId });
      user.language = 'ru';
      await em.flush();
    });
    await sender.change({ notifications: false });
    expect((await cache.peek(telegramId)).row).toBeNull();
    // The next update reads the row, with both changes.
    expect(await queriesDuring(() => client.click('◀️ Back'))).not.toEqual([]);
    const row = (await cache.peek(telegramId)).row;
    expect([row?.language, row?.notifications]).toEqual(['ru', false]);
  });

  it('a change inside a transaction drops the cached row: a rolled-back write is never cached', async () => {
    const telegramId = await knownUser('Tx');
    const cache = attachUserCache(env.db.orm, env.redis.redis, env.redis.keyPrefix);
    const loaderEm = env.em();
    await loadTelegramUser(() => loaderEm, { id: telegramId, first_name: 'Tx' }, NO_ADMINS, cache);
    expect((await cache.peek(telegramId)).row?.notifications).toBe(true);
    await expect(
      env.em().transactional(async (tx) => {
        const sender = await loadTelegramUser(() => tx, { id: telegramId, first_name: 'Tx' }, NO_ADMINS, cache);
        await sender.change({ notifications: false });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await cache.peek(telegramId)).row).toBeNull();
    expect((await env.em().findOneOrFail(User, { telegramId })).notifications).toBe(true);
    expect((await cache.load(env.em(), telegramId))?.notifications).toBe(true);
  });

  it('a reader that raced an invalidation does not put the old row back', async () => {
    const telegramId = nextTelegramId++;
    const em = env.em();
    em.create(User, { telegramId, telegramFirstName: 'Race' });
    await em.flush();
    const cache = attachUserCache(env.db.orm, env.redis.redis, env.redis.keyPrefix);
    const stale = await env.em().findOneOrFail(User, { telegramId });
    const generationBefore = (await env.redis.redis.get(`${env.redis.keyPrefix}user:tg:${telegramId}:gen`)) ?? '0';
    // A write happens between the reader's database read and its cache write.
    const writer = env.em();
    const row = await writer.findOneOrFail(User, { telegramId });
    row.timezone = 'Asia/Tokyo';
    await writer.flush();
    await cache.put(stale, generationBefore);
    const fresh = await cache.get(env.em(), telegramId);
    expect(fresh).toBeNull();
    expect((await cache.load(env.em(), telegramId))?.timezone).toBe('Asia/Tokyo');
  });

  it('a ban written by another process answers the very next update with "blocked", though navigation reads no SQL', async () => {
    const telegramId = nextTelegramId++;
    const client = env.bot.client({ id: telegramId, first_name: 'Stale', language_code: 'en' });
    await client.sendCommand('start');
    await client.click('⚙️ Settings');
    // The bot serves this user from its cache: a stale copy is what the next update would see.
    expect(await queriesDuring(() => client.click('◀️ Back'))).toEqual([]);

    await inAnotherProcess(async (em) => {
      const user = await em.findOneOrFail(User, { telegramId });
      user.status = 'banned';
      await em.flush();
    });
    const before = client.replies().length;
    await client.click('⚙️ Settings');
    expect(client.replies().slice(before)).toEqual([BLOCKED]);
    await client.sendCommand('menu');
    expect(client.replies().slice(before)).toEqual([BLOCKED]);
  });

  it('a user deleted by another process is a new user at the very next update, not the cached row', async () => {
    const telegramId = nextTelegramId++;
    const client = env.bot.client({ id: telegramId, first_name: 'Gone', language_code: 'en' });
    await client.sendCommand('settings');
    await client.click('🌐 Language');
    await client.click('🇷🇺 Русский');
    await client.sendCommand('menu');
    expect(client.lastReply()).toContain('Что будем делать?');
    const oldId = (await env.em().findOneOrFail(User, { telegramId })).id;
    expect(await queriesDuring(() => client.sendCommand('menu'))).toEqual([]);

    await inAnotherProcess(async (em) => {
      em.remove(await em.findOneOrFail(User, { telegramId }));
      await em.flush();
    });
    await client.sendCommand('menu');
    // Telegram's language again: the row that chose Russian is gone.
    expect(client.lastReply()).toContain('What would you like to do?');
    const fresh = await env.em().findOneOrFail(User, { telegramId });
    expect(fresh.id).not.toBe(oldId);
  });
});
