import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 15 (mailings like the best broadcast tools):
 * - a mailing's content may be formatted by Telegram's entities, carry a photo, video, GIF or
 *   document, and URL buttons;
 * - a mailing may be paused (`paused` status, `paused_at`);
 * - each delivery remembers the recipient's language (the 🔕 Unsubscribe button speaks it) and
 *   whether they unsubscribed under it;
 * - users may turn mailings off (`users.mailings`).
 */
export class Migration20261205225000 extends Migration {

  override name = 'Migration20261205225000';

  override up(): void | Promise<void> {
    this.addSql(`alter table "mailings" add column "entities" jsonb null, add column "media" jsonb null, add column "buttons" jsonb null, add column "paused_at" timestamptz null;`);
    this.addSql(`alter table "mailings" drop constraint if exists "mailings_status_check";`);
    this.addSql(`alter table "mailings" add constraint "mailings_status_check" check ("status" in ('scheduled', 'running', 'paused', 'completed', 'cancelled'));`);
    this.addSql(`alter table "deliveries" add column "language" varchar(8) not null default 'en', add column "unsubscribed_at" timestamptz null;`);
    this.addSql(`alter table "users" add column "mailings" boolean not null default true;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "users" drop column "mailings";`);
    this.addSql(`alter table "deliveries" drop column "language", drop column "unsubscribed_at";`);
    this.addSql(`update "mailings" set "status" = 'running' where "status" = 'paused';`);
    this.addSql(`alter table "mailings" drop constraint if exists "mailings_status_check";`);
    this.addSql(`alter table "mailings" add constraint "mailings_status_check" check ("status" in ('scheduled', 'running', 'completed', 'cancelled'));`);
    this.addSql(`alter table "mailings" drop column "entities", drop column "media", drop column "buttons", drop column "paused_at";`);
  }

}
