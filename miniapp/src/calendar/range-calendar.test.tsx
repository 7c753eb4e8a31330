// The calendar as rendered (server-side, no DOM needed): what a seller sees for a selection, a past day, a skipped day.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { CalendarDay } from '../api/api-types.ts';
import { LanguageProvider } from '../i18n/i18n.tsx';
import { RangeCalendar } from './range-calendar.tsx';
import type { CalendarBounds, RangeSelection } from './range-selection.ts';

const bounds: CalendarBounds = { today: '2026-11-22', lastDay: '2027-02-20' };

function render(selection: RangeSelection, days?: CalendarDay[], language: 'ru' | 'en' = 'ru') {
  const html = renderToStaticMarkup(
    <LanguageProvider language={language}>
      <RangeCalendar
        selection={selection}
        onChange={() => undefined}
        bounds={bounds}
        days={days && new Map(days.map((d) => [d.date, d]))}
        status={null}
        problem={null}
      />
    </LanguageProvider>,
  );
  const day = (date: string) => html.match(new RegExp(`<button[^>]*data-testid="day-${date}"[^>]*>`))?.[0] ?? '';
  return { html, day };
}

describe('RangeCalendar', () => {
  it('shows the month of the selection, Monday first, with past days disabled', () => {
    const { html, day } = render({ start: '2026-11-25', end: '2026-11-28', skipped: ['2026-11-27'] });
    expect(html).toContain('Ноябрь 2026');
    expect(html.indexOf('пн')).toBeLessThan(html.indexOf('вс'));
    expect(day('2026-11-21')).toContain('disabled');
    expect(day('2026-11-22')).not.toContain('disabled');
    expect(html.match(/data-testid="day-/g)).toHaveLength(30);
  });

  it('marks the range ends, the inside and skipped days, and summarises them', () => {
    const { html, day } = render({ start: '2026-11-25', end: '2026-11-28', skipped: ['2026-11-27'] });
    expect(day('2026-11-25')).toContain('data-position="start"');
    expect(day('2026-11-26')).toContain('data-position="inside"');
    expect(day('2026-11-27')).toContain('data-skipped="true"');
    expect(day('2026-11-28')).toContain('data-position="end"');
    expect(day('2026-11-29')).toContain('data-position=""');
    expect(html).toContain('25 нояб. – 28 нояб.: 3 дня, 1 день пропущен');
  });

  it('colours days by the best coefficient and leaves days without data neutral', () => {
    const days: CalendarDay[] = [
      { date: '2026-11-23', best: { warehouseId: 507, coefficient: 0 }, cells: [] },
      { date: '2026-11-24', best: { warehouseId: 507, coefficient: 5 }, cells: [] },
      { date: '2026-11-25', best: null, cells: [] },
    ];
    const { day, html } = render({ start: null, end: null, skipped: [] }, days, 'en');
    expect(day('2026-11-23')).toContain('data-tone="free"');
    expect(day('2026-11-24')).toContain('data-tone="high"');
    expect(day('2026-11-25')).toContain('data-tone="closed"');
    expect(day('2026-11-26')).toContain('data-tone="unknown"');
    expect(html).toContain('Tap the first day of the range.');
  });
});
