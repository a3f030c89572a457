import type { Logger } from '../../../platform/logger.js';
import type { Outages } from '../../../platform/outages.js';
import type { DeliveryStore, SentRecord } from '../deliveries.js';

/**
 * Writes `sent` answers in batches: one UPDATE for up to `maxBatch` rows, at most `delayMs` after
 * the first waiting one. Half the statements of a mailing are these records, and batching them
 * costs no safety: until its record is written a row stays marked (`sending_at` set), and a
 * marked row is never sent again — if the worker dies first it becomes `unknown`, exactly as if it
 * had died during the request. A failed write is kept and tried again.
 */
export class SentLog {
  private waiting: SentRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: DeliveryStore,
    private readonly log: Logger,
    /** A write that failed because PostgreSQL is away is retried quietly (the outage is logged once). */
    private readonly outages?: Outages,
    private readonly maxBatch = 500,
    private readonly delayMs = 100,
  ) {}

  add(record: SentRecord): void {
    this.waiting.push(record);
    if (this.waiting.length >= this.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
  }

  /** Writes what is waiting (after any write in progress); resolves when it is stored or failed. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting;
    if (batch.length === 0) return this.writing;
    this.waiting = [];
    this.writing = this.writing.then(async () => {
      try {
        await this.store.recordSent(batch);
      } catch (err) {
        if (!this.outages?.noticed(err, { rows: batch.length })) {
          this.log.error({ err, rows: batch.length }, 'recording sent mailing messages failed; will retry');
        }
        this.waiting.unshift(...batch);
        this.timer ??= setTimeout(() => void this.flush(), 1000);
      }
    });
    return this.writing;
  }

  /** On stop: a few attempts to write everything, then give up (the rows are marked: unknown). */
  async drain(attempts = 5): Promise<void> {
    for (let i = 0; i < attempts && (this.waiting.length || this.timer); i++) {
      await this.flush();
      if (this.waiting.length) await new Promise((r) => setTimeout(r, 200));
    }
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
