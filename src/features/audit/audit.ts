import type { Em } from '../../platform/db/orm.js';
import type { User } from '../users/index.js';
import { AuditEntry } from './audit.entity.js';

export type AuditAction =
  | 'user.ban'
  | 'user.unban'
  | 'user.role'
  | 'user.tags'
  | 'user.phone'
  | 'user.operator_code'
  | 'user.timezone'
  | 'account.link'
  | 'mailing.create'
  | 'mailing.update'
  | 'mailing.delete'
  | 'mailing.cancel'
  | 'mailing.pause'
  | 'mailing.resume'
  | 'mailing.recall';

/**
 * Records an admin action (who, what, when) in the same unit of work as the change itself:
 * call it before the flush that saves the change, so both land or neither does.
 */
export function audit(
  em: Em,
  actor: User | null,
  action: AuditAction,
  target: { type: 'user' | 'mailing'; id: string },
  details?: Record<string, unknown>,
): AuditEntry {
  return em.create(AuditEntry, {
    actor,
    action,
    targetType: target.type,
    targetId: target.id,
    details: details ?? null,
  });
}

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}

const AUDIT_CURSOR = /^\d{1,18}$/;

/**
 * The audit log, newest first, with each entry's actor loaded; the cursor is the id of the last
 * entry of the previous page (ids only grow, so a page never repeats or skips an entry written
 * while paging).
 */
export async function listAuditEntries(em: Em, page: { limit: number; cursor?: string }): Promise<AuditPage> {
  const where = page.cursor !== undefined && AUDIT_CURSOR.test(page.cursor) ? { id: { $lt: page.cursor } } : {};
  const rows = await em.find(AuditEntry, where, {
    orderBy: { id: 'desc' },
    limit: page.limit + 1,
    populate: ['actor'],
  });
  const items = rows.slice(0, page.limit);
  return { items, nextCursor: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null };
}
