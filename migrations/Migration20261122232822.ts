import { Migration } from '@mikro-orm/migrations';

export class Migration20261122232822 extends Migration {

  override name = 'Migration20261122232822';

  override up(): void | Promise<void> {
    this.addSql(`create table "mailings" ("id" bigserial primary key, "text" text not null, "filter" jsonb not null, "start_at" timestamptz not null, "end_at" timestamptz not null, "window_from" smallint null, "window_to" smallint null, "status" text not null default 'scheduled', "created_by_id" bigint null, "materialized_at" timestamptz null, "recipient_count" int not null default 0, "cancelled_at" timestamptz null, "completed_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`create index "mailings_status_start_idx" on "mailings" ("status", "start_at");`);

    this.addSql(`create table "deliveries" ("id" bigserial primary key, "mailing_id" bigint not null, "user_id" bigint not null, "chat_id" bigint not null, "timezone" varchar(64) not null, "status" text not null default 'pending', "attempts" smallint not null default 0, "next_attempt_at" timestamptz null, "claimed_by" varchar(64) null, "claimed_until" timestamptz null, "sending_at" timestamptz null, "sent_at" timestamptz null, "telegram_message_id" int null, "error" text null, "updated_at" timestamptz not null);`);
    this.addSql(`create index "deliveries_claim_idx" on "deliveries" ("mailing_id", "status", "next_attempt_at");`);
    this.addSql(`create index "deliveries_lease_idx" on "deliveries" ("status", "claimed_until");`);
    this.addSql(`alter table "deliveries" add constraint "deliveries_mailing_user_unique" unique ("mailing_id", "user_id");`);

    this.addSql(`create table "audit_log" ("id" bigserial primary key, "actor_id" bigint null, "action" varchar(64) not null, "target_type" varchar(32) not null, "target_id" varchar(32) not null, "details" jsonb null, "created_at" timestamptz not null);`);
    this.addSql(`create index "audit_log_created_idx" on "audit_log" ("created_at");`);

    this.addSql(`create index "users_tags_gin_idx" on "users" using gin ("tags");`);

    this.addSql(`alter table "mailings" add constraint "mailings_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on delete set null;`);
    this.addSql(`alter table "mailings" add constraint "mailings_status_check" check ("status" in ('scheduled', 'running', 'completed', 'cancelled'));`);

    this.addSql(`alter table "deliveries" add constraint "deliveries_mailing_id_foreign" foreign key ("mailing_id") references "mailings" ("id") on delete cascade;`);
    this.addSql(`alter table "deliveries" add constraint "deliveries_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
    this.addSql(`alter table "deliveries" add constraint "deliveries_status_check" check ("status" in ('pending', 'processing', 'sent', 'error', 'expired', 'unknown'));`);

    this.addSql(`alter table "audit_log" add constraint "audit_log_actor_id_foreign" foreign key ("actor_id") references "users" ("id") on delete set null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "deliveries" drop constraint "deliveries_mailing_id_foreign";`);

    this.addSql(`drop table if exists "mailings" cascade;`);
    this.addSql(`drop table if exists "deliveries" cascade;`);
    this.addSql(`drop table if exists "audit_log" cascade;`);

    this.addSql(`drop index "users_tags_gin_idx";`);
  }

}
