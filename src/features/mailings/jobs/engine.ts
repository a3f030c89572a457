import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createTranslator, type Translator } from '../../../platform/i18n/translator.js';
import type { Services } from '../../../platform/services.js';
import { setBotBlocked } from '../../users/index.js';
import { ClickLinks } from '../clicks.js';
import { type MailingContent, mailingCall } from '../content.js';
import { type Claimed, DeliveryStore } from '../deliveries.js';
import { RateGate } from './rate-gate.js';
import { RecallLoop } from './recall.js';
import { SentLog } from './sent-log.js';
import { MailingTransport, type PreparedMessage, type SendOutcome } from './transport.js';

/**
 * The mailing delivery engine (SPEC §2.5). Every worker process runs one; they share the work
 * through PostgreSQL row claims and one rate limit in Redis. Two loops:
 *
 * - housekeeping (every `tickMs`, never blocking sends): start due mailings (recipients
 *   materialised by one INSERT … SELECT), recover expired claims, expire what waits past `endAt`,
 *   complete mailings with nothing left to do.
 * - dispatch: keeps a queue of claimed rows (`FOR UPDATE SKIP LOCKED`, refilled in the background
 *   before it runs dry), takes the send slots that are due from the shared rate (one Redis call
 *   for a group; none while a 429 pause is in force), marks the group in one conditional UPDATE
 *   that re-checks claim, mailing status, `endAt` and window (so nothing goes out after a cancel
 *   or the end), and sends the marked rows at once, at most `concurrency` in flight. `sent`
 *   answers are recorded in batches (SentLog), everything else at once.
 *
 * Per message that is one HTTP request and, at high rates, a fraction of a SQL statement and of
 * a Redis call — which is what keeps a 1,000/s mailing cheap in CPU and memory. With click
 * counting, each recipient's button links are signed from the row's id (clicks.ts) and spliced
 * into the prepared body: still no extra statement per message.
 *
 * A third loop recalls (recall.ts): deletes the sent messages of recalled mailings through the
 * same rate gate.
 */

export interface MailingEngineOptions {
  /** Messages per second for the whole bot; null = unlimited (benchmarks only). Default MAILING_RATE. */
  rate?: number | null;
  /** Sends in flight per worker at most. Default: enough for a 0.25–0.5 s Bot API round trip at the rate. */
  concurrency?: number;
  /** Rows claimed at a time. */
  batchSize?: number;
  leaseMs?: number;
  /** Sleep when there is nothing to claim. */
  idleMs?: number;
  tickMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Bot API answer timeout; after it the outcome is unknown. */
  timeoutMs?: number;
  /** Slots this far ahead are taken and sent together with the due one (a group). */
  horizonMs?: number;
  workerId?: string;
}

/** A mailing's call prepared for one recipient language, and its click links (null: raw URLs). */
interface Outgoing {
  prepared: PreparedMessage;
  links: ClickLinks | null;
}

type EngineServices = Pick<Services, 'config' | 'log' | 'orm' | 'redis' | 'keyPrefix'> &
  Partial<Pick<Services, 'translator' | 'outages'>>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A mailing at least this big refreshes the statistics of deliveries when it starts. */
const ANALYZE_AFTER_ROWS = 10_000;

export class MailingEngine {
  readonly workerId: string;
  private readonly store: DeliveryStore;
  private readonly gate: RateGate;
  private readonly transport: MailingTransport;
  private readonly sentLog: SentLog;
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly tickMs: number;
  private readonly horizonMs: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  /** Each running mailing's prepared message per recipient language (null: the mailing is gone). */
  private readonly messages = new Map<string, Outgoing | null>();
  /** Each running mailing's content (null: the mailing is gone), read once per tick. */
  private readonly contents = new Map<string, (MailingContent & { clickSecret: string | null }) | null>();
  /** Marks the holes of click links in a prepared call; random, so no content can contain it. */
  private readonly holeMark = `\u0000click-${randomBytes(6).toString('hex')}-`;
  private readonly recall: RecallLoop;
  private readonly translator: Translator;
  /** Claimed rows not yet sent, in claim order. */
  private queue: Claimed[] = [];
  private refilling: Promise<void> | undefined;
  /** Sends in flight (each removes itself when recorded). */
  private readonly sends = new Set<Promise<void>>();
  private stopped = false;
  private lastRecovery = 0;
  private loops: Promise<unknown> | undefined;
  /** Sleeps in progress, cut short by stop(). */
  private readonly sleepers = new Set<() => void>();

