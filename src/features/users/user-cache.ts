import type { EventArgs, EventSubscriber, FlushEventArgs, TransactionEventArgs } from '@mikro-orm/core';
import type { Em } from '../../platform/db/orm.js';
import type { Redis } from '../../platform/redis.js';
import { User } from './user.entity.js';
import { readUserBy } from './user-rows.js';

/** How long a cached user lives without being invalidated; a bound on any staleness we missed. */
const TTL_SECONDS = 300;
const DATE_FIELDS = ['lastSeenAt', 'createdAt', 'updatedAt', 'inRoomSince'] as const;

/**
 * A user row as the cache keeps it: every field but the password hash, as plain data. Read-only:
 * a change goes through the managed entity (`UserCache.entity`), whose flush invalidates the cache.
 */
export type UserRow = Readonly<Omit<User, 'passwordHash'>>;

/** The entity's fields as plain data (arrays copied): what the cache keeps of a user. */
function rowOf(user: User): UserRow {
  const record: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(user)) {
    if (field === 'passwordHash' || typeof value === 'function') continue;
    record[field] = Array.isArray(value) ? [...value] : value;
  }
  return record as unknown as UserRow;
}

function parseRow(raw: string): UserRow {
  const data = JSON.parse(raw) as Record<string, unknown>;
  for (const field of DATE_FIELDS) if (typeof data[field] === 'string') data[field] = new Date(data[field] as string);
  return data as unknown as UserRow;
}

/**
 * A committed write's row replaces the cached one if nothing invalidated it since the writer read
 * it (the generation it saw); else the row is dropped, as an invalidation does. Either way the
 * generation moves on, so a reader that read the row before the write cannot put it back. Returns
 * the generation the row was written under, or false when it was dropped.
 */
const REPLACE_IF_GENERATION = `
local seen = redis.call('get', KEYS[2]) or '0'
local next = redis.call('incr', KEYS[2])
if seen == ARGV[1] then
  redis.call('set', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return tostring(next)
end
redis.call('del', KEYS[1])
return false`;

/** Writes the value only if no invalidation happened since the reader looked at the generation. */
const SET_IF_GENERATION = `
if (redis.call('get', KEYS[2]) or '0') == ARGV[1] then
  redis.call('set', KEYS[1], ARGV[2], 'EX', ARGV[3])
end
return 1`;

/**
 * The user row behind a Telegram id, cached in Redis so that a bot update which only navigates
 * (paging a list, opening a menu) sends no SQL at all. Every write to a user goes through the
 * ORM's flush (the subscriber below invalidates) or calls `invalidate` itself; a generation
 * counter keeps a reader that raced an invalidation from putting an old row back.
 */
export class UserCache {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  private key(telegramId: number) {
    return `${this.keyPrefix}user:tg:${telegramId}`;
  }

  private generationKey(telegramId: number) {
    return `${this.keyPrefix}user:tg:${telegramId}:gen`;
  }

  /**
   * The cached row behind a Telegram id as plain data, or on a miss the generation to pass to
   * `read` (the row and the generation come in one round trip, so a miss does not wait for Redis
   * a second time before its SELECT). `entity` makes the row a managed entity when it is needed.
   */
  async peek(telegramId: number): Promise<{ row: UserRow | null; generation: string }> {
    const [raw, generation] = await this.redis.mget(this.key(telegramId), this.generationKey(telegramId));
    return { row: raw ? parseRow(raw) : null, generation: generation ?? '0' };
  }

  /**
   * A cached row as a managed entity of `em`, without a query: merged with this data as its
   * known database state, so a later flush writes only what changed. This is most of what
   * loading a cached user costs, which is why the bot makes it only when a handler needs it.
   */
  entity(em: Em, row: UserRow): User {
    // refresh: the row may be newer than an entity `em` already holds (read on a miss, then
    // written as one statement by LoadedUser.change).
    return em.merge(User, { ...row } as Partial<User>, { refresh: true });
  }

  /** The user as a managed entity of `em`, or null on a miss (then call `load`). */
  async get(em: Em, telegramId: number): Promise<User | null> {
    const raw = await this.redis.get(this.key(telegramId));
    return raw ? this.entity(em, parseRow(raw)) : null;
  }

  /** Reads the row from the database and caches it (unless it was invalidated meanwhile). */
  async load(em: Em, telegramId: number): Promise<User | null> {
    const generation = (await this.redis.get(this.generationKey(telegramId))) ?? '0';
    const row = await this.read(em, telegramId, generation);
    return row ? this.entity(em, row) : null;
  }

