import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 14 (chat that works as a conversation): a relayed text or caption keeps its formatting.
 * `entities` holds Telegram's message entities of the stored text (bold, links…; UTF-16 offsets
 * into `text`), null when it has none, so the relayed copy is sent with them.
 */
export class Migration20261206011500 extends Migration {

  override name = 'Migration20261206011500';

  override up(): void | Promise<void> {
    this.addSql(`alter table "messages" add column "entities" jsonb null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "messages" drop column "entities";`);
  }

}
