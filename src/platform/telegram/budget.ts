import type { Config } from '../../config.js';
import type { Redis } from '../redis.js';

/**
 * Reserves the next free send slot (GCRA): slots are `interval` ms apart on Redis's own clock,
 * so every process of every host draws from one schedule. A caller may be at most `burst`
 * slots ahead of now without waiting. Returns how many ms the caller must wait for its slot.
 * KEYS[1] = schedule key; ARGV = interval ms, burst.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = interval * (tonumber(ARGV[2]) - 1)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local slot = tat - tolerance
if slot < now then slot = now end
redis.call('SET', KEYS[1], string.format('%.3f', tat + interval), 'PX', math.ceil(math.max(1000, tat + interval - now + 1000)))
return slot - now`;

/**
 * Takes up to ARGV[2] slots for a sender that sends a group at once: the next free slot, if it
 * falls within the next ARGV[3] ms, plus one more for every whole interval the horizon still
 * holds after it (so slower rates, whose interval exceeds the horizon, stay evenly spaced); with a pause key (KEYS[2]) whose TTL is running, takes nothing. Returns {taken, wait}:
 * taken > 0 — the first taken slot is `wait` ms away; taken = 0 — nothing free yet, ask again in
 * `wait` ms. KEYS[1] = schedule key; ARGV[1] = interval ms.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if KEYS[2] then
  local paused = redis.call('PTTL', KEYS[2])
  if paused > 0 then return {0, paused} end
end
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local horizon = now + tonumber(ARGV[3])
if tat > horizon then return {0, math.ceil(tat - horizon)} end
local n = math.min(tonumber(ARGV[2]), math.max(1, math.floor((horizon - tat) / interval)))
local next = tat + n * interval
redis.call('SET', KEYS[1], string.format('%.3f', next), 'PX', math.ceil(math.max(1000, next - now + 1000)))
return {n, math.floor(tat - now)}`;

/**
 * A 429: no slot of any schedule in KEYS before now + ARGV[1] ms. Idempotent (taking the later of
 * that and each schedule), so the many sends in flight that all hear the same 429 do not stack
 * their penalties.
 */
const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ = now + tonumber(ARGV[1])
for _, key in ipairs(KEYS) do
  local tat = tonumber(redis.call('GET', key) or '0')
  if tat < until_ then
    redis.call('SET', key, string.format('%.3f', until_), 'PX', math.ceil(until_ - now + 1000))
  end
end
return 1`;

/**
 * Telegram's global limit for one bot without paid broadcasts: about 30 messages per second
 * (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
 */
export const TELEGRAM_GLOBAL_RATE = 30;

/**
 * The chat lane never drops below this many messages per second, so PMs, echoes and room lines
 * still move when MAILING_RATE is set (nearly) to the whole global limit. With MAILING_RATE 29–30
 * and no paid broadcasts the two lanes may then ask for up to 32/s together; Telegram's figure is
 * approximate and a 429 pauses both lanes (SPEC §2.5: all sending).
 */
export const CHAT_MIN_RATE = 2;

/**
 * The Telegram sends of a bot are split into two lanes with their own schedules, so that one
 * cannot eat the other's share (issue 10): `mailing` (mailings, at MAILING_RATE)
 * and `chat` (PMs in full, burst notices, room fan-out, echoes: whatever of Telegram's global
 * limit the mailing lane leaves, see chatSendRate).
 */
export type BudgetLane = 'mailing' | 'chat';
const LANES: readonly BudgetLane[] = ['mailing', 'chat'];

/** The Redis key of one lane's send schedule, shared by every process of the bot. */
export const telegramBudgetKey = (keyPrefix: string, lane: BudgetLane = 'mailing') =>
  `${keyPrefix}telegram:budget:${lane}`;

/**
 * Messages per second of the chat lane: the rest of Telegram's global limit once a mailing runs
 * at MAILING_RATE (25 by default → 5/s for chat, 30/s together), at least CHAT_MIN_RATE. Paid
 * broadcasts (`allow_paid_broadcast`) are outside the free limit, so then the chat lane gets all of it.
 */
export function chatSendRate(mailing: Pick<Config['mailing'], 'rate' | 'paidBroadcast'>): number {
  const mailingShare = mailing.paidBroadcast ? 0 : mailing.rate;
  return Math.max(CHAT_MIN_RATE, TELEGRAM_GLOBAL_RATE - mailingShare);
}

export class TelegramBudget {
  private readonly intervalMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    /** Messages per second (config.mailing.rate). */
    readonly rate: number,
    /** Sends that may go out back to back before spacing applies (1 = evenly spaced). */
    private readonly burst = 1,
    readonly lane: BudgetLane = 'mailing',
  ) {
    if (!(rate > 0)) throw new Error('TelegramBudget: rate must be positive');
    this.intervalMs = 1000 / rate;
  }

  private get key(): string {
    return telegramBudgetKey(this.keyPrefix, this.lane);
  }

  /** Milliseconds until the reserved slot (0: send now). The slot is taken either way. */
  async reserve(): Promise<number> {
    const wait = await this.redis.eval(RESERVE, 1, this.key, this.intervalMs, this.burst);
    return Math.max(0, Number(wait));
  }

  /**
   * Takes up to `max` slots of the next `horizonMs` in one round trip, for a sender that sends a
   * group at once: `taken` slots, the first `waitMs` away; none taken — ask again after `waitMs`.
   * While `pauseKey` exists (a 429 in force) nothing is taken and `waitMs` is its remaining TTL.
   */
  async take(max: number, horizonMs: number, pauseKey?: string): Promise<{ taken: number; waitMs: number }> {
    const keys = pauseKey ? [this.key, pauseKey] : [this.key];
    const [taken, wait] = (await this.redis.eval(
      TAKE,
      keys.length,
      ...keys,
      this.intervalMs,
      Math.max(1, Math.floor(max)),
      Math.max(0, Math.round(horizonMs)),
    )) as [number, number];
    return { taken: Number(taken), waitMs: Math.max(0, Number(wait)) };
  }

  /** Waits for the next slot of the shared budget. */
  async acquire(): Promise<void> {
    const wait = await this.reserve();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  /**
   * Telegram answered 429 with `retry_after`: push every lane's schedule back, so no process sends
   * anything before then — the flood limit is the bot's, whichever lane hit it (SPEC §2.5).
   */
  async pause(seconds: number): Promise<void> {
    const keys = LANES.map((lane) => telegramBudgetKey(this.keyPrefix, lane));
    await this.redis.eval(PAUSE, keys.length, ...keys, Math.max(0, Math.round(seconds * 1000)));
  }
}

type BudgetServices = { redis: Redis; keyPrefix: string; config: Pick<Config, 'mailing'> };

/** The mailing lane, at MAILING_RATE messages per second, evenly spaced. */
export function mailingBudget(services: BudgetServices) {
  return new TelegramBudget(services.redis, services.keyPrefix, services.config.mailing.rate, 1, 'mailing');
}

/**
 * The chat lane (PMs, burst notices, room fan-out, echoes) at chatSendRate, evenly spaced like
 * the mailing lane: a burst allowance would let both lanes together exceed the global limit
 * within a second.
 */
export function chatBudget(services: BudgetServices) {
  return new TelegramBudget(services.redis, services.keyPrefix, chatSendRate(services.config.mailing), 1, 'chat');
}
