// Slot history and insights (issue 18): how many history rows a day 200 warehouses make, what writing them costs, and
// how fast the insight queries answer at 200 requests a second.
//
// 1. Change rate: the sandbox's scenario (its defaults: a tick a second, 2 cells re-rolled per tick, cheap slots closed
//    3–30 ticks later) runs for a simulated day on the sandbox's clock, read every `periodS` as the feed would read it
//    (10 s: the official method's pace, or six sellers sharing portal sessions; 60 s: one seller). The world's
//    warehouses are repeated under new ids up to 200, so each of the 200 changes at the scenario's rate per warehouse.
// 2. Write path: every reading goes through the real HistoryRecorder into embedded PostgreSQL (the feed's cost is
//    `record`, a queue push; the comparison and the multi-row insert run in `flush`, once per reading here as once a
//    second in production). Reported: rows per day, bytes per row on disk, flush time p50/p99, record() cost.
// 3. Queries: the day is copied back over 30 days (rows and observation), then `insights.warehouse` is asked at
//    200 req/s (open loop) for random warehouses, box types and windows through InsightsService (the cache as in
//    production, cold at the start), and once more straight to SQL with no cache at 20 req/s (each answer computed).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BoxTypeId } from '@slotpilot/shared';
import pino from 'pino';
import type { SourceReading } from '../src/feed/feed-source.ts';
import type { SlotCell } from '../src/feed/warehouse-slots.ts';
import { HistoryPartitions } from '../src/insights/history-partitions.ts';
import { HistoryRecorder, moscowDay } from '../src/insights/history-recorder.ts';
import { InsightDays } from '../src/insights/insight-days.ts';
import { InsightQueries } from '../src/insights/insight-queries.ts';
import { InsightsService } from '../src/insights/insights-service.ts';
import { startEmbeddedPostgres } from '../src/platform/db/embedded-postgres.ts';
import { ensureDatabase } from '../src/platform/db/ensure-database.ts';
import { openDatabase } from '../src/platform/db/orm.ts';
import { createMemorySharedState } from '../src/platform/kv/memory.ts';
import { buildSandbox } from '../src/sandbox/sandbox-app.ts';
import { percentile, prng, sleep } from './stack.ts';

export interface InsightsBenchResult {
  warehouses: number;
  worldWarehouses: number;
  simulatedHours: number;
  scenario: { tickMs: number; changesPerTick: number };
  rowsPerDay: Array<{ periodS: number; rows: number; perWarehouse: number }>;
  write: {
    periodS: number;
    readings: number;
    cellsCompared: number;
    rows: number;
    bytesPerRow: number;
    mbPerDay: number;
    flushP50Ms: number;
    flushP99Ms: number;
    flushMaxMs: number;
    recordP99Us: number;
  };
  queries: {
    historyDays: number;
    queriedWarehouses: number;
    historyRows: number;
    /** Days folded into per-day openings and what folding one day of those warehouses took. */
    foldedDays: number;
    foldMsPerDay: number;
    /** Starting with an empty cache. */
    service: Latency;
    /** Right after, every answer cached. */
    warm: Latency;
    uncached: Latency;
  };
}

