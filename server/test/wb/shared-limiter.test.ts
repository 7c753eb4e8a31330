// Two instances (separate Redis connections, separate HTTP pools) calling for the same seller never exceed its bucket together.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedisSharedState } from '../../src/platform/kv/redis.ts';
import type { SharedState } from '../../src/platform/kv/types.ts';
import { WbRateLimitedError } from '../../src/wb/errors.ts';
import { createHttpTransport, type HttpTransport } from '../../src/wb/http-transport.ts';
import { WbOfficialClient } from '../../src/wb/official-client.ts';
import { SellerRateLimiter } from '../../src/wb/seller-rate-limiter.ts';
import { startTestSandbox, type TestSandbox } from '../harness/sandbox.ts';

describe('the per-seller limiter across instances', () => {
  let sandbox: TestSandbox;
  const instances: Array<{ shared: SharedState; transport: HttpTransport; client: WbOfficialClient }> = [];

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    // The sandbox serves today's WB: the official coefficients/warehouses methods are off until switched on.
    const switched = await fetch(`${sandbox.url}/__sandbox/official`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: true }),
    });
    if (!switched.ok) throw new Error(`could not switch WB's official methods on: HTTP ${switched.status}`);
    const keyPrefix = `limiter-test:${randomUUID()}:`;
    for (let i = 0; i < 2; i++) {
      const shared = await createRedisSharedState({ url: inject('redisUrl'), logger: pino({ level: 'silent' }), keyPrefix });
      const transport = createHttpTransport();
      const client = new WbOfficialClient({
        commonApiUrl: sandbox.url,
        suppliesApiUrl: sandbox.url,
        transport,
        limiter: new SellerRateLimiter(shared),
      });
      instances.push({ shared, transport, client });
    }
  });
  afterAll(async () => {
    for (const { shared, transport } of instances) await Promise.all([shared.close(), transport.close()]);
    await sandbox.close();
  });

  it('lets exactly one of many simultaneous calls through per window, whichever instance makes it', async () => {
    const seller = await sandbox.createSeller();
    const credential = { sid: seller.sid, token: seller.apiToken };
    const attempts = instances.flatMap(({ client }) =>
      Array.from({ length: 10 }, () => client.coefficients(credential, [507], { maxLimiterWaitMs: 0 })),
    );
    const results = await Promise.allSettled(attempts);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof WbRateLimitedError),
    ).toBe(true);
    expect(await sandbox.requests(seller.sid, 'coefficients')).toBe(1);
    expect((await sandbox.stats()).violations).toBe(0);
  });

  it('spaces waiting callers on both instances one refill apart, with zero violations', async () => {
    const seller = await sandbox.createSeller();
    const credential = { sid: seller.sid, token: seller.apiToken };
    // supplies: one call every 2 s per seller. Three callers on each instance all wait their turn.
    const started = Date.now();
    await Promise.all(
      instances.flatMap(({ client }) => Array.from({ length: 3 }, () => client.supplies(credential, {}, { maxLimiterWaitMs: 30_000 }))),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(5 * 2_000 - 200);
    expect(await sandbox.requests(seller.sid, 'supplies')).toBe(6);
    expect((await sandbox.stats()).violations).toBe(0);
  });
});
