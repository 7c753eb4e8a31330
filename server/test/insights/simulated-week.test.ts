// Issue 18, done-when: drive the WB sandbox's scenario for a simulated week on the sandbox's clock, read WB's
// coefficients over real HTTP every 5 simulated minutes as the feed would, record them, and check the recorded
// changes and the derived figures against what the scenario did to the world. The oracle reads the world directly
// and derives its figures in TypeScript: an implementation independent of the recorder and of the SQL under test.
import type { MikroORM } from '@mikro-orm/postgresql';
import { addDays, type BoxTypeId, INSIGHT_THRESHOLDS, type WarehouseInsights } from '@slotpilot/shared';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceReading } from '../../src/feed/feed-source.ts';
import type { SlotCell } from '../../src/feed/warehouse-slots.ts';
import { HistoryPartitions } from '../../src/insights/history-partitions.ts';
import { HistoryRecorder, moscowDay, moscowMidnight } from '../../src/insights/history-recorder.ts';
import { InsightDays } from '../../src/insights/insight-days.ts';
import { InsightsService } from '../../src/insights/insights-service.ts';
import { openDatabase } from '../../src/platform/db/orm.ts';
import { createMemorySharedState } from '../../src/platform/kv/memory.ts';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/sandbox-app.ts';
import { BOX_TYPE_IDS, WAREHOUSE_CATALOGUE } from '../../src/sandbox/warehouse-catalogue.ts';
import { createTestDatabase } from '../harness/database.ts';

const STEP_MS = 5 * 60_000;
const TICKS_PER_STEP = 3;
/** Monday 2 November 2026, 00:00 in Moscow; the run ends on the eighth day at noon. */
const START = Date.parse('2026-11-02T00:00:00+03:00');
const END = Date.parse('2026-11-09T12:00:00+03:00');
const WATCHED = WAREHOUSE_CATALOGUE.filter((w) => w.isActive)
  .slice(0, 6)
  .map((w) => w.id);

interface Row {
  at: number;
  warehouseId: number;
  boxTypeId: number;
  date: string;
  coefficient: number;
  allowUnload: boolean;
}
const rowKey = (r: Row) => `${r.at}|${r.warehouseId}|${r.boxTypeId}|${r.date}|${r.coefficient}|${r.allowUnload}`;

