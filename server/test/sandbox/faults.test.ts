// Injected faults over HTTP: WB's "temporarily disabled" 404, 5xx, hanging requests and 429s, for N calls, for a
// while, or until cleared; on official endpoints and portal calls.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ActiveFault } from '../../src/sandbox/faults.ts';
import type { StatsSnapshot } from '../../src/sandbox/stats.ts';
import type { CreatedSeller } from '../../src/sandbox/world.ts';
import { DISABLED_BODY, DISABLED_MARKER } from '../../src/wb/endpoints.ts';
import { startTestbed, type Testbed } from './testbed.ts';

describe('sandbox faults', () => {
  let bed: Testbed;
  let seller: CreatedSeller;
  beforeAll(async () => {
    bed = await startTestbed();
  });
  afterAll(() => bed?.close());
  beforeEach(async () => {
    bed.sandbox.reset();
    // Faults are injected into methods that answer; the official ones are off by default (control.test.ts).
    await bed.setOfficial(true);
    seller = await bed.createSeller();
  });

  const fault = async (spec: Record<string, unknown>) => {
    const { status, body } = await bed.control<ActiveFault>('POST', '/__sandbox/faults', spec);
    expect(status).toBe(200);
    return body;
  };
  const stats = async () => (await bed.control<StatsSnapshot>('GET', '/__sandbox/stats')).body;

  it('disabled: 404 with WB’s text until cleared; the seller’s budget is untouched', async () => {
    await fault({ endpoint: 'coefficients', kind: 'disabled' });
    for (let i = 0; i < 8; i++) {
      const response = await bed.official('coefficients', seller.apiToken);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(response.headers.get('x-ratelimit-remaining')).toBe('6');
      const text = await response.text();
      expect(text).toBe(DISABLED_BODY);
      expect(text).toContain(DISABLED_MARKER);
    }
    // Other endpoints keep working.
    expect((await bed.official('warehouses', seller.apiToken)).status).toBe(200);

    expect((await bed.control('DELETE', '/__sandbox/faults')).body).toEqual({ cleared: 1 });
    expect((await bed.official('coefficients', seller.apiToken)).status).toBe(200);
    const after = await stats();
    expect(after.faultsServed).toBe(8);
    expect(after.violations).toBe(0);
  });

  it('5xx for the next N calls only', async () => {
    await fault({ endpoint: 'warehouses', kind: '5xx', count: 2 });
    expect((await bed.official('warehouses', seller.apiToken)).status).toBe(503);
    const second = await bed.official('warehouses', seller.apiToken);
    expect(second.status).toBe(503);
    expect(second.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await bed.official('warehouses', seller.apiToken)).status).toBe(200);
    expect((await bed.control<{ faults: unknown[] }>('GET', '/__sandbox/faults')).body.faults).toEqual([]);
  });

  it('a fault for a duration ends on the sandbox clock', async () => {
    // The lk token comes first: auth/token is a portal call like any other and would meet the fault too.
    await bed.lk(seller.portalSession);
    await fault({ endpoint: '*', kind: '5xx', durationMs: 5_000, status: 502 });
    expect((await bed.official('ping', seller.apiToken)).status).toBe(502);
    expect((await bed.rpc('transferLimits', seller.portalSession).catch((err: Error) => err.message)) as string).toMatch(/HTTP 502/);
    bed.clock.advance(5_000);
    expect((await bed.official('ping', seller.apiToken)).status).toBe(200);
  });

  it('injected 429s carry the given retry and are not violations', async () => {
    await fault({ endpoint: 'coefficients', kind: '429', count: 1, retryAfterS: 30 });
    const limited = await bed.official('coefficients', seller.apiToken);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-retry')).toBe('30');
    expect(limited.headers.get('x-ratelimit-limit')).toBe('6');
    expect(await limited.json()).toMatchObject({ status: 429, title: 'too many requests' });
    // The injected 429 did not spend a token.
    expect((await bed.official('coefficients', seller.apiToken)).headers.get('x-ratelimit-remaining')).toBe('5');
    expect(await stats()).toMatchObject({ violations: 0, throttled: 1, faultsServed: 1 });
  });

  it('a fault for one endpoint wins over "*", and faults apply to portal calls too', async () => {
    await bed.lk(seller.portalSession);
    await fault({ endpoint: '*', kind: 'disabled' });
    await fault({ endpoint: 'planAdd', kind: '429', retryAfterS: 2 });
    const planAdd = await bed.portal('planAdd', seller.portalSession, { preOrderId: seller.preorders[0]?.id, deliveryDate: '2026-11-23' });
    expect(planAdd.status).toBe(429);
    // The portal's 429 says when to come back in Retry-After (the official API's in X-Ratelimit-Retry).
    expect(planAdd.headers.get('retry-after')).toBe('2');
    expect(await planAdd.json()).toEqual({ message: 'too many requests' });
    const costs = await bed.portal('acceptanceCosts', seller.portalSession, {
      preorderID: 1,
      dateFrom: '2026-11-22',
      dateTo: '2026-11-30',
    });
    expect(costs.status).toBe(404);
    expect(await costs.text()).toBe(DISABLED_BODY);
    // Unauthenticated calls are refused before any fault applies.
    expect((await bed.official('ping', 'garbage')).status).toBe(401);
    // An injected 429 is not a violation of the portal's limits either.
    expect(await stats()).toMatchObject({ violations: 0, portalViolations: 0 });
  });

  it('timeout: the request is never answered; the client gives up, and later calls are unaffected', async () => {
    await fault({ endpoint: 'coefficients', kind: 'timeout', count: 1 });
    const controller = new AbortController();
    const pending = bed.official('coefficients', seller.apiToken, { signal: controller.signal });
    await expect.poll(() => bed.sandbox.faults.hangingCount).toBe(1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await expect.poll(() => bed.sandbox.faults.hangingCount).toBe(0);
    expect((await bed.official('coefficients', seller.apiToken)).status).toBe(200);
  });

  it('timeout: clearing the faults drops the hanging connection without an answer', async () => {
    await fault({ endpoint: 'planAdd', kind: 'timeout' });
    const pending = bed.portal('planAdd', seller.portalSession, { preOrderId: seller.preorders[0]?.id, deliveryDate: '2026-11-23' });
    await expect.poll(() => bed.sandbox.faults.hangingCount).toBe(1);
    await bed.control('DELETE', '/__sandbox/faults');
    await expect(pending).rejects.toThrow(/fetch failed/);
    expect(bed.sandbox.faults.hangingCount).toBe(0);
  });

  it('close() does not wait for hanging requests', async () => {
    const other = await startTestbed();
    const otherSeller = await other.createSeller();
    await other.control('POST', '/__sandbox/faults', { endpoint: 'ping', kind: 'timeout' });
    const pending = other.official('ping', otherSeller.apiToken).catch((err: Error) => err);
    await expect.poll(() => other.sandbox.faults.hangingCount).toBe(1);
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('refuses a malformed fault with a clear message', async () => {
    const bad = await bed.control<{ error: string }>('POST', '/__sandbox/faults', { endpoint: 'nope', kind: 'timeout' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^endpoint: endpoint must be one of: ping, sellerInfo, coefficients/);
    const kind = await bed.control<{ error: string }>('POST', '/__sandbox/faults', { endpoint: 'ping', kind: 'slow' });
    expect(kind.body.error).toMatch(/kind must be one of: 429, 5xx, timeout, disabled/);
  });
});
