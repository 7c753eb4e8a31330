import { describe, expect, it } from 'vitest';
import { createMemorySharedState } from '../platform/kv/memory.ts';
import { WbRateLimitedError } from './errors.ts';
import { PortalLimiter, portalSpacingMs, rateLimitedCooldownMs } from './portal-limiter.ts';

const calls = { maxWaitMs: 0, timeoutMs: 1_000 };

describe('PortalLimiter', () => {
  it('spaces calls as issue 13 asks', () => {
    expect(portalSpacingMs('coefficientsReport', 60_000)).toBe(61_000);
    expect(portalSpacingMs('acceptanceCosts', 60_000)).toBe(10_000);
    expect(portalSpacingMs('authToken', 60_000)).toBe(30_000);
    expect(portalSpacingMs('planAdd', 60_000)).toBe(2_000);
  });

  it('doubles the 429 pause per consecutive 429, from at least a minute, up to 30 min', () => {
    expect(rateLimitedCooldownMs(5_000, 0)).toBe(60_000);
    expect(rateLimitedCooldownMs(90_000, 0)).toBe(90_000);
    expect(rateLimitedCooldownMs(5_000, 1)).toBe(120_000);
    expect(rateLimitedCooldownMs(5_000, 3)).toBe(480_000);
    expect(rateLimitedCooldownMs(5_000, 10)).toBe(30 * 60_000);
  });

  it('refuses a second call within the spacing without running it', async () => {
    const limiter = new PortalLimiter(createMemorySharedState(), { readIntervalMs: 60_000 });
    let ran = 0;
    await limiter.run('s1', 'coefficientsReport', calls, async () => ran++);
    const refused = await limiter.run('s1', 'coefficientsReport', calls, async () => ran++).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WbRateLimitedError);
    expect(refused).toMatchObject({ source: 'local' });
    expect((refused as WbRateLimitedError).retryAfterMs).toBeGreaterThan(50_000);
    // Another call, and another seller, are spaced on their own.
    await limiter.run('s1', 'warehouseFilterItems', calls, async () => ran++);
    await limiter.run('s2', 'coefficientsReport', calls, async () => ran++);
    expect(ran).toBe(3);
  });

  it('runs one call of a seller at a time, in order, and never two at once', async () => {
    const limiter = new PortalLimiter(createMemorySharedState(), { spacingMs: { planUpdate: 1_000 } });
    let inFlight = 0;
    let most = 0;
    const order: number[] = [];
    const work = (i: number) => async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      order.push(i);
      inFlight--;
    };
    // Different calls (no spacing between them), one seller: they queue; a caller with no patience is refused.
    const callsOf = ['warehouseFilterItems', 'supplyList', 'transferList', 'transferLimits'] as const;
    const runs = callsOf.map((call, i) => limiter.run('s1', call, { maxWaitMs: 5_000, timeoutMs: 1_000 }, work(i)));
    const impatient = limiter.run('s1', 'draftCreate', { maxWaitMs: 0, timeoutMs: 1_000 }, work(9)).catch((e: unknown) => e);
    await Promise.all(runs);
    expect(await impatient).toBeInstanceOf(WbRateLimitedError);
    // Refused because the seller was busy, not because its turn was spent: it may go at once when the seller is free.
    await limiter.run('s1', 'draftCreate', { maxWaitMs: 0, timeoutMs: 1_000 }, work(10));
    expect(most).toBe(1);
    expect(order).toEqual([0, 1, 2, 3, 10]);
  });

  it('cools a seller down after a 429 on every call, and only the captcha calls after a captcha', async () => {
    const limiter = new PortalLimiter(createMemorySharedState());
    await limiter.run('s1', 'planAdd', calls, (slot) => slot.penalise({ kind: 'captcha', call: 'planAdd' }));
    await expect(limiter.run('s1', 'transferOrder', calls, async () => 1)).rejects.toMatchObject({ source: 'local' });
    expect(await limiter.run('s1', 'supplyDetails', calls, async () => 'read')).toBe('read');
    expect(await limiter.coolingDown('s1')).toBeUndefined();

    const pause = await limiter.run('s1', 'transferLimits', calls, (slot) => slot.penalise({ kind: 'rate_limited', retryAfterMs: 3_000 }));
    expect(pause).toBe(60_000);
    const until = await limiter.coolingDown('s1');
    expect(until).toBeGreaterThan(Date.now() + 55_000);
    let touched = false;
    const refused = await limiter
      .run('s1', 'preorderDelete', calls, async () => {
        touched = true;
      })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ source: 'local' });
    expect(touched).toBe(false);
    expect(await limiter.coolingDown('s2')).toBeUndefined();
  });

  it('remembers consecutive 429s across the pause and forgets them after a call that meets none', async () => {
    const shared = createMemorySharedState();
    const limiter = new PortalLimiter(shared, { cooldowns: { rateLimitedMinMs: 1, rateLimitedMaxMs: 10_000 } });
    // A different call each time, so spacing never makes the test wait: only the pauses do.
    const penalise = (call: 'supplyList' | 'transferList' | 'draftCreate', retryAfterMs: number) =>
      limiter.run('s1', call, { maxWaitMs: 0, timeoutMs: 1_000 }, (slot) => slot.penalise({ kind: 'rate_limited', retryAfterMs }));
    expect(await penalise('supplyList', 100)).toBe(100);
    await waitUntilFree(limiter);
    expect(await penalise('transferList', 100)).toBe(200);
    await waitUntilFree(limiter);
    await limiter.run('s1', 'planUpdate', { maxWaitMs: 0, timeoutMs: 1_000 }, async () => undefined);
    expect(await penalise('draftCreate', 100)).toBe(100);
  });
});

async function waitUntilFree(limiter: PortalLimiter): Promise<void> {
  for (let until = await limiter.coolingDown('s1'); until !== undefined; until = await limiter.coolingDown('s1')) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, until - Date.now())));
  }
}
