import { Migration } from '@mikro-orm/migrations';

/**
 * Blocking a person (`user_blocks`, src/features/users/user-block.entity.ts): who blocked whom and
 * when. The primary key (blocker, blocked) serves the probe in the statement that stores a PM; the
 * index on `blocked_id` serves the cascade when a user row is deleted.
 */
export class Migration20261207022132 extends Migration {

  override name = 'Migration20261207022132';

  override up(): void | Promise<void> {
    this.addSql(`create table "user_blocks" ("blocker_id" bigint not null, "blocked_id" bigint not null, "created_at" timestamptz(3) not null, primary key ("blocker_id", "blocked_id"));`);
    this.addSql(`create index "user_blocks_blocked_idx" on "user_blocks" ("blocked_id");`);

    this.addSql(`alter table "user_blocks" add constraint "user_blocks_blocker_id_foreign" foreign key ("blocker_id") references "users" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "user_blocks" add constraint "user_blocks_blocked_id_foreign" foreign key ("blocked_id") references "users" ("id") on update cascade on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "user_blocks" cascade;`);
  }

}
