import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Api } from 'grammy';
import type { Em } from '../db/orm.js';
import { audienceSql, normalizeFilter } from '../domain/mailings.js';
import { setBotBlocked } from '../domain/users.js';
import type { Services } from '../services.js';
import type { TelegramFetch } from '../telegram.js';
import { RateGate } from './rate-gate.js';
import { classifySendError, createMailingApi, mailingFetch, type SendOutcome } from './transport.js';

/**
 * The mailing delivery engine (SPEC §2.5). Every worker process runs one; they share the work
 * through PostgreSQL row claims and one rate limit in Redis:
 *
 * - tick (every second): start due mailings (recipients materialised by one INSERT … SELECT in the
 *   same transaction that marks the mailing running), recover expired claims (`processing` with
 *   `sendingAt` → `unknown`, without → `pending`), expire what waits past `endAt`, complete
 *   mailings with nothing left to do.
 * - claim: up to `batchSize` pending rows whose retry time has come and whose recipient is inside
 *   the local window, `FOR UPDATE SKIP LOCKED`, marked `processing` with a lease.
 * - send, `concurrency` at a time: take a slot of the shared rate (and respect a global 429
 *   pause), set `sendingAt` in a conditional UPDATE that also re-checks the claim, the mailing's
 *   status and `endAt` (so nothing goes out after a cancel or the end), send once, record.
 */

export interface MailingEngineOptions {
  /** Messages per second for the whole bot; null = unlimited (benchmarks only). Default MAILING_RATE. */
  rate?: number | null;
  /** Sends in flight per worker. */
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
  fetch?: TelegramFetch;
  api?: Api;
  workerId?: string;
}

type EngineServices = Pick<Services, 'config' | 'log' | 'orm' | 'redis' | 'keyPrefix'>;

interface Claimed {
  id: string;
  mailing_id: string;
  chat_id: string | number;
  attempts: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Minutes after local midnight of `now()` in the recipient's time zone. */
const LOCAL_MINUTES = `(extract(hour from (now() at time zone d.timezone)) * 60 + extract(minute from (now() at time zone d.timezone)))`;
/** True when the recipient's local time is inside the mailing's window (or it has none); windows may wrap midnight. */
const IN_WINDOW = `(m.window_from is null or m.window_to is null
  or (m.window_from < m.window_to and ${LOCAL_MINUTES} >= m.window_from and ${LOCAL_MINUTES} < m.window_to)
  or (m.window_from > m.window_to and (${LOCAL_MINUTES} >= m.window_from or ${LOCAL_MINUTES} < m.window_to)))`;

export class MailingEngine {
  readonly workerId: string;
  private readonly gate: RateGate;
  private readonly api: Api;
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly idleMs: number;
  private readonly tickMs: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly texts = new Map<string, string>();
  private stopped = false;
  private loop: Promise<void> | undefined;
  private lastTick = 0;
  private wake: (() => void) | undefined;

