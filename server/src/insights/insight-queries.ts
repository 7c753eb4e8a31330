// The figures of issue 18, computed by PostgreSQL over slot_history with window functions (no per-row loops here).
//
// For each threshold x ∈ {0, 1, 2, 3, 5} a row of a cell "qualifies" when unloading is allowed and 0 ≤ coefficient ≤ x.
// Consecutive rows of a cell with the same answer form a span; a qualifying span that follows a non-qualifying one is an
// opening, and it lasted until the next span began. A cell already open when the feed first saw it is not an opening
// (we did not see it open); an opening with no later span is still open (if its date has not passed) and stays out of
// the median. The window is whole Moscow days: today and the `days - 1` before it.

import type { MikroORM } from '@mikro-orm/postgresql';
import {
  addDays,
  type BoxTypeId,
  CELL_CHANGES_LIMIT,
  type CellInsights,
  type CellThresholdFigures,
  type InsightThreshold,
  MIN_OBSERVED_DAYS,
  type Observation,
  type ThresholdFigures,
  type ThresholdSuggestion,
  type WarehouseInsights,
  WB_HORIZON_DAYS,
} from '@slotpilot/shared';
import { moscowDay, moscowMidnight, SOURCE_OF_CODE } from './history-recorder.ts';
import { LIVE_DAYS } from './insight-days.ts';
import { openingsCtes, THRESHOLDS_SQL } from './openings-sql.ts';

/** An hour of watching makes a Moscow day count as a day with observation. */
const DAY_WITH_OBSERVATION_S = 3_600;
const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Spans of every cell of one warehouse and box type, per threshold; `$cells` narrows which cells. */
const SPANS = (cells: string) => `
  params as (select ?::timestamptz as now_at, ?::timestamptz as since, ?::int as warehouse_id, ?::smallint as box_type_id),
  base as (
    select h.date, h.observed_at, t.threshold,
           (h.allow_unload and h.coefficient >= 0 and h.coefficient <= t.threshold) as q
    from params p
    join slot_history h on h.warehouse_id = p.warehouse_id and h.box_type_id = p.box_type_id
    cross join unnest(${THRESHOLDS_SQL}) as t(threshold)
    -- A cell is published for 14 days before its date: its earlier rows (for the first span of the window) are that old.
    where h.observed_at >= p.since - interval '15 days' and h.observed_at <= p.now_at and ${cells}
  ),
  flagged as (
    select *, lag(q) over (partition by threshold, date order by observed_at) as prev_q from base
  ),
  numbered as (
    select *, count(*) filter (where prev_q is null or q <> prev_q)
                over (partition by threshold, date order by observed_at rows unbounded preceding) as span
    from flagged
  ),
  spans as (
    select threshold, date, span, bool_and(q) as q, min(observed_at) as started, bool_or(prev_q is null) as first_seen
    from numbered group by threshold, date, span
  ),
  timed as (
    select *, lead(started) over (partition by threshold, date order by span) as ended from spans
  )`;

interface ThresholdRow {
  threshold: number;
  openings: number;
  median_s: number | null;
  still_open: number;
}

export class InsightQueries {
  constructor(private readonly orm: MikroORM) {}

  private conn() {
    return this.orm.em.fork().getConnection();
  }

  /** How long the feed watched a warehouse over Moscow days `from`..`to`. */
  async observation(warehouseId: number, from: string, to: string): Promise<Observation> {
    const [row] = await this.conn().execute<Array<{ seconds: string; days: number; first_day: string | null }>>(
      `select coalesce(sum(observed_s), 0)::bigint as seconds,
              (count(*) filter (where observed_s >= ?))::int as days,
              to_char(min(day) filter (where observed_s > 0), 'YYYY-MM-DD') as first_day
       from slot_observation where warehouse_id = ? and day between ?::date and ?::date`,
      [DAY_WITH_OBSERVATION_S, warehouseId, from, to],
    );
    return {
      days: round(Number(row?.seconds ?? 0) / 86_400, 1),
      calendarDays: row?.days ?? 0,
      minimumDays: MIN_OBSERVED_DAYS,
      from,
      firstDay: row?.first_day ?? null,
    };
  }

