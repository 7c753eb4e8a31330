// Records every change of a calendar cell the feed's leader sees (issue 18), and how long it watched each warehouse.
//
// The feed hands over each shared reading (`record`, synchronous and O(1): the reading is only queued). Once a second
// the queue is compared with the last value of each cell kept in memory, and only the differences are written, in
// multi-row inserts. Memory is bounded: cells of dates that have passed are forgotten (a cell still open then gets a
// closing row at Moscow midnight, when WB stops publishing it), and the map is capped. A recorder that has not recorded
// for a while (it just became the leader, or lost and regained it) first seeds its memory from the latest rows, so a
// new leader does not write every cell again as if it had changed.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { SourceReading } from '../feed/feed-source.ts';
import type { FeedSourceKind } from '../feed/feed-status.ts';
import { boundQuery } from '../platform/db/bound-query.ts';
import type { HistoryPartitions } from './history-partitions.ts';

export interface HistoryRecorderOptions {
  orm: MikroORM;
  logger: Logger;
  /** Creates a missing day's partition when an insert meets none (normally made days ahead). */
  partitions: HistoryPartitions;
  clock?: () => number;
  /** How often queued readings are compared and written. */
  flushEveryMs?: number;
  /** Rows per insert statement; a backlog larger than this is written in several. */
  batchRows?: number;
  /** Readings queued at most; older ones are dropped (and counted) if the database stalls for that long. */
  maxQueuedReadings?: number;
  /** Rows waiting for the database at most (same). */
  maxPendingRows?: number;
  /** Cells remembered at most (about 42,000 at 1,000 warehouses × 14 days × 3 box types). */
  maxCells?: number;
  /**
   * Without a reading for this long, the next one seeds memory from the database first (default: the longest gap still
   * counted as observation, above any source's normal period, so a steady leader never reseeds).
   */
  reseedAfterMs?: number;
}

export interface HistoryRow {
  observedAt: number;
  warehouseId: number;
  /** The cell's Moscow date. */
  date: string;
  boxTypeId: number;
  coefficient: number;
  allowUnload: boolean;
  source: FeedSourceKind;
}

export interface RecorderStats {
  readings: number;
  readingsDropped: number;
  cellsCompared: number;
  changes: number;
  rowsWritten: number;
  rowsDropped: number;
  flushes: number;
  writeFailures: number;
  seeds: number;
  /** Duration of the last write (ms) and the longest one. */
  lastFlushMs: number;
  maxFlushMs: number;
}

interface LastValue {
  coefficient: number;
  allowUnload: boolean;
  at: number;
  date: string;
}

/** Stored as a small number: 1 official, 2 portal. */
export const SOURCE_CODES: Record<FeedSourceKind, number> = { official: 1, portal: 2 };
export const SOURCE_OF_CODE: Record<number, FeedSourceKind> = { 1: 'official', 2: 'portal' };

/** Gaps between two readings of a warehouse longer than this are not counted as observation (the feed was away). */
export const MAX_OBSERVATION_GAP_MS = 5 * 60_000;
const MOSCOW_OFFSET_MS = 3 * 3_600_000;

/** Moscow's calendar day of an instant (UTC+3 all year since 2014, so a fixed offset is exact). */
export const moscowDay = (ms: number) => new Date(ms + MOSCOW_OFFSET_MS).toISOString().slice(0, 10);
/** The instant a Moscow day starts. */
export const moscowMidnight = (day: string) => Date.parse(`${day}T00:00:00+03:00`);
const bookable = (v: { coefficient: number; allowUnload: boolean }) => v.allowUnload && v.coefficient >= 0;

export class HistoryRecorder {
  readonly stats: RecorderStats = {
    readings: 0,
    readingsDropped: 0,
    cellsCompared: 0,
    changes: 0,
    rowsWritten: 0,
    rowsDropped: 0,
    flushes: 0,
    writeFailures: 0,
    seeds: 0,
    lastFlushMs: 0,
    maxFlushMs: 0,
  };
  private readonly last = new Map<string, LastValue>();
  private queue: SourceReading[] = [];
  private rows: HistoryRow[] = [];
  /** Observation not yet written: `${warehouseId}|${day}` → ms and readings. */
  private coverage = new Map<string, { warehouseId: number; day: string; ms: number; readings: number }>();
  /** Sub-second remainders of observation already written, so rounding loses nothing over a day. */
  private readonly carry = new Map<string, number>();
  private readonly lastSeenAt = new Map<number, number>();
  private today = '';
  private seeded = false;
  private lastRecordAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private failing = false;
  private stopped = false;

  constructor(private readonly options: HistoryRecorderOptions) {}

