import { Migration } from '@mikro-orm/migrations';

export class Migration20261122015057_initial extends Migration {

  override name = 'Migration20261122015057_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table "users" ("id" bigint not null, "username" varchar(255) null, "first_name" varchar(255) not null, "last_name" varchar(255) null, "language_code" varchar(35) null, "language" text not null default 'ru', "active" boolean not null default true, "trial_credits" int not null default 2, "paid_credits" int not null default 0, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "last_seen_at" timestamptz not null default now(), primary key ("id"));`);

    this.addSql(`create table "payments" ("id" uuid not null, "user_id" bigint not null, "telegram_charge_id" varchar(255) not null, "provider_charge_id" varchar(255) null, "pack_id" varchar(32) not null, "credits" int not null, "amount" int not null, "currency" varchar(8) not null default 'XTR', "status" text not null default 'paid', "created_at" timestamptz not null default now(), "refunded_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "payments" add constraint "payments_telegram_charge_id_unique" unique ("telegram_charge_id");`);
    this.addSql(`create index "payments_user_id_created_at_index" on "payments" ("user_id", "created_at");`);

    this.addSql(`create table "outbox" ("id" bigserial primary key, "user_id" bigint not null, "kind" varchar(64) not null, "payload" jsonb not null, "dedupe_key" varchar(128) null, "attempts" int not null default 0, "next_attempt_at" timestamptz not null default now(), "sent_at" timestamptz null, "failed_at" timestamptz null, "last_error" text null, "created_at" timestamptz not null default now());`);
    this.addSql(`alter table "outbox" add constraint "outbox_dedupe_key_unique" unique ("dedupe_key");`);
    this.addSql(`create index "outbox_sent_at_next_attempt_at_index" on "outbox" ("sent_at", "next_attempt_at");`);

    this.addSql(`create table "monitoring_tasks" ("id" uuid not null, "user_id" bigint not null, "kind" text not null, "mode" text not null, "criteria" jsonb not null, "state" text not null default 'idle', "outcome" text null, "snapshot" jsonb null, "lease_owner" varchar(128) null, "lease_until" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "finished_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "monitoring_tasks_user_id_created_at_index" on "monitoring_tasks" ("user_id", "created_at");`);
    this.addSql(`create index "monitoring_tasks_state_lease_until_index" on "monitoring_tasks" ("state", "lease_until");`);

    this.addSql(`create table "credentials" ("id" uuid not null, "user_id" bigint not null, "kind" text not null, "name" varchar(64) not null, "ciphertext" text not null, "iv" varchar(32) not null, "auth_tag" varchar(32) not null, "salt" varchar(64) not null, "key_version" int not null, "seller_sid" varchar(64) null, "seller_name" varchar(255) null, "hint" varchar(32) not null, "expires_at" timestamptz null, "valid" boolean not null default true, "share_feed" boolean not null default true, "last_used_at" timestamptz null, "last_error" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "credentials_user_id_kind_index" on "credentials" ("user_id", "kind");`);
    this.addSql(`create index "credentials_seller_sid_index" on "credentials" ("seller_sid");`);

    this.addSql(`create table "redistribution_orders" ("id" uuid not null, "task_id" uuid not null, "user_id" bigint not null, "credential_id" uuid null, "nm_id" bigint not null, "chrt_id" bigint null, "size_name" varchar(64) null, "src_warehouse_id" int not null, "dst_warehouse_id" int not null, "units" int not null, "status" text not null default 'pending', "wb_request_id" varchar(128) null, "idempotency_key" varchar(128) not null, "error" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "redistribution_orders" add constraint "redistribution_orders_idempotency_key_unique" unique ("idempotency_key");`);
    this.addSql(`create index "redistribution_orders_user_id_created_at_index" on "redistribution_orders" ("user_id", "created_at");`);
    this.addSql(`create index "redistribution_orders_task_id_index" on "redistribution_orders" ("task_id");`);

    this.addSql(`create table "booking_results" ("id" uuid not null, "task_id" uuid not null, "user_id" bigint not null, "credential_id" uuid null, "warehouse_id" int not null, "date" date not null, "box_type_id" int not null, "coefficient" int null, "preorder_id" varchar(64) null, "supply_id" varchar(64) null, "status" text not null default 'pending', "idempotency_key" varchar(128) not null, "error" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "booking_results" add constraint "booking_results_idempotency_key_unique" unique ("idempotency_key");`);
    this.addSql(`create index "booking_results_user_id_created_at_index" on "booking_results" ("user_id", "created_at");`);
    this.addSql(`create index "booking_results_task_id_index" on "booking_results" ("task_id");`);

    this.addSql(`create table "ledger_entries" ("id" bigserial primary key, "user_id" bigint not null, "bucket" text not null, "delta" int not null, "balance_after" int not null, "reason" text not null, "booking_id" uuid null, "payment_id" uuid null, "note" text null, "created_at" timestamptz not null default now());`);
    this.addSql(`create index "ledger_entries_user_id_created_at_index" on "ledger_entries" ("user_id", "created_at");`);

    this.addSql(`alter table "users" add constraint "users_language_check" check ("language" in ('ru', 'en'));`);