  constructor(
    private readonly services: EngineServices,
    options: MailingEngineOptions = {},
  ) {
    const rate = options.rate === undefined ? services.config.mailing.rate : options.rate;
    this.gate = new RateGate(services.redis, services.keyPrefix, rate);
    this.api =
      options.api ?? createMailingApi(services.config, options.fetch ?? mailingFetch({ timeoutMs: options.timeoutMs }));
    const r = rate ?? 2000;
    this.concurrency = options.concurrency ?? Math.min(32, Math.max(4, Math.ceil(r / 40)));
    this.batchSize = options.batchSize ?? Math.min(2000, Math.max(20, Math.ceil(r * 2)));
    this.leaseMs = options.leaseMs ?? 60_000;
    this.idleMs = options.idleMs ?? 500;
    this.tickMs = options.tickMs ?? 1000;
    this.retryBaseMs = options.retryBaseMs ?? 1000;
    this.retryMaxMs = options.retryMaxMs ?? 60_000;
    this.workerId = (options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`).slice(0, 64);
  }

  private em(): Em {
    return this.services.orm.em.fork();
  }

  private async sql<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
    return this.em().getConnection().execute<T[]>(query, params, 'all');
  }

  start(): this {
    this.loop ??= this.run();
    return this;
  }

  /** Stops claiming; sends in flight finish and are recorded; unsent claims go back to pending. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (Date.now() - this.lastTick >= this.tickMs) {
          this.lastTick = Date.now();
          await this.tick();
        }
        const batch = await this.claim();
        if (batch.length === 0) {
          await new Promise<void>((resolve) => {
            this.wake = resolve;
            setTimeout(resolve, this.idleMs);
          });
          continue;
        }
        await this.sendBatch(batch);
      } catch (err) {
        this.services.log.error({ err }, 'mailing engine loop failed; retrying');
        await sleep(1000);
      }
    }
  }

  /** Scheduler and housekeeping; any worker may run it at any time, concurrently with others. */
  async tick(): Promise<void> {
    while (!this.stopped && (await this.startDueMailing())) {}
    await this.recoverExpiredClaims();
    await this.expireEnded();
    await this.completeFinished();
  }

  /** Starts one due mailing: marks it running and materialises its recipients in one transaction. */
  async startDueMailing(): Promise<string | null> {
    return this.services.orm.em.fork().transactional(async (tx) => {
      const conn = tx.getConnection();
      const ctx = tx.getTransactionContext();
      const rows = await conn.execute<{ id: string; filter: unknown }[]>(
        `update mailings set status = 'running', materialized_at = now(), updated_at = now()
         where id = (select id from mailings where status = 'scheduled' and start_at <= now()
                     order by start_at, id limit 1 for update skip locked)
         returning id::text as id, filter`,
        [],
        'all',
        ctx,
      );
      const row = rows[0];
      if (!row) return null;
      const filter = normalizeFilter((typeof row.filter === 'string' ? JSON.parse(row.filter) : row.filter) ?? {});
      const { where, params } = audienceSql(filter);
      const inserted = await conn.execute<{ n: string }[]>(
        `with tz as (select name from pg_timezone_names),
         ins as (
           insert into deliveries (mailing_id, user_id, chat_id, timezone, status, attempts, updated_at)
           select ?, u.id, u.telegram_id, coalesce(tz.name, 'UTC'), 'pending', 0, now()
           from users u left join tz on tz.name = u.timezone
           where ${where}
           on conflict do nothing
           returning 1)
         select count(*) as n from ins`,
        [row.id, ...params],
        'all',
        ctx,
      );
      const count = Number(inserted[0]?.n ?? 0);
      await conn.execute(`update mailings set recipient_count = ? where id = ?`, [count, row.id], 'run', ctx);
      this.services.log.info({ mailing_id: row.id, recipients: count }, 'mailing started');
      return row.id;
    });
  }

  /** Claims whose worker died: a started send is `unknown` (never resent), the rest waits again. */
  async recoverExpiredClaims(): Promise<number> {
    const rows = await this.sql(
      `update deliveries d set
         status = case when d.sending_at is not null then 'unknown'
                       when m.status <> 'running' or m.end_at <= now() then 'expired'
                       else 'pending' end,
         error = case when d.sending_at is not null then 'the worker stopped while sending; outcome unknown'
                      when m.status = 'cancelled' then 'cancelled'
                      when m.end_at <= now() then 'end time passed'
                      else d.error end,
         claimed_by = case when d.sending_at is not null then d.claimed_by else null end,
         claimed_until = null, updated_at = now()
       from mailings m
       where m.id = d.mailing_id and d.status = 'processing' and d.claimed_until < now()
       returning d.id`,
    );
    if (rows.length) this.services.log.warn({ recovered: rows.length }, 'mailing claims expired and were recovered');
    return rows.length;
  }

  async expireEnded(): Promise<void> {
    await this.sql(
      `update deliveries d set status = 'expired', error = 'end time passed', updated_at = now()
       from mailings m
       where m.id = d.mailing_id and m.status = 'running' and m.end_at <= now() and d.status = 'pending'`,
    );
  }

  async completeFinished(): Promise<void> {
    const rows = await this.sql<{ id: string }>(
      `update mailings m set status = 'completed', completed_at = now(), updated_at = now()
       where m.status = 'running'
         and not exists (select 1 from deliveries d where d.mailing_id = m.id and d.status in ('pending', 'processing'))
       returning m.id::text as id`,
    );
    for (const row of rows) {
      this.texts.delete(row.id);
      this.services.log.info({ mailing_id: row.id }, 'mailing completed');
    }
  }

  /** Claims the next batch of sendable rows (time has come, inside the window, mailing running). */
  async claim(limit = this.batchSize): Promise<Claimed[]> {
    return this.sql<Claimed>(
      `with c as (
         select d.id from deliveries d join mailings m on m.id = d.mailing_id
         where m.status = 'running' and m.end_at > now() and d.status = 'pending'
           and (d.next_attempt_at is null or d.next_attempt_at <= now())
           and ${IN_WINDOW}
         limit ?
         for update of d skip locked)
       update deliveries d set status = 'processing', claimed_by = ?, claimed_until = now() + (? * interval '1 millisecond'),
         sending_at = null, updated_at = now()
       from c where d.id = c.id
       returning d.id::text as id, d.mailing_id::text as mailing_id, d.chat_id, d.attempts`,
      [limit, this.workerId, this.leaseMs],
    );
  }

  private async textOf(mailingId: string): Promise<string | null> {
    let text = this.texts.get(mailingId);
    if (text === undefined) {
      const rows = await this.sql<{ text: string }>(`select text from mailings where id = ?`, [mailingId]);
      if (!rows[0]) return null;
      text = rows[0].text;
      this.texts.set(mailingId, text);
    }
    return text;
  }

  private async sendBatch(batch: Claimed[]): Promise<void> {
    let next = 0;
    let halted = false;
    const lane = async () => {
      while (!this.stopped && !halted) {
        const row = batch[next++];
        if (!row) return;
        const outcome = await this.deliver(row);
        if (outcome === 'flood') halted = true;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, batch.length) }, lane));
    const untouched = batch.slice(next).map((r) => r.id);
    if (untouched.length) await this.release(untouched);
  }

  /** Gives claimed rows that were not tried back (stop, 429): no attempt counted. */
  private async release(ids: string[]): Promise<void> {
    await this.sql(
      `update deliveries set status = 'pending', claimed_by = null, claimed_until = null, updated_at = now()
       where id = any(array(select (jsonb_array_elements_text(?::jsonb))::bigint)) and claimed_by = ? and status = 'processing' and sending_at is null`,
      [JSON.stringify(ids), this.workerId],
    );
  }

  /** One recipient: wait for the rate, re-check, mark, send once, record. */
  private async deliver(row: Claimed): Promise<'done' | 'flood' | 'skipped'> {
    const text = await this.textOf(row.mailing_id);
    if (text === null) return 'skipped'; // mailing deleted (cascade removed the row too)
    if (!(await this.gate.acquire(() => this.stopped))) {
      await this.release([row.id]);
      return 'skipped';
    }
    // The last check before the request: still ours, mailing still running, before endAt, in window.
    const marked = await this.sql(
      `update deliveries d set sending_at = now(), attempts = d.attempts + 1,
         claimed_until = now() + (? * interval '1 millisecond'), updated_at = now()
       from mailings m
       where d.id = ? and m.id = d.mailing_id and d.claimed_by = ? and d.status = 'processing'
         and d.sending_at is null and d.claimed_until > now()
         and m.status = 'running' and m.end_at > now() and ${IN_WINDOW}
       returning d.id`,
      [this.leaseMs, row.id, this.workerId],
    );
    if (!marked.length) {
      await this.sql(
        `update deliveries d set
           status = case when m.status <> 'running' or m.end_at <= now() then 'expired' else 'pending' end,
           error = case when m.status = 'cancelled' then 'cancelled' when m.end_at <= now() then 'end time passed' else d.error end,
           claimed_by = null, claimed_until = null, updated_at = now()
         from mailings m
         where d.id = ? and m.id = d.mailing_id and d.claimed_by = ? and d.status = 'processing' and d.sending_at is null`,
        [row.id, this.workerId],
      );
      return 'skipped';
    }
    let outcome: SendOutcome;
    try {
      const message = await this.api.sendMessage(Number(row.chat_id), text, {
        link_preview_options: { is_disabled: true },
        ...(this.services.config.mailing.paidBroadcast ? { allow_paid_broadcast: true } : {}),
      });
      outcome = { kind: 'sent', messageId: message.message_id };
    } catch (err) {
      outcome = classifySendError(err);
    }
    await this.record(row, outcome);
    return outcome.kind === 'flood' ? 'flood' : 'done';
  }

  private async record(row: Claimed, outcome: SendOutcome): Promise<void> {
    const mine = `where id = ? and claimed_by = ? and status in ('processing', 'unknown')`;
    switch (outcome.kind) {
      case 'sent':
        await this.sql(
          `update deliveries set status = 'sent', sent_at = now(), telegram_message_id = ?, error = null,
             claimed_until = null, updated_at = now() ${mine}`,
          [outcome.messageId, row.id, this.workerId],
        );
        return;
      case 'flood':
        this.services.log.warn(
          { retry_after: outcome.retryAfter },
          'Telegram flood limit: pausing every mailing sender',
        );
        await this.gate.pause(outcome.retryAfter);
        // Not delivered: back to pending, this attempt not counted.
        await this.sql(
          `update deliveries set status = 'pending', sending_at = null, attempts = greatest(attempts - 1, 0),
             claimed_by = null, claimed_until = null, updated_at = now() ${mine}`,
          [row.id, this.workerId],
        );
        return;
      case 'blocked':
        await this.sql(
          `update deliveries set status = 'error', error = ?, claimed_until = null, updated_at = now() ${mine}`,
          [`403: ${outcome.description}`.slice(0, 1000), row.id, this.workerId],
        );
        await setBotBlocked(this.em(), Number(row.chat_id), true);
        return;
      case 'rejected':
        await this.sql(
          `update deliveries set status = 'error', error = ?, claimed_until = null, updated_at = now() ${mine}`,
          [outcome.description.slice(0, 1000), row.id, this.workerId],
        );
        return;
      case 'unknown':
        await this.sql(
          `update deliveries set status = 'unknown', error = ?, claimed_until = null, updated_at = now() ${mine}`,
          [outcome.description.slice(0, 1000), row.id, this.workerId],
        );
        return;
      case 'retry': {
        const delay = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** Math.min(16, row.attempts));
        const jittered = Math.round(delay * (0.75 + Math.random() * 0.5));
        await this.sql(
          `update deliveries set status = 'pending', error = ?, sending_at = null, claimed_by = null, claimed_until = null,
             next_attempt_at = now() + (? * interval '1 millisecond'), updated_at = now() ${mine}`,
          [outcome.description.slice(0, 1000), jittered, row.id, this.workerId],
        );
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
