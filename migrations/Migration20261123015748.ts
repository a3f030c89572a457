import { Migration } from '@mikro-orm/migrations';

export class Migration20261123015748 extends Migration {

  override name = 'Migration20261123015748';

  override up(): void | Promise<void> {
    this.addSql(`create index "deliveries_pending_idx" on "deliveries" ("mailing_id", "id") where "status" = 'pending';`);
    // Every delivery row is updated three times (claimed, marked, recorded): vacuum it after 2 %
    // of it changed rather than 20 %, so claims do not walk long runs of dead index entries.
    this.addSql(`alter table "deliveries" set (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 5000);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "deliveries" reset (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold);`);
    this.addSql(`drop index "deliveries_pending_idx";`);
  }

}