  /**
   * Reads the row from the database and caches it (unless it was invalidated meanwhile); the row
   * as plain data, as a hit gives it. `generation` must have been read before the SELECT: a write
   * after it makes the put a no-op.
   */
  async read(em: Em, telegramId: number, generation: string): Promise<UserRow | null> {
    const user = await readUserBy(em, 'telegram_id', telegramId);
    if (!user) return null;
    const row = rowOf(user);
    await this.putRow(row, generation);
    return row;
  }

  async put(user: User, generation?: string): Promise<void> {
    await this.putRow(rowOf(user), generation);
  }

  private async putRow(row: UserRow, generation?: string): Promise<void> {
    const telegramId = row.telegramId;
    if (telegramId == null) return;
    const gen = generation ?? (await this.redis.get(this.generationKey(telegramId))) ?? '0';
    await this.writeRow(SET_IF_GENERATION, telegramId, row, gen);
  }

  /** Runs a generation-checked write (SET_IF_GENERATION, REPLACE_IF_GENERATION) of `row`. */
  private writeRow(script: string, telegramId: number, row: UserRow, generation: string): Promise<unknown> {
    return this.redis.eval(
      script,
      2,
      this.key(telegramId),
      this.generationKey(telegramId),
      generation,
      JSON.stringify(row),
      TTL_SECONDS,
    );
  }

  /**
   * After a committed write of `row` by one who read it at `generation` (peek): the cached row
   * becomes `row`, so the next update needs no SELECT — unless the cache was invalidated since,
   * when it is dropped instead. Returns the generation `row` is cached under, or null if dropped.
   * Only for a write already committed: a row cached before its transaction commits could be one
   * that never was.
   */
  async replace(row: UserRow, generation: string): Promise<string | null> {
    const telegramId = row.telegramId;
    if (telegramId == null) return null;
    const written = await this.writeRow(REPLACE_IF_GENERATION, telegramId, row, generation);
    return typeof written === 'string' ? written : null;
  }

  async invalidate(...telegramIds: Array<number | null | undefined>): Promise<void> {
    const ids = [...new Set(telegramIds.filter((id): id is number => typeof id === 'number'))];
    if (ids.length === 0) return;
    const multi = this.redis.multi();
    for (const id of ids) multi.incr(this.generationKey(id)).del(this.key(id));
    await multi.exec();
  }
}

/**
 * Invalidates cached users whenever the ORM writes a user row: at the end of the flush and
 * again when an enclosing transaction commits (a reader between the two could have cached
 * the row as it was before the commit).
 */
export class UserCacheSubscriber implements EventSubscriber<User> {
  private readonly pending = new WeakMap<object, Set<number>>();

  constructor(private readonly cache: UserCache) {}

  getSubscribedEntities() {
    return [User];
  }

  private remember(args: EventArgs<User>): void {
    const ids = this.pending.get(args.em) ?? new Set<number>();
    const before = args.changeSet?.originalEntity?.telegramId;
    for (const id of [args.entity.telegramId, before]) if (typeof id === 'number') ids.add(id);
    this.pending.set(args.em, ids);
  }

  afterCreate(args: EventArgs<User>) {
    this.remember(args);
  }

  afterUpdate(args: EventArgs<User>) {
    this.remember(args);
  }

  afterDelete(args: EventArgs<User>) {
    this.remember(args);
  }

  async afterFlush(args: FlushEventArgs) {
    const ids = this.pending.get(args.em);
    if (ids?.size) await this.cache.invalidate(...ids);
  }

  async afterTransactionCommit(args: TransactionEventArgs) {
    const ids = this.pending.get(args.em);
    if (!ids?.size) return;
    this.pending.delete(args.em);
    await this.cache.invalidate(...ids);
  }
}

const attached = new WeakMap<object, Map<string, UserCache>>();

/**
 * The UserCache of this ORM and key prefix, with its invalidating subscriber registered once.
 * Every part of a process (bot, API, worker) must share it, or a write in one would not reach
 * the others' reads.
 */
export function attachUserCache(orm: { em: Em }, redis: Redis, keyPrefix: string): UserCache {
  let byPrefix = attached.get(orm);
  if (!byPrefix) {
    byPrefix = new Map();
    attached.set(orm, byPrefix);
  }
  let cache = byPrefix.get(keyPrefix);
  if (!cache) {
    cache = new UserCache(redis, keyPrefix);
    orm.em.getEventManager().registerSubscriber(new UserCacheSubscriber(cache));
    byPrefix.set(keyPrefix, cache);
  }
  return cache;
}
