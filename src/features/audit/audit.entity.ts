import { defineEntity, p } from '@mikro-orm/core';
import { User } from '../users/index.js';

/** Who did what and when, for every admin action (ban, role, tags, mailing create/cancel). */
const AuditEntrySchema = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_log',
  indexes: [{ name: 'audit_log_created_idx', properties: ['createdAt'] }],
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    actor: () => p.manyToOne(User).nullable().deleteRule('set null'),
    action: p.string().length(64),
    targetType: p.string().length(32),
    targetId: p.string().length(32),
    details: p.json<Record<string, unknown>>().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class AuditEntry extends AuditEntrySchema.class {}
AuditEntrySchema.setClass(AuditEntry);
