// WB's limits over HTTP: one bucket per seller account and endpoint, X-Ratelimit-* headers, violations counted.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StatsSnapshot } from '../../src/sandbox/stats.ts';
import { OFFICIAL_ENDPOINTS } from '../../src/wb/endpoints.ts';
import { startTestbed, type Testbed } from './testbed.ts';

describe('sandbox rate limits', () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed();
  });
  afterAll(() => bed?.close());
  beforeEach(async () => {
    bed.sandbox.reset();
    // The buckets of the coefficients and warehouses methods, as WB meters them when it has them on.
    await bed.setOfficial(true);
  });

  const stats = async () => (await bed.control<StatsSnapshot>('GET', '/__sandbox/stats')).body;

  it('7 rapid coefficient calls: 6 answered with a falling X-Ratelimit-Remaining, then a 429 with WB’s headers', async () => {
    const seller = await bed.createSeller();
    const remaining: Array<string | null> = [];
    for (let i = 0; i < 6; i++) {
      const response = await bed.official('coefficients', seller.apiToken, { query: 'warehouseIDs=507' });
      expect(response.status).toBe(200);
      remaining.push(response.headers.get('x-ratelimit-remaining'));
      bed.clock.advance(100);
    }
    expect(remaining).toEqual(['5', '4', '3', '2', '1', '0']);

    const limited = await bed.official('coefficients', seller.apiToken, { query: 'warehouseIDs=507' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // The first token went 600 ms ago and comes back 10 s after it went; the bucket is full 50 s after that.
    expect(limited.headers.get('x-ratelimit-retry')).toBe('10');
    expect(limited.headers.get('x-ratelimit-limit')).toBe('6');
    expect(limited.headers.get('x-ratelimit-reset')).toBe('60');
    expect(limited.headers.get('x-ratelimit-remaining')).toBeNull();
    expect(await limited.json()).toMatchObject({ status: 429, title: 'too many requests' });

    const after = await stats();
    expect(after.violations).toBe(1);
    expect(after.throttled).toBe(1);
    expect(after.requests[seller.sid]?.coefficients).toBe(7);
    expect(after.violationsBySeller[seller.sid]?.coefficients).toBe(1);

    // Another seller has its own bucket; the same seller's other endpoints too.
    const other = await bed.createSeller();
    const fresh = await bed.official('coefficients', other.apiToken);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('x-ratelimit-remaining')).toBe('5');
    expect((await bed.official('warehouses', seller.apiToken)).headers.get('x-ratelimit-remaining')).toBe('5');
    expect((await stats()).violations).toBe(1);
  });

  it('a token comes back after refillMs, one at a time, and Retry counts down', async () => {
    const seller = await bed.createSeller();
    for (let i = 0; i < 6; i++) expect((await bed.official('coefficients', seller.apiToken)).status).toBe(200);
    bed.clock.advance(7_500);
    const early = await bed.official('coefficients', seller.apiToken);
    expect(early.status).toBe(429);
    // 2.5 s left: WB's headers are whole seconds, rounded up so an obedient client is never early.
    expect(early.headers.get('x-ratelimit-retry')).toBe('3');
    expect(early.headers.get('x-ratelimit-reset')).toBe('53');

    bed.clock.advance(2_500);
    const back = await bed.official('coefficients', seller.apiToken);
    expect(back.status).toBe(200);
    expect(back.headers.get('x-ratelimit-remaining')).toBe('0');
    expect((await bed.official('coefficients', seller.apiToken)).status).toBe(429);
    expect((await stats()).violations).toBe(2);
  });

  it('all tokens of one seller share one budget (WB limits per seller account, not per token)', async () => {
    const seller = await bed.createSeller();
    const second = (await bed.control<{ apiToken: string }>('POST', `/__sandbox/sellers/${seller.sid}/tokens`, {})).body.apiToken;
    expect(second).not.toBe(seller.apiToken);
    for (let i = 0; i < 3; i++) expect((await bed.official('coefficients', seller.apiToken)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await bed.official('coefficients', second)).status).toBe(200);
    expect((await bed.official('coefficients', second)).status).toBe(429);
  });

  it('a client that honours X-Ratelimit-Retry causes no violations', async () => {
    const seller = await bed.createSeller();
    let answered = 0;
    // Two simulated minutes of calling as fast as the headers allow.
    const end = bed.clock.now + 120_000;
    while (bed.clock.now < end) {
      const response = await bed.official('ping', seller.apiToken);
      if (response.status === 200) {
        answered += 1;
        if (response.headers.get('x-ratelimit-remaining') === '0') bed.clock.advance(OFFICIAL_ENDPOINTS.ping.refillMs);
      } else {
        throw new Error(`unexpected ${response.status}`);
      }
    }
    // ping is 3 per 30 s: the burst of 3 at t=0, then one every 10 s at t=10 s … 110 s.
    expect(answered).toBe(3 + 11);
    expect((await stats()).violations).toBe(0);
  });

  it('reset fills every bucket again', async () => {
    const seller = await bed.createSeller();
    for (let i = 0; i < 3; i++) await bed.official('ping', seller.apiToken);
    expect((await bed.official('ping', seller.apiToken)).status).toBe(429);
    await bed.control('POST', '/__sandbox/reset');
    const again = await bed.createSeller();
    // A reset also turns the official methods back off; ping is not one of them.
    expect((await bed.official('ping', again.apiToken)).headers.get('x-ratelimit-remaining')).toBe('2');
    expect((await stats()).violations).toBe(0);
  });
});
