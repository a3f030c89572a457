import { Migration } from '@mikro-orm/migrations';

/**
 * Assignment floods (src/features/tasks/jobs/notices.ts): an (un)assignment notice beyond the first
 * few from one owner to one person within a minute is recorded `folded` and told in that minute's
 * summary ("assigned you N more tasks") instead of on its own; the partial index serves the
 * summary's claim of one owner's folded notices to one recipient.
 */
export class Migration20261207023228 extends Migration {

  override name = 'Migration20261207023228';

  override up(): void | Promise<void> {
    this.addSql(`alter table "task_notices" add "folded" boolean not null default false;`);
    this.addSql(`create index "task_notices_folded_idx" on "task_notices" ("recipient_id", "by_id") where "folded" and "sent_at" is null and "given_up_at" is null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "task_notices_folded_idx";`);
    this.addSql(`alter table "task_notices" drop column "folded";`);
  }

}
