// The form's line and the statistics screen as rendered (server-side, no DOM) for an answer with figures: the e2e server
// cannot build a week of history, so the "ok" wording, the table and the heatmap are checked here against a known answer.
import type { WarehouseInsights } from '@slotpilot/shared';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ApiProvider } from '../api/api-context.tsx';
import { queryKeys } from '../api/queries.ts';
import type { ApiClient } from '../api/trpc.ts';
import { LanguageProvider } from '../i18n/i18n.tsx';
import { InsightLine } from './insight-line.tsx';
import { WarehouseInsightsScreen } from './warehouse-insights-screen.tsx';

const observation = { days: 9, calendarDays: 9, minimumDays: 3, from: '2026-11-26', firstDay: '2026-11-24' };
const none = { openings: 0, perDay: 0, medianOpenSeconds: null, stillOpen: 0, heatmap: [], daysAhead: [] };
const answer: WarehouseInsights = {
  status: 'ok',
  warehouseId: 507,
  boxTypeId: 2,
  days: 7,
  observation,
  thresholds: [
    { threshold: 0, ...none, openings: 1, perDay: 0.11, medianOpenSeconds: 20, heatmap: [{ weekday: 2, hour: 9, openings: 1 }] },
    {
      threshold: 1,
      openings: 6,
      perDay: 0.67,
      medianOpenSeconds: 40,
      stillOpen: 0,
      heatmap: [
        { weekday: 2, hour: 9, openings: 3 },
        { weekday: 3, hour: 10, openings: 2 },
        { weekday: 6, hour: 20, openings: 1 },
      ],
      daysAhead: [{ days: 1, openings: 6 }],
    },
    { threshold: 2, ...none },
    { threshold: 3, ...none },
    { threshold: 5, ...none },
  ],
  suggestion: { threshold: 1, perDay: 0.67, timesX0: 5 },
  computedAt: 0,
};

function render(node: ReactNode, language: 'ru' | 'en', data: WarehouseInsights = answer): string {
  const client = new QueryClient();
  client.setQueryData(queryKeys.insights(507, 2, 7), data);
  client.setQueryData(queryKeys.warehouses, { warehouses: [{ id: 507, name: 'Коледино' }] });
  // Every query is answered from the cache above; rendering on the server never fetches.
  return renderToStaticMarkup(
    <QueryClientProvider client={client}>
      <ApiProvider client={{} as ApiClient}>
        <LanguageProvider language={language}>{node}</LanguageProvider>
      </ApiProvider>
    </QueryClientProvider>,
  );
}

const text = (html: string, testId: string) =>
  html.match(new RegExp(`data-testid="${testId}"[^>]*>([^<]*)<`))?.[1]?.replace(/&gt;/g, '>') ?? null;

describe('slot statistics as rendered', () => {
  it('says what a task at the maximum would have caught, when and how long, on how much observation', () => {
    const ru = render(<InsightLine warehouseId={507} boxTypeId={2} maxCoefficient={1} />, 'ru');
    expect(text(ru, 'insight-text')).toBe(
      'За 7 дней при ≤ x1 здесь открылось бы 6 слотов, чаще всего вт–ср 9:00–11:00 МСК, держались ~40 с (по 9 дням наблюдений).',
    );
    expect(text(ru, 'insight-suggestion')).toBe('x1 ловит здесь в 5 раз чаще, чем x0.');
    const en = render(<InsightLine warehouseId={507} boxTypeId={2} maxCoefficient={1} />, 'en');
    expect(text(en, 'insight-text')).toBe(
      'In the last 7 days at ≤ x1 you would have had 6 slots here, mostly Tue–Wed 9:00–11:00 Moscow time, they lasted ~40 sec (from 9 days of observation).',
    );
    expect(text(en, 'insight-suggestion')).toBe('x1 catches 5× as often as x0 here.');
  });

  it('tells a maximum above the thresholds by the highest one, and a threshold that never opened as such', () => {
    const html = render(<InsightLine warehouseId={507} boxTypeId={2} maxCoefficient={10} />, 'ru');
    expect(text(html, 'insight-text')).toBe('За 7 дней при ≤ x5 здесь не открылось ни одного слота (по 9 дням наблюдений).');
  });

  it('shows the per-threshold figures and a heatmap whose cells say their counts', () => {
    const html = render(<WarehouseInsightsScreen warehouseId={507} boxTypeId={2} />, 'ru');
    expect(text(html, 'insights-subject')).toBe('Коледино · Короба');
    expect(text(html, 'insights-basis')).toBe('Цифры по 9 дням наблюдений с 24 ноября.');
    expect(html).toMatch(/data-testid="insights-threshold-1"><th scope="row">≤ x1<\/th><td>6<\/td><td>0,67<\/td><td>40 с<\/td>/);
    expect(html).toMatch(/data-testid="insights-threshold-2">.*?<td>—<\/td><\/tr>/);
    expect(html).toContain('<th scope="col">вт</th>');
    expect(html).toMatch(/data-testid="heat-2-9" style="--heat:55%" class="heat">3</);
    expect(html).toMatch(/data-testid="heat-1-0"><span class="visually-hidden">0<\/span>/);
    expect(html).toContain('Открытия при ≤ x1 по дням недели и часам, МСК');
  });

  it('withholds every figure below the minimum and says how much observation there is', () => {
    const html = render(<InsightLine warehouseId={507} boxTypeId={2} maxCoefficient={1} />, 'ru', {
      status: 'insufficient',
      warehouseId: 507,
      boxTypeId: 2,
      days: 7,
      observation: { ...observation, days: 1.5 },
      computedAt: 0,
    });
    expect(text(html, 'insight-text')).toBe('Статистики пока нет: склад наблюдается 1,5 дня из 3 нужных.');
    expect(html).not.toContain('insight-suggestion');
  });
});
