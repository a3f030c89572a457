import { Migration } from '@mikro-orm/migrations';

export class Migration20261122225136 extends Migration {

  override name = 'Migration20261122225136';

  override up(): void | Promise<void> {
    this.addSql(`create table "tasks" ("id" bigserial primary key, "owner_id" bigint not null, "title" varchar(200) not null, "description" text not null default '', "status" text not null default 'todo', "due_at" timestamptz null, "tags" text[] not null default '{}', "comment_count" int not null default 0, "reminded_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`create index "tasks_owner_idx" on "tasks" ("owner_id", "id");`);
    this.addSql(`create index "tasks_owner_status_idx" on "tasks" ("owner_id", "status", "id");`);

    this.addSql(`create table "comments" ("id" bigserial primary key, "task_id" bigint not null, "author_id" bigint not null, "text" text not null, "created_at" timestamptz not null, "edited_at" timestamptz null);`);
    this.addSql(`create index "comments_task_idx" on "comments" ("task_id", "id");`);

    this.addSql(`alter table "tasks" add constraint "tasks_owner_id_foreign" foreign key ("owner_id") references "users" ("id") on delete cascade;`);
    this.addSql(`alter table "tasks" add constraint "tasks_status_check" check ("status" in ('todo', 'in_progress', 'done'));`);

    this.addSql(`alter table "comments" add constraint "comments_task_id_foreign" foreign key ("task_id") references "tasks" ("id") on delete cascade;`);
    this.addSql(`alter table "comments" add constraint "comments_author_id_foreign" foreign key ("author_id") references "users" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "comments" drop constraint "comments_task_id_foreign";`);

    this.addSql(`drop table if exists "tasks" cascade;`);
    this.addSql(`drop table if exists "comments" cascade;`);
  }

}
