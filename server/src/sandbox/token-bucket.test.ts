import { describe, expect, it } from 'vitest';
import { OFFICIAL_ENDPOINTS, PORTAL_SANDBOX_LIMITS } from '../wb/endpoints.ts';
import { officialLimit, portalLimit, SellerRateLimiter, TokenBucket, toHeaderSeconds } from './token-bucket.ts';

const T0 = 1_000_000;

describe('TokenBucket', () => {
  it('starts full: burst takes succeed with remaining burst-1 … 0, then it refuses', () => {
    const bucket = new TokenBucket({ burst: 6, refillMs: 10_000 }, T0);
    expect(Array.from({ length: 6 }, () => bucket.take(T0))).toEqual([5, 4, 3, 2, 1, 0].map((remaining) => ({ ok: true, remaining })));
    expect(bucket.take(T0)).toEqual({ ok: false, retryMs: 10_000, resetMs: 60_000, limit: 6 });
  });

  it('gives one token back per refillMs, counted from when the bucket stopped being full', () => {
    const bucket = new TokenBucket({ burst: 3, refillMs: 10_000 }, T0);
    bucket.take(T0); // the refill clock starts here
    bucket.take(T0 + 4_000);
    bucket.take(T0 + 8_000);
    expect(bucket.take(T0 + 9_000)).toEqual({ ok: false, retryMs: 1_000, resetMs: 21_000, limit: 3 });
    expect(bucket.take(T0 + 10_000)).toEqual({ ok: true, remaining: 0 });
    // The next token accrues from T0 + 10 s, not from the last take.
    expect(bucket.take(T0 + 12_000)).toMatchObject({ ok: false, retryMs: 8_000, resetMs: 28_000 });
    expect(bucket.take(T0 + 20_000)).toEqual({ ok: true, remaining: 0 });
  });

  it('refills several tokens after a long pause, never above burst', () => {
    const bucket = new TokenBucket({ burst: 3, refillMs: 1_000 }, T0);
    for (let i = 0; i < 3; i++) bucket.take(T0);
    expect(bucket.remaining(T0 + 2_500)).toBe(2);
    expect(bucket.remaining(T0 + 60_000)).toBe(3);
    // A full bucket does not bank time: emptying it again waits a whole refill.
    for (let i = 0; i < 3; i++) bucket.take(T0 + 60_000);
    expect(bucket.take(T0 + 60_000)).toMatchObject({ ok: false, retryMs: 1_000, resetMs: 3_000 });
  });

  it('keeps the partial progress of a token across refills', () => {
    const bucket = new TokenBucket({ burst: 2, refillMs: 1_000 }, T0);
    bucket.take(T0);
    bucket.take(T0);
    // 1.5 refills: one token back, half of the next one earned.
    expect(bucket.take(T0 + 1_500)).toEqual({ ok: true, remaining: 0 });
    expect(bucket.take(T0 + 1_600)).toMatchObject({ ok: false, retryMs: 400 });
    expect(bucket.take(T0 + 2_000)).toEqual({ ok: true, remaining: 0 });
  });

  it('does not mint tokens when the clock steps back', () => {
    const bucket = new TokenBucket({ burst: 1, refillMs: 1_000 }, T0);
    bucket.take(T0);
    expect(bucket.take(T0 - 5_000).ok).toBe(false);
    expect(bucket.take(T0 + 999).ok).toBe(false);
    expect(bucket.take(T0 + 1_000).ok).toBe(true);
  });

  it('matches WB’s stated rates over time: a greedy client gets burst + elapsed/refill calls', () => {
    const { burst, refillMs } = OFFICIAL_ENDPOINTS.coefficients;
    const bucket = new TokenBucket({ burst, refillMs }, T0);
    let ok = 0;
    for (let t = T0; t < T0 + 10 * 60_000; t += 250) while (bucket.take(t).ok) ok += 1;
    // 6 at once, then 6 per minute: 6 + 60 over ten minutes (the 60th refill lands exactly at the end, excluded).
    expect(ok).toBe(burst + (10 * 60_000) / refillMs - 1);
  });

  it('rejects a nonsense limit', () => {
    expect(() => new TokenBucket({ burst: 0, refillMs: 1 }, T0)).toThrow();
    expect(() => new TokenBucket({ burst: 1.5, refillMs: 1 }, T0)).toThrow();
  });
});

describe('SellerRateLimiter', () => {
  it('keeps one bucket per seller and endpoint, with the shared table’s limits', () => {
    let now = T0;
    const limiter = new SellerRateLimiter(() => now, officialLimit);
    for (let i = 0; i < OFFICIAL_ENDPOINTS.ping.burst; i++) expect(limiter.take('a', 'ping').ok).toBe(true);
    expect(limiter.take('a', 'ping')).toMatchObject({ ok: false, limit: OFFICIAL_ENDPOINTS.ping.burst });
    expect(limiter.take('b', 'ping')).toEqual({ ok: true, remaining: OFFICIAL_ENDPOINTS.ping.burst - 1 });
    expect(limiter.take('a', 'sellerInfo')).toEqual({ ok: true, remaining: OFFICIAL_ENDPOINTS.sellerInfo.burst - 1 });
    now += OFFICIAL_ENDPOINTS.ping.refillMs;
    expect(limiter.remaining('a', 'ping')).toBe(1);
    limiter.clear();
    expect(limiter.remaining('a', 'ping')).toBe(OFFICIAL_ENDPOINTS.ping.burst);
  });

  it('over portal calls: a listed call has its own guess, any other the default', () => {
    const limiter = new SellerRateLimiter(() => T0, portalLimit);
    const report = PORTAL_SANDBOX_LIMITS.coefficientsReport ?? PORTAL_SANDBOX_LIMITS.default;
    for (let i = 0; i < report.burst; i++) expect(limiter.take('a', 'coefficientsReport').ok).toBe(true);
    expect(limiter.take('a', 'coefficientsReport')).toMatchObject({ ok: false, limit: report.burst, retryMs: report.refillMs });
    expect(limiter.remaining('a', 'draftCreate')).toBe(PORTAL_SANDBOX_LIMITS.default.burst);
  });
});

describe('toHeaderSeconds', () => {
  it('rounds up to whole seconds, at least 1', () => {
    expect([1, 999, 1_000, 1_001, 10_000, 59_999].map(toHeaderSeconds)).toEqual([1, 1, 1, 2, 10, 60]);
  });
});
