// The official client against the WB sandbox over HTTP: shapes parsed, every failure typed, limits and circuits honoured.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMemorySharedState } from '../../src/platform/kv/memory.ts';
import { WbDisabledError, WbRateLimitedError, WbTransientError, WbUnauthorizedError } from '../../src/wb/errors.ts';
import { createHttpTransport } from '../../src/wb/http-transport.ts';
import { WbOfficialClient } from '../../src/wb/official-client.ts';
import { SellerRateLimiter } from '../../src/wb/seller-rate-limiter.ts';
import { encodeWbToken } from '../../src/wb/token.ts';
import { type SandboxSeller, startTestSandbox, type TestSandbox } from '../harness/sandbox.ts';

describe('WbOfficialClient against the sandbox', () => {
  let sandbox: TestSandbox;
  const transport = createHttpTransport();
  const makeClient = (overrides: Partial<ConstructorParameters<typeof WbOfficialClient>[0]> = {}) =>
    new WbOfficialClient({
      commonApiUrl: sandbox.url,
      suppliesApiUrl: sandbox.url,
      transport,
      limiter: new SellerRateLimiter(createMemorySharedState()),
      ...overrides,
    });

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    // The sandbox serves today's WB: the official coefficients/warehouses methods are off until switched on.
    const switched = await fetch(`${sandbox.url}/__sandbox/official`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: true }),
    });
    if (!switched.ok) throw new Error(`could not switch WB's official methods on: HTTP ${switched.status}`);
  });
  afterEach(async () => {
    await sandbox.clearFaults();
  });
  afterAll(async () => {
    await transport.close();
    await sandbox.close();
  });

  const credentialOf = (seller: SandboxSeller) => ({ sid: seller.sid, token: seller.apiToken });

  it('reads ping, seller info, coefficients and warehouses in their documented shapes', async () => {
    const seller = await sandbox.createSeller({ name: 'ООО Ромашка' });
    const client = makeClient();
    const credential = credentialOf(seller);
    expect(await client.ping(credential)).toMatchObject({ Status: 'OK' });
    expect(await client.sellerInfo(credential)).toMatchObject({ name: 'ООО Ромашка', sid: seller.sid });
    const coefficients = await client.coefficients(credential, [507, 117501]);
    expect(new Set(coefficients.map((c) => c.warehouseID))).toEqual(new Set([507, 117501]));
    expect(coefficients.filter((c) => c.warehouseID === 507 && c.boxTypeID === 2)).toHaveLength(14);
    const warehouses = await client.warehouses(credential);
    expect(warehouses.length).toBeGreaterThanOrEqual(25);
    expect(warehouses.find((w) => w.ID === 507)?.name).toMatch(/Коледино/);
  });

  it('maps an unknown token to "unauthorized"', async () => {
    const stranger = encodeWbToken({ sid: crypto.randomUUID(), id: 'x', exp: Math.floor(Date.now() / 1000) + 3600, s: 1 << 10 });
    await expect(makeClient().ping({ sid: 'nobody', token: stranger })).rejects.toBeInstanceOf(WbUnauthorizedError);
  });

  it('never spends more than WB allows: a second call within the window is refused locally, without reaching WB', async () => {
    const seller = await sandbox.createSeller();
    const client = makeClient();
    await client.coefficients(credentialOf(seller), [507], { maxLimiterWaitMs: 0 });
    const refused = await client.coefficients(credentialOf(seller), [507], { maxLimiterWaitMs: 0 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WbRateLimitedError);
    expect(refused).toMatchObject({ source: 'local' });
    expect((refused as WbRateLimitedError).retryAfterMs).toBeGreaterThan(8_000);
    expect(await sandbox.requests(seller.sid, 'coefficients')).toBe(1);
    expect((await sandbox.stats()).violations).toBe(0);
  });

  it('honours 429 with X-Ratelimit-Retry: typed error, and the bucket stays closed for that long', async () => {
    const seller = await sandbox.createSeller();
    const client = makeClient();
    await sandbox.fault({ endpoint: 'warehouses', kind: '429', count: 1, retryAfterS: 42 });
    const error = await client.warehouses(credentialOf(seller)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WbRateLimitedError);
    expect(error).toMatchObject({ source: 'wb', retryAfterMs: 42_000 });
    const again = await client.warehouses(credentialOf(seller), { maxLimiterWaitMs: 0 }).catch((e: unknown) => e);
    expect(again).toMatchObject({ source: 'local' });
    expect((again as WbRateLimitedError).retryAfterMs).toBeGreaterThan(30_000);
    expect(await sandbox.requests(seller.sid, 'warehouses')).toBe(1);
  });

  it('treats "temporarily disabled" as a state: the circuit opens and WB is not asked again until the cool-down', async () => {
    const seller = await sandbox.createSeller();
    const client = makeClient({ disabledCooldownMs: 60_000 });
    await sandbox.fault({ endpoint: 'acceptanceOptions', kind: 'disabled' });
    const goods = [{ barcode: '4600000000001', quantity: 1 }];
    await expect(client.acceptanceOptions(credentialOf(seller), goods)).rejects.toBeInstanceOf(WbDisabledError);
    expect(client.health('acceptanceOptions')).toBe('disabled');
    await expect(client.acceptanceOptions(credentialOf(seller), goods, undefined, { maxLimiterWaitMs: 0 })).rejects.toBeInstanceOf(
      WbDisabledError,
    );
    expect(await sandbox.requests(seller.sid, 'acceptanceOptions')).toBe(1);
  });

  it('retries a read once with jitter on 5xx, then opens the circuit during a storm', async () => {
    const client = makeClient({ transientThreshold: 3, transientCooldownMs: 60_000 });
    const seller = await sandbox.createSeller();
    await sandbox.fault({ endpoint: 'supplies', kind: '5xx', count: 1 });
    // One 5xx, then success on the retry (the supplies bucket refills every 2 s, so the retry waits for it).
    await expect(client.supplies(credentialOf(seller), {}, { maxLimiterWaitMs: 5_000 })).resolves.toBeInstanceOf(Array);
    expect(await sandbox.requests(seller.sid, 'supplies')).toBe(2);

    await sandbox.fault({ endpoint: 'sellerInfo', kind: '5xx' });
    const storm = [await sandbox.createSeller(), await sandbox.createSeller(), await sandbox.createSeller()];
    for (const s of storm) await expect(client.sellerInfo(credentialOf(s), { attempts: 1 })).rejects.toBeInstanceOf(WbTransientError);
    expect(client.health('sellerInfo')).toBe('failing');
    // With the circuit open, the next caller is refused at once and WB is not asked.
    const next = await sandbox.createSeller();
    await expect(client.sellerInfo(credentialOf(next))).rejects.toThrow(/pausing calls/);
    expect(await sandbox.requests(next.sid, 'sellerInfo')).toBe(0);
  });

  it('gives up on a hanging WB at the deadline with a transient error', async () => {
    const seller = await sandbox.createSeller();
    await sandbox.fault({ endpoint: 'ping', kind: 'timeout', count: 1 });
    const error = await makeClient()
      .ping(credentialOf(seller), { timeoutMs: 300, attempts: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WbTransientError);
    expect((error as Error).message).toMatch(/timed out/);
  });
});
