import { Migration } from '@mikro-orm/migrations';

export class Migration20261122220807 extends Migration {

  override name = 'Migration20261122220807';

  override up(): void | Promise<void> {
    this.addSql(`create table "signing_keys" ("kid" varchar(64) not null, "algorithm" varchar(16) not null default 'EdDSA', "private_jwk" jsonb not null, "public_jwk" jsonb not null, "created_at" timestamptz not null, "retired_at" timestamptz null, primary key ("kid"));`);

    this.addSql(`create table "users" ("id" bigserial primary key, "telegram_id" bigint null, "telegram_username" varchar(64) null, "first_name" varchar(128) not null default '', "last_name" varchar(128) null, "display_name" varchar(64) null, "language" text not null default 'en', "timezone" varchar(64) not null default 'UTC', "phone" varchar(20) null, "operator_code" varchar(8) null, "tags" text[] not null default '{}', "role" text not null default 'user', "status" text not null default 'active', "notifications" boolean not null default true, "bot_blocked" boolean not null default false, "last_seen_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`alter table "users" add constraint "users_telegram_id_unique" unique ("telegram_id");`);
    this.addSql(`create index "users_operator_code_idx" on "users" ("operator_code");`);
    this.addSql(`alter table "users" add constraint "users_language_check" check ("language" in ('ru', 'en'));`);
    this.addSql(`alter table "users" add constraint "users_role_check" check ("role" in ('user', 'admin'));`);
    this.addSql(`alter table "users" add constraint "users_status_check" check ("status" in ('active', 'banned'));`);
  }

}
