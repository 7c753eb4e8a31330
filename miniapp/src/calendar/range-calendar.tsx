// The month calendar of the New task screen: Moscow days, a range by two taps, skipped days with the "skip days" toggle
// (or from a day's details), each day coloured by the best coefficient open now. Tap-and-hold a day — or right-click it,
// press the keyboard's context-menu key on it, or use "about this day" under the grid — for its details
// (day-details.tsx). The rules live in range-selection.ts.
import { useRef, useState } from 'react';
import type { CalendarDay } from '../api/api-types.ts';
import { useLanguage, useT, useTP } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { haptic } from '../telegram/haptics.ts';
import { COEFFICIENT_TONES, coefficientTone } from './coefficient-scale.ts';
import { DayDetails } from './day-details.tsx';
import { addMonths, formatDay, formatMonth, formatMoscowTime, type IsoDate, monthGrid, monthOf, weekdayNames } from './moscow-date.ts';
import {
  type CalendarBounds,
  dayState,
  type RangeProblem,
  type RangeSelection,
  type SkipNotice,
  type TapNotice,
  tapDay,
  toggleSkip,
  watchedDays,
} from './range-selection.ts';

const LONG_PRESS_MS = 450;

export interface RangeCalendarProps {
  selection: RangeSelection;
  onChange: (selection: RangeSelection) => void;
  bounds: CalendarBounds;
  /** Coefficients by date; undefined while no warehouse is chosen. */
  days: ReadonlyMap<IsoDate, CalendarDay> | undefined;
  /** A line about the data source (loading, WB limiting), or null. */
  status: string | null;
  /** The selection's problem to show (after a submit attempt), or null. */
  problem: RangeProblem | null;
  /** Days whose best coefficient is at most this are marked as meeting the task's threshold. */
  maxCoefficient?: number;
  /** When the coefficients shown were read (the freshest picture), for "на 12:03 МСК". */
  asOf?: number | null;
  /** The data stopped refreshing: colours are faded so nobody books by an old picture. */
  stale?: boolean;
  /** Warehouse names for the day detail ("Коледино x1"). */
  warehouseName?: (id: number) => string;
  /** The chosen warehouses and box type: a day's details list them and ask their history. Without them, no details. */
  details?: { warehouseIds: readonly number[]; boxTypeId: 2 | 5 | 6 };
}

/** The bookable cells of a day, cheapest first: which warehouse is behind the day's colour. */
function bookable(day: CalendarDay | undefined) {
  return (day?.cells ?? []).filter((c) => c.allowUnload && c.coefficient >= 0).sort((a, b) => a.coefficient - b.coefficient);
}

