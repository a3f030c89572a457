import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 13 (shared tasks): a task may be assigned to another user. Deleting the assignee leaves
 * the task with its owner (`set null`); "Assigned to me" lists by assignee, newest first.
 * Written by hand (the CLI would also diff unrelated tables); later than every landed migration.
 */
export class Migration20261205230500 extends Migration {

  override name = 'Migration20261205230500';

  override up(): void | Promise<void> {
    this.addSql(`alter table "tasks" add column "assignee_id" bigint null;`);
    this.addSql(`alter table "tasks" add constraint "tasks_assignee_id_foreign" foreign key ("assignee_id") references "users" ("id") on delete set null;`);
    this.addSql(`create index "tasks_assignee_idx" on "tasks" ("assignee_id", "id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index if exists "tasks_assignee_idx";`);
    this.addSql(`alter table "tasks" drop constraint if exists "tasks_assignee_id_foreign";`);
    this.addSql(`alter table "tasks" drop column "assignee_id";`);
  }

}
