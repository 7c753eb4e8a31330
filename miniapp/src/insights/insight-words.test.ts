import type { ThresholdFigures } from '@slotpilot/shared';
import { describe, expect, it } from 'vitest';
import { durationWords, figuresFor, majorityWindow, numberWords, peakWords } from './insight-words.ts';

const figures = (heatmap: ThresholdFigures['heatmap']): ThresholdFigures => ({
  threshold: 1,
  openings: heatmap.reduce((sum, c) => sum + c.openings, 0),
  perDay: 1,
  medianOpenSeconds: 40,
  stillOpen: 0,
  heatmap,
  daysAhead: [],
});

describe('insight words', () => {
  it('tells a maximum by the highest threshold not above it', () => {
    const all = [0, 1, 2, 3, 5].map((threshold) => ({ ...figures([]), threshold })) as ThresholdFigures[];
    expect(figuresFor(all, 0)?.threshold).toBe(0);
    expect(figuresFor(all, 1)?.threshold).toBe(1);
    expect(figuresFor(all, 4)?.threshold).toBe(3);
    expect(figuresFor(all, 10)?.threshold).toBe(5);
    expect(figuresFor([], 1)).toBeUndefined();
  });

  it('says "mostly" only of a short run holding more than half of the openings', () => {
    expect(majorityWindow([0, 3, 2, 2, 0, 0, 1], 4)).toEqual({ start: 1, length: 2 });
    // Sunday and Monday are neighbours.
    expect(majorityWindow([3, 0, 0, 0, 0, 0, 3], 4)).toEqual({ start: 6, length: 2 });
    expect(majorityWindow([1, 1, 1, 1, 1, 1, 1], 3)).toBeNull();
    expect(majorityWindow([0, 0, 0], 2)).toBeNull();
  });

  it('words the peak in both languages, a run of days and of hours that holds a majority', () => {
    const peak = figures([
      { weekday: 2, hour: 9, openings: 3 },
      { weekday: 3, hour: 10, openings: 2 },
      { weekday: 4, hour: 10, openings: 2 },
      { weekday: 6, hour: 20, openings: 1 },
    ]);
    expect(peakWords('ru', peak)).toBe('вт–ср 9:00–11:00');
    expect(peakWords('en', peak)).toBe('Tue–Wed 9:00–11:00');
  });

  it('says durations and fractions the way each language does', () => {
    expect(durationWords('ru', 40)).toBe('40 с');
    expect(durationWords('en', 40)).toBe('40 sec');
    expect(durationWords('en', 300)).toBe('5 min');
    expect(numberWords('ru', 8.7)).toBe('8,7');
    expect(numberWords('en', 9)).toBe('9');
  });
});
