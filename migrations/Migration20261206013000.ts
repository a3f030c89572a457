import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 18 (Telegram outages; PostgreSQL is the record): what a message still owes outside the
 * database (`messages.delivery`: its Telegram delivery, or its place in a folded-PM notice), and
 * the shared-task notices owed to participants (`task_notices`), so a job lost with Redis or a
 * request whose queueing failed is queued again by the sweeps and still sent once. Messages
 * stored before owe nothing.
 */
export class Migration20261206013000 extends Migration {

  override name = 'Migration20261206013000';

  override up(): void | Promise<void> {
    // Added without a default, so the messages stored before owe nothing; new ones owe their delivery.
    this.addSql(`alter table "messages" add column "delivery" text null;`);
    this.addSql(`alter table "messages" alter column "delivery" set default 'owed';`);
    this.addSql(`alter table "messages" add constraint "messages_delivery_check" check ("delivery" in ('owed', 'folded'));`);
    this.addSql(`create index "messages_delivery_owed_idx" on "messages" ("to_id", "sent_at") where "delivery" is not null;`);

    this.addSql(`create table "task_notices" ("id" bigserial primary key, "task_id" bigint not null, "recipient_id" bigint not null, "by_id" bigint not null, "kind" text not null, "title" varchar(200) not null, "status" text not null, "text" text null, "created_at" timestamptz not null, "sent_at" timestamptz null);`);
    this.addSql(`alter table "task_notices" add constraint "task_notices_kind_check" check ("kind" in ('assigned', 'unassigned', 'status', 'comment'));`);
    this.addSql(`alter table "task_notices" add constraint "task_notices_status_check" check ("status" in ('todo', 'in_progress', 'done'));`);
    this.addSql(`alter table "task_notices" add constraint "task_notices_task_id_foreign" foreign key ("task_id") references "tasks" ("id") on delete cascade;`);
    this.addSql(`alter table "task_notices" add constraint "task_notices_recipient_id_foreign" foreign key ("recipient_id") references "users" ("id") on delete cascade;`);
    this.addSql(`alter table "task_notices" add constraint "task_notices_by_id_foreign" foreign key ("by_id") references "users" ("id") on delete cascade;`);
    this.addSql(`create index "task_notices_owed_idx" on "task_notices" ("created_at") where "sent_at" is null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "task_notices" cascade;`);
    this.addSql(`drop index "messages_delivery_owed_idx";`);
    this.addSql(`alter table "messages" drop constraint "messages_delivery_check";`);
    this.addSql(`alter table "messages" drop column "delivery";`);
  }

}
