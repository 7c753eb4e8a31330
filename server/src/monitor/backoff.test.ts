import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF_CAP_MS, fullJitterDelay } from './backoff.ts';

const always = (value: number) => () => value;

describe('fullJitterDelay', () => {
  it('draws from [0, base) on the first attempt', () => {
    expect(fullJitterDelay(0, always(0))).toBe(0);
    expect(fullJitterDelay(0, always(0.5))).toBe(500);
    expect(fullJitterDelay(0, always(0.999))).toBeCloseTo(999);
  });

  it('doubles the window with every attempt', () => {
    expect([0, 1, 2, 3, 4].map((attempt) => fullJitterDelay(attempt, always(0.5)))).toEqual([500, 1000, 2000, 4000, 8000]);
  });

  it('never exceeds the cap, however many attempts failed', () => {
    expect(fullJitterDelay(6, always(1))).toBe(DEFAULT_BACKOFF_CAP_MS); // 64 s window, capped to 60 s
    expect(fullJitterDelay(50, always(0.5))).toBe(DEFAULT_BACKOFF_CAP_MS / 2);
    expect(fullJitterDelay(5000, always(0.5))).toBe(DEFAULT_BACKOFF_CAP_MS / 2); // 2^5000 is Infinity: still the cap
    expect(fullJitterDelay(Number.POSITIVE_INFINITY, always(0.5))).toBe(DEFAULT_BACKOFF_CAP_MS / 2);
  });

  it('takes its base and cap from options', () => {
    expect(fullJitterDelay(0, always(0.5), { baseMs: 200 })).toBe(100);
    expect(fullJitterDelay(3, always(0.5), { baseMs: 200, capMs: 1000 })).toBe(500);
  });

  it('reads a nonsense attempt as the first one', () => {
    expect(fullJitterDelay(-3, always(0.5))).toBe(500);
    expect(fullJitterDelay(Number.NaN, always(0.5))).toBe(500);
    expect(fullJitterDelay(1.7, always(0.5))).toBe(1000);
  });

  it('keeps a misbehaving random source inside the window', () => {
    expect(fullJitterDelay(0, always(-1))).toBe(0);
    expect(fullJitterDelay(0, always(Number.NaN))).toBe(0);
    expect(fullJitterDelay(0, always(7))).toBe(1000);
  });

  it('calls the random source once per delay', () => {
    let calls = 0;
    fullJitterDelay(2, () => {
      calls += 1;
      return 0.25;
    });
    expect(calls).toBe(1);
  });
});
