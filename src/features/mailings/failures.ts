import type { Em } from '../../platform/db/orm.js';
import { visibleName } from '../users/index.js';
import type { DeliveryStatus } from './mailing.entities.js';

/**
 * The failed recipients of a mailing (SPEC §2.5: "the failed recipients with their reasons"):
 * rows that ended `error`, `expired` or `unknown`, one page at a time, with who they are (the
 * name others see and the Telegram @username; never the phone) and why, as a reason code the
 * bot words in the admin's language. Read-only; the deliveries table is written by deliveries.ts.
 */

export const FAILED_STATUSES = ['error', 'expired', 'unknown'] as const satisfies readonly DeliveryStatus[];
export type FailedStatus = (typeof FAILED_STATUSES)[number];

/**
 * Why a recipient did not get the mailing. The known Telegram answers and our own terminal
 * reasons have a code; anything else is `other` and shown as Telegram's description.
 */
export type FailureReason =
  | 'blocked'
  | 'deactivated'
  | 'chat_not_found'
  | 'expired'
  | 'cancelled'
  | 'unknown'
  | 'other';

export interface FailedRecipient {
  deliveryId: string;
  name: string;
  /** The recipient's Telegram @username, without the @; null when they have none. */
  username: string | null;
  status: FailedStatus;
  reason: FailureReason;
  /** What was recorded (Telegram's description, or ours); shown for `other`. */
  error: string | null;
}

export interface FailedPage {
  items: FailedRecipient[];
  /** From 1; clamped into 1..pages. */
  page: number;
  pages: number;
  total: number;
}

/** The reason code of a failed row, from its status and the recorded error (engine and deliveries.ts wording). */
export function failureReason(status: FailedStatus, error: string | null): FailureReason {
  const e = error ?? '';
  if (status === 'unknown') return 'unknown';
  if (status === 'expired') return e === 'cancelled' ? 'cancelled' : 'expired';
  if (/user is deactivated/i.test(e)) return 'deactivated';
  if (/^403\b/.test(e) && /blocked/i.test(e)) return 'blocked';
  if (/chat not found/i.test(e)) return 'chat_not_found';
  return 'other';
}

/**
 * Page `page` (from 1) of a mailing's failed recipients in delivery order: one COUNT and one
 * LIMIT/OFFSET read of that page only (through the (mailing, status) index), whatever the total.
 */
export async function listFailedRecipients(em: Em, mailingId: string, page: number, size: number): Promise<FailedPage> {
  const conn = em.getConnection();
  const statuses = `d.status in (${FAILED_STATUSES.map((s) => `'${s}'`).join(', ')})`;
  const counted = await conn.execute<{ n: string }[]>(
    `select count(*) as n from deliveries d where d.mailing_id = ? and ${statuses}`,
    [mailingId],
  );
  const total = Number(counted[0]?.n ?? 0);
  const pages = Math.max(1, Math.ceil(total / size));
  const current = Math.min(Math.max(1, Number.isFinite(page) ? Math.trunc(page) : 1), pages);
  if (total === 0) return { items: [], page: 1, pages: 1, total };
  const rows = await conn.execute<
    {
      id: string;
      status: FailedStatus;
      error: string | null;
      display_name: string | null;
      first_name: string | null;
      last_name: string | null;
      telegram_first_name: string | null;
      telegram_last_name: string | null;
      telegram_username: string | null;
      username: string | null;
    }[]
  >(
    `select d.id::text as id, d.status, d.error, u.display_name, u.first_name, u.last_name,
            u.telegram_first_name, u.telegram_last_name, u.telegram_username, u.username
       from deliveries d join users u on u.id = d.user_id
      where d.mailing_id = ? and ${statuses}
      order by d.id limit ? offset ?`,
    [mailingId, size, (current - 1) * size],
  );
  return {
    items: rows.map((r) => ({
      deliveryId: r.id,
      name: visibleName({
        displayName: r.display_name,
        firstName: r.first_name,
        lastName: r.last_name,
        telegramFirstName: r.telegram_first_name,
        telegramLastName: r.telegram_last_name,
        username: r.username,
      }),
      username: r.telegram_username,
      status: r.status,
      reason: failureReason(r.status, r.error),
      error: r.error,
    })),
    page: current,
    pages,
    total,
  };
}
