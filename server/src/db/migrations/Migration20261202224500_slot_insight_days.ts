import { Migration } from '@mikro-orm/migrations';

// Slot insights (issue 18): openings folded per Moscow day, once the day is two days old (insights/insight-days.ts), so
// a 30-day figure reads 30 small rows instead of every change of the month; and which days are folded. Written with
// SQL, not entities: kept out of the schema diff by `schemaGenerator.skipTables` (platform/db/orm.ts).

export class Migration20261202224500_slot_insight_days extends Migration {

  override name = 'Migration20261202224500_slot_insight_days';

  override up(): void | Promise<void> {
    // by_hour: openings per Moscow hour (24); by_ahead: per days between the opening and the cell's date (14);
    // durations: seconds each opening that closed lasted; open_ended: openings still open when the day was folded.
    this.addSql(`create table "slot_insight_days" ("warehouse_id" integer not null, "box_type_id" smallint not null, "day" date not null, "threshold" smallint not null, "openings" integer not null, "open_ended" integer not null, "durations" integer[] not null, "by_hour" integer[] not null, "by_ahead" integer[] not null, constraint "slot_insight_days_pkey" primary key ("warehouse_id", "box_type_id", "day", "threshold"));`);
    this.addSql(`create table "slot_insight_days_done" ("day" date not null, constraint "slot_insight_days_done_pkey" primary key ("day"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "slot_insight_days_done";`);
    this.addSql(`drop table if exists "slot_insight_days";`);
  }

}
