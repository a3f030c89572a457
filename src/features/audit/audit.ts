import type { Em } from '../../platform/db/orm.js';
import type { User } from '../users/index.js';
import { AuditEntry } from './audit.entity.js';

export type AuditAction =
  | 'user.ban'
  | 'user.unban'
  | 'user.role'
  | 'user.tags'
  | 'account.link'
  | 'mailing.create'
  | 'mailing.update'
  | 'mailing.delete'
  | 'mailing.cancel';

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
