import type { Logger } from '../../../platform/logger.js';
import type { DeliveryStore, RecallClaim } from '../deliveries.js';
import type { RateGate } from './rate-gate.js';
import type { DeleteOutcome, MailingTransport } from './transport.js';

/**
 * The recall loop of a worker (SPEC §2.5 Recall): deletes the sent messages of mailings an admin
 * recalled, at the mailing rate — every delete takes a slot of the same rate gate as the sends
 * (the mailing lane of the Telegram budget, shared by every worker), and a 429 pauses sends and
 * deletes alike. Rows are claimed with a lease like sends (deliveries.ts), so a worker killed
 * mid-recall loses nothing: its leases expire, and another worker claims the rows again.
 */

export interface RecallLoopOptions {
  concurrency: number;
  batchSize: number;
  idleMs: number;
  horizonMs: number;
  retryBaseMs: number;
  /** Sleeps cut short by the engine's stop. */
  pause(ms: number): Promise<void>;
  stopped(): boolean;
  /** A step failed: the engine's one report (an outage of PostgreSQL or Redis is logged once, not per retry). */
  failed(err: unknown, message: string, context?: object): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const TOO_OLD_TO_RECALL = 'sent 48 hours ago or more: Telegram no longer allows deleting it';

export class RecallLoop {
  private queue: RecallClaim[] = [];
  private readonly deletes = new Set<Promise<void>>();

  constructor(
    private readonly store: DeliveryStore,
    private readonly gate: RateGate,
    private readonly transport: MailingTransport,
    private readonly log: Logger,
    private readonly options: RecallLoopOptions,
  ) {}

  /** Ids of the claimed rows not yet tried (their leases are renewed with the sends'). */
  queued(): string[] {
    return this.queue.map((r) => r.id);
  }

  async run(): Promise<void> {
    const o = this.options;
    while (!o.stopped()) {
      try {
        if (this.queue.length === 0) {
          const claimed = await this.store.claimRecall(o.batchSize);
          if (claimed.length === 0) {
            await o.pause(o.idleMs);
            continue;
          }
          // Older than Telegram's 48 hours: recorded at once, no request and no slot spent.
          for (const row of claimed) {
            if (row.too_old || row.message_id === null) {
              await this.store.recordRecallFailure(
                row.id,
                row.message_id === null ? 'no message id' : TOO_OLD_TO_RECALL,
              );
            } else this.queue.push(row);
          }
          if (o.stopped() && this.queue.length) await this.store.releaseRecall(this.queue.splice(0).map((r) => r.id));
          continue;
        }
        if (this.deletes.size >= o.concurrency) {
          await Promise.race(this.deletes);
          continue;
        }
        const { taken, waitMs } = await this.gate.take(
          Math.min(o.concurrency - this.deletes.size, this.queue.length),
          o.horizonMs,
        );
        if (taken === 0) {
          await o.pause(Math.min(Math.max(waitMs, 1), 1000));
          continue;
        }
        if (waitMs > 0) {
          await sleep(waitMs);
          if ((await this.gate.pausedFor()) > 0) continue;
        }
        for (const row of this.queue.splice(0, taken)) {
          const one: Promise<void> = this.deleteOne(row).finally(() => this.deletes.delete(one));
          this.deletes.add(one);
        }
      } catch (err) {
        o.failed(err, 'mailing recall failed; retrying');
        await o.pause(1000);
      }
    }
    await Promise.allSettled(this.deletes);
    const untried = this.queue.splice(0).map((r) => r.id);
    if (untried.length) await this.store.releaseRecall(untried).catch(() => undefined);
  }

  private async deleteOne(row: RecallClaim): Promise<void> {
    const outcome = await this.transport.deleteMessage(row.chat_id, row.message_id as number);
    try {
      await this.record(row, outcome);
    } catch (err) {
      // The lease expires and the row is claimed again: a second delete is harmless.
      this.options.failed(err, 'recording a recall failed', { delivery_id: row.id });
    }
  }

  private async record(row: RecallClaim, outcome: DeleteOutcome): Promise<void> {
    switch (outcome.kind) {
      case 'deleted':
      case 'gone':
        await this.store.recordRecalled([row.id]);
        return;
      case 'flood':
        this.log.warn(
          { retry_after: outcome.retryAfter },
          'Telegram flood limit during a recall: pausing every sender',
        );
        await this.gate.pause(outcome.retryAfter);
        await this.store.releaseRecall([row.id]);
        return;
      case 'blocked':
        await this.store.recordRecallFailure(row.id, `403: ${outcome.description}`);
        return;
      case 'rejected':
        await this.store.recordRecallFailure(row.id, outcome.description);
        return;
      case 'retry':
      case 'unknown': {
        // Tried again later (a delete that did happen answers "not found" then, which counts).
        const delay = this.options.retryBaseMs * (2 + Math.random() * 2);
        await this.store.releaseRecall([row.id], Math.round(delay));
        return;
      }
    }
  }
}
