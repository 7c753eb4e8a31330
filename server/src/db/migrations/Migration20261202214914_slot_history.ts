import { Migration } from '@mikro-orm/migrations';

// Slot history (issue 18): every change of a calendar cell the feed saw, range-partitioned by day on `observed_at`
// (partitions are created ahead and dropped whole past the retention by insights/history-partitions.ts), and how long
// the feed watched each warehouse per Moscow day (what the figures rest on). Neither is a MikroORM entity: both are
// written in bulk with SQL and kept out of the schema diff by `schemaGenerator.skipTables` (platform/db/orm.ts).

export class Migration20261202214914_slot_history extends Migration {

  override name = 'Migration20261202214914_slot_history';

  override up(): void | Promise<void> {
    // source: 1 = WB's official method, 2 = the portal report. coefficient -1: closed. `date` is the cell's Moscow date.
    this.addSql(`create table "slot_history" ("observed_at" timestamptz not null, "warehouse_id" integer not null, "date" date not null, "box_type_id" smallint not null, "coefficient" smallint not null, "allow_unload" boolean not null, "source" smallint not null) partition by range ("observed_at");`);
    this.addSql(`create index "slot_history_cell_idx" on "slot_history" ("warehouse_id", "box_type_id", "date", "observed_at");`);
    this.addSql(`create table "slot_observation" ("warehouse_id" integer not null, "day" date not null, "observed_s" integer not null default 0, "readings" integer not null default 0, constraint "slot_observation_pkey" primary key ("warehouse_id", "day"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "slot_observation";`);
    this.addSql(`drop table if exists "slot_history";`);
  }

}
