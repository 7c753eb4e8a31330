import { Migration } from '@mikro-orm/migrations';

export class Migration20261122070000_instance_leases extends Migration {

  override name = 'Migration20261122070000_instance_leases';

  override up(): void | Promise<void> {
    this.addSql(`create table "monitor_instances" ("id" varchar(128) not null, "lease_until" timestamptz not null, "started_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`drop index "monitoring_tasks_state_lease_until_index";`);
    this.addSql(`alter table "monitoring_tasks" drop column "lease_until";`);
    this.addSql(`create index "monitoring_tasks_lease_owner_index" on "monitoring_tasks" ("lease_owner");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "monitoring_tasks_lease_owner_index";`);
    this.addSql(`alter table "monitoring_tasks" add "lease_until" timestamptz null;`);
    this.addSql(`create index "monitoring_tasks_state_lease_until_index" on "monitoring_tasks" ("state", "lease_until");`);
    this.addSql(`drop table if exists "monitor_instances" cascade;`);
  }

}
