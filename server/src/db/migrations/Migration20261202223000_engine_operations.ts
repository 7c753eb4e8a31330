import { Migration } from '@mikro-orm/migrations';

/**
 * Engine correctness (issue 15): booking and transfer operations carry their credit reservation (settled exactly once)
 * and how far they got with WB; one live auto-booking task per WB preorder, enforced by a partial unique index; partial
 * indexes for the claim query (live tasks by updated_at) and the sweeper (pending operations).
 */
export class Migration20261202223000_engine_operations extends Migration {
  override name = 'Migration20261202223000_engine_operations';

  override up(): void | Promise<void> {
    this.addSql(`alter table "monitoring_tasks" add "preorder_id" varchar(64) null;`);
    // Tasks created before this column: their preorder is in the criteria.
    this.addSql(
      `update "monitoring_tasks" set "preorder_id" = "criteria"->>'preorderId' where "mode" = 'autobook' and "kind" = 'supply' and "criteria"->>'preorderId' is not null;`,
    );
    // An older pair of live tasks on one preorder would block the unique index: keep the oldest live, end the others.
    this.addSql(`update "monitoring_tasks" t set "state" = 'done', "outcome" = 'cancelled', "lease_owner" = null, "finished_at" = now()
      where t."preorder_id" is not null and t."state" <> 'done' and exists (
        select 1 from "monitoring_tasks" o where o."preorder_id" = t."preorder_id" and o."state" <> 'done'
          and (o."created_at", o."id") < (t."created_at", t."id"));`);
    this.addSql(`create index "monitoring_tasks_live_updated_index" on "monitoring_tasks" ("updated_at") where state <> 'done';`);
    this.addSql(
      `create unique index "monitoring_tasks_live_preorder_unique" on "monitoring_tasks" ("preorder_id") where state <> 'done';`,
    );

    this.addSql(`alter table "redistribution_orders" add "reservation" text null, add "sent_at" timestamptz null, add "stock_before" int null;`);
    this.addSql(`update "redistribution_orders" o set "reservation" = (select l."bucket" from "ledger_entries" l
      where l."note" = 'transfer:' || o."idempotency_key" and l."reason" = 'reserve' order by l."id" desc limit 1)
      where o."status" = 'pending';`);
    this.addSql(
      `create index "redistribution_orders_pending_index" on "redistribution_orders" ("updated_at") where status = 'pending';`,
    );
    this.addSql(
      `alter table "redistribution_orders" add constraint "redistribution_orders_reservation_check" check ("reservation" in ('trial', 'paid'));`,
    );

    this.addSql(`alter table "booking_results" add "reservation" text null, add "wb_calls" int not null default 0;`);
    // Pending operations from before: their reservation is the last `reserve` ledger row with their note.
    this.addSql(`update "booking_results" b set "reservation" = (select l."bucket" from "ledger_entries" l
      where l."note" = 'booking:' || b."idempotency_key" and l."reason" = 'reserve' order by l."id" desc limit 1)
      where b."status" = 'pending';`);
    this.addSql(`create index "booking_results_pending_index" on "booking_results" ("updated_at") where status = 'pending';`);
    this.addSql(
      `alter table "booking_results" add constraint "booking_results_reservation_check" check ("reservation" in ('trial', 'paid'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "booking_results_pending_index";`);
    this.addSql(`alter table "booking_results" drop constraint "booking_results_reservation_check";`);
    this.addSql(`alter table "booking_results" drop column "reservation", drop column "wb_calls";`);

    this.addSql(`drop index "monitoring_tasks_live_updated_index";`);
    this.addSql(`drop index "monitoring_tasks_live_preorder_unique";`);
    this.addSql(`alter table "monitoring_tasks" drop column "preorder_id";`);

    this.addSql(`drop index "redistribution_orders_pending_index";`);
    this.addSql(`alter table "redistribution_orders" drop constraint "redistribution_orders_reservation_check";`);
    this.addSql(`alter table "redistribution_orders" drop column "reservation", drop column "sent_at", drop column "stock_before";`);
  }
}