  constructor(
    private readonly services: EngineServices,
    options: MailingEngineOptions = {},
  ) {
    const rate = options.rate === undefined ? services.config.mailing.rate : options.rate;
    const r = rate ?? 2000;
    this.concurrency = options.concurrency ?? Math.min(256, Math.max(8, Math.ceil(r / 2)));
    // A quarter of a second of sending at the full rate, refilled at half: workers share evenly,
    // and claimed rows die young (rows kept longer get promoted to V8's old generation).
    this.batchSize = options.batchSize ?? Math.min(500, Math.max(20, Math.ceil(r / 4)));
    this.idleMs = options.idleMs ?? 500;
    this.tickMs = options.tickMs ?? 1000;
    this.horizonMs = options.horizonMs ?? 25;
    this.retryBaseMs = options.retryBaseMs ?? 1000;
    this.retryMaxMs = options.retryMaxMs ?? 60_000;
    this.workerId = (options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`).slice(0, 64);
    this.store = new DeliveryStore(services.orm, this.workerId, options.leaseMs ?? 60_000);
    this.gate = new RateGate(services.redis, services.keyPrefix, rate);
    this.transport = new MailingTransport(services.config, {
      timeoutMs: options.timeoutMs,
      maxSockets: this.concurrency,
    });
    this.sentLog = new SentLog(this.store, services.log, services.outages);
    this.translator = services.translator ?? createTranslator();
    this.recall = new RecallLoop(this.store, this.gate, this.transport, services.log, {
      concurrency: this.concurrency,
      batchSize: this.batchSize,
      idleMs: Math.max(this.idleMs, 1000),
      horizonMs: this.horizonMs,
      retryBaseMs: this.retryBaseMs,
      pause: (ms) => this.pause(ms),
      stopped: () => this.stopped,
      failed: (err, message, context) => this.failed(err, message, context),
    });
  }

  start(): this {
    this.loops ??= Promise.all([this.housekeepingLoop(), this.dispatchLoop(), this.leaseLoop(), this.recall.run()]);
    return this;
  }

  /** Stops claiming; sends in flight finish and are recorded; unsent claims go back to pending. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.sleepers) wake();
    await this.loops;
    this.transport.close();
  }

  /**
   * A loop's step failed; it retries after a pause. PostgreSQL or Redis being away is an outage,
   * logged once by `outages` (issue 18), not once per retry of every loop: true for that.
   */
  private failed(err: unknown, message: string, context: object = {}): boolean {
    if (this.services.outages?.noticed(err, { worker: this.workerId, ...context })) return true;
    this.services.log.error({ err, ...context }, message);
    return false;
  }

  /** Sleeps `ms`, cut short by stop(). */
  private pause(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  private async housekeepingLoop(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.tick();
      } catch (err) {
        this.failed(err, 'mailing housekeeping failed; retrying');
      }
      await this.pause(this.tickMs);
    }
  }

  /**
   * Keeps the claims of queued rows alive: when the rate is shared by many workers, or paused by
   * a 429, a queue may take longer than a lease to drain, and other workers would take the rows
   * back (harmless — the last check skips them — but wasted work).
   */
  private async leaseLoop(): Promise<void> {
    const every = Math.max(50, Math.floor(this.store.leaseMs / 3));
    while (!this.stopped) {
      await this.pause(every);
      const ids = this.queue.map((r) => r.id);
      const recalls = this.recall.queued();
      if (this.stopped || ids.length + recalls.length === 0) continue;
      try {
        if (ids.length) await this.store.renew(ids);
        if (recalls.length) await this.store.renewRecall(recalls);
      } catch (err) {
        this.failed(err, 'renewing mailing claims failed');
      }
    }
  }

  /** Scheduler and housekeeping; any worker may run it at any time, concurrently with others. */
  async tick(): Promise<void> {
    // Contents are read again once per tick: a cancelled or deleted mailing's content does not linger.
    this.messages.clear();
    this.contents.clear();
    while (!this.stopped && (await this.startDueMailing())) {}
    // Leases last leaseMs: looking for expired ones four times per lease is soon enough, and the
    // statement is not free on a big mailing (it walks the index entries of processed rows).
    if (Date.now() - this.lastRecovery >= this.store.leaseMs / 4) {
      this.lastRecovery = Date.now();
      const recovered = await this.store.recoverExpiredClaims();
      if (recovered) this.services.log.warn({ recovered }, 'mailing claims expired and were recovered');
      const recalls = await this.store.recoverExpiredRecallClaims();
      if (recalls) this.services.log.warn({ recovered: recalls }, 'mailing recall claims expired and were recovered');
    }
    await this.store.expireEnded();
    for (const id of await this.store.completeFinished()) {
      this.services.log.info({ mailing_id: id }, 'mailing completed');
    }
    for (const id of await this.store.completeRecalls()) {
      this.services.log.info({ mailing_id: id }, 'mailing recall completed');
    }
  }

  recoverExpiredRecallClaims(): Promise<number> {
    return this.store.recoverExpiredRecallClaims();
  }

  /** Starts one due mailing (materialising its recipients); its id, or null when none is due. */
  async startDueMailing(): Promise<string | null> {
    const started = await this.store.startDueMailing();
    if (!started) return null;
    if (started.recipients >= ANALYZE_AFTER_ROWS) {
      // Only an optimisation (a user that does not own the table may not ANALYZE it).
      await this.store.analyze().catch((err: unknown) => this.services.log.warn({ err }, 'analyze deliveries failed'));
    }
    this.services.log.info({ mailing_id: started.id, recipients: started.recipients }, 'mailing started');
    return started.id;
  }

  recoverExpiredClaims(): Promise<number> {
    return this.store.recoverExpiredClaims();
  }

  /** Claims the next batch of sendable rows (time has come, inside the window, mailing running). */
  claim(limit = this.batchSize): Promise<Claimed[]> {
    return this.store.claim(limit);
  }

  /** Claims more rows in the background; resolves (never rejects) when they are queued. */
  private refill(): Promise<void> {
    this.refilling ??= this.claim()
      .then(async (rows) => {
        if (this.stopped) await this.store.release(rows.map((r) => r.id));
        else this.queue.push(...rows);
      })
      .catch((err: unknown) => {
        this.failed(err, 'claiming mailing recipients failed; retrying');
        return this.pause(1000);
      })
      .finally(() => {
        this.refilling = undefined;
      });
    return this.refilling;
  }

  private async dispatchLoop(): Promise<void> {
    while (!this.stopped) {
      try {
        // Refill at half a batch, so the queue never runs dry while sending at full rate.
        if (this.queue.length <= this.batchSize / 2) {
          const refill = this.refill();
          if (this.queue.length === 0) await refill;
        }
        if (this.queue.length === 0) {
          await this.pause(this.idleMs);
          continue;
        }
        if (this.sends.size >= this.concurrency) {
          await Promise.race(this.sends);
          continue;
        }
        const { taken, waitMs } = await this.gate.take(
          Math.min(this.concurrency - this.sends.size, this.queue.length),
          this.horizonMs,
        );
        if (taken === 0) {
          await this.pause(Math.min(Math.max(waitMs, 1), 1000));
          continue;
        }
        // Waiting for the first slot, a 429 may have come in: look again right before sending.
        if (waitMs > 0) {
          await sleep(waitMs);
          if ((await this.gate.pausedFor()) > 0) continue;
        }
        await this.dispatch(this.queue.splice(0, taken));
      } catch (err) {
        this.failed(err, 'mailing dispatch failed; retrying');
        await this.pause(1000);
      }
    }
    await this.refilling;
    await Promise.allSettled(this.sends);
    await this.sentLog.drain();
    const unsent = this.queue.splice(0).map((r) => r.id);
    if (unsent.length) await this.store.release(unsent).catch(() => undefined);
  }

  /**
   * Marks a group (the last check) and sends the rows that passed, all at once. Until a row is
   * marked nothing of it was sent and it is still claimed by this worker, so when a statement
   * fails (PostgreSQL away) the rows go back to the front of the queue, where their leases are
   * renewed and the next dispatch tries them again — left out of it, they would wait out the
   * lease (a minute) before anyone sent them, and the mailing could not complete meanwhile.
   */
  private async dispatch(group: Claimed[]): Promise<void> {
    const ready: Array<[Claimed, Outgoing]> = [];
    let marked: Set<string>;
    try {
      const dropped: string[] = [];
      for (const row of group) {
        const message = await this.messageOf(row.mailing_id, row.language);
        if (message) ready.push([row, message]);
        else dropped.push(row.id); // mailing deleted: the cascade removed the row too
      }
      if (dropped.length) await this.store.release(dropped);
      if (ready.length === 0) return;
      marked = await this.store.mark(ready.map(([row]) => row.id));
    } catch (err) {
      this.queue.unshift(...group);
      throw err;
    }
    for (const [row, message] of ready) {
      if (!marked.has(row.id)) continue;
      const send: Promise<void> = this.sendOne(row, message).finally(() => this.sends.delete(send));
      this.sends.add(send);
    }
    const unmarked = ready.filter(([row]) => !marked.has(row.id)).map(([row]) => row);
    if (unmarked.length) {
      await this.store.settleUnmarked(unmarked.map((row) => row.id)).catch((err: unknown) => {
        // Still claimed and unmarked: the next dispatch's last check settles them again.
        this.queue.unshift(...unmarked);
        throw err;
      });
    }
  }

  /** The mailing's call for a recipient of this language (the 🔕 button speaks it), built once. */
  private async messageOf(mailingId: string, language: string): Promise<Outgoing | null> {
    const key = `${mailingId}:${language}`;
    let message = this.messages.get(key);
    if (message === undefined) {
      let content = this.contents.get(mailingId);
      if (content === undefined) {
        content = await this.store.mailingContent(mailingId);
        this.contents.set(mailingId, content);
      }
      if (content === null) message = null;
      else {
        const label = this.translator.forLocale(language === 'ru' ? 'ru' : 'en')('mailing-unsubscribe');
        const links = ClickLinks.for(this.services.config.publicUrl, content.clickSecret, content.buttons);
        // With click links, each button's URL is a hole that each send fills with the recipient's link.
        const holes: string[] = [];
        const buttonUrl = (i: number) => {
          holes.push(`${this.holeMark}${i}`);
          return `${this.holeMark}${i}`;
        };
        const call = mailingCall(mailingId, content, label, {
          ...this.services.config.mailing,
          ...(links ? { buttonUrl } : {}),
        });
        const prepared = this.transport.prepareCall(
          call.method,
          call.payload,
          holes.map((hole) => JSON.stringify(hole).slice(1, -1)),
        );
        message = { prepared, links };
      }
      this.messages.set(key, message);
    }
    return message;
  }

  /**
   * Sends one row and records Telegram's answer. With PostgreSQL (or Redis) away the answer is kept
   * and recorded again every second until it is stored: left unrecorded, the marked row would end
   * `unknown` after its lease — a 429 or 5xx never resent, a 403 not noted as a block. The late
   * record still applies after recovery, which keeps a marked row this worker's. Another error is a
   * bug: logged, and the row stays marked (recovery makes it unknown, never resent).
   */
  private async sendOne(row: Claimed, message: Outgoing): Promise<void> {
    const outcome = await this.transport.send(row.chat_id, message.prepared, message.links?.urlsFor(row.id));
    for (;;) {
      try {
        await this.record(row, outcome);
        return;
      } catch (err) {
        const outage = this.failed(err, 'recording a mailing send failed', { delivery_id: row.id });
        if (!outage || this.stopped) return;
        await this.pause(1000);
      }
    }
  }

  private async record(row: Claimed, outcome: SendOutcome): Promise<void> {
    switch (outcome.kind) {
      case 'sent':
        this.sentLog.add({ id: row.id, messageId: outcome.messageId, at: Date.now() });
        return;
      case 'flood':
        this.services.log.warn(
          { retry_after: outcome.retryAfter },
          'Telegram flood limit: pausing every mailing sender',
        );
        await this.gate.pause(outcome.retryAfter);
        await this.store.recordFlood(row.id);
        return;
      case 'blocked':
        await this.store.recordFailure(row.id, 'error', `403: ${outcome.description}`);
        await setBotBlocked(this.services.orm.em.fork(), Number(row.chat_id), true);
        return;
      case 'rejected':
        await this.store.recordFailure(row.id, 'error', outcome.description);
        return;
      case 'unknown':
        await this.store.recordFailure(row.id, 'unknown', outcome.description);
        return;
      case 'retry': {
        const delay = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** Math.min(16, row.attempts));
        await this.store.recordRetry(row.id, outcome.description, Math.round(delay * (0.75 + Math.random() * 0.5)));
        return;
      }
    }
  }
}

/** Starts the mailing engine of a worker process (src/app.ts, worker role). */
export function startMailingWorker(services: EngineServices, options: MailingEngineOptions = {}): MailingEngine {
  // The crash test shortens the lease (config MAILING_TEST_LEASE_MS) so killed workers' claims return quickly.
  const lease = services.config.mailing.leaseMs;
  return new MailingEngine(services, { ...(lease ? { leaseMs: lease } : {}), ...options }).start();
}
