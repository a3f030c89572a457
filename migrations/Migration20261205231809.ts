import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 18 (PostgreSQL is the record, Redis is derived): partial indexes for the worker's
 * sweeps, which re-queue owed reminders (due, advance, snoozed) and pending-registration expiry
 * every minute, so each sweep reads only the rows it may queue.
 */
export class Migration20261205231809 extends Migration {

  override name = 'Migration20261205231809';

  override up(): void | Promise<void> {
    this.addSql(`create index "tasks_unreminded_due_idx" on "tasks" ("due_at") where "status" <> 'done' and "reminded_at" is null;`);
    this.addSql(`create index "tasks_unreminded_advance_idx" on "tasks" ("due_at") where "status" <> 'done' and "remind_before" is not null and "advance_reminded_at" is null;`);
    this.addSql(`create index "tasks_snoozed_idx" on "tasks" ("snoozed_until") where "status" <> 'done' and "snoozed_until" is not null;`);

    this.addSql(`create index "registrations_pending_expiry_idx" on "registrations" ("expires_at") where "status" = 'pending';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "registrations_pending_expiry_idx";`);

    this.addSql(`drop index "tasks_unreminded_due_idx";`);
    this.addSql(`drop index "tasks_unreminded_advance_idx";`);
    this.addSql(`drop index "tasks_snoozed_idx";`);
  }

}