export function RangeCalendar({
  selection,
  onChange,
  bounds,
  days,
  status,
  problem,
  maxCoefficient,
  asOf = null,
  stale = false,
  warehouseName,
  details,
}: RangeCalendarProps) {
  const t = useT();
  const tp = useTP();
  const language = useLanguage();
  const [month, setMonth] = useState(() => monthOf(selection.start ?? bounds.today));
  const [skipMode, setSkipMode] = useState(false);
  const [notice, setNotice] = useState<{ key: MessageKey; vars?: Record<string, string> } | null>(null);
  // The day last tapped or held: its detail line says which warehouse and coefficient are behind its colour.
  const [focus, setFocus] = useState<IsoDate | null>(null);
  // The day whose details are open (a long press, a right click, the context-menu key, or "about this day").
  const [detailed, setDetailed] = useState<IsoDate | null>(null);
  const coefficientLabel = (c: number) => (c <= 0 ? t('cal.free.short') : `x${c}`);
  const press = useRef<{ timer: ReturnType<typeof setTimeout> | undefined; fired: boolean }>({ timer: undefined, fired: false });

  const firstMonth = monthOf(bounds.today);
  const lastMonth = monthOf(bounds.lastDay);
  const canSkip = selection.start !== null && selection.end !== null;

  function apply(result: { selection: RangeSelection; notice: TapNotice | SkipNotice | null }, date: IsoDate) {
    if (result.selection !== selection) {
      haptic.selection();
      onChange(result.selection);
    } else if (result.notice) {
      haptic.warning();
    }
    setNotice(result.notice ? { key: `cal.notice.${result.notice}`, vars: { date: formatDay(date, language) } } : null);
  }

  /** `keyboard`: activated with Enter/Space (no pointer), so no long press can be ending with it. */
  function tap(date: IsoDate, keyboard = false) {
    setFocus(date);
    if (press.current.fired && !keyboard) {
      // The click that ends a long press: the press already opened the day's details.
      press.current.fired = false;
      return;
    }
    press.current.fired = false;
    apply(skipMode && canSkip ? toggleSkip(selection, date, bounds) : tapDay(selection, date, bounds), date);
  }

  function openDetails(date: IsoDate) {
    if (!details || !days) return;
    setFocus(date);
    setDetailed(date);
    haptic.impact();
  }

  function startPress(date: IsoDate) {
    press.current.fired = false;
    clearTimeout(press.current.timer);
    if (!details || !days) return;
    press.current.timer = setTimeout(() => {
      press.current.fired = true;
      openDetails(date);
    }, LONG_PRESS_MS);
  }

  function endPress() {
    clearTimeout(press.current.timer);
  }

  const watched = watchedDays(selection);
  let summary: string;
  if (selection.start === null) summary = t('cal.hint.start');
  else if (selection.end === null) summary = t('cal.hint.end');
  else
    summary =
      tp('cal.summary', watched.length, { from: formatDay(selection.start, language), to: formatDay(selection.end, language) }) +
      (selection.skipped.length ? tp('cal.summary.skipped', selection.skipped.length) : '');

  return (
    <div className="calendar" data-testid="calendar">
      <div className="calendar-head">
        <button
          type="button"
          className="icon-button"
          aria-label={t('cal.prev')}
          disabled={month <= firstMonth}
          onClick={() => setMonth(addMonths(month, -1))}
          data-testid="calendar-prev"
        >
          ‹
        </button>
        <span className="calendar-month" data-testid="calendar-month">
          {formatMonth(month, language)}
        </span>
        <button
          type="button"
          className="icon-button"
          aria-label={t('cal.next')}
          disabled={month >= lastMonth}
          onClick={() => setMonth(addMonths(month, 1))}
          data-testid="calendar-next"
        >
          ›
        </button>
      </div>
      <div className={`calendar-grid${stale ? ' stale' : ''}`} data-stale={stale}>
        {weekdayNames(language).map((name) => (
          <span key={name} className="calendar-weekday">
            {name}
          </span>
        ))}
        {monthGrid(month).map((date, i) => {
          // biome-ignore lint/suspicious/noArrayIndexKey: the grid is a fixed 42 positions; a blank cell is its position
          if (date === null) return <span key={`blank-${i}`} className="calendar-blank" />;
          const state = dayState(date, selection, bounds);
          const day = days?.get(date);
          const tone = days ? coefficientTone(day) : 'unknown';
          const meets = maxCoefficient !== undefined && day?.best != null && day.best.coefficient <= maxCoefficient;
          return (
            <button
              key={date}
              type="button"
              className={`day tone-${tone}${meets ? ' meets' : ''}${state.position ? ` in-range range-${state.position}` : ''}${state.skipped ? ' skipped' : ''}${date === bounds.today ? ' today' : ''}`}
              disabled={state.disabled}
              aria-pressed={state.position !== null && !state.skipped}
              aria-label={`${formatDay(date, language)}${day?.best ? `, ${coefficientLabel(day.best.coefficient)}` : ''}${meets ? `, ${t('cal.meets')}` : ''}${state.skipped ? `, ${t('cal.skipped')}` : ''}`}
              data-meets={meets}
              data-testid={`day-${date}`}
              data-tone={tone}
              data-position={state.position ?? ''}
              data-skipped={state.skipped}
              onClick={(e) => tap(date, e.detail === 0)}
              onPointerDown={() => startPress(date)}
              onPointerUp={endPress}
              onPointerLeave={endPress}
              onPointerCancel={endPress}
              onContextMenu={(e) => {
                // A long press on a phone, a right click, or the keyboard's context-menu key: the day's details.
                e.preventDefault();
                clearTimeout(press.current.timer);
                if (press.current.fired) return;
                // The click that may follow (a touch's long press) must not also pick the day; pointerdown resets this.
                press.current.fired = true;
                openDetails(date);
              }}
            >
              <span className="day-number">{Number(date.slice(8))}</span>
              <span className="day-coefficient">{day?.best ? coefficientLabel(day.best.coefficient) : ''}</span>
            </button>
          );
        })}
      </div>
      <div className="calendar-legend" aria-hidden="true">
        {COEFFICIENT_TONES.map((tone) => (
          <span key={tone} className="legend-item">
            <span className={`legend-swatch tone-${tone}`} />
            {t(`cal.legend.${tone}`)}
          </span>
        ))}
        {maxCoefficient !== undefined && (
          <span className="legend-item">
            <span className="legend-swatch legend-meets" />
            {maxCoefficient === 0 ? t('cal.legend.meets.free') : t('cal.legend.meets', { max: maxCoefficient })}
          </span>
        )}
      </div>
      {asOf !== null && (
        <p className={`hint calendar-line${stale ? ' notice-text' : ''}`} data-testid="calendar-as-of">
          {t(stale ? 'cal.asOf.stale' : 'cal.asOf', { time: formatMoscowTime(asOf, language) })}
        </p>
      )}
      {focus && days && (
        <div className="calendar-day-line">
          <p className="calendar-line" data-testid="calendar-day-detail">
            {t('cal.detail', {
              date: formatDay(focus, language),
              cells:
                bookable(days.get(focus))
                  .slice(0, 3)
                  .map((c) => `${warehouseName ? warehouseName(c.warehouseId) : c.warehouseId} ${coefficientLabel(c.coefficient)}`)
                  .join(', ') || t('cal.detail.none'),
            })}
          </p>
          {details && detailed !== focus && (
            <button type="button" className="small-button" onClick={() => openDetails(focus)} data-testid="calendar-day-more">
              {t('cal.day.more')}
            </button>
          )}
        </div>
      )}
      {detailed && details && days && (
        <DayDetails
          key={detailed}
          date={detailed}
          day={days.get(detailed)}
          warehouseIds={details.warehouseIds}
          boxTypeId={details.boxTypeId}
          maxCoefficient={maxCoefficient ?? 0}
          asOf={asOf}
          warehouseName={warehouseName ?? String}
          skip={
            canSkip && detailed >= (selection.start ?? '') && detailed <= (selection.end ?? '')
              ? { skipped: selection.skipped.includes(detailed), toggle: () => apply(toggleSkip(selection, detailed, bounds), detailed) }
              : null
          }
          onClose={() => setDetailed(null)}
        />
      )}
      <label className="toggle-row">
        <input
          type="checkbox"
          checked={skipMode}
          disabled={!canSkip}
          onChange={(e) => setSkipMode(e.target.checked)}
          data-testid="calendar-skip-mode"
        />
        <span>{t('cal.skipMode')}</span>
      </label>
      <p className="hint calendar-line">{skipMode ? t('cal.skipMode.hint') : status}</p>
      <p className="calendar-line" data-testid="calendar-summary">
        {summary}
      </p>
      <p className="calendar-line notice-text" role="status" data-testid="calendar-notice">
        {notice ? t(notice.key, notice.vars) : ''}
      </p>
      {problem && (
        <p className="field-error" role="alert" data-testid="calendar-problem">
          {t(`cal.problem.${problem}`)}
        </p>
      )}
    </div>
  );
}
