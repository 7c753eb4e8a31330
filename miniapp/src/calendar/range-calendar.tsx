// The month calendar of the New task screen: Moscow days, a range by two taps, skipped days by tap-and-hold (or the "skip
// days" toggle), each day coloured by the best coefficient open now. The rules live in range-selection.ts.
import { useRef, useState } from 'react';
import type { CalendarDay } from '../api/api-types.ts';
import { useLanguage, useT, useTP } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { haptic } from '../telegram/haptics.ts';
import { COEFFICIENT_TONES, coefficientTone } from './coefficient-scale.ts';
import { addMonths, formatDay, formatMonth, type IsoDate, monthGrid, monthOf, weekdayNames } from './moscow-date.ts';
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
}

export function RangeCalendar({ selection, onChange, bounds, days, status, problem }: RangeCalendarProps) {
  const t = useT();
  const tp = useTP();
  const language = useLanguage();
  const [month, setMonth] = useState(() => monthOf(selection.start ?? bounds.today));
  const [skipMode, setSkipMode] = useState(false);
  const [notice, setNotice] = useState<{ key: MessageKey; vars?: Record<string, string> } | null>(null);
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

  function tap(date: IsoDate) {
    if (press.current.fired) {
      // The click that ends a long press: the press already toggled the day.
      press.current.fired = false;
      return;
    }
    apply(skipMode && canSkip ? toggleSkip(selection, date, bounds) : tapDay(selection, date, bounds), date);
  }

  function startPress(date: IsoDate) {
    press.current.fired = false;
    clearTimeout(press.current.timer);
    press.current.timer = setTimeout(() => {
      press.current.fired = true;
      haptic.impact();
      apply(toggleSkip(selection, date, bounds), date);
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
      <div className="calendar-grid">
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
          return (
            <button
              key={date}
              type="button"
              className={`day tone-${tone}${state.position ? ` in-range range-${state.position}` : ''}${state.skipped ? ' skipped' : ''}${date === bounds.today ? ' today' : ''}`}
              disabled={state.disabled}
              aria-pressed={state.position !== null && !state.skipped}
              aria-label={`${formatDay(date, language)}${day?.best ? `, x${day.best.coefficient}` : ''}${state.skipped ? `, ${t('cal.skipped')}` : ''}`}
              data-testid={`day-${date}`}
              data-tone={tone}
              data-position={state.position ?? ''}
              data-skipped={state.skipped}
              onClick={() => tap(date)}
              onPointerDown={() => startPress(date)}
              onPointerUp={endPress}
              onPointerLeave={endPress}
              onPointerCancel={endPress}
              onContextMenu={(e) => e.preventDefault()}
            >
              <span className="day-number">{Number(date.slice(8))}</span>
              <span className="day-coefficient">{day?.best ? `x${day.best.coefficient}` : ''}</span>
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
      </div>
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
