import { type Job, type Processor, Queue, type QueueOptions, Worker, type WorkerOptions } from 'bullmq';
import type { Logger } from '../logger.js';
import { isRedisConnectionError, type Outages } from '../outages.js';
import { createRedis, type Redis } from '../redis.js';

/**
 * BullMQ wiring shared by every background feature. One connection serves all queues
 * (producers); each worker gets its own, because BullMQ workers block on their connection.
 * BullMQ does not close connections it was given, so this class closes them.
 *
 * While Redis is away (issue 18): the producer connection fails fast (platform/redis.ts), so a
 * request that enqueues answers 503 instead of waiting; workers wait on their blocking
 * connections and resume by themselves; connection errors and failures of an outage go to
 * `outages` (one line per outage) instead of one line per reconnect attempt or job.
 */
/**
 * A job whose record Redis no longer has (it restarted empty while the job ran): BullMQ cannot
 * finish or retry it. Nothing is lost — what the job owed is recorded in PostgreSQL and the
 * sweeps queue it again (sweep.ts) — so this is news, not an error.
 */
const forgotten = (err: Error) => /^Missing (key|lock) for job/.test(err.message);
const FORGOTTEN = 'a running job was forgotten by Redis (restarted empty?); the sweep queues what it owed again';

export class JobRuntime {
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private readonly connections: Redis[] = [];
  private producer: Redis | undefined;

  constructor(
    private readonly redisUrl: string,
    private readonly log: Logger,
    /** Key prefix of every BullMQ key; tests give each file its own. */
    private readonly prefix = 'gd:bull',
    private readonly outages?: Outages,
  ) {}

  private connection(name: string, blocking = true): Redis {
    const redis = createRedis(
      this.redisUrl,
      blocking
        ? { maxRetriesPerRequest: null, connectionName: `gramdesk:${name}` }
        : { maxRetriesPerRequest: 3, failFast: true, connectionName: `gramdesk:${name}` },
    );
    redis.on('error', (err) =>
      this.outages
        ? this.outages.redisConnectionError(err, name)
        : this.log.warn({ err, connection: name }, 'redis connection error'),
    );
    this.connections.push(redis);
    return redis;
  }

  queue<T = unknown>(name: string, options: Omit<QueueOptions, 'connection' | 'prefix'> = {}): Queue<T> {
    let queue = this.queues.get(name);
    if (!queue) {
      this.producer ??= this.connection('producer', false);
      queue = new Queue(name, { ...options, connection: this.producer, prefix: this.prefix });
      // The producer's connection errors reach every queue too; without a listener BullMQ would
      // print each reconnect attempt of an outage to stderr.
      queue.on('error', (err) =>
        this.outages
          ? this.outages.redisConnectionError(err, `queue:${name}`)
          : this.log.warn({ err, queue: name }, 'queue error'),
      );
      this.queues.set(name, queue);
    }
    return queue as Queue<T>;
  }

  worker<T = unknown, R = unknown>(
    name: string,
    processor: Processor<T, R>,
    options: Omit<WorkerOptions, 'connection' | 'prefix'> = {},
  ): Worker<T, R> {
    const worker = new Worker<T, R>(name, processor, {
      ...options,
      connection: this.connection(`worker:${name}`),
      prefix: this.prefix,
    });
    worker.on('failed', (job: Job<T, R> | undefined, err) => {
      const context = { queue: name, job_id: job?.id, attempts: job?.attemptsMade };
      if (forgotten(err)) return this.log.info({ ...context, reason: err.message }, FORGOTTEN);
      // A job that failed because PostgreSQL or Redis is away is retried; the outage is logged once.
      if (!this.outages?.noticed(err, context)) this.log.error({ err, ...context }, 'job failed');
    });
    worker.on('error', (err) => {
      if (forgotten(err)) this.log.info({ queue: name, reason: err.message }, FORGOTTEN);
      else if (this.outages && isRedisConnectionError(err)) this.outages.down('redis', err, { queue: name });
      else if (!this.outages?.noticed(err, { queue: name })) this.log.error({ err, queue: name }, 'worker error');
    });
    this.workers.push(worker);
    return worker;
  }

  /** Resolves when the producer connection (if one was made) answers: requests enqueue through it. */
  async ping(): Promise<void> {
    if (this.producer) await this.producer.ping();
  }

  /** Stops taking jobs, lets running ones finish (BullMQ waits for them), then closes connections. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await Promise.all(this.connections.map((c) => c.quit().catch(() => c.disconnect())));
    this.workers.length = 0;
    this.queues.clear();
    this.connections.length = 0;
  }
}
