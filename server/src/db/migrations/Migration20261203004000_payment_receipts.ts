import { Migration } from '@mikro-orm/migrations';

// Telegram payment updates stored as they arrive, before crediting (issue 17): one row per charge id; reconciliation
// settles what a crashed handler left (bot/payment-receipts.ts).

export class Migration20261203004000_payment_receipts extends Migration {

  override name = 'Migration20261203004000_payment_receipts';

  override up(): void | Promise<void> {
    this.addSql(`create table "payment_receipts" ("telegram_payment_charge_id" varchar(255) not null, "user_id" bigint not null, "payment" jsonb null, "payment_update_id" bigint null, "received_at" timestamptz null, "settled_at" timestamptz null, "refund" jsonb null, "refund_update_id" bigint null, "refund_received_at" timestamptz null, "refund_settled_at" timestamptz null, primary key ("telegram_payment_charge_id"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "payment_receipts";`);
  }

}
