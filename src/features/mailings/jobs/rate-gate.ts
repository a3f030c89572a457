import type { Redis } from '../../../platform/redis.js';
import { TelegramBudget } from '../../../platform/telegram/budget.js';

/** The Redis key whose presence (and TTL) means "Telegram said 429: nobody sends until it expires". */
export const mailingPauseKey = (keyPrefix: string) => `${keyPrefix}mailing:pause-until`;

/**
 * The mailing sender's gate: the mailing lane of the TelegramBudget (one GCRA schedule at
 * MAILING_RATE for every mailing worker of every process; chat sends have a lane of their own, so a
 * chatty room cannot slow a running mailing) plus a global pause.
 *
 * Why a pause key besides the budget's own `pause()`: the budget only keeps *new* slots after
 * retry_after; a 429 also writes a key with a TTL of retry_after (Redis's clock, no host clocks
 * involved), and `take` hands out nothing while it lives — checked in the same script that takes
 * the slots, right before the group is sent.
 */
export class RateGate {
  private readonly budget: TelegramBudget | null;
  private readonly pauseKey: string;

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
    /** Messages per second; null = no limit (benchmarks of the raw ceiling only). */
    rate: number | null,
  ) {
    this.budget = rate === null ? null : new TelegramBudget(redis, keyPrefix, rate, 1, 'mailing');
    this.pauseKey = mailingPauseKey(keyPrefix);
  }

  /** Milliseconds the global pause still lasts (0: none). */
  async pausedFor(): Promise<number> {
    const ttl = await this.redis.pttl(this.pauseKey);
    return Math.max(ttl, 0);
  }

  /**
   * Up to `max` send slots that fall within the next `horizonMs`, in one Redis round trip:
   * `taken` slots, the first of them `waitMs` away; or none (a pause, or the next slot lies
   * further ahead) and `waitMs` to wait before asking again.
   */
  async take(max: number, horizonMs: number): Promise<{ taken: number; waitMs: number }> {
    if (this.budget) return this.budget.take(max, horizonMs, this.pauseKey);
    const paused = await this.pausedFor();
    return paused > 0 ? { taken: 0, waitMs: paused } : { taken: Math.max(1, Math.floor(max)), waitMs: 0 };
  }

  /** Telegram answered 429 with retry_after: every worker of every process stops for that long. */
  async pause(seconds: number): Promise<void> {
    const ms = Math.max(1, Math.ceil(seconds * 1000));
    // Never shorten a longer pause already in force.
    await this.redis.eval(
      `local t = redis.call('PTTL', KEYS[1]) if t < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end return 1`,
      1,
      this.pauseKey,
      ms,
    );
    await this.budget?.pause(seconds);
  }
}
