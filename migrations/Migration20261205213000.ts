import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 10 (accounts cannot be taken over):
 * - a pending registration keeps the requested account on its own row, so the named Telegram
 *   user's row stays untouched until they press Confirm (requests made before this migration
 *   are moved there and the user rows cleared);
 * - pending usernames and one open request per Telegram user are held by partial unique indexes;
 * - link tokens expire (15 minutes; tokens created before this migration keep that rule).
 */
export class Migration20261205213000 extends Migration {

  override name = 'Migration20261205213000';

  override up(): void | Promise<void> {
    this.addSql(`alter table "registrations" add column "password_hash" text null, add column "first_name" varchar(128) null, add column "last_name" varchar(128) null, add column "email" varchar(254) null;`);
    this.addSql(`update "registrations" r set "password_hash" = u."password_hash", "first_name" = u."first_name", "last_name" = u."last_name", "email" = u."email" from "users" u where r."user_id" = u."id" and r."status" = 'pending' and u."account_state" = 'pending';`);
    this.addSql(`update "users" set "username" = null, "password_hash" = null, "account_state" = null, "first_name" = null, "last_name" = null, "email" = null where "account_state" = 'pending';`);
    this.addSql(`create unique index "registrations_pending_username_unique" on "registrations" (lower("username")) where "status" = 'pending';`);
    this.addSql(`create unique index "registrations_pending_user_unique" on "registrations" ("user_id") where "status" = 'pending';`);
    this.addSql(`alter table "link_tokens" add column "expires_at" timestamptz null;`);
    this.addSql(`update "link_tokens" set "expires_at" = "created_at" + interval '15 minutes';`);
    this.addSql(`alter table "link_tokens" alter column "expires_at" set not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "link_tokens" drop column "expires_at";`);
    this.addSql(`drop index "registrations_pending_user_unique";`);
    this.addSql(`drop index "registrations_pending_username_unique";`);
    this.addSql(`update "users" u set "username" = r."username", "password_hash" = r."password_hash", "account_state" = 'pending', "first_name" = r."first_name", "last_name" = r."last_name", "email" = r."email" from "registrations" r where r."user_id" = u."id" and r."status" = 'pending';`);
    this.addSql(`alter table "registrations" drop column "password_hash", drop column "first_name", drop column "last_name", drop column "email";`);
  }

}
