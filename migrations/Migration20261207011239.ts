import { Migration } from '@mikro-orm/migrations';

/**
 * A PM's Telegram copy made of two messages (a sticker after its sender line, media followed by a
 * caption too long for it, a text past 4096) records its other part too, so a swipe-reply to either
 * part finds the PM (`messages.telegram_other_part_id`).
 */
export class Migration20261207011239 extends Migration {

  override name = 'Migration20261207011239';

  override up(): void | Promise<void> {
    this.addSql(`alter table "messages" add "telegram_other_part_id" bigint null;`);
    this.addSql(`create index "messages_to_telegram_other_idx" on "messages" ("to_id", "telegram_other_part_id") where "telegram_other_part_id" is not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "messages_to_telegram_other_idx";`);
    this.addSql(`alter table "messages" drop column "telegram_other_part_id";`);
  }

}
