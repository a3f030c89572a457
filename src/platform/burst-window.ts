import type { Redis } from 'ioredis';

/**
 * A burst window on Redis's clock (one clock for every process): the first `inFull` events of a
 * window are told at once, the rest folded into one summary due when the window ends. The chat's
 * PM bursts to one recipient and the tasks' (un)assignments from one owner to one person use it.
 *
 * KEYS[1] = window key; ARGV = window ms, counter ttl ms, events in full. Opens or joins the
 * window and counts the event: {0, window start, 0} within the first ARGV[3], else {1, window
 * start, ms until the window ends}.
 */
const BURST = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = redis.call('GET', KEYS[1])
if not window then
  window = string.format('%d', now)
  redis.call('SET', KEYS[1], window, 'PX', tonumber(ARGV[1]))
end
local base = KEYS[1] .. ':' .. window
local n = redis.call('INCR', base .. ':n')
if n == 1 then redis.call('PEXPIRE', base .. ':n', tonumber(ARGV[2])) end
if n <= tonumber(ARGV[3]) then return {0, tonumber(window), 0} end
return {1, tonumber(window), tonumber(window) + tonumber(ARGV[1]) - now}`;

/** Where an event fell: told now (`folded` false), or folded into the window that started at `window`. */
export interface BurstCount {
  folded: boolean;
  /** The window's start (ms on Redis's clock), as text: it names the window's summary job. */
  window: string;
  /** How long until the window ends and its summary is due. */
  remainingMs: number;
}

/** Counts one event in the burst window of `key` (`windowMs` long, the first `inFull` told in full). */
export async function countInBurst(
  redis: Pick<Redis, 'eval'>,
  key: string,
  windowMs: number,
  inFull: number,
): Promise<BurstCount> {
  // The counter outlives its window, so a late event of the same window still counts in it.
  const [folded, window, remainingMs] = (await redis.eval(BURST, 1, key, windowMs, windowMs * 10, inFull)) as [
    number,
    number,
    number,
  ];
  return { folded: Number(folded) !== 0, window: String(window), remainingMs: Number(remainingMs) };
}
