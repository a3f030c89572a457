import { isRedisUnavailable, type Outages } from './outages.js';

/** How many owed writes one process remembers; past it the oldest are dropped (see RedisFollowUps). */
export const MAX_OWED_FOLLOW_UPS = 10_000;

export interface FollowUpOptions {
  /**
   * The write is owed when Redis is away and made again when it is back: a key naming what it
   * does (the same key twice is owed once, the later write kept). Only for writes that may be
   * made late and twice (a counter bump, a cache entry dropped). Without it a lost write is left
   * to whatever re-derives it from PostgreSQL (the sweeps).
   */
  owed?: string;
  /** Logged with the outage's first line. */
  context?: object;
}

/**
 * Redis writes that follow a change already committed to PostgreSQL (issue 18: PostgreSQL is the
 * record, Redis state is derived from it). Redis being away must not fail that change: the client
 * would be told 503 for something that is stored, and a retried POST would store it twice. So a
 * follow-up that fails because Redis is unreachable is reported to `outages` (one log line per
 * outage) and swallowed; any other error is a bug and is thrown.
 *
 * What was lost is made good in one of two ways. Work that PostgreSQL records (reminders, owed
 * notices) is re-queued by the sweeps. State that only Redis holds (a list version, a cache
 * invalidation) is remembered here, in process, by its `owed` key and written again when
 * `outages` says Redis is back. A process that stops during the outage forgets it: the readers of
 * such state bound how long they trust it (the bot's list snapshot expires, comment lists have a
 * TTL), so a lost write means a stale view for a while, never a wrong record. For the same
 * reason the memory is bounded (MAX_OWED_FOLLOW_UPS): past it the oldest are dropped.
 */
export class RedisFollowUps {
  private readonly owed = new Map<string, () => Promise<unknown>>();

  constructor(
    private readonly outages: Outages,
    private readonly log: { warn(obj: object, msg: string): void },
    private readonly maxOwed = MAX_OWED_FOLLOW_UPS,
  ) {
    outages.onRecovered((dependency) => {
      if (dependency === 'redis') void this.replay();
    });
  }

  /** Makes the write; false when Redis was away (reported, and owed if `owed` names it). */
  async run(write: () => Promise<unknown>, options: FollowUpOptions = {}): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (err) {
      if (!this.absorbs(err, options.context)) throw err;
      if (options.owed !== undefined) this.owe(options.owed, write);
      return false;
    }
  }

  /**
   * Whether `err` says Redis is unreachable; if so the outage is reported (logged once per
   * outage) and the caller goes on without the write.
   */
  absorbs(err: unknown, context: object = {}): boolean {
    if (!isRedisUnavailable(err)) return false;
    this.outages.down('redis', err, { ...context, followUp: true });
    return true;
  }

  /** Makes the owed writes now (`outages` calls it when Redis is back); one that fails again stays owed. */
  async replay(): Promise<void> {
    for (const [key, write] of [...this.owed]) {
      // A newer write under the same key (owed meanwhile) replaces this one.
      if (this.owed.get(key) !== write) continue;
      this.owed.delete(key);
      await this.run(write, { owed: key, context: { replay: key } }).catch((err: unknown) => {
        this.log.warn({ err, followUp: key }, 'owed Redis write failed when replayed; dropped');
      });
    }
  }

  private owe(key: string, write: () => Promise<unknown>): void {
    this.owed.delete(key);
    this.owed.set(key, write);
    if (this.owed.size > this.maxOwed) {
      const oldest = this.owed.keys().next().value;
      if (oldest !== undefined) this.owed.delete(oldest);
    }
  }
}
