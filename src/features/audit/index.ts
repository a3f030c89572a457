export { AuditEntry } from './audit.entity.js';
export type { AuditAction, AuditPage } from './audit.js';
export { audit, listAuditEntries } from './audit.js';
