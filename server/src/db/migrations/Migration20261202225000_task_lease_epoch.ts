import { Migration } from '@mikro-orm/migrations';

/** Fencing (issue 15): a per-claim lease epoch on each task, checked by every write of the instance that runs it. */
export class Migration20261202225000_task_lease_epoch extends Migration {
  override name = 'Migration20261202225000_task_lease_epoch';

  override up(): void | Promise<void> {
    this.addSql(`alter table "monitoring_tasks" add "lease_epoch" int not null default 0;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "monitoring_tasks" drop column "lease_epoch";`);
  }
}
