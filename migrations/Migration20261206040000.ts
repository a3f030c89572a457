import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 18, owed deliveries that outlive their jobs:
 * - a room line's Telegram sends are owed per member (`room_sends`), so a member whose send ran
 *   out of retries is re-queued by the sweep, and the members already served are not sent to again;
 * - a PM's (or echo's) copy made of several Telegram messages records how many went out
 *   (`messages.parts_sent`), so a retry goes on from the next part instead of sending the first again;
 * - an echo or room line still owed a day later is 'given_up' (a state of its own, out of the
 *   sweep's partial index), and so is a shared-task notice (`task_notices.given_up_at`);
 * - `users.in_room_since`: the bot knows a user was in room mode after Redis lost the room.
 * Written by hand; later than every landed migration.
 */
export class Migration20261206040000 extends Migration {

  override name = 'Migration20261206040000';

  override up(): void | Promise<void> {
    this.addSql(`alter table "messages" add column "parts_sent" smallint not null default 0;`);
    this.addSql(`alter table "messages" drop constraint if exists "messages_delivery_check";`);
    this.addSql(`alter table "messages" add constraint "messages_delivery_check" check ("delivery" in ('owed', 'folded', 'given_up'));`);
    this.addSql(`drop index if exists "messages_delivery_owed_idx";`);
    this.addSql(`create index "messages_delivery_owed_idx" on "messages" ("to_id", "sent_at") where "delivery" in ('owed', 'folded');`);

    this.addSql(`create table "room_sends" ("message_id" bigint not null, "user_id" bigint not null, "claimed" boolean not null default false, "parts_sent" smallint not null default 0, "first_part_id" bigint null, "created_at" timestamptz not null, constraint "room_sends_pkey" primary key ("message_id", "user_id"));`);
    this.addSql(`create index "room_sends_owed_idx" on "room_sends" ("created_at") where not "claimed";`);
    this.addSql(`alter table "room_sends" add constraint "room_sends_message_id_foreign" foreign key ("message_id") references "messages" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "room_sends" add constraint "room_sends_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "task_notices" add column "given_up_at" timestamptz null;`);
    this.addSql(`drop index if exists "task_notices_owed_idx";`);
    this.addSql(`create index "task_notices_owed_idx" on "task_notices" ("created_at") where "sent_at" is null and "given_up_at" is null;`);

    this.addSql(`alter table "users" add column "in_room_since" timestamptz null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "users" drop column "in_room_since";`);

    this.addSql(`drop index if exists "task_notices_owed_idx";`);
    this.addSql(`create index "task_notices_owed_idx" on "task_notices" ("created_at") where "sent_at" is null;`);
    this.addSql(`alter table "task_notices" drop column "given_up_at";`);

    this.addSql(`drop table if exists "room_sends" cascade;`);

    this.addSql(`drop index if exists "messages_delivery_owed_idx";`);
    this.addSql(`update "messages" set "delivery" = null where "delivery" = 'given_up';`);
    this.addSql(`alter table "messages" drop constraint if exists "messages_delivery_check";`);
    this.addSql(`alter table "messages" add constraint "messages_delivery_check" check ("delivery" in ('owed', 'folded'));`);
    this.addSql(`create index "messages_delivery_owed_idx" on "messages" ("to_id", "sent_at") where "delivery" is not null;`);
    this.addSql(`alter table "messages" drop column "parts_sent";`);
  }

}
