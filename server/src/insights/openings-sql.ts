// The openings of cells, in SQL over slot_history, shared by the live query (one warehouse and box type, the last two
// days) and the daily materialisation (every warehouse, one Moscow day).
//
// For each threshold x a row "qualifies" when unloading is allowed and 0 ≤ coefficient ≤ x. An opening is a qualifying
// row whose previous row of the same cell did not qualify; it lasted until the cell's first later row that does not
// qualify (ended null: still open when counted). A cell already open when the feed first saw it is not an opening (we
// did not see it open). One pass per cell whatever the number of thresholds: `lag` for the previous value, and per
// threshold a `min … filter` over the later rows (descending order with the frame anchored at its start stays linear).
import { INSIGHT_THRESHOLDS } from '@slotpilot/shared';

export const THRESHOLDS_SQL = `array[${INSIGHT_THRESHOLDS.join(',')}]`;

/** Per cell: the previous value, and per threshold the first later moment it no longer qualified; then the openings. */
const MARKED_AND_OPENINGS = `  marked as (
    select warehouse_id, box_type_id, date, observed_at, coefficient, allow_unload,
           lag(coefficient) over asc_order as prev_c, lag(allow_unload) over asc_order as prev_u,
           ${INSIGHT_THRESHOLDS.map((t) => `min(observed_at) filter (where not (allow_unload and coefficient between 0 and ${t})) over later as end_${t}`).join(', ')}
    from cells
    window asc_order as (partition by warehouse_id, box_type_id, date order by observed_at),
           later as (partition by warehouse_id, box_type_id, date order by observed_at desc rows between unbounded preceding and 1 preceding)
  ),
  openings as materialized (
    select t.threshold, m.warehouse_id, m.box_type_id, m.date, m.observed_at as started,
           case t.threshold ${INSIGHT_THRESHOLDS.map((t) => `when ${t} then m.end_${t}`).join(' ')} end as ended
    from marked m cross join params p cross join unnest(${THRESHOLDS_SQL}) as t(threshold)
    where m.prev_c is not null and m.observed_at >= p.since and m.observed_at < p.until
      and m.allow_unload and m.coefficient between 0 and t.threshold
      and not (m.prev_u and m.prev_c between 0 and t.threshold)
  )`;

/**
 * CTEs `params`, `cells`, `marked`, `openings` (threshold, warehouse_id, box_type_id, date, started, ended) of one
 * warehouse and box type: the live part of a figure. Parameters, in order: rows_until (the latest row read, for ends),
 * since, until (openings start in [since, until)), since_date and last_date (the cells' dates), warehouse_id, box_type_id.
 */
export function openingsCtes(): string {
  const scope = 'h.warehouse_id = p.warehouse_id and h.box_type_id = p.box_type_id and ';
  // The last row of each cell before the window (one index lookup per date), so the window's first change is compared
  // with what the cell was.
  const before = `select b.* from params p
       cross join generate_series(p.since_date, p.last_date, interval '1 day') as d(day)
       cross join lateral (
         select h.warehouse_id, h.box_type_id, h.date, h.observed_at, h.coefficient, h.allow_unload from slot_history h
         where ${scope}h.date = d.day::date and h.observed_at < p.since and h.observed_at >= p.since - interval '15 days'
         order by h.observed_at desc limit 1) b`;
  return `
  params as (select ?::timestamptz as rows_until, ?::timestamptz as since, ?::timestamptz as until, ?::date as since_date,
                    ?::date as last_date, ?::int as warehouse_id, ?::smallint as box_type_id),
  cells as (
    select h.warehouse_id, h.box_type_id, h.date, h.observed_at, h.coefficient, h.allow_unload
    from params p join slot_history h on ${scope}h.observed_at >= p.since and h.observed_at <= p.rows_until
      and h.date between p.since_date and p.last_date
    union all
    ${before}
  ),
  ${MARKED_AND_OPENINGS}`;
}

/**
 * CTE `openings` of one Moscow day for every warehouse (the daily fold): the same window pass as the live query, over
 * the rows of the cells that changed that day, from the day's start to `rows_until` (the end of the day plus the fold's
 * horizon), and each such cell's last earlier row by index. Parameters, in order: since, until (the day), rows_until.
 */
export function dayOpeningsCtes(): string {
  return `
  params as (select ?::timestamptz as since, ?::timestamptz as until, ?::timestamptz as rows_until),
  day_cells as (
    select distinct h.warehouse_id, h.box_type_id, h.date
    from params p join slot_history h on h.observed_at >= p.since and h.observed_at < p.until
  ),
  cells as (
    select h.warehouse_id, h.box_type_id, h.date, h.observed_at, h.coefficient, h.allow_unload
    from params p join slot_history h on h.observed_at >= p.since and h.observed_at <= p.rows_until
    where (h.warehouse_id, h.box_type_id, h.date) in (select warehouse_id, box_type_id, date from day_cells)
    union all
    select b.* from day_cells c cross join params p
    cross join lateral (
      select h.warehouse_id, h.box_type_id, h.date, h.observed_at, h.coefficient, h.allow_unload from slot_history h
      where h.warehouse_id = c.warehouse_id and h.box_type_id = c.box_type_id and h.date = c.date
        and h.observed_at < p.since and h.observed_at >= p.since - interval '15 days'
      order by h.observed_at desc limit 1) b
  ),
  ${MARKED_AND_OPENINGS}`;
}