describe('slot history over a simulated week', () => {
  let orm: MikroORM;
  let sandbox: RunningSandbox;
  let now = START;
  const logger = pino({ level: 'silent' });
  /** What the scenario did, as the recorder should have seen it at 5-minute resolution. */
  const expected: Row[] = [];
  /** Observation the oracle expects, per Moscow day, in seconds. */
  const expectedObservedS = new Map<string, number>();
  let recorder: HistoryRecorder;
  let partitions: HistoryPartitions;
  let service: InsightsService;
  let scenarioCellChanges = 0;
  let folded: string[] = [];

  beforeAll(async () => {
    orm = await openDatabase(await createTestDatabase(), logger);
    sandbox = await startSandbox({ clock: () => now, scenario: { running: false }, officialEnabled: true, logger: false });
    partitions = new HistoryPartitions({ orm, logger, retentionDays: 180, clock: () => now });
    await partitions.maintain();
    const seller = sandbox.world.createSeller({ captcha: false });
    const newRecorder = () => new HistoryRecorder({ orm, logger, partitions, clock: () => now });
    recorder = newRecorder();

    const last = new Map<string, { coefficient: number; allowUnload: boolean; date: string }>();
    let today = moscowDay(now);
    let previousReadingAt: number | undefined;
    for (let step = 0; now <= END; step++, now += STEP_MS) {
      if (step > 0) {
        for (let t = 0; t < TICKS_PER_STEP; t++)
          scenarioCellChanges += sandbox.scenario.tick().filter((c) => c.type === 'cell' && WATCHED.includes(c.warehouseId)).length;
      }
      // Half-way through, another instance takes the feed over: a fresh recorder that must seed from the history.
      if (step === 1000) {
        await recorder.stop();
        recorder = newRecorder();
        previousReadingAt = undefined;
      }
      const reading = await readCoefficients(sandbox.url, seller.apiToken, now);
      recorder.record(reading);
      if (step % 12 === 11) await recorder.flush();

      // The oracle: the world as the scenario left it, compared with what it was 5 minutes ago.
      const day = moscowDay(now);
      if (day !== today) {
        for (const [key, value] of last) {
          if (value.date >= day) continue;
          if (value.allowUnload && value.coefficient >= 0) {
            const [warehouseId, boxTypeId] = key.split('|').map(Number) as [number, number];
            expected.push({ at: moscowMidnight(day), warehouseId, boxTypeId, date: value.date, coefficient: -1, allowUnload: false });
          }
          last.delete(key);
        }
        today = day;
      }
      for (const warehouseId of WATCHED) {
        for (const date of sandbox.world.grid.dates()) {
          for (const boxTypeId of BOX_TYPE_IDS) {
            const cell = sandbox.world.cell(warehouseId, date, boxTypeId);
            const key = `${warehouseId}|${boxTypeId}|${date}`;
            const before = last.get(key);
            if (before && before.coefficient === cell.coefficient && before.allowUnload === cell.allowUnload) continue;
            last.set(key, { ...cell, date });
            expected.push({ at: now, warehouseId, boxTypeId, date, ...cell });
          }
        }
      }
      if (previousReadingAt !== undefined) expectedObservedS.set(day, (expectedObservedS.get(day) ?? 0) + (now - previousReadingAt) / 1000);
      previousReadingAt = now;
    }
    now -= STEP_MS;
    await recorder.stop();
    // The days at least two days old are folded, as the hourly job does: the figures below read them, not the raw rows.
    // Ends are looked for up to now (the horizon covers the whole run), so every figure can be compared exactly.
    folded = await new InsightDays({ orm, logger, clock: () => now, endHorizonDays: 15 }).catchUp();
    service = new InsightsService({
      orm,
      cache: createMemorySharedState().cache,
      rateLimiter: createMemorySharedState().createRateLimiter({ keyPrefix: 'i', points: 1_000, durationS: 60 }),
      retentionDays: 180,
      logger,
      clock: () => now,
    });
  }, 600_000);

  afterAll(async () => {
    await sandbox?.close();
    await orm?.close();
  });

  it('records exactly the changes the scenario made, once each, across a change of leader', async () => {
    expect(scenarioCellChanges).toBeGreaterThan(1_000);
    // The 30 days to Nov 7 are folded (two days old or more on Nov 9; the run began on Nov 2); Nov 8 and 9 are read live.
    expect(folded).toHaveLength(30);
    expect(folded.slice(-6)).toEqual(['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06', '2026-11-07']);
    const rows = await orm.em.getConnection().execute<Array<Record<string, unknown>>>(
      `select (extract(epoch from observed_at) * 1000)::float8 as at, warehouse_id, box_type_id, to_char(date, 'YYYY-MM-DD') as date,
              coefficient, allow_unload, source from slot_history order by observed_at`,
    );
    const recorded = rows.map((r) => ({
      at: Math.round(Number(r.at)),
      warehouseId: Number(r.warehouse_id),
      boxTypeId: Number(r.box_type_id),
      date: String(r.date),
      coefficient: Number(r.coefficient),
      allowUnload: Boolean(r.allow_unload),
    }));
    expect(new Set(rows.map((r) => r.source))).toEqual(new Set([1]));
    expect(recorded.length).toBe(expected.length);
    expect(new Set(recorded.map(rowKey))).toEqual(new Set(expected.map(rowKey)));
    // Only changes: far fewer rows than cells read (6 warehouses × 42 cells × ~2,200 readings).
    expect(recorded.length).toBeLessThan(6 * 42 * 2_200 * 0.05);
    expect(recorder.stats.seeds).toBe(1);
    // Daily partitions hold the rows, one per UTC day of the run.
    expect((await partitions.list()).length).toBeGreaterThanOrEqual(8);
  });

  it('counts how long each warehouse was watched, per Moscow day', async () => {
    const rows = await orm.em
      .getConnection()
      .execute<Array<{ day: string; s: number }>>(
        `select to_char(day, 'YYYY-MM-DD') as day, observed_s as s from slot_observation where warehouse_id = ? order by day`,
        [WATCHED[0]],
      );
    expect(Object.fromEntries(rows.map((r) => [r.day, r.s]))).toEqual(Object.fromEntries(expectedObservedS));
  });

  for (const days of [7, 30] as const) {
    it(`derives openings, hours, days ahead and durations for ${days} days as the scenario made them`, async () => {
      let compared = 0;
      for (const warehouseId of WATCHED) {
        for (const boxTypeId of [2, 5] as BoxTypeId[]) {
          const answer = await service.warehouse(1, { warehouseId, boxTypeId, days });
          const oracle = figuresOf(expected, warehouseId, boxTypeId, days, now);
          expect(answer.status).toBe('ok');
          if (answer.status !== 'ok') continue;
          expect(answer.observation.days).toBeCloseTo(oracle.observedDays(expectedObservedS), 1);
          for (const threshold of INSIGHT_THRESHOLDS) {
            const got = answer.thresholds.find((t) => t.threshold === threshold);
            const want = oracle.byThreshold(threshold);
            expect({ threshold, ...got, perDay: undefined }).toEqual({ threshold, ...want, perDay: undefined });
            compared += want.openings;
          }
        }
      }
      // The scenario opened enough cheap slots for the comparison to mean something.
      expect(compared).toBeGreaterThan(50);
    });
  }

  it('suggests a threshold and says how much more often it catches than x0', async () => {
    const answers = await Promise.all(WATCHED.map((warehouseId) => service.warehouse(1, { warehouseId, boxTypeId: 2, days: 30 })));
    for (const answer of answers as Array<Extract<WarehouseInsights, { status: 'ok' }>>) {
      const { suggestion, thresholds } = answer;
      if (!thresholds.some((t) => t.openings > 0)) {
        expect(suggestion).toBeNull();
        continue;
      }
      expect(suggestion).not.toBeNull();
      const pick = thresholds.find((t) => t.threshold === suggestion?.threshold);
      const x0 = thresholds[0]!;
      expect(suggestion?.timesX0).toBe(
        pick!.threshold > 0 && x0.openings > 0 ? Math.round((pick!.openings / x0.openings) * 10) / 10 : null,
      );
      // The lowest threshold reaching once a day, if any does.
      const daily = thresholds.find((t) => t.perDay >= 1);
      if (daily) expect(suggestion?.threshold).toBe(daily.threshold);
    }
  });

  it('tells what one cell did', async () => {
    // The busiest cell of the run whose date is still published.
    const counts = new Map<string, number>();
    for (const r of expected)
      if (r.date >= moscowDay(now))
        counts.set(`${r.warehouseId}|${r.boxTypeId}|${r.date}`, (counts.get(`${r.warehouseId}|${r.boxTypeId}|${r.date}`) ?? 0) + 1);
    const [busiest] = [...counts].sort((a, b) => b[1] - a[1]);
    const [warehouseId, boxTypeId, date] = busiest![0].split('|') as [string, string, string];
    const input = { warehouseId: Number(warehouseId), boxTypeId: Number(boxTypeId) as BoxTypeId, date };
    const answer = await service.cell(1, input);
    const changes = expected.filter((r) => r.warehouseId === input.warehouseId && r.boxTypeId === input.boxTypeId && r.date === date);
    expect(answer.changes.map((c) => ({ at: c.at, coefficient: c.coefficient, allowUnload: c.allowUnload }))).toEqual(
      changes.map((c) => ({ at: c.at, coefficient: c.coefficient, allowUnload: c.allowUnload })),
    );
    for (const threshold of INSIGHT_THRESHOLDS) {
      const q = (r: Row) => r.allowUnload && r.coefficient >= 0 && r.coefficient <= threshold;
      let openings = 0;
      let openMs = 0;
      changes.forEach((r, i) => {
        if (i > 0 && q(r) && !q(changes[i - 1]!)) openings++;
        if (q(r)) openMs += (changes[i + 1]?.at ?? now) - r.at;
      });
      const got = answer.thresholds.find((t) => t.threshold === threshold);
      expect(got).toEqual({ threshold, openings, openSeconds: Math.round(openMs / 1000), openNow: q(changes.at(-1)!) });
    }
    await expect(service.cell(1, { ...input, date: addDays(moscowDay(now), 20) })).rejects.toMatchObject({
      code: 'INSIGHTS_DATE_OUT_OF_RANGE',
    });
  });
});

