import type { MikroORM } from '@mikro-orm/postgresql';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/platform/db/orm.ts';
import { createTestDatabase } from '../harness/database.ts';

describe('migrations', () => {
  let orm: MikroORM;
  beforeAll(async () => {
    orm = await openDatabase(await createTestDatabase(), pino({ level: 'silent' }));
  });
  afterAll(async () => {
    await orm.close();
  });

  it('build the whole model on an empty database', async () => {
    const rows = await orm.em.getConnection().execute<{ table_name: string }[]>(
      // Daily partitions of slot_history are made at run time (insights/history-partitions.ts), not by migrations.
      "select table_name from information_schema.tables where table_schema = 'public' and table_name !~ '^slot_history_p' order by table_name",
    );
    expect(rows.map((r) => r.table_name)).toEqual([
      'booking_results',
      'credentials',
      'ledger_entries',
      'mikro_orm_migrations',
      'monitor_instances',
      'monitoring_tasks',
      'monitoring_tasks_archive',
      'outbox',
      'payment_receipts',
      'payments',
      'redistribution_orders',
      'slot_history',
      'slot_insight_days',
      'slot_insight_days_done',
      'slot_observation',
      'users',
    ]);
  });

  it('match the entities exactly (a changed entity needs a committed migration)', async () => {
    expect(await orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
  });

  it('are applied once: a second start has nothing to do', async () => {
    expect(await orm.migrator.getPending()).toEqual([]);
    expect(await orm.migrator.up()).toEqual([]);
  });

  it('enforce the uniqueness the money and booking logic rely on', async () => {
    const conn = orm.em.getConnection();
    await conn.execute("insert into users (id, first_name) values (1, 'A')");
    await conn.execute(
      "insert into payments (id, user_id, telegram_charge_id, pack_id, credits, amount) values (gen_random_uuid(), 1, 'ch_1', 'p5', 5, 250)",
    );
    await expect(
      conn.execute(
        "insert into payments (id, user_id, telegram_charge_id, pack_id, credits, amount) values (gen_random_uuid(), 1, 'ch_1', 'p5', 5, 250)",
      ),
    ).rejects.toThrow(/unique/);
  });
});
