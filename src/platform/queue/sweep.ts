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
  /** Runs one sweep now (after the running one, if any). */
  run(): Promise<void>;
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
  let running: Promise<void> | undefined;
  let failing = false;
  let stopped = false;
  const once = () => {
    running ??= sweep()
      .then((queued) => {
        if (failing) log.info({ sweep: name }, 'sweep recovered');
        failing = false;
        if (queued > 0) log.info({ sweep: name, queued }, 'sweep re-queued owed jobs');
      })
      .catch((err: unknown) => {
        if (!failing) log.warn({ err, sweep: name }, 'sweep failed; retrying every interval');
        failing = true;
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
  return {
    async run() {
      await running;
      await once();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
