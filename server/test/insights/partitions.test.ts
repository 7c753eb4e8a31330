// Daily partitions of slot_history: made ahead, dropped whole past the retention (with their observation rows), made on
// demand when a write meets a day without one, and invisible to MikroORM's schema diff.
import type { MikroORM } from '@mikro-orm/postgresql';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryPartitions, partitionName } from '../../src/insights/history-partitions.ts';
import { HistoryRecorder } from '../../src/insights/history-recorder.ts';
import { openDatabase } from '../../src/platform/db/orm.ts';
import { createTestDatabase } from '../harness/database.ts';

const logger = pino({ level: 'silent' });
const DAY = 86_400_000;

describe('slot history partitions', () => {
  let orm: MikroORM;
  let now = Date.parse('2026-06-01T10:00:00Z');
  beforeAll(async () => {
    orm = await openDatabase(await createTestDatabase(), logger);
  });
  afterAll(async () => {
    await orm?.close();
  });

  it('are made from yesterday to a week ahead, and leave the schema diff empty', async () => {
    const partitions = new HistoryPartitions({ orm, logger, retentionDays: 40, clock: () => now });
    await partitions.maintain();
    const days = (await partitions.list()).map((p) => p.day);
    expect(days).toEqual(Array.from({ length: 9 }, (_, i) => new Date(now + (i - 1) * DAY).toISOString().slice(0, 10)));
    // A second pass (another instance, the next hour) changes nothing.
    await partitions.maintain();
    expect((await partitions.list()).length).toBe(9);
    expect(await orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
  });

  it('are made on demand when the recorder writes a day nobody prepared', async () => {
    const partitions = new HistoryPartitions({ orm, logger, retentionDays: 40, clock: () => now });
    const farAhead = now + 30 * DAY;
    const recorder = new HistoryRecorder({ orm, logger, partitions, clock: () => farAhead });
    recorder.record({
      source: 'portal',
      fetchedAt: farAhead,
      periodMs: 60_000,
      warehouses: new Map([[507, { name: 'Коледино', cells: [{ date: '2026-07-05', boxTypeId: 2, coefficient: 1, allowUnload: true }] }]]),
    });
    await recorder.flush();
    expect(recorder.stats).toMatchObject({ rowsWritten: 1, writeFailures: 0 });
    expect((await partitions.list()).map((p) => p.name)).toContain(partitionName(new Date(farAhead).toISOString().slice(0, 10)));
  });

  it('past the retention are dropped whole, with the observation of those days', async () => {
    const conn = orm.em.getConnection();
    await conn.execute(
      `insert into slot_history (observed_at, warehouse_id, date, box_type_id, coefficient, allow_unload, source)
       values (?::timestamptz, 507, '2026-06-03', 2, 0, true, 2)`,
      [new Date(now).toISOString()],
    );
    await conn.execute(`insert into slot_observation (warehouse_id, day, observed_s, readings) values (507, '2026-06-01', 600, 10)`);
    // 41 days later (retention 40): the first days' partitions go, the rest stay.
    now += 41 * DAY;
    const partitions = new HistoryPartitions({ orm, logger, retentionDays: 40, clock: () => now });
    const dropped = await partitions.dropExpired();
    expect(dropped).toEqual([partitionName('2026-05-31'), partitionName('2026-06-01')]);
    expect(
      await conn.execute('select * from slot_history where observed_at < ?::timestamptz', [new Date(now - 40 * DAY).toISOString()]),
    ).toEqual([]);
    expect(await conn.execute(`select day from slot_observation where day < '2026-07-01'`)).toEqual([]);
    expect((await partitions.list()).map((p) => p.day)[0]).toBe('2026-06-02');
  });
});
