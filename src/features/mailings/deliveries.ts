import { type Em, execute, type Orm } from '../../platform/db/orm.js';
import { audienceSql, normalizeFilter } from './audience.js';
import type { MailingContent } from './content.js';

/**
 * The one owner of the `deliveries` table (one row per recipient of a mailing): every write to
 * it is a function here, so the rules below hold for all of them. The engine (jobs/) writes
 * through DeliveryStore; the domain's cancel (mailings.ts) through `expireCancelledDeliveries`.
 * Reads (counts, the per-recipient list) stay with the domain. (One write is still elsewhere:
 * linking a Telegram user to an account re-points `user_id` in every table that refers to users,
 * deliveries included, in accounts/linking.ts.)
 *
 * A row's life: `pending` → claimed (`processing`, `claimed_by`, a lease in `claimed_until`) →
 * marked (`sending_at` set, committed BEFORE the request goes out) → a terminal status. Every
 * statement re-checks ownership (`claimed_by`), so a worker whose lease ran out can never
 * overwrite what another worker did; a marked row is never sent again (recovery makes it
 * `unknown`), which is what makes a SIGKILL at any moment safe from duplicates.
 *
 * Plain SQL on the shared connection (no EntityManager fork per statement): these run a few
 * times per message at up to 1,000 messages/s.
 */

export interface Claimed {
  id: string;
  mailing_id: string;
  chat_id: string | number;
  attempts: number;
  /** The recipient's language (the 🔕 Unsubscribe button speaks it). */
  language: string;
}

/** A sent row claimed for recall. */
export interface RecallClaim {
  id: string;
  mailing_id: string;
  chat_id: string | number;
  message_id: number | null;
  attempts: number;
  /** Sent 48 h ago or more: Telegram no longer allows deleting it. */
  too_old: boolean;
}

/** Telegram lets a bot delete a message for 48 hours after it was sent. */
export const RECALL_WINDOW_HOURS = 48;

/** A `sent` answer waiting to be written (see SentLog). */
export interface SentRecord {
  id: string;
  messageId: number;
  /** When Telegram answered (ms since the epoch). */
  at: number;
}

/** Minutes after local midnight of `now()` in the recipient's time zone. */
const LOCAL_MINUTES = `(extract(hour from (now() at time zone d.timezone)) * 60 + extract(minute from (now() at time zone d.timezone)))`;
/** True when the recipient's local time is inside the mailing's window (or it has none); windows may wrap midnight. */
const IN_WINDOW = `(m.window_from is null or m.window_to is null
  or (m.window_from < m.window_to and ${LOCAL_MINUTES} >= m.window_from and ${LOCAL_MINUTES} < m.window_to)
  or (m.window_from > m.window_to and (${LOCAL_MINUTES} >= m.window_from or ${LOCAL_MINUTES} < m.window_to)))`;
/** The ids of a JSON array parameter, as bigints (one parameter however many ids). */
const IDS = `array(select (jsonb_array_elements_text(?::jsonb))::bigint)`;

/**
 * A mailing's end, as the sending rules see it: a second early. A send decided at the end's edge
 * would reach Telegram after it (the request still has to travel, and a busy process may take a
 * moment to write it), and SPEC §2.5 says no message after endAt; so nothing is claimed or marked
 * in the last second, and what waits then expires with the rest.
 */
const ENDED = `m.end_at <= now() + interval '1 second'`;

/**
 * A cancelled mailing: what was still waiting ends as `expired` with the reason "cancelled".
 * Rows a worker has claimed are left to it: its last check before sending (`mark`) sees the
 * mailing cancelled and `settleUnmarked` expires them the same way; if the worker died,
 * `recoverExpiredClaims` does. Called right after the mailing row is marked cancelled.
 */
export async function expireCancelledDeliveries(em: Em, mailingId: string, now: Date): Promise<void> {
  await execute(
    em,
    `update deliveries set status = 'expired', error = 'cancelled', claimed_by = null, claimed_until = null, updated_at = ?
     where mailing_id = ? and status = 'pending'`,
    [now, mailingId],
  );
}

/**
 * The recipient pressed 🔕 Unsubscribe (or Undo) under this mailing's message: remembered on their
 * delivery row, which is what the mailing's unsubscribe count counts. Touches nothing the engine reads.
 */
export async function markUnsubscribed(em: Em, mailingId: string, userId: string, on: boolean): Promise<void> {
  await execute(
    em,
    `update deliveries set unsubscribed_at = case when ? then coalesce(unsubscribed_at, now()) else null end
       where mailing_id = ? and user_id = ?`,
    [on, mailingId, userId],
  );
}

export class DeliveryStore {
  constructor(
    private readonly orm: Orm,
    private readonly workerId: string,
    readonly leaseMs: number,
  ) {}