interface Latency {
  ratePerSecond: number;
  seconds: number;
  requests: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const TARGET_WAREHOUSES = 200;
const QUERIED_WAREHOUSES = 40;
const DAY_MS = 86_400_000;
const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

export async function runInsightsBench(options: { simulatedHours?: number; querySeconds?: number } = {}): Promise<InsightsBenchResult> {
  const hours = options.simulatedHours ?? 6;
  const querySeconds = options.querySeconds ?? 20;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slotpilot-bench-insights-'));
  const logger = pino({ level: 'warn' });
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), password: 'bench', logger, ephemeral: true });
  try {
    await ensureDatabase(postgres.url, 'insights');
    const orm = await openDatabase(postgres.urlFor('insights'), logger);
    try {
      const start = Date.parse('2026-11-02T00:00:00+03:00');
      const rowsPerDay: InsightsBenchResult['rowsPerDay'] = [];
      let write: InsightsBenchResult['write'] | undefined;
      let worldWarehouses = 0;
      let scenario = { tickMs: 0, changesPerTick: 0 };
      // The 60 s pace first (its rows counted, then truncated); then the 10 s pace, whose history the queries use.
      for (const periodS of [60, 10]) {
        const run = await simulateDay({ orm, logger, start, hours, periodS, write: periodS === 10 });
        worldWarehouses = run.worldWarehouses;
        scenario = run.scenario;
        rowsPerDay.push({
          periodS,
          rows: Math.round((run.rows * 24) / hours),
          perWarehouse: round((run.rows * 24) / hours / TARGET_WAREHOUSES),
        });
        if (run.write) write = run.write;
      }
      if (!write) throw new Error('the write run did not report');

      // 30 days of history: the simulated block copied back again and again (cell dates moved by whole days with it),
      // watched all day long every day: what 200 warehouses leave after a month of continuous observation.
      const conn = orm.em.fork().getConnection();
      const now = start + hours * 3_600_000;
      const partitions = new HistoryPartitions({ orm, logger, retentionDays: 180, clock: () => now });
      await partitions.ensure(now - 31 * DAY_MS, now);
      // Only the warehouses the queries ask about get 30 days (a query reads one warehouse's rows through the index, so
      // its cost does not depend on how many others there are; copying all 200 would take the bench minutes).
      const ids = (
        await conn.execute<Array<{ id: number }>>(
          `select distinct warehouse_id as id from slot_history order by 1 limit ${QUERIED_WAREHOUSES}`,
        )
      ).map((r) => r.id);
      for (let k = 1; k * hours < 30 * 24; k++) {
        await conn.execute(
          `insert into slot_history (observed_at, warehouse_id, date, box_type_id, coefficient, allow_unload, source)
           select observed_at - make_interval(hours => ?), warehouse_id, date - ?, box_type_id, coefficient, allow_unload, source
           from slot_history where observed_at >= ?::timestamptz and observed_at <= ?::timestamptz
             and warehouse_id in (${ids.join(', ')})`,
          [k * hours, Math.floor((k * hours) / 24), new Date(start).toISOString(), new Date(now).toISOString()],
        );
      }
      await conn.execute('truncate slot_observation');
      await conn.execute(
        `insert into slot_observation (warehouse_id, day, observed_s, readings)
         select w.id, d.day::date, 86400, 8640 from unnest(array[${ids.join(', ')}]) as w(id)
         cross join generate_series(?::date - 29, ?::date, interval '1 day') as d(day)`,
        [moscowDay(now), moscowDay(now)],
      );
      await conn.execute('analyze slot_history');
      await conn.execute('analyze slot_observation');
      // Fold the days two days old and more, as the hourly job does (the queries read those): timed per day.
      const foldStarted = performance.now();
      const foldedDays = (await new InsightDays({ orm, logger, clock: () => now }).catchUp()).length;
      const foldMsPerDay = round((performance.now() - foldStarted) / Math.max(1, foldedDays));
      const [{ n: historyRows } = { n: 0 }] = await conn.execute<Array<{ n: number }>>(
        `select count(*)::int as n from slot_history where warehouse_id in (${ids.join(', ')})`,
      );

      const random = prng(18);
      const question = () => ({
        warehouseId: ids[Math.floor(random() * ids.length)]!,
        boxTypeId: ([2, 5, 6] as const)[Math.floor(random() * 3)] as BoxTypeId,
        days: random() < 0.5 ? (7 as const) : (30 as const),
      });
      const shared = createMemorySharedState();
      const service = new InsightsService({
        orm,
        cache: shared.cache,
        rateLimiter: shared.createRateLimiter({ keyPrefix: 'bench', points: 1_000_000, durationS: 1 }),
        retentionDays: 180,
        logger,
        clock: () => now,
      });
      let user = 0;
      // Every answer must carry figures (enough observation): a withheld one would be a cheap, meaningless answer.
      let withheld = 0;
      const count = (answer: { status: string }) => {
        if (answer.status !== 'ok') withheld++;
      };
      const serviceLatency = await openLoop(200, querySeconds, () => service.warehouse(++user, question()).then(count));
      // The same load once every answer is cached (as within 3 minutes of the last question about it).
      const warm = await openLoop(200, querySeconds, () => service.warehouse(++user, question()).then(count));
      const queries = new InsightQueries(orm);
      const uncached = await openLoop(20, Math.max(5, Math.round(querySeconds / 2)), () => queries.warehouse(question(), now).then(count));
      if (withheld > 0) throw new Error(`${withheld} answers had too little observation: the bench's history is not what it claims`);
      await shared.close();
      return {
        warehouses: TARGET_WAREHOUSES,
        worldWarehouses,
        simulatedHours: hours,
        scenario,
        rowsPerDay,
        write,
        queries: {
          historyDays: 30,
          foldedDays,
          foldMsPerDay,
          queriedWarehouses: ids.length,
          historyRows,
          service: serviceLatency,
          warm,
          uncached,
        },
      };
    } finally {
      await orm.close();
    }
  } finally {
    await postgres.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function simulateDay(input: {
  orm: Awaited<ReturnType<typeof openDatabase>>;
  logger: pino.Logger;
  start: number;
  hours: number;
  periodS: number;
  write: boolean;
}): Promise<{
  rows: number;
  worldWarehouses: number;
  scenario: { tickMs: number; changesPerTick: number };
  write?: InsightsBenchResult['write'];
}> {
  let now = input.start;
  const sandbox = buildSandbox({ clock: () => now, scenario: { running: false }, logger: false });
  try {
    const settings = sandbox.scenario.state();
    const world = [...sandbox.world.warehouses.values()];
    const copies = Math.ceil(TARGET_WAREHOUSES / world.length);
    const partitions = new HistoryPartitions({ orm: input.orm, logger: input.logger, retentionDays: 180, clock: () => now });
    await partitions.ensure(input.start - DAY_MS, input.start + 2 * DAY_MS);
    const recorder = new HistoryRecorder({ orm: input.orm, logger: input.logger, partitions, clock: () => now });
    const flushMs: number[] = [];
    const recordUs: number[] = [];
    const end = input.start + input.hours * 3_600_000;
    const ticksPerRead = Math.round((input.periodS * 1000) / settings.tickMs);
    let readings = 0;
    /** The first reading writes every cell once (nothing was known): not part of the daily rate. */
    let snapshotRows = 0;
    const position = new Map(world.map((w, i) => [w.id, i]));
    for (; now <= end; now += input.periodS * 1000) {
      for (let t = 0; t < ticksPerRead; t++) sandbox.scenario.tick();
      const warehouses = new Map<number, { name: string; cells: SlotCell[] }>();
      for (const { warehouse, date, boxTypeId, cell } of sandbox.world.calendar()) {
        for (let copy = 0; copy < copies; copy++) {
          const id = warehouse.id + copy * 10_000_000;
          if (copy * world.length + (position.get(warehouse.id) ?? 0) >= TARGET_WAREHOUSES) continue;
          let entry = warehouses.get(id);
          if (!entry) {
            entry = { name: warehouse.name, cells: [] };
            warehouses.set(id, entry);
          }
          entry.cells.push({ date, boxTypeId, coefficient: cell.coefficient, allowUnload: cell.allowUnload });
        }
      }
      const reading: SourceReading = { source: 'portal', fetchedAt: now, periodMs: input.periodS * 1000, warehouses };
      const before = performance.now();
      recorder.record(reading);
      recordUs.push((performance.now() - before) * 1000);
      readings++;
      const started = performance.now();
      await recorder.flush();
      flushMs.push(performance.now() - started);
      if (readings === 1) snapshotRows = recorder.stats.rowsWritten;
    }
    await recorder.stop();
    if (!input.write) {
      // Only the number of changes at this pace was wanted: start the next run from an empty history.
      await input.orm.em.fork().getConnection().execute('truncate slot_history; truncate slot_observation');
      return {
        rows: recorder.stats.rowsWritten - snapshotRows,
        worldWarehouses: world.length,
        scenario: { tickMs: settings.tickMs, changesPerTick: settings.changesPerTick },
      };
    }
    const conn = input.orm.em.fork().getConnection();
    const [size] = await conn.execute<Array<{ bytes: string }>>(
      `select coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint as bytes from pg_inherits i
       join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent where p.relname = 'slot_history'`,
    );
    const rows = recorder.stats.rowsWritten - snapshotRows;
    const bytes = Number(size?.bytes ?? 0);
    const perDay = (rows * 24) / input.hours;
    return {
      rows,
      worldWarehouses: world.length,
      scenario: { tickMs: settings.tickMs, changesPerTick: settings.changesPerTick },
      write: {
        periodS: input.periodS,
        readings,
        cellsCompared: recorder.stats.cellsCompared,
        rows,
        bytesPerRow: Math.round(bytes / Math.max(1, recorder.stats.rowsWritten)),
        mbPerDay: round((perDay * bytes) / Math.max(1, recorder.stats.rowsWritten) / 2 ** 20),
        flushP50Ms: round(percentile(flushMs, 50), 2),
        flushP99Ms: round(percentile(flushMs, 99), 2),
        flushMaxMs: round(Math.max(...flushMs), 2),
        recordP99Us: round(percentile(recordUs, 99), 2),
      },
    };
  } finally {
    await sandbox.close();
  }
}

/** Calls `call` at `rate` per second for `seconds` whatever the answers' pace (open loop); latencies of each. */
async function openLoop(rate: number, seconds: number, call: () => Promise<unknown>): Promise<Latency> {
  const latencies: number[] = [];
  let failed = 0;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  const total = rate * seconds;
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const t0 = performance.now();
    pending.push(
      call().then(
        () => void latencies.push(performance.now() - t0),
        () => void failed++,
      ),
    );
  }
  await Promise.all(pending);
  return {
    ratePerSecond: rate,
    seconds,
    requests: total,
    failed,
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    maxMs: round(Math.max(...latencies), 2),
  };
}
