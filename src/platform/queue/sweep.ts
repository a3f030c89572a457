import type { JobsOptions, Queue } from 'bullmq';
import type { Logger } from '../logger.js';

/**
 * Re-deriving queued work from PostgreSQL (issue 18: PostgreSQL is the record, Redis can forget).
 * A feature's sweep reads what is owed from its tables and calls `ensureJob` for each; the
 * database markers its job claims decide whether anything is sent, so a sweep may run any number
 * of times, in any number of workers.
 */

/** The default period of the sweeps: cheap indexed queries once a minute. */
export const SWEEP_INTERVAL_MS = 60_000;

/**
 * Makes sure a job with this id is queued for this data: nothing when one is waiting or running
 * with the same data; a finished one (completed or failed and kept) or one with other data (a
 * change that could not reach Redis) is replaced. Returns whether a job was added.
 */
export async function ensureJob<T>(
  queue: Queue<T>,
  name: string,
  data: T,
  options: JobsOptions & { jobId: string },
): Promise<boolean> {
  const existing = await queue.getJob(options.jobId);
  if (existing) {
    const state = await existing.getState();
    if (state === 'active') return false;
    const finished = state === 'completed' || state === 'failed' || state === 'unknown';
    if (!finished && JSON.stringify(existing.data) === JSON.stringify(data)) return false;
    await existing.remove().catch(() => undefined);
  }
  // biome-ignore lint/suspicious/noExplicitAny: BullMQ's name type is derived from the data type
  await queue.add(name as any, data as any, options);
  return true;
}

export interface Sweeper {
  /** Runs one sweep now (after the running one, if any); whether it succeeded. */
  run(): Promise<boolean>;
  /**
   * Runs sweeps until one succeeds, `attempts` at most, `everyMs` apart: after a Redis outage
   * (which may have emptied it), while the worker's connections are still coming back.
   */
  runUntilDone(attempts?: number, everyMs?: number): Promise<boolean>;
  /** Stops the timer and waits for a running sweep. */
  stop(): Promise<void>;
}

/**
 * Runs `sweep` at once (start-up) and then every `intervalMs`, one at a time; a failure is
 * logged once until a sweep succeeds again (a database or Redis outage must not flood the log).
 */
export function startSweeper(
  name: string,
  sweep: () => Promise<number>,
  log: Logger,
  intervalMs = SWEEP_INTERVAL_MS,
): Sweeper {
  let running: Promise<boolean> | undefined;
  let failing = false;
  let stopped = false;
  const once = () => {
    running ??= sweep()
      .then((queued) => {
        if (failing) log.info({ sweep: name }, 'sweep recovered');
        failing = false;
        if (queued > 0) log.info({ sweep: name, queued }, 'sweep re-queued owed jobs');
        return true;
      })
      .catch((err: unknown) => {
        if (!failing) log.warn({ err, sweep: name }, 'sweep failed; retrying every interval');
        failing = true;
        return false;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  void once();
  const timer = setInterval(() => {
    if (!stopped) void once();
  }, intervalMs);
  timer.unref();
  const run = async () => {
    await running;
    return stopped ? false : once();
  };
  return {
    run,
    async runUntilDone(attempts = 10, everyMs = 1_000) {
      for (let i = 0; i < attempts && !stopped; i++) {
        if (await run()) return true;
        await new Promise((resolve) => setTimeout(resolve, everyMs).unref());
      }
      return false;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