  async warehouse(input: { warehouseId: number; boxTypeId: BoxTypeId; days: 7 | 30 }, now: number): Promise<WarehouseInsights> {
    const today = moscowDay(now);
    const from = addDays(today, -(input.days - 1));
    const observation = await this.observation(input.warehouseId, from, today);
    const head = { warehouseId: input.warehouseId, boxTypeId: input.boxTypeId, days: input.days, observation, computedAt: now };
    if (observation.days < MIN_OBSERVED_DAYS) return { status: 'insufficient', ...head };

    // Days at least two days old come folded (insight-days.ts); today and yesterday are computed from the raw rows.
    const liveFrom = [from, addDays(today, -(LIVE_DAYS - 1))].sort()[1] ?? from;
    const foldedTo = addDays(today, -LIVE_DAYS);
    const [row] = await this.conn().execute<
      Array<{
        thresholds: ThresholdRow[] | null;
        heatmap: Array<{ threshold: number; weekday: number; hour: number; openings: number }> | null;
        ahead: Array<{ threshold: number; days: number; openings: number }> | null;
      }>
    >(
      `with ${openingsCtes()},
       folded as (
         select * from slot_insight_days where warehouse_id = ? and box_type_id = ? and day between ?::date and ?::date
       ),
       lasted as (
         select threshold, d::float8 as s from folded cross join unnest(durations) as d
         union all
         select threshold, extract(epoch from ended - started) from openings where ended is not null
       )
       select
         (select json_agg(a order by a.threshold) from (
            select t.threshold,
                   ((select coalesce(sum(f.openings), 0) from folded f where f.threshold = t.threshold)
                    + (select count(*) from openings o where o.threshold = t.threshold))::int as openings,
                   (select percentile_cont(0.5) within group (order by l.s) from lasted l where l.threshold = t.threshold) as median_s,
                   ((select coalesce(sum(f.open_ended), 0) from folded f where f.threshold = t.threshold)
                    + (select count(*) from openings o, params p where o.threshold = t.threshold and o.ended is null
                         and o.date >= (p.rows_until at time zone 'Europe/Moscow')::date))::int as still_open
            from unnest(${THRESHOLDS_SQL}) as t(threshold)) a) as thresholds,
         (select json_agg(b) from (
            select threshold, weekday, hour, sum(n)::int as openings from (
              select threshold, extract(isodow from day)::int as weekday, h - 1 as hour, by_hour[h] as n
              from folded cross join generate_subscripts(by_hour, 1) as h
              union all
              select threshold, extract(isodow from started at time zone 'Europe/Moscow')::int,
                     extract(hour from started at time zone 'Europe/Moscow')::int, 1 from openings) x
            where n > 0 group by 1, 2, 3) b) as heatmap,
         (select json_agg(c) from (
            select threshold, days, sum(n)::int as openings from (
              select threshold, h - 1 as days, by_ahead[h] as n from folded cross join generate_subscripts(by_ahead, 1) as h
              union all
              select threshold, (date - (started at time zone 'Europe/Moscow')::date)::int, 1 from openings) x
            where n > 0 group by 1, 2) c) as ahead`,
      [
        new Date(now).toISOString(),
        new Date(moscowMidnight(liveFrom)).toISOString(),
        new Date(now + 1).toISOString(),
        liveFrom,
        addDays(today, WB_HORIZON_DAYS - 1),
        input.warehouseId,
        input.boxTypeId,
        input.warehouseId,
        input.boxTypeId,
        from,
        foldedTo,
      ],
    );

    const thresholds: ThresholdFigures[] = (row?.thresholds ?? []).map((t) => ({
      threshold: t.threshold as InsightThreshold,
      openings: t.openings,
      perDay: round(t.openings / observation.days, 2),
      medianOpenSeconds: t.median_s === null ? null : Math.round(t.median_s),
      stillOpen: t.still_open,
      heatmap: (row?.heatmap ?? [])
        .filter((h) => h.threshold === t.threshold)
        .map(({ weekday, hour, openings }) => ({ weekday, hour, openings }))
        .sort((a, b) => a.weekday - b.weekday || a.hour - b.hour),
      daysAhead: (row?.ahead ?? [])
        .filter((h) => h.threshold === t.threshold)
        .map(({ days, openings }) => ({ days, openings }))
        .sort((a, b) => a.days - b.days),
    }));
    return { status: 'ok', ...head, thresholds, suggestion: suggestThreshold(thresholds) };
  }

