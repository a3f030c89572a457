import { isDatabaseUnavailable, SOCKET_CODES } from './db/unavailable.js';
import type { Metrics } from './metrics.js';
import type { Redis } from './redis.js';

/**
 * The dependencies whose outages the product rides out (issue 18): while one is unreachable,
 * requests answer 503 service_unavailable with Retry-After, the bot says "temporarily unavailable"
 * (or lets Telegram redeliver), workers wait; this module says so once per outage in the log and in
 * /metrics, and tells whoever listens when the dependency is back (the sweeps re-derive what an
 * empty Redis lost).
 */
export type Dependency = 'postgres' | 'redis';

const NAMES: Record<Dependency, string> = { postgres: 'PostgreSQL', redis: 'Redis' };

/** How long a client is told to wait (Retry-After) while a dependency is unreachable. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/**
 * What ioredis (and BullMQ over it) rejects a command with when Redis cannot answer: the offline
 * queue gave up (max retries, command timeout), the connection closed under the command, or Redis
 * itself refuses for a while (LOADING its data after a restart, OOM under `maxmemory-policy
 * noeviction`, MISCONF when it cannot persist, BUSY with a long script).
 */
const REDIS_MESSAGES =
  /^(Reached the max retries per request limit|Command timed out|Connection is closed|Stream isn't writeable|LOADING |OOM |MISCONF |BUSY )/;

/**
 * Socket errors a Redis connection reports (its 'error' event) when the server is away: those of
 * PostgreSQL's, and ENOENT for a unix socket whose server is gone (the embedded redis-server's).
 */
const CONNECTION_CODES = new Set([...SOCKET_CODES, 'ENOENT']);

type Nested = { message?: unknown; name?: unknown; cause?: unknown; errors?: unknown; error?: unknown; code?: unknown };

/** Whether a command failed because Redis was unreachable (not because the command was wrong). */
export function isRedisUnavailable(err: unknown, depth = 0): boolean {
  if (depth > 5 || typeof err !== 'object' || err === null) return false;
  const { message, name, cause, errors } = err as Nested;
  if (name === 'MaxRetriesPerRequestError') return true;
  if (typeof message === 'string' && REDIS_MESSAGES.test(message)) return true;
  const next = (e: unknown) => isRedisUnavailable(e, depth + 1);
  return (Array.isArray(errors) && errors.some(next)) || next(cause);
}

/** Whether an error a Redis connection emitted means the server is away (vs. a bad command or reply). */
export function isRedisConnectionError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code } = err as Nested;
  return (typeof code === 'string' && CONNECTION_CODES.has(code)) || isRedisUnavailable(err);
}

/**
 * Which dependency an error says is unreachable, if any. grammY wraps a handler's error in a
 * BotError (`.error`), which a webhook request rethrows; it is looked through.
 */
export function unavailableDependency(err: unknown): Dependency | undefined {
  const inner =
    typeof err === 'object' && err !== null && (err as Nested).name === 'BotError' ? (err as Nested).error : err;
  if (isDatabaseUnavailable(inner)) return 'postgres';
  if (isRedisUnavailable(inner)) return 'redis';
  return undefined;
}

export type OutageSurface = 'http' | 'webhook' | 'bot' | 'websocket';

interface OutageLog {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface OutagesOptions {
  log: OutageLog;
  metrics?: Pick<Metrics, 'dependencyUp' | 'dependencyOutages' | 'unavailableAnswers'> | undefined;
  /**
   * How to tell that a dependency is back: probed every `probeEveryMs` while it is down. Without a
   * check, an outage ends after `quietMs` without an error (then the next error starts a new one).
   */
  checks?: Partial<Record<Dependency, () => Promise<unknown>>>;
  probeEveryMs?: number;
  quietMs?: number;
  now?: () => number;
}

interface State {
  since: number | undefined;
  last: number;
  suppressed: number;
  probe: NodeJS.Timeout | undefined;
  probing: boolean;
}

/**
 * One process's view of its dependencies: `down()` on the first sign of an outage (an error the
 * classifiers above recognise, a failed readiness probe, a connection error) logs one error line
 * and sets `dependency_up` to 0; further signs are counted silently; when the probe answers again,
 * one info line, `dependency_up` 1, and the `onRecovered` listeners run.
 */
export class Outages {
  private readonly states: Record<Dependency, State> = {
    postgres: { since: undefined, last: 0, suppressed: 0, probe: undefined, probing: false },
    redis: { since: undefined, last: 0, suppressed: 0, probe: undefined, probing: false },
  };
  private readonly listeners = new Set<(dependency: Dependency) => void>();
  private readonly now: () => number;
  private closed = false;
  /** The `run_id` of the Redis server last seen (watchRedisServer). */
  private redisRunId: string | undefined;

