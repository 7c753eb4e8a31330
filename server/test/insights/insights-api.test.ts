// insights.warehouse and insights.cell through the real server: the feed's leader records what it reads (the
// sandbox's demo seller's shared portal report), answers say how little history there is yet, inputs are bounded,
// dates outside the history are refused, and the per-user limit answers in the user's language.
import { addDays, moscowToday } from '@slotpilot/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { failure } from '../harness/trpc-failure.ts';

describe('insights API', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ PORTAL_READ_INTERVAL_MS: '20000', HISTORY_RETENTION_DAYS: '90' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("records the feed's shared readings as changes", async () => {
    const user = { id: 8801, firstName: 'Ira', languageCode: 'ru' };
    await server.client(user).slots.calendar.query({ warehouseIds: [507], boxTypeId: 2 });
    const conn = server.orm.em.fork().getConnection();
    const rows = await vi.waitFor(
      async () => {
        const [row] = await conn.execute<Array<{ n: number; warehouses: number; sources: number[] }>>(
          'select count(*)::int as n, count(distinct warehouse_id)::int as warehouses, array_agg(distinct source) as sources from slot_history',
        );
        expect(row?.n).toBeGreaterThan(0);
        return row!;
      },
      { timeout: 30_000, interval: 250 },
    );
    // The portal report covers every warehouse: all of them are recorded, not only the watched one.
    expect(rows.warehouses).toBeGreaterThan(20);
    expect(rows.sources).toEqual([2]);
    const [observed] = await vi.waitFor(
      async () => {
        const r = await conn.execute<Array<{ readings: number }>>('select readings from slot_observation where warehouse_id = 507');
        expect(r.length).toBe(1);
        return r;
      },
      { timeout: 10_000, interval: 250 },
    );
    expect(observed?.readings).toBeGreaterThanOrEqual(1);
  });

  it('withholds figures below the minimum observation and says how much there is', async () => {
    const answer = await server.client({ id: 8802, firstName: 'Oleg', languageCode: 'en' }).insights.warehouse.query({
      warehouseId: 507,
      boxTypeId: 2,
      days: 7,
    });
    expect(answer).toMatchObject({
      status: 'insufficient',
      warehouseId: 507,
      days: 7,
      observation: { minimumDays: 3, from: addDays(moscowToday(), -6) },
    });
    expect(answer.observation.days).toBeLessThan(3);
  });

  it("tells what a cell did, and refuses dates outside the history in the user's language", async () => {
    const client = server.client({ id: 8803, firstName: 'Anna', languageCode: 'ru' });
    const answer = await client.insights.cell.query({ warehouseId: 507, boxTypeId: 2, date: moscowToday() });
    expect(answer.changes.length).toBeGreaterThanOrEqual(1);
    expect(answer.thresholds.map((t) => t.threshold)).toEqual([0, 1, 2, 3, 5]);
    const late = await failure(client.insights.cell.query({ warehouseId: 507, boxTypeId: 2, date: addDays(moscowToday(), 14) }));
    expect(late.data?.appCode).toBe('INSIGHTS_DATE_OUT_OF_RANGE');
    expect(late.message).toContain('90 дней');
    const early = await failure(client.insights.cell.query({ warehouseId: 507, boxTypeId: 2, date: addDays(moscowToday(), -91) }));
    expect(early.data?.appCode).toBe('INSIGHTS_DATE_OUT_OF_RANGE');
  });

  it('bounds the input', async () => {
    const client = server.client({ id: 8804, firstName: 'Ivan', languageCode: 'en' });
    for (const input of [
      { warehouseId: 507, boxTypeId: 2, days: 14 },
      { warehouseId: -1, boxTypeId: 2, days: 7 },
      { warehouseId: 507, boxTypeId: 3, days: 7 },
    ]) {
      // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input, as a hostile client would send it.
      const error = await failure(client.insights.warehouse.query(input as any));
      expect(error.data?.appCode).toBe('BAD_INPUT');
    }
  });

  it('limits each user to 60 insight calls a minute, served from the cache meanwhile', async () => {
    const client = server.client({ id: 8805, firstName: 'Vera', languageCode: 'en' });
    const input = { warehouseId: 117501, boxTypeId: 2 as const, days: 30 as const };
    const answers = await Promise.all(Array.from({ length: 60 }, () => client.insights.warehouse.query(input)));
    // One computation: every answer is the same cached one.
    expect(new Set(answers.map((a) => a.computedAt)).size).toBe(1);
    const refused = await failure(client.insights.warehouse.query(input));
    expect(refused.data?.appCode).toBe('INSIGHTS_RATE_LIMITED');
    expect(refused.data?.httpStatus).toBe(429);
    expect(refused.message).toMatch(/Wait \d+ s/);
    // Another user is not affected.
    await expect(server.client({ id: 8806, firstName: 'Lev' }).insights.warehouse.query(input)).resolves.toMatchObject({
      warehouseId: 117501,
    });
  });
});
