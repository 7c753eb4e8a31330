// One calendar day in detail (issue 16), opened by tap-and-hold, a right click or the keyboard's context-menu key on a day,
// or the "about this day" button under the grid: which warehouse, which coefficient, since when (the cell's last recorded
// change, from `insights.cell`) or else as of when the picture was read, the insight line for the day's best warehouse
// and how many days ahead its slots usually open (`insights.warehouse`), and skipping the day when it is in the range.
import type { ThresholdFigures } from '@slotpilot/shared';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useApi } from '../api/api-context.tsx';
import type { CalendarDay } from '../api/api-types.ts';
import { useLanguage, useT, useTP } from '../i18n/i18n.tsx';
import { INSIGHTS_STALE_MS, InsightLine, useWarehouseInsights } from '../insights/insight-line.tsx';
import { figuresFor } from '../insights/insight-words.ts';
import { formatDayWithWeekday, formatMoscowTime, type IsoDate } from './moscow-date.ts';

type BoxTypeId = 2 | 5 | 6;
/** Rows with their own "since" look-up: each costs one `insights.cell` call (rate limited per seller). */
const MAX_ROWS = 3;

export interface DayRow {
  warehouseId: number;
  /** The cheapest bookable coefficient there that day, or null when nothing is bookable. */
  coefficient: number | null;
}

/** The day's warehouses, bookable ones cheapest first, then the closed ones, in the order the seller ranked them. */
export function dayRows(day: CalendarDay | undefined, warehouseIds: readonly number[]): DayRow[] {
  const rows = warehouseIds.map((warehouseId) => {
    const open = (day?.cells ?? [])
      .filter((c) => c.warehouseId === warehouseId && c.allowUnload && c.coefficient >= 0)
      .sort((a, b) => a.coefficient - b.coefficient)[0];
    return { warehouseId, coefficient: open ? open.coefficient : null };
  });
  return rows.sort((a, b) => (a.coefficient ?? Number.POSITIVE_INFINITY) - (b.coefficient ?? Number.POSITIVE_INFINITY));
}

/**
 * Since when the cell has been at `coefficient` (bookable), by its recorded changes: the last change to that value, if the
 * history's latest change is it; null when the history does not say (nothing recorded yet, or it has moved since).
 */
export function openSince(
  changes: ReadonlyArray<{ at: number; coefficient: number; allowUnload: boolean }>,
  coefficient: number,
): number | null {
  const last = changes[changes.length - 1];
  return last?.allowUnload && last.coefficient === coefficient ? last.at : null;
}

/** The days-ahead bucket with the most openings at the threshold that speaks for `maxCoefficient`, or null. */
export function usualDaysAhead(thresholds: readonly ThresholdFigures[], maxCoefficient: number): number | null {
  let best: { days: number; openings: number } | null = null;
  for (const bucket of figuresFor(thresholds, maxCoefficient)?.daysAhead ?? [])
    if (bucket.openings > 0 && (!best || bucket.openings > best.openings)) best = bucket;
  return best?.days ?? null;
}

export interface DayDetailsProps {
  date: IsoDate;
  day: CalendarDay | undefined;
  warehouseIds: readonly number[];
  boxTypeId: BoxTypeId;
  maxCoefficient: number;
  /** When the picture shown was read: the "as of" of a row whose history says nothing. */
  asOf: number | null;
  warehouseName: (id: number) => string;
  /** Skip or bring back this day; null when the day is outside a complete range. */
  skip: { skipped: boolean; toggle: () => void } | null;
  onClose: () => void;
}

export function DayDetails({ date, day, warehouseIds, boxTypeId, maxCoefficient, asOf, warehouseName, skip, onClose }: DayDetailsProps) {
  const t = useT();
  const language = useLanguage();
  const rows = dayRows(day, warehouseIds).slice(0, MAX_ROWS);
  const best = rows[0];
  const panel = useRef<HTMLElement>(null);
  // Opened from the keyboard or a long press: the panel takes focus so its contents are read next (the caller keys the
  // panel by its date, so another day mounts it afresh and focuses again).
  useEffect(() => panel.current?.focus(), []);

  return (
    <section
      ref={panel}
      className="day-details"
      tabIndex={-1}
      aria-labelledby="day-details-title"
      data-testid="day-details"
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <div className="day-details-head">
        <h3 id="day-details-title">{formatDayWithWeekday(date, language)}</h3>
        <button type="button" className="small-button" onClick={onClose} data-testid="day-details-close">
          {t('cal.day.close')}
        </button>
      </div>
      {day === undefined ? (
        <p className="hint">{t('cal.day.noData')}</p>
      ) : (
        <ul className="day-rows">
          {rows.map((row) => (
            <DayRowLine
              key={row.warehouseId}
              row={row}
              date={date}
              boxTypeId={boxTypeId}
              asOf={asOf}
              name={warehouseName(row.warehouseId)}
            />
          ))}
        </ul>
      )}
      {best && (
        <div className="day-insight" data-testid="day-insight">
          <p className="hint">{t('cal.day.insightFor', { warehouse: warehouseName(best.warehouseId) })}</p>
          <DaysAhead warehouseId={best.warehouseId} boxTypeId={boxTypeId} maxCoefficient={maxCoefficient} />
          <InsightLine warehouseId={best.warehouseId} boxTypeId={boxTypeId} maxCoefficient={maxCoefficient} />
        </div>
      )}
      {skip && (
        <button type="button" className="small-button" onClick={skip.toggle} data-testid="day-details-skip">
          {t(skip.skipped ? 'cal.day.unskip' : 'cal.day.skip')}
        </button>
      )}
    </section>
  );
}

function DayRowLine({
  row,
  date,
  boxTypeId,
  asOf,
  name,
}: {
  row: DayRow;
  date: IsoDate;
  boxTypeId: BoxTypeId;
  asOf: number | null;
  name: string;
}) {
  const api = useApi();
  const t = useT();
  const language = useLanguage();
  const cell = useQuery({
    queryKey: ['insights-cell', row.warehouseId, boxTypeId, date],
    queryFn: () => api.insights.cell.query({ warehouseId: row.warehouseId, boxTypeId, date }),
    enabled: row.coefficient !== null,
    staleTime: INSIGHTS_STALE_MS,
    retry: 0,
  });
  const since = row.coefficient !== null && cell.data ? openSince(cell.data.changes, row.coefficient) : null;
  const value = row.coefficient === null ? t('cal.detail.none') : row.coefficient <= 0 ? t('cal.legend.free') : `x${row.coefficient}`;
  let when = '';
  if (since !== null) when = t('cal.day.since', { time: formatMoscowTime(since, language) });
  else if (asOf !== null) when = t('cal.day.asOf', { time: formatMoscowTime(asOf, language) });
  return (
    <li className="day-row" data-testid={`day-row-${row.warehouseId}`} data-since={since !== null}>
      <span className="day-row-name">{name}</span>
      <span className="day-row-value">{value}</span>
      {when && <span className="hint day-row-when">{when}</span>}
    </li>
  );
}

function DaysAhead({ warehouseId, boxTypeId, maxCoefficient }: { warehouseId: number; boxTypeId: BoxTypeId; maxCoefficient: number }) {
  const t = useT();
  const tp = useTP();
  const insights = useWarehouseInsights(warehouseId, boxTypeId, 7);
  const data = insights.data;
  if (data?.status !== 'ok') return null;
  const days = usualDaysAhead(data.thresholds, maxCoefficient);
  if (days === null) return null;
  return <p data-testid="day-days-ahead">{days === 0 ? t('cal.day.aheadSameDay') : tp('cal.day.ahead', days)}</p>;
}
