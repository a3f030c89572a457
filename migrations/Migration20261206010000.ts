import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 15, clicks and recall:
 * - each mailing gets its own key for signing click links (`click_secret`; mailings made before
 *   keep raw URLs), and `mailing_clicks` records the first tap per delivery and button;
 * - recall: when it was asked for and finished (`recall_requested_at`, `recall_completed_at`),
 *   per delivery the `recalled` status, `recalled_at` and the reason a delete failed (`recall_error`).
 * Written by hand (the CLI would also diff unrelated tables); later than every landed migration.
 */
export class Migration20261206010000 extends Migration {

  override name = 'Migration20261206010000';

  override up(): void | Promise<void> {
    this.addSql(`alter table "mailings" add column "click_secret" varchar(32) null, add column "recall_requested_at" timestamptz null, add column "recall_completed_at" timestamptz null;`);
    this.addSql(`alter table "deliveries" add column "recalled_at" timestamptz null, add column "recall_error" text null;`);
    this.addSql(`alter table "deliveries" drop constraint if exists "deliveries_status_check";`);
    this.addSql(`alter table "deliveries" add constraint "deliveries_status_check" check ("status" in ('pending', 'processing', 'sent', 'error', 'expired', 'unknown', 'recalled'));`);

    this.addSql(`create table "mailing_clicks" ("id" bigserial primary key, "mailing_id" bigint not null, "delivery_id" bigint not null, "button" smallint not null, "created_at" timestamptz not null);`);
    this.addSql(`create index "mailing_clicks_mailing_idx" on "mailing_clicks" ("mailing_id", "button");`);
    this.addSql(`alter table "mailing_clicks" add constraint "mailing_clicks_delivery_button_unique" unique ("delivery_id", "button");`);
    this.addSql(`alter table "mailing_clicks" add constraint "mailing_clicks_mailing_id_foreign" foreign key ("mailing_id") references "mailings" ("id") on delete cascade;`);
    this.addSql(`alter table "mailing_clicks" add constraint "mailing_clicks_delivery_id_foreign" foreign key ("delivery_id") references "deliveries" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "mailing_clicks" cascade;`);
    this.addSql(`update "deliveries" set "status" = 'sent' where "status" = 'recalled';`);
    this.addSql(`alter table "deliveries" drop constraint if exists "deliveries_status_check";`);
    this.addSql(`alter table "deliveries" add constraint "deliveries_status_check" check ("status" in ('pending', 'processing', 'sent', 'error', 'expired', 'unknown'));`);
    this.addSql(`alter table "deliveries" drop column "recalled_at", drop column "recall_error";`);
    this.addSql(`alter table "mailings" drop column "click_secret", drop column "recall_requested_at", drop column "recall_completed_at";`);
  }

}