    this.addSql(`alter table "payments" add constraint "payments_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
    this.addSql(`alter table "payments" add constraint "payments_status_check" check ("status" in ('paid', 'refunded'));`);

    this.addSql(`alter table "outbox" add constraint "outbox_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);

    this.addSql(`alter table "monitoring_tasks" add constraint "monitoring_tasks_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
    this.addSql(`alter table "monitoring_tasks" add constraint "monitoring_tasks_kind_check" check ("kind" in ('supply', 'redistribution'));`);
    this.addSql(`alter table "monitoring_tasks" add constraint "monitoring_tasks_mode_check" check ("mode" in ('notify', 'autobook'));`);
    this.addSql(`alter table "monitoring_tasks" add constraint "monitoring_tasks_state_check" check ("state" in ('idle', 'polling', 'backing-off', 'booking', 'done'));`);
    this.addSql(`alter table "monitoring_tasks" add constraint "monitoring_tasks_outcome_check" check ("outcome" in ('booked', 'notified', 'cancelled', 'expired', 'failed', 'needs-action'));`);

    this.addSql(`alter table "credentials" add constraint "credentials_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
    this.addSql(`alter table "credentials" add constraint "credentials_kind_check" check ("kind" in ('api_token', 'portal_session'));`);

    this.addSql(`alter table "redistribution_orders" add constraint "redistribution_orders_task_id_foreign" foreign key ("task_id") references "monitoring_tasks" ("id") on delete cascade;`);
    this.addSql(`alter table "redistribution_orders" add constraint "redistribution_orders_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
    this.addSql(`alter table "redistribution_orders" add constraint "redistribution_orders_credential_id_foreign" foreign key ("credential_id") references "credentials" ("id") on delete set null;`);
    this.addSql(`alter table "redistribution_orders" add constraint "redistribution_orders_status_check" check ("status" in ('pending', 'placed', 'failed'));`);

    this.addSql(`alter table "booking_results" add constraint "booking_results_task_id_foreign" foreign key ("task_id") references "monitoring_tasks" ("id") on delete cascade;`);
    this.addSql(`alter table "booking_results" add constraint "booking_results_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
    this.addSql(`alter table "booking_results" add constraint "booking_results_credential_id_foreign" foreign key ("credential_id") references "credentials" ("id") on delete set null;`);
    this.addSql(`alter table "booking_results" add constraint "booking_results_status_check" check ("status" in ('pending', 'confirmed', 'cancelled', 'failed'));`);

    this.addSql(`alter table "ledger_entries" add constraint "ledger_entries_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
    this.addSql(`alter table "ledger_entries" add constraint "ledger_entries_booking_id_foreign" foreign key ("booking_id") references "booking_results" ("id") on delete set null;`);
    this.addSql(`alter table "ledger_entries" add constraint "ledger_entries_payment_id_foreign" foreign key ("payment_id") references "payments" ("id") on delete set null;`);
    this.addSql(`alter table "ledger_entries" add constraint "ledger_entries_bucket_check" check ("bucket" in ('trial', 'paid'));`);
    this.addSql(`alter table "ledger_entries" add constraint "ledger_entries_reason_check" check ("reason" in ('trial_grant', 'purchase', 'reserve', 'commit', 'release', 'refund', 'admin_adjustment'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "payments" drop constraint "payments_user_id_foreign";`);
    this.addSql(`alter table "outbox" drop constraint "outbox_user_id_foreign";`);
    this.addSql(`alter table "monitoring_tasks" drop constraint "monitoring_tasks_user_id_foreign";`);
    this.addSql(`alter table "credentials" drop constraint "credentials_user_id_foreign";`);
    this.addSql(`alter table "redistribution_orders" drop constraint "redistribution_orders_user_id_foreign";`);
    this.addSql(`alter table "booking_results" drop constraint "booking_results_user_id_foreign";`);
    this.addSql(`alter table "ledger_entries" drop constraint "ledger_entries_user_id_foreign";`);
    this.addSql(`alter table "ledger_entries" drop constraint "ledger_entries_payment_id_foreign";`);
    this.addSql(`alter table "redistribution_orders" drop constraint "redistribution_orders_task_id_foreign";`);
    this.addSql(`alter table "booking_results" drop constraint "booking_results_task_id_foreign";`);
    this.addSql(`alter table "redistribution_orders" drop constraint "redistribution_orders_credential_id_foreign";`);
    this.addSql(`alter table "booking_results" drop constraint "booking_results_credential_id_foreign";`);
    this.addSql(`alter table "ledger_entries" drop constraint "ledger_entries_booking_id_foreign";`);

    this.addSql(`drop table if exists "users" cascade;`);
    this.addSql(`drop table if exists "payments" cascade;`);
    this.addSql(`drop table if exists "outbox" cascade;`);
    this.addSql(`drop table if exists "monitoring_tasks" cascade;`);
    this.addSql(`drop table if exists "credentials" cascade;`);
    this.addSql(`drop table if exists "redistribution_orders" cascade;`);
    this.addSql(`drop table if exists "booking_results" cascade;`);
    this.addSql(`drop table if exists "ledger_entries" cascade;`);
  }

}
