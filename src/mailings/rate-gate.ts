import type { Redis } from '../redis.js';
import { TelegramBudget } from '../telegram-budget.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The Redis key whose presence (and TTL) means "Telegram said 429: nobody sends until it expires". */
export const mailingPauseKey = (keyPrefix: string) => `${keyPrefix}mailing:pause-until`;

/**
 * The mailing sender's gate: the shared TelegramBudget (one GCRA schedule at MAILING_RATE for every
 * bulk sender of every process) plus a global pause.
 *
 * Why not the budget alone: its `pause()` pushes the schedule back, so slots reserved *after* a
 * 429 come after retry_after, but a sender that reserved its slot *before* the 429 and is sleeping
 * towards it would still send inside the retry_after window. So a 429 also writes a key with a TTL
 * of retry_after (Redis's clock, no host clocks involved), and every sender checks it right after
 * its slot arrives, just before the request; a paused sender sleeps out the TTL and reserves anew.
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
    this.budget = rate === null ? null : new TelegramBudget(redis, keyPrefix, rate);
    this.pauseKey = mailingPauseKey(keyPrefix);
  }

  /** Milliseconds the global pause still lasts (0: none). */
  async pausedFor(): Promise<number> {
    const ttl = await this.redis.pttl(this.pauseKey);
    return Math.max(ttl, 0);
  }

  /**
   * Resolves when this caller may send one message: it holds a slot of the shared rate and no
   * pause is in force. `stopped()` lets a stopping worker give up while waiting.
   */
  async acquire(stopped: () => boolean = () => false): Promise<boolean> {
    for (;;) {
      if (stopped()) return false;
      if (this.budget) await this.budget.acquire();
      const paused = await this.pausedFor();
      if (paused === 0) return !stopped();
      await sleep(Math.min(paused, 1000));
    }
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
