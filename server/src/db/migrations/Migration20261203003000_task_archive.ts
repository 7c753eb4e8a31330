import { Migration } from '@mikro-orm/migrations';

/**
 * Archive of finished tasks (issue 15, finding 9): tasks done more than TASK_ARCHIVE_DAYS ago move, in batches, from
 * `monitoring_tasks` to `monitoring_tasks_archive` (db/task-archive.ts). Bookings and transfer orders stay where they
 * are and keep naming their task, which may now be in either table: their foreign keys to `monitoring_tasks` go (a
 * task is never deleted on its own, only with its user, whose rows cascade from `users`).
 */
export class Migration20261203003000_task_archive extends Migration {
  override name = 'Migration20261203003000_task_archive';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "monitoring_tasks_archive" ("id" uuid not null, "user_id" bigint not null, "kind" text not null, "mode" text not null, "criteria" jsonb not null, "outcome" text null, "preorder_id" varchar(64) null, "snapshot" jsonb null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "finished_at" timestamptz not null, "archived_at" timestamptz not null default now(), primary key ("id"));`,
    );
    this.addSql(
      `create index "monitoring_tasks_archive_user_id_created_at_index" on "monitoring_tasks_archive" ("user_id", "created_at");`,
    );
    this.addSql(
      `alter table "monitoring_tasks_archive" add constraint "monitoring_tasks_archive_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "monitoring_tasks_archive" add constraint "monitoring_tasks_archive_kind_check" check ("kind" in ('supply', 'redistribution'));`,
    );
    this.addSql(
      `alter table "monitoring_tasks_archive" add constraint "monitoring_tasks_archive_mode_check" check ("mode" in ('notify', 'autobook'));`,
    );
    this.addSql(
      `alter table "monitoring_tasks_archive" add constraint "monitoring_tasks_archive_outcome_check" check ("outcome" in ('booked', 'notified', 'cancelled', 'expired', 'failed', 'needs-action'));`,
    );

    this.addSql(`alter table "booking_results" drop constraint "booking_results_task_id_foreign";`);
    this.addSql(`alter table "redistribution_orders" drop constraint "redistribution_orders_task_id_foreign";`);

    // The archiver selects finished tasks by `finished_at`: a done row written before it was always set gets its last
    // change as its ending, so it is archived in its turn rather than never.
    this.addSql(`update "monitoring_tasks" set "finished_at" = "updated_at" where "state" = 'done' and "finished_at" is null;`);
    this.addSql(`create index "monitoring_tasks_done_finished_index" on "monitoring_tasks" ("finished_at") where state = 'done';`);
  }

  override down(): void | Promise<void> {
    // Archived tasks come back first, so the restored foreign keys find every task their rows name.
    this.addSql(`insert into "monitoring_tasks" ("id", "user_id", "kind", "mode", "criteria", "state", "outcome", "preorder_id", "snapshot", "lease_epoch", "created_at", "updated_at", "finished_at")
      select "id", "user_id", "kind", "mode", "criteria", 'done', "outcome", "preorder_id", "snapshot", 0, "created_at", "updated_at", "finished_at" from "monitoring_tasks_archive";`);
    this.addSql(`drop index "monitoring_tasks_done_finished_index";`);
    this.addSql(
      `alter table "booking_results" add constraint "booking_results_task_id_foreign" foreign key ("task_id") references "monitoring_tasks" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "redistribution_orders" add constraint "redistribution_orders_task_id_foreign" foreign key ("task_id") references "monitoring_tasks" ("id") on delete cascade;`,
    );
    this.addSql(`drop table if exists "monitoring_tasks_archive" cascade;`);
  }
}