  constructor(private readonly options: OutagesOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Records an error if it says a dependency is unreachable; returns that dependency. */
  noticed(err: unknown, context: object = {}): Dependency | undefined {
    const dependency = unavailableDependency(err);
    if (dependency) this.down(dependency, err, context);
    return dependency;
  }

  /** A sign that `dependency` is unreachable; true when it started an outage (and was logged). */
  down(dependency: Dependency, err?: unknown, context: object = {}): boolean {
    const state = this.states[dependency];
    const t = this.now();
    const check = this.options.checks?.[dependency];
    if (!check && state.since !== undefined && t - state.last > (this.options.quietMs ?? 30_000)) this.up(dependency);
    state.last = t;
    if (state.since !== undefined) {
      state.suppressed += 1;
      return false;
    }
    state.since = t;
    this.options.log.error(
      { ...context, dependency, ...(err === undefined ? {} : { err }) },
      `${NAMES[dependency]} unreachable; answering 503 until it is back (logged once per outage)`,
    );
    this.options.metrics?.dependencyUp.set({ dependency }, 0);
    this.options.metrics?.dependencyOutages.inc({ dependency });
    if (check && !this.closed) {
      state.probe = setInterval(() => void this.probe(dependency, check), this.options.probeEveryMs ?? 1_000);
      state.probe.unref();
    }
    return true;
  }

  /** `dependency` answered: ends its outage, if any (one info line with how long it lasted). */
  up(dependency: Dependency): void {
    const state = this.states[dependency];
    if (state.since === undefined) return;
    clearInterval(state.probe);
    state.probe = undefined;
    this.options.log.info(
      { dependency, durationMs: this.now() - state.since, suppressedErrors: state.suppressed },
      `${NAMES[dependency]} reachable again`,
    );
    state.since = undefined;
    state.suppressed = 0;
    this.options.metrics?.dependencyUp.set({ dependency }, 1);
    for (const listener of this.listeners) listener(dependency);
  }

  isDown(dependency: Dependency): boolean {
    return this.states[dependency].since !== undefined;
  }

  /** Counts one "temporarily unavailable" answer (dependency_unavailable_answers_total). */
  answered(dependency: Dependency, surface: OutageSurface): void {
    this.options.metrics?.unavailableAnswers.inc({ dependency, surface });
  }

  /** Runs `listener` whenever an outage ends. */
  onRecovered(listener: (dependency: Dependency) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The 'error' handler of a Redis connection: a socket error while the server is away is a sign
   * of an outage (logged once); anything else is logged as it comes.
   */
  redisConnectionError(err: unknown, connection: string): void {
    if (isRedisConnectionError(err)) this.down('redis', err, { connection });
    else this.options.log.warn({ err, connection }, 'redis connection error');
  }

  /**
   * Notices a Redis that restarted without failing a command. ioredis reconnects within 200 ms
   * and resends what was in flight, so a server that is back by then raises no error and `down`
   * never runs — yet a Redis that keeps nothing on disk came back empty, and the delayed jobs went
   * with it. Each (re)connection of `redis` reads the server's `run_id` (INFO server; once per
   * connect, nothing per command); a new one is a new server process, which is reported as an
   * outage so that the probe ends it once Redis answers and the usual recovery runs (the sweeps
   * re-queue what PostgreSQL says is owed, owed writes are replayed). One connection is enough:
   * every connection of the process talks to the same server.
   */
  watchRedisServer(redis: Pick<Redis, 'on' | 'info' | 'status'>, connection: string): void {
    const seen = async () => {
      let info: string;
      try {
        info = await redis.info('server');
      } catch {
        return; // Redis went away again: the failure is noticed where it happens; the next connect asks again.
      }
      const runId = /^run_id:(\w+)/m.exec(info)?.[1];
      if (runId === undefined) return;
      const previous = this.redisRunId;
      this.redisRunId = runId;
      // During a noticed outage, its end runs the recovery anyway.
      if (previous !== undefined && previous !== runId && !this.isDown('redis')) {
        this.down('redis', undefined, {
          connection,
          reason: 'Redis restarted (new run_id); it may have come back empty',
        });
      }
    };
    redis.on('ready', () => void seen());
    if (redis.status === 'ready') void seen();
  }

  /** Stops the probes (shutdown). */
  close(): void {
    this.closed = true;
    for (const state of Object.values(this.states)) {
      clearInterval(state.probe);
      state.probe = undefined;
    }
  }

  private async probe(dependency: Dependency, check: () => Promise<unknown>): Promise<void> {
    const state = this.states[dependency];
    if (state.probing) return;
    state.probing = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('probe timed out')), 2_000);
        }),
      ]);
      this.up(dependency);
    } catch {
      // still down; the next probe asks again
    } finally {
      clearTimeout(timer);
      state.probing = false;
    }
  }
}
