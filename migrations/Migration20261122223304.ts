import { Migration } from '@mikro-orm/migrations';

export class Migration20261122223304 extends Migration {

  override name = 'Migration20261122223304';

  override up(): void | Promise<void> {
    this.addSql(`create table "signing_keys" ("kid" varchar(64) not null, "algorithm" varchar(16) not null default 'EdDSA', "private_jwk" jsonb null, "public_jwk" jsonb not null, "created_at" timestamptz not null, "retired_at" timestamptz null, primary key ("kid"));`);

    this.addSql(`create table "users" ("id" bigserial primary key, "telegram_id" bigint null, "telegram_username" varchar(64) null, "telegram_first_name" varchar(128) null, "telegram_last_name" varchar(128) null, "username" varchar(32) null, "password_hash" text null, "account_state" text null, "email" varchar(254) null, "first_name" varchar(128) null, "last_name" varchar(128) null, "display_name" varchar(64) null, "language" text not null default 'en', "timezone" varchar(64) not null default 'UTC', "phone" varchar(20) null, "operator_code" varchar(8) null, "tags" text[] not null default '{}', "role" text not null default 'user', "status" text not null default 'active', "notifications" boolean not null default true, "bot_blocked" boolean not null default false, "last_seen_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`alter table "users" add constraint "users_telegram_id_unique" unique ("telegram_id");`);
    this.addSql(`create index "users_operator_code_idx" on "users" ("operator_code");`);
    this.addSql(`create unique index "users_username_lower_unique" on "users" (lower("username"));`);
    this.addSql(`create index "users_username_prefix_idx" on "users" (lower("username") text_pattern_ops);`);
    this.addSql(`create index "users_telegram_username_lower_idx" on "users" (lower("telegram_username") text_pattern_ops);`);
    this.addSql(`alter table "users" add constraint "users_account_state_check" check ("account_state" in ('pending', 'active'));`);
    this.addSql(`alter table "users" add constraint "users_language_check" check ("language" in ('ru', 'en'));`);
    this.addSql(`alter table "users" add constraint "users_role_check" check ("role" in ('user', 'admin'));`);
    this.addSql(`alter table "users" add constraint "users_status_check" check ("status" in ('active', 'banned'));`);

    this.addSql(`create table "registrations" ("id" bigserial primary key, "user_id" bigint not null, "username" varchar(32) not null, "status" text not null default 'pending', "expires_at" timestamptz not null, "message_id" int null, "created_at" timestamptz not null, "decided_at" timestamptz null);`);
    this.addSql(`create index "registrations_user_idx" on "registrations" ("user_id");`);
    this.addSql(`alter table "registrations" add constraint "registrations_status_check" check ("status" in ('pending', 'confirmed', 'declined', 'expired'));`);

    this.addSql(`create table "refresh_tokens" ("id" uuid not null, "user_id" bigint not null, "family_id" uuid not null, "token_hash" varchar(64) not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "revoked_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "refresh_tokens_user_idx" on "refresh_tokens" ("user_id");`);
    this.addSql(`create index "refresh_tokens_family_idx" on "refresh_tokens" ("family_id");`);
    this.addSql(`alter table "refresh_tokens" add constraint "refresh_tokens_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "messages" ("id" bigserial primary key, "kind" text not null, "from_id" bigint not null, "to_id" bigint null, "text" text not null, "sent_at" timestamptz not null);`);
    this.addSql(`create index "messages_from_idx" on "messages" ("from_id", "id");`);
    this.addSql(`create index "messages_to_idx" on "messages" ("to_id", "id");`);
    this.addSql(`alter table "messages" add constraint "messages_kind_check" check ("kind" in ('echo', 'pm', 'room'));`);

    this.addSql(`create table "link_tokens" ("user_id" bigint not null, "token" uuid not null, "created_at" timestamptz not null, "attached_telegram_id" bigint null, "attached_at" timestamptz null, primary key ("user_id"));`);
    this.addSql(`alter table "link_tokens" add constraint "link_tokens_token_unique" unique ("token");`);

    this.addSql(`create table "avatars" ("user_id" bigint not null, "content_type" varchar(32) not null, "data" bytea not null, "size" int not null, "updated_at" timestamptz not null, primary key ("user_id"));`);

    this.addSql(`alter table "registrations" add constraint "registrations_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);

    this.addSql(`alter table "refresh_tokens" add constraint "refresh_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);

    this.addSql(`alter table "messages" add constraint "messages_from_id_foreign" foreign key ("from_id") references "users" ("id") on delete cascade;`);
    this.addSql(`alter table "messages" add constraint "messages_to_id_foreign" foreign key ("to_id") references "users" ("id") on delete cascade;`);

    this.addSql(`alter table "link_tokens" add constraint "link_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "avatars" add constraint "avatars_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
  }

}