/** WB's official coefficients for the watched warehouses, over HTTP, as a feed reading at the sandbox's time. */
async function readCoefficients(url: string, token: string, at: number): Promise<SourceReading> {
  const response = await fetch(`${url}/api/tariffs/v1/acceptance/coefficients?warehouseIDs=${WATCHED.join(',')}`, {
    headers: { authorization: token },
  });
  if (!response.ok) throw new Error(`coefficients → ${response.status}: ${await response.text()}`);
  const items = (await response.json()) as Array<{
    date: string;
    coefficient: number;
    warehouseID: number;
    warehouseName: string;
    allowUnload: boolean;
    boxTypeID: number;
  }>;
  const warehouses = new Map<number, { name: string; cells: SlotCell[] }>();
  for (const item of items) {
    const entry = warehouses.get(item.warehouseID) ?? { name: item.warehouseName, cells: [] };
    entry.cells.push({
      date: item.date.slice(0, 10),
      boxTypeId: item.boxTypeID,
      coefficient: item.coefficient,
      allowUnload: item.allowUnload,
    });
    warehouses.set(item.warehouseID, entry);
  }
  return { source: 'official', fetchedAt: at, periodMs: STEP_MS, warehouses };
}

/** The figures, derived in TypeScript from the oracle's rows: spans of qualifying values per cell. */
function figuresOf(rows: readonly Row[], warehouseId: number, boxTypeId: number, days: number, now: number) {
  const today = moscowDay(now);
  const from = addDays(today, -(days - 1));
  const since = moscowMidnight(from);
  const cells = new Map<string, Row[]>();
  for (const r of rows) {
    if (r.warehouseId !== warehouseId || r.boxTypeId !== boxTypeId || r.date < from) continue;
    cells.set(r.date, [...(cells.get(r.date) ?? []), r]);
  }
  return {
    observedDays: (observed: ReadonlyMap<string, number>) =>
      Math.round(([...observed].filter(([day]) => day >= from && day <= today).reduce((s, [, v]) => s + v, 0) / 86_400) * 10) / 10,
    byThreshold(threshold: number) {
      const q = (r: Row) => r.allowUnload && r.coefficient >= 0 && r.coefficient <= threshold;
      const durations: number[] = [];
      const heat = new Map<string, number>();
      const ahead = new Map<number, number>();
      let openings = 0;
      let stillOpen = 0;
      for (const list of cells.values()) {
        list.forEach((r, i) => {
          if (i === 0 || !q(r) || q(list[i - 1]!) || r.at < since) return;
          openings++;
          const end = list.slice(i + 1).find((n) => !q(n));
          if (end) durations.push((end.at - r.at) / 1000);
          else if (r.date >= today) stillOpen++;
          const msk = new Date(r.at + 3 * 3_600_000);
          const key = `${msk.getUTCDay() === 0 ? 7 : msk.getUTCDay()}|${msk.getUTCHours()}`;
          heat.set(key, (heat.get(key) ?? 0) + 1);
          const lead = Math.round((Date.parse(`${r.date}T00:00:00Z`) - Date.parse(`${moscowDay(r.at)}T00:00:00Z`)) / 86_400_000);
          ahead.set(lead, (ahead.get(lead) ?? 0) + 1);
        });
      }
      durations.sort((a, b) => a - b);
      const mid = durations.length / 2;
      const median =
        durations.length === 0
          ? null
          : Math.round(durations.length % 2 ? durations[Math.floor(mid)]! : (durations[mid - 1]! + durations[mid]!) / 2);
      return {
        openings,
        medianOpenSeconds: median,
        stillOpen,
        heatmap: [...heat]
          .map(([k, n]) => {
            const [weekday, hour] = k.split('|').map(Number) as [number, number];
            return { weekday, hour, openings: n };
          })
          .sort((a, b) => a.weekday - b.weekday || a.hour - b.hour),
        daysAhead: [...ahead].map(([d, n]) => ({ days: d, openings: n })).sort((a, b) => a.days - b.days),
      };
    },
  };
}
