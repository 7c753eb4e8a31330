import { describe, expect, it } from 'vitest';
import { insightLine } from './insight-words.ts';
import type { WarehouseInsights } from './insights.ts';

// The Mini App's render test answer (miniapp/src/insights/insights-render.test.tsx): the same words must come out.
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

describe('the insight line in words', () => {
  it('says what a task at the maximum would have caught, when and how long, on how much observation', () => {
    expect(insightLine('ru', answer, 1)).toEqual({
      text: 'За 7 дней при ≤ x1 здесь открылось бы 6 слотов, чаще всего вт–ср 9:00–11:00 МСК, держались ~40 с (по 9 дням наблюдений).',
      suggestion: 'x1 ловит здесь в 5 раз чаще, чем x0.',
    });
    expect(insightLine('en', answer, 1)).toEqual({
      text: 'In the last 7 days at ≤ x1 you would have had 6 slots here, mostly Tue–Wed 9:00–11:00 Moscow time, they lasted ~40 sec (from 9 days of observation).',
      suggestion: 'x1 catches 5× as often as x0 here.',
    });
  });

  it('tells a maximum above the thresholds by the highest one, and one opening in the singular', () => {
    expect(insightLine('ru', answer, 10).text).toBe('За 7 дней при ≤ x5 здесь не открылось ни одного слота (по 9 дням наблюдений).');
    expect(insightLine('ru', answer, 0).text).toBe(
      'За 7 дней при ≤ x0 здесь открылся бы 1 слот, чаще всего вт 9:00–10:00 МСК, держались ~20 с (по 9 дням наблюдений).',
    );
    expect(insightLine('en', { ...answer, observation: { ...observation, days: 1 } }, 0).text).toContain('(from 1 day of observation)');
  });

  it('shows nothing below the minimum observation but how much there is', () => {
    const thin: WarehouseInsights = {
      status: 'insufficient',
      warehouseId: 507,
      boxTypeId: 2,
      days: 7,
      observation: { ...observation, days: 1.5 },
      computedAt: 0,
    };
    expect(insightLine('ru', thin, 1)).toEqual({ text: 'Статистики пока нет: склад наблюдается 1,5 дня из 3 нужных.', suggestion: null });
    expect(insightLine('en', thin, 1)).toEqual({
      text: 'No statistics yet: this warehouse has been watched for 1.5 days of the 3 needed.',
      suggestion: null,
    });
  });
});
