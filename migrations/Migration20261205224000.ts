import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 14 (chat that works as a conversation):
 * - a message may carry a photo, document, voice message, video or sticker (`media`, with
 *   Telegram's file id to relay it);
 * - a PM delivered in Telegram remembers the bot's message id in the recipient's chat, so a
 *   reply (swipe) to that message goes back to its sender.
 */
export class Migration20261205224000 extends Migration {

  override name = 'Migration20261205224000';

  override up(): void | Promise<void> {
    this.addSql(`alter table "messages" add column "media" jsonb null, add column "telegram_message_id" bigint null;`);
    // Partial: only PMs delivered through Telegram carry a message id; WebSocket PMs (most of the
    // chat traffic) are inserted without touching this index.
    this.addSql(`create index "messages_to_telegram_idx" on "messages" ("to_id", "telegram_message_id") where "telegram_message_id" is not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "messages_to_telegram_idx";`);
    this.addSql(`alter table "messages" drop column "media", drop column "telegram_message_id";`);
  }

}
