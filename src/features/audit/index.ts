export { AuditEntry } from './audit.entity.js';
export { audit } from './audit.js';