  private sql<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
    return execute<T[]>(this.orm.em, query, params, 'all');
  }

  /** Starts one due mailing: marks it running and materialises its recipients in one transaction. */
  async startDueMailing(): Promise<{ id: string; recipients: number } | null> {
    return this.orm.em.fork().transactional(async (tx) => {
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
      // One set-based statement: users are never loaded into this process, whatever their number.
      const inserted = await conn.execute<{ n: string }[]>(
        `with tz as (select name from pg_timezone_names),
         ins as (
           insert into deliveries (mailing_id, user_id, chat_id, timezone, language, status, attempts, updated_at)
           select ?, u.id, u.telegram_id, coalesce(tz.name, 'UTC'), u.language, 'pending', 0, now()
           from users u left join tz on tz.name = u.timezone
           where ${where}
           on conflict do nothing
           returning 1)
         select count(*) as n from ins`,
        [row.id, ...params],
        'all',
        ctx,
      );
      const recipients = Number(inserted[0]?.n ?? 0);
      await conn.execute(`update mailings set recipient_count = ? where id = ?`, [recipients, row.id], 'run', ctx);
      return { id: row.id, recipients };
    });
  }

  /**
   * Refreshes the planner's statistics of deliveries after a big materialisation: until
   * autovacuum gets to it, the planner believes the new rows are not there and may pick a claim
   * plan that sorts every pending row (measured: 500 ms a claim at 1,000,000 rows, instead of 2).
   */
  async analyze(): Promise<void> {
    await this.sql('analyze deliveries');
  }

  /** Claims whose worker died: a marked send is `unknown` (never resent), the rest waits again. */
  async recoverExpiredClaims(): Promise<number> {
    const rows = await this.sql(
      `update deliveries d set
         status = case when d.sending_at is not null then 'unknown'
                       when m.status not in ('running', 'paused') or ${ENDED} then 'expired'
                       else 'pending' end,
         error = case when d.sending_at is not null then 'the worker stopped while sending; outcome unknown'
                      when m.status = 'cancelled' then 'cancelled'
                      when ${ENDED} then 'end time passed'
                      else d.error end,
         claimed_by = case when d.sending_at is not null then d.claimed_by else null end,
         claimed_until = null, updated_at = now()
       from mailings m
       where m.id = d.mailing_id and d.status = 'processing' and d.claimed_until < now()
       returning d.id`,
    );
    return rows.length;
  }

  /** What waits past the end of a running or paused mailing expires (a pause does not stop the clock). */
  async expireEnded(): Promise<void> {
    await this.sql(
      `update deliveries d set status = 'expired', error = 'end time passed', updated_at = now()
       from mailings m
       where m.id = d.mailing_id and m.status in ('running', 'paused') and ${ENDED} and d.status = 'pending'`,
    );
  }

  /** Marks running (or paused) mailings with nothing left to do as completed; returns their ids. */
  async completeFinished(): Promise<string[]> {
    const rows = await this.sql<{ id: string }>(
      `update mailings m set status = 'completed', completed_at = now(), paused_at = null, updated_at = now()
       where m.status in ('running', 'paused')
         and not exists (select 1 from deliveries d where d.mailing_id = m.id and d.status in ('pending', 'processing'))
       returning m.id::text as id`,
    );
    return rows.map((r) => r.id);
  }

  /**
   * Claims up to `limit` sendable rows (time has come, inside the window, mailing running). Per
   * running mailing, its pending rows in id order through `deliveries_pending_idx`: the cost does
   * not grow with the rows already sent (a plain join let the planner scan the whole table).
   */
  async claim(limit: number): Promise<Claimed[]> {
    return this.sql<Claimed>(
      `with c as (
         select x.id from mailings m
         cross join lateral (
           select d.id from deliveries d
           where d.mailing_id = m.id and d.status = 'pending'
             and coalesce(d.next_attempt_at, '-infinity') <= now()
             and ${IN_WINDOW}
           order by d.id
           limit ?
           for update of d skip locked) x
         where m.status = 'running' and not ${ENDED}
         limit ?)
       update deliveries d set status = 'processing', claimed_by = ?, claimed_until = now() + (? * interval '1 millisecond'),
         sending_at = null, updated_at = now()
       from c where d.id = c.id
       returning d.id::text as id, d.mailing_id::text as mailing_id, d.chat_id, d.attempts, d.language`,
      [limit, limit, this.workerId, this.leaseMs],
    );
  }

  /** A mailing's content and click key (null: the mailing is gone). */
  async mailingContent(mailingId: string): Promise<(MailingContent & { clickSecret: string | null }) | null> {
    const rows = await this.sql<{
      text: string;
      entities: unknown;
      media: unknown;
      buttons: unknown;
      click_secret: string | null;
    }>(`select text, entities, media, buttons, click_secret from mailings where id = ?`, [mailingId]);
    const row = rows[0];
    if (!row) return null;
    const json = <T>(v: unknown): T | null =>
      v === null || v === undefined ? null : ((typeof v === 'string' ? JSON.parse(v) : v) as T);
    return {
      text: row.text,
      entities: json<MailingContent['entities']>(row.entities),
      media: json<MailingContent['media']>(row.media),
      buttons: json<MailingContent['buttons']>(row.buttons),
      clickSecret: row.click_secret ?? null,
    };
  }

  /**
   * The last check before the requests go out, for a group sent at once: each row still ours,
   * its mailing still running, before endAt, inside the recipient's window. The rows that pass
   * are marked as being sent (committed before any request); returns their ids.
   */
  async mark(ids: string[]): Promise<Set<string>> {
    const rows = await this.sql<{ id: string }>(
      `update deliveries d set sending_at = now(), attempts = d.attempts + 1,
         claimed_until = now() + (? * interval '1 millisecond'), updated_at = now()
       from mailings m
       where d.id = any(${IDS}) and m.id = d.mailing_id and d.claimed_by = ? and d.status = 'processing'
         and d.sending_at is null and d.claimed_until > now()
         and m.status = 'running' and not ${ENDED} and ${IN_WINDOW}
       returning d.id::text as id`,
      [this.leaseMs, JSON.stringify(ids), this.workerId],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Claimed rows that failed the last check: expired (cancelled, ended) or back to pending (window, paused). */
  async settleUnmarked(ids: string[]): Promise<void> {
    await this.sql(
      `update deliveries d set
         status = case when m.status not in ('running', 'paused') or ${ENDED} then 'expired' else 'pending' end,
         error = case when m.status = 'cancelled' then 'cancelled' when ${ENDED} then 'end time passed' else d.error end,
         claimed_by = null, claimed_until = null, updated_at = now()
       from mailings m
       where d.id = any(${IDS}) and m.id = d.mailing_id and d.claimed_by = ? and d.status = 'processing' and d.sending_at is null`,
      [JSON.stringify(ids), this.workerId],
    );
  }

  /** Extends the lease of claimed rows still waiting in this worker's queue. */
  async renew(ids: string[]): Promise<void> {
    await this.sql(
      `update deliveries set claimed_until = now() + (? * interval '1 millisecond')
       where id = any(${IDS}) and claimed_by = ? and status = 'processing' and sending_at is null`,
      [this.leaseMs, JSON.stringify(ids), this.workerId],
    );
  }

  /** Gives claimed rows that were not tried back (stop, 429): no attempt counted. */
  async release(ids: string[]): Promise<void> {
    await this.sql(
      `update deliveries set status = 'pending', claimed_by = null, claimed_until = null, updated_at = now()
       where id = any(${IDS}) and claimed_by = ? and status = 'processing' and sending_at is null`,
      [JSON.stringify(ids), this.workerId],
    );
  }

  /** Records many `sent` answers in one statement (the row may meanwhile have been recovered as unknown). */
  async recordSent(records: SentRecord[]): Promise<void> {
    await this.sql(
      `update deliveries d set status = 'sent', sent_at = to_timestamp((e->>2)::double precision / 1000),
         telegram_message_id = (e->>1)::bigint, error = null, claimed_until = null, updated_at = now()
       from jsonb_array_elements(?::jsonb) e
       where d.id = (e->>0)::bigint and d.claimed_by = ? and d.status in ('processing', 'unknown')`,
      [JSON.stringify(records.map((r) => [r.id, r.messageId, r.at])), this.workerId],
    );
  }

  /** A terminal failure: `error` (403, other 4xx) or `unknown` (may have been delivered). */
  async recordFailure(id: string, status: 'error' | 'unknown', error: string): Promise<void> {
    await this.sql(
      `update deliveries set status = ?, error = ?, claimed_until = null, updated_at = now()
       where id = ? and claimed_by = ? and status in ('processing', 'unknown')`,
      [status, error.slice(0, 1000), id, this.workerId],
    );
  }

  /** A 429: not delivered, back to pending with this attempt uncounted. */
  async recordFlood(id: string): Promise<void> {
    await this.sql(
      `update deliveries set status = 'pending', sending_at = null, attempts = greatest(attempts - 1, 0),
         claimed_by = null, claimed_until = null, updated_at = now()
       where id = ? and claimed_by = ? and status in ('processing', 'unknown')`,
      [id, this.workerId],
    );
  }

  /** A 5xx or a failure before the request was written: pending again after `delayMs`. */
  async recordRetry(id: string, error: string, delayMs: number): Promise<void> {
    await this.sql(
      `update deliveries set status = 'pending', error = ?, sending_at = null, claimed_by = null, claimed_until = null,
         next_attempt_at = now() + (? * interval '1 millisecond'), updated_at = now()
       where id = ? and claimed_by = ? and status in ('processing', 'unknown')`,
      [error.slice(0, 1000), delayMs, id, this.workerId],
    );
  }

  // -------------------------------------------------------------------------------------------
  // Recall (SPEC §2.5): deleting the sent messages of a mailing whose `recall_requested_at` is set.
  //
  // A `sent` row's claim columns are free once it is recorded (recordSent clears
  // `claimed_until`), so a recall claims it the same way: `claimed_by` and a lease in
  // `claimed_until`. It ends `recalled` (`recalled_at`) or stays `sent` with `recall_error`.
  // A worker that dies mid-recall leaves leases that expire and are cleared; the rows are then
  // claimed again. Deleting twice is harmless: the second try answers "message to delete not
  // found", which counts as recalled (the message is gone), so every row still ends terminal.

  /**
   * Claims up to `limit` sent rows of recalling mailings. `too_old`: sent 48 h ago or more, when
   * Telegram no longer lets a bot delete it (the worker records that without asking Telegram).
   */
  async claimRecall(limit: number): Promise<RecallClaim[]> {
    return this.sql<RecallClaim>(
      `with c as (
         select x.id from mailings m
         cross join lateral (
           select d.id from deliveries d
           where d.mailing_id = m.id and d.status = 'sent' and d.recall_error is null and d.claimed_until is null
             and coalesce(d.next_attempt_at, '-infinity') <= now()
           limit ?
           for update of d skip locked) x
         where m.recall_requested_at is not null and m.recall_completed_at is null
         limit ?)
       update deliveries d set claimed_by = ?, claimed_until = now() + (? * interval '1 millisecond'), updated_at = now()
       from c where d.id = c.id
       returning d.id::text as id, d.mailing_id::text as mailing_id, d.chat_id, d.telegram_message_id as message_id,
         d.attempts, (d.sent_at is null or d.sent_at <= now() - interval '${RECALL_WINDOW_HOURS} hours') as too_old`,
      [limit, limit, this.workerId, this.leaseMs],
    );
  }

  /** Extends the lease of recall claims still waiting in this worker's queue. */
  async renewRecall(ids: string[]): Promise<void> {
    await this.sql(
      `update deliveries set claimed_until = now() + (? * interval '1 millisecond')
       where id = any(${IDS}) and claimed_by = ? and status = 'sent' and claimed_until is not null`,
      [this.leaseMs, JSON.stringify(ids), this.workerId],
    );
  }

  /** The messages are gone: `recalled`. */
  async recordRecalled(ids: string[]): Promise<void> {
    await this.sql(
      `update deliveries set status = 'recalled', recalled_at = now(), claimed_until = null, updated_at = now()
       where id = any(${IDS}) and claimed_by = ? and status = 'sent' and claimed_until is not null`,
      [JSON.stringify(ids), this.workerId],
    );
  }

  /** Telegram refused to delete it (400, 403, …): stays `sent`, with the reason. */
  async recordRecallFailure(id: string, error: string): Promise<void> {
    await this.sql(
      `update deliveries set recall_error = ?, claimed_until = null, updated_at = now()
       where id = ? and claimed_by = ? and status = 'sent' and claimed_until is not null`,
      [error.slice(0, 1000), id, this.workerId],
    );
  }

  /** Not tried (stop, 429), or to be tried again after `delayMs` (5xx, network). */
  async releaseRecall(ids: string[], delayMs = 0): Promise<void> {
    await this.sql(
      `update deliveries set claimed_until = null, updated_at = now(),
         next_attempt_at = case when ? > 0 then now() + (? * interval '1 millisecond') else next_attempt_at end
       where id = any(${IDS}) and claimed_by = ? and status = 'sent' and claimed_until is not null`,
      [delayMs, delayMs, JSON.stringify(ids), this.workerId],
    );
  }

  /** Recall claims whose worker died: to be claimed again (a delete that did happen answers "not found" then). */
  async recoverExpiredRecallClaims(): Promise<number> {
    const rows = await this.sql(
      `update deliveries set claimed_until = null, updated_at = now()
       where status = 'sent' and claimed_until < now() returning id`,
    );
    return rows.length;
  }

  /**
   * Marks recalls with nothing left to do as completed: no row still being sent (a send in flight
   * when the mailing was stopped may yet become `sent`) and every sent row recalled or failed.
   */
  async completeRecalls(): Promise<string[]> {
    const rows = await this.sql<{ id: string }>(
      `update mailings m set recall_completed_at = now(), updated_at = now()
       where m.recall_requested_at is not null and m.recall_completed_at is null
         and not exists (select 1 from deliveries d where d.mailing_id = m.id
                         and (d.status in ('pending', 'processing') or (d.status = 'sent' and d.recall_error is null)))
       returning m.id::text as id`,
    );
    return rows.map((r) => r.id);
  }
}
