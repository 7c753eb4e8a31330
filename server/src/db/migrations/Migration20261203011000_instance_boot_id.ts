import { Migration } from '@mikro-orm/migrations';

/**
 * Fencing (issue 15): each instance row records the random boot id of the process start behind it and its pid, so a
 * restarted process recognises its own dead predecessor by boot id, not by (hostname, pid) — two containers share pid 1.
 */
export class Migration20261203011000_instance_boot_id extends Migration {
  override name = 'Migration20261203011000_instance_boot_id';

  override up(): void | Promise<void> {
    this.addSql(`alter table "monitor_instances" add "boot_id" varchar(64) null, add "pid" int null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "monitor_instances" drop column "boot_id", drop column "pid";`);
  }
}