  async cell(input: { warehouseId: number; boxTypeId: BoxTypeId; date: string }, now: number): Promise<CellInsights> {
    const since = moscowMidnight(addDays(input.date, -13));
    const args = [new Date(now).toISOString(), new Date(since).toISOString(), input.warehouseId, input.boxTypeId, input.date];
    const conn = this.conn();
    const [figures, changes, observation] = await Promise.all([
      conn.execute<Array<{ threshold: number; openings: number; open_s: number; open_now: boolean }>>(
        `with ${SPANS('h.date = ?::date')}
         select t.threshold,
                (count(s.started) filter (where s.q and not s.first_seen))::int as openings,
                coalesce(sum(extract(epoch from least(coalesce(s.ended, p.now_at), p.now_at,
                  ((s.date + 1)::timestamp at time zone 'Europe/Moscow')) - s.started)) filter (where s.q), 0)::float8 as open_s,
                coalesce(bool_or(s.q and s.ended is null and p.now_at < ((s.date + 1)::timestamp at time zone 'Europe/Moscow')), false) as open_now
         from params p cross join unnest(${THRESHOLDS_SQL}) as t(threshold)
         left join timed s on s.threshold = t.threshold
         group by t.threshold order by t.threshold`,
        args,
      ),
      conn.execute<Array<{ at: number; coefficient: number; allow_unload: boolean; source: number }>>(
        `select (extract(epoch from observed_at) * 1000)::float8 as at, coefficient, allow_unload, source from slot_history
         where warehouse_id = ? and box_type_id = ? and date = ?::date
           and observed_at >= ?::timestamptz - interval '1 day' and observed_at <= ?::timestamptz
         order by observed_at desc limit ${CELL_CHANGES_LIMIT + 1}`,
        [input.warehouseId, input.boxTypeId, input.date, new Date(since).toISOString(), new Date(now).toISOString()],
      ),
      this.observation(input.warehouseId, addDays(input.date, -13), [input.date, moscowDay(now)].sort()[0] ?? input.date),
    ]);
    const kept = changes.slice(0, CELL_CHANGES_LIMIT).reverse();
    const thresholds: CellThresholdFigures[] = figures.map((f) => ({
      threshold: f.threshold as InsightThreshold,
      openings: f.openings,
      openSeconds: Math.round(f.open_s),
      openNow: f.open_now,
    }));
    return {
      warehouseId: input.warehouseId,
      boxTypeId: input.boxTypeId,
      date: input.date,
      changes: kept.map((c) => ({
        at: Math.round(Number(c.at)),
        coefficient: c.coefficient,
        allowUnload: c.allow_unload,
        source: SOURCE_OF_CODE[c.source] ?? 'portal',
      })),
      truncated: changes.length > CELL_CHANGES_LIMIT,
      thresholds,
      observedDays: observation.days,
      computedAt: now,
    };
  }
}

/**
 * The lowest threshold that opened at least once per observed day; failing that, the one that opened most often
 * (the lowest of equals). Compared with ≤ x0: "x1 catches 5× more often than x0 here".
 */
export function suggestThreshold(figures: readonly ThresholdFigures[]): ThresholdSuggestion | null {
  const x0 = figures.find((f) => f.threshold === 0);
  const pick =
    figures.find((f) => f.perDay >= 1) ??
    figures.reduce<ThresholdFigures | undefined>((best, f) => (f.openings > 0 && (!best || f.perDay > best.perDay) ? f : best), undefined);
  if (!pick) return null;
  const timesX0 = pick.threshold !== 0 && x0 && x0.openings > 0 ? round(pick.openings / x0.openings, 1) : null;
  return { threshold: pick.threshold, perDay: pick.perDay, timesX0 };
}