  private get clock() {
    return this.options.clock ?? Date.now;
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => void this.flush(), this.options.flushEveryMs ?? 1_000);
    this.timer.unref();
  }

  /** Writes what is queued, then stops. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
    this.stopped = true;
  }

  /** Called by the feed's leader for every shared reading. Cheap: the comparison happens on the next flush. */
  record(reading: SourceReading): void {
    if (this.stopped) return;
    const now = this.clock();
    // A gap means someone else may have led (and written) meanwhile: what is in memory may be stale.
    if (now - this.lastRecordAt > (this.options.reseedAfterMs ?? MAX_OBSERVATION_GAP_MS)) this.seeded = false;
    this.lastRecordAt = now;
    this.stats.readings++;
    this.queue.push(reading);
    const max = this.options.maxQueuedReadings ?? 120;
    if (this.queue.length > max) {
      this.queue.shift();
      this.stats.readingsDropped++;
    }
  }

  /** Compare what is queued and write the changes now (the timer does this every second; tests call it). */
  flush(): Promise<void> {
    this.pass ??= this.runPass().finally(() => {
      this.pass = undefined;
    });
    return this.pass;
  }

  private async runPass(): Promise<void> {
    try {
      if (this.queue.length > 0 && !this.seeded) await this.seed();
      const readings = this.queue;
      this.queue = [];
      for (const reading of readings) this.compare(reading);
      await this.write();
      if (this.failing) this.options.logger.info({ event: 'history.write_recovered' }, 'slot history is written again');
      this.failing = false;
    } catch (error) {
      this.stats.writeFailures++;
      if (!this.failing)
        this.options.logger.warn({ event: 'history.write_failed', err: error }, 'could not write slot history; kept in memory and retried');
      this.failing = true;
    }
  }

  /** The latest value of every cell still published (today on), from the history itself. */
  private async seed(): Promise<void> {
    const now = this.clock();
    const rows = await this.options.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ warehouse_id: number; box_type_id: number; date: string; coefficient: number; allow_unload: boolean; at: string }>>(
        `select distinct on (warehouse_id, box_type_id, date)
           warehouse_id, box_type_id, to_char(date, 'YYYY-MM-DD') as date, coefficient, allow_unload,
           (extract(epoch from observed_at) * 1000)::float8 as at
         from slot_history
         where observed_at >= ?::timestamptz - interval '15 days' and observed_at <= ?::timestamptz and date >= ?::date
         order by warehouse_id, box_type_id, date, observed_at desc`,
        [new Date(now).toISOString(), new Date(now).toISOString(), moscowDay(now)],
      );
    this.last.clear();
    for (const r of rows) {
      this.last.set(cellKey(r.warehouse_id, r.box_type_id, r.date), {
        coefficient: r.coefficient,
        allowUnload: r.allow_unload,
        at: Number(r.at),
        date: r.date,
      });
    }
    this.lastSeenAt.clear();
    this.today = moscowDay(now);
    this.seeded = true;
    this.stats.seeds++;
  }

  private compare(reading: SourceReading): void {
    const at = reading.fetchedAt;
    const today = moscowDay(at);
    if (today > this.today) this.passMidnight(today, reading.source);
    for (const [warehouseId, { cells }] of reading.warehouses) {
      this.observe(warehouseId, at, today);
      for (const cell of cells) {
        if (cell.date < today) continue;
        this.stats.cellsCompared++;
        const key = cellKey(warehouseId, cell.boxTypeId, cell.date);
        const previous = this.last.get(key);
        // A slower source's older answer must not undo what a newer one showed.
        if (previous && previous.at > at) continue;
        if (previous && previous.coefficient === cell.coefficient && previous.allowUnload === cell.allowUnload) {
          previous.at = at;
          continue;
        }
        this.last.set(key, { coefficient: cell.coefficient, allowUnload: cell.allowUnload, at, date: cell.date });
        this.stats.changes++;
        this.rows.push({
          observedAt: at,
          warehouseId,
          date: cell.date,
          boxTypeId: cell.boxTypeId,
          coefficient: cell.coefficient,
          allowUnload: cell.allowUnload,
          source: reading.source,
        });
      }
    }
    this.bound();
  }

  /** A new Moscow day: yesterday's cells are no longer published. One still open closed at midnight; all are forgotten. */
  private passMidnight(today: string, source: FeedSourceKind): void {
    const midnight = moscowMidnight(today);
    for (const [key, value] of this.last) {
      if (value.date >= today) continue;
      if (bookable(value)) {
        const [warehouseId, boxTypeId] = key.split('|').map(Number) as [number, number];
        this.rows.push({ observedAt: midnight, warehouseId, date: value.date, boxTypeId, coefficient: -1, allowUnload: false, source });
        this.stats.changes++;
      }
      this.last.delete(key);
    }
    this.today = today;
  }

  private observe(warehouseId: number, at: number, day: string): void {
    const previous = this.lastSeenAt.get(warehouseId);
    this.lastSeenAt.set(warehouseId, at);
    const key = `${warehouseId}|${day}`;
    let entry = this.coverage.get(key);
    if (!entry) {
      entry = { warehouseId, day, ms: 0, readings: 0 };
      this.coverage.set(key, entry);
    }
    entry.readings++;
    if (previous !== undefined && at > previous && at - previous <= MAX_OBSERVATION_GAP_MS) entry.ms += at - previous;
  }

  private bound(): void {
    const maxCells = this.options.maxCells ?? 200_000;
    if (this.last.size > maxCells) {
      // Oldest-inserted first: far more cells than WB publishes means something is off; memory stays bounded anyway.
      let excess = this.last.size - Math.floor(maxCells * 0.9);
      for (const key of this.last.keys()) {
        if (excess-- <= 0) break;
        this.last.delete(key);
      }
    }
    const maxRows = this.options.maxPendingRows ?? 500_000;
    if (this.rows.length > maxRows) {
      const excess = this.rows.length - maxRows;
      this.rows.splice(0, excess);
      this.stats.rowsDropped += excess;
    }
  }

  private async write(): Promise<void> {
    if (this.rows.length === 0 && this.coverage.size === 0) return;
    const started = performance.now();
    const batch = this.options.batchRows ?? 5_000;
    while (this.rows.length > 0) {
      const chunk = this.rows.slice(0, batch);
      await this.insertRows(chunk);
      // Only what was written leaves memory: a failure keeps the rest for the next pass.
      this.rows.splice(0, chunk.length);
      this.stats.rowsWritten += chunk.length;
    }
    if (this.coverage.size > 0) {
      const entries = [...this.coverage.values()].map((e) => {
        const key = `${e.warehouseId}|${e.day}`;
        const ms = e.ms + (this.carry.get(key) ?? 0);
        return { key, w: e.warehouseId, d: e.day, s: Math.floor(ms / 1000), rest: ms % 1000, n: e.readings };
      });
      await boundQuery(
        this.options.orm,
        `insert into slot_observation (warehouse_id, day, observed_s, readings)
         select r.w, r.d::date, r.s, r.n from jsonb_to_recordset($1::jsonb) as r(w int, d text, s int, n int)
         on conflict (warehouse_id, day) do update
           set observed_s = slot_observation.observed_s + excluded.observed_s, readings = slot_observation.readings + excluded.readings`,
        [JSON.stringify(entries.map(({ w, d, s, n }) => ({ w, d, s, n })))],
      );
      this.coverage.clear();
      // Remainders of days before yesterday will never be added to again.
      const yesterday = moscowDay(this.clock() - 86_400_000);
      for (const key of this.carry.keys()) if ((key.split('|')[1] ?? '') < yesterday) this.carry.delete(key);
      for (const e of entries) this.carry.set(e.key, e.rest);
    }
    this.stats.flushes++;
    this.stats.lastFlushMs = performance.now() - started;
    this.stats.maxFlushMs = Math.max(this.stats.maxFlushMs, this.stats.lastFlushMs);
  }

  private async insertRows(rows: readonly HistoryRow[]): Promise<void> {
    const payload = JSON.stringify(
      rows.map((r) => ({
        t: r.observedAt,
        w: r.warehouseId,
        d: r.date,
        b: r.boxTypeId,
        c: r.coefficient,
        u: r.allowUnload,
        s: SOURCE_CODES[r.source],
      })),
    );
    const insert = () =>
      boundQuery(
        this.options.orm,
        `insert into slot_history (observed_at, warehouse_id, date, box_type_id, coefficient, allow_unload, source)
         select to_timestamp(r.t / 1000.0), r.w, r.d::date, r.b, r.c, r.u, r.s
         from jsonb_to_recordset($1::jsonb) as r(t float8, w int, d text, b smallint, c smallint, u boolean, s smallint)`,
        [payload],
      );
    try {
      await insert();
    } catch (error) {
      // 23514: no partition for a row (the maintenance job is made days ahead, so only after a long stall or a clock jump).
      if ((error as { code?: unknown }).code !== '23514') throw error;
      const times = rows.map((r) => r.observedAt);
      await this.options.partitions.ensure(Math.min(...times), Math.max(...times));
      await insert();
    }
  }
}

const cellKey = (warehouseId: number, boxTypeId: number, date: string) => `${warehouseId}|${boxTypeId}|${date}`;
