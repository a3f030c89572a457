import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 12 (tasks that fit a person's day), part B:
 * - an optional advance reminder per task (`remind_before`: 1 hour or 1 day before the due time),
 *   with its own once-only marker (`advance_reminded_at`, reset when the due time or the advance
 *   changes, like `reminded_at`);
 * - a snoozed reminder (`snoozed_until`): claimed (cleared) by the one job that sends it;
 * - open tasks listed by due date (a partial index of the open ones);
 * - title search by words (`ILIKE '%word%'`): a trigram index where pg_trgm is available
 *   (PostgreSQL ships it; the embedded PGlite may not, and then search runs without it).
 */
export class Migration20261205224500 extends Migration {

  override name = 'Migration20261205224500';

  override up(): void | Promise<void> {
    this.addSql(`alter table "tasks" add column "remind_before" text null, add column "advance_reminded_at" timestamptz null, add column "snoozed_until" timestamptz null;`);
    this.addSql(`alter table "tasks" add constraint "tasks_remind_before_check" check ("remind_before" in ('PT1H', 'P1D'));`);
    this.addSql(`create index "tasks_owner_open_due_idx" on "tasks" ("owner_id", "due_at", "id") where "status" <> 'done';`);
    this.addSql(`do $$ begin
  create extension if not exists pg_trgm;
  create index "tasks_title_trgm_idx" on "tasks" using gin ("title" gin_trgm_ops);
exception when others then
  raise notice 'pg_trgm is not available: title search runs without its index';
end $$;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index if exists "tasks_title_trgm_idx";`);
    this.addSql(`drop index "tasks_owner_open_due_idx";`);
    this.addSql(`alter table "tasks" drop constraint "tasks_remind_before_check";`);
    this.addSql(`alter table "tasks" drop column "remind_before", drop column "advance_reminded_at", drop column "snoozed_until";`);
  }

}
