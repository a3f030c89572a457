import { type Job, type Processor, Queue, type QueueOptions, Worker, type WorkerOptions } from 'bullmq';
import type { Logger } from '../logger.js';
import { createRedis, type Redis } from '../redis.js';

/**
 * BullMQ wiring shared by every background feature. One connection serves all queues
 * (producers); each worker gets its own, because BullMQ workers block on their connection.
 * BullMQ does not close connections it was given, so this class closes them.
 */
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
  ) {}

  private connection(name: string): Redis {
    const redis = createRedis(this.redisUrl, { maxRetriesPerRequest: null, connectionName: `gramdesk:${name}` });
    redis.on('error', (err) => this.log.warn({ err, connection: name }, 'redis connection error'));
    this.connections.push(redis);
    return redis;
  }

  queue<T = unknown>(name: string, options: Omit<QueueOptions, 'connection' | 'prefix'> = {}): Queue<T> {
    let queue = this.queues.get(name);
    if (!queue) {
      this.producer ??= this.connection('producer');
      queue = new Queue(name, { ...options, connection: this.producer, prefix: this.prefix });
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
    worker.on('failed', (job: Job<T, R> | undefined, err) =>
      this.log.error({ err, queue: name, job_id: job?.id, attempts: job?.attemptsMade }, 'job failed'),
    );
    worker.on('error', (err) => this.log.error({ err, queue: name }, 'worker error'));
    this.workers.push(worker);
    return worker;
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
