// insights.preorderCosts against the WB sandbox over HTTP: a seller's preorder's estimated acceptance cost in ₽ per
// date (null where closed), read with their portal session through the shared portal limiter, one read per preorder
// per 5 minutes whatever range is asked, a bounded number of reads per seller account a minute, and WB's refusals
// in the seller's language.
import { addDays, DomainError, moscowToday } from '@slotpilot/shared';
import pino from 'pino';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreorderCostsService } from '../../src/insights/preorder-costs.ts';
import { createMemorySharedState } from '../../src/platform/kv/memory.ts';
import { createHttpTransport } from '../../src/wb/http-transport.ts';
import { WbPortalClient } from '../../src/wb/portal-client.ts';
import { PortalLimiter } from '../../src/wb/portal-limiter.ts';
import { sandboxControl } from '../harness/sandbox-control.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { failure } from '../harness/trpc-failure.ts';

describe('preorder acceptance costs', () => {
  let server: TestServer;
  let wb: ReturnType<typeof sandboxControl>;
  let nextUser = 16_000;
  const newUser = (languageCode = 'ru') => ({ id: ++nextUser, firstName: `C${nextUser}`, languageCode });
  const today = moscowToday();

  beforeAll(async () => {
    server = await startTestServer();
    wb = sandboxControl(server.sandboxUrl);
    await wb.scenario({ running: false });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function sellerUser(languageCode = 'ru') {
    const user = newUser(languageCode);
    const seller = await wb.createSeller({ name: 'ООО Стоимость' });
    await server.client(user).keys.add.mutate({ kind: 'portal_session', name: 'Кабинет', secret: seller.portalSession });
    return { user, seller, client: server.client(user) };
  }
  const costReads = async (sid: string) => (await wb.stats()).requests[sid]?.acceptanceCosts ?? 0;

  it('gives the cost in ₽ per date of the range, null where closed, from one read of WB per preorder', async () => {
    const { seller, client } = await sellerUser();
    const preorder = seller.preorders[0]!;
    const [d1, d2, d3, d4] = [2, 3, 4, 5].map((n) => addDays(today, n)) as [string, string, string, string];
    const cell = { warehouseId: preorder.warehouseId, boxTypeId: preorder.boxTypeId };
    await wb.setCell({ ...cell, date: d1, coefficient: 1, allowUnload: true });
    await wb.setCell({ ...cell, date: d2, coefficient: 2, allowUnload: true });
    await wb.setCell({ ...cell, date: d3, coefficient: 3, allowUnload: false });
    await wb.setCell({ ...cell, date: d4, coefficient: 0, allowUnload: true });

    const answer = await client.insights.preorderCosts.query({ preorderId: String(preorder.id), dateFrom: d1, dateTo: d4 });
    expect(answer.preorderId).toBe(String(preorder.id));
    expect(answer.days.map((d) => d.date)).toEqual([d1, d2, d3, d4]);
    const [x1, x2, closed, free] = answer.days as [(typeof answer.days)[number], ...(typeof answer.days)[number][]];
    expect(x1.coefficient).toBe(1);
    expect(x1.cost).toBeGreaterThan(0);
    // WB prices acceptance by the coefficient: twice the coefficient, twice the ₽.
    expect(x2).toEqual({ date: d2, coefficient: 2, cost: 2 * (x1.cost ?? 0) });
    expect(closed).toEqual({ date: d3, coefficient: null, cost: null });
    expect(free).toEqual({ date: d4, coefficient: 0, cost: 0 });
    expect(await costReads(seller.sid)).toBe(1);

    // Another range of the same preorder, twice at once: served from that read.
    const again = await Promise.all([
      client.insights.preorderCosts.query({ preorderId: String(preorder.id), dateFrom: today, dateTo: addDays(today, 13) }),
      client.insights.preorderCosts.query({ preorderId: String(preorder.id), dateFrom: d2, dateTo: d2 }),
    ]);
    expect(again[0].days).toHaveLength(14);
    expect(again[0].fetchedAt).toBe(answer.fetchedAt);
    expect(again[1].days).toEqual([x2]);
    expect(await costReads(seller.sid)).toBe(1);
    expect((await wb.stats()).portalViolationsBySeller[seller.sid] ?? 0).toBe(0);
  });

  it("refuses a preorder that is not the seller's, a user without a portal session, and a range WB does not publish", async () => {
    const { client } = await sellerUser('en');
    const notOurs = await failure(client.insights.preorderCosts.query({ preorderId: '999999999', dateFrom: today, dateTo: today }));
    expect(notOurs.data?.appCode).toBe('PREORDER_NOT_FOUND');
    expect(notOurs.message).toBe('Preorder 999999999 was not found in your WB portal.');

    const bare = await failure(
      server.client(newUser('ru')).insights.preorderCosts.query({ preorderId: '123', dateFrom: today, dateTo: today }),
    );
    expect(bare.data?.appCode).toBe('NO_PORTAL_SESSION');
    expect(bare.message).toContain('сессия кабинета WB');

    for (const input of [
      { preorderId: '123', dateFrom: today, dateTo: addDays(today, 14) },
      { preorderId: '123', dateFrom: addDays(today, 2), dateTo: today },
      { preorderId: '12ab', dateFrom: today, dateTo: today },
    ]) {
      const refused = await failure(client.insights.preorderCosts.query(input));
      expect(refused.data?.appCode).toBe('BAD_INPUT');
    }
  });

  it("bounds the reads per seller account a minute, over every preorder, and never meets WB's own limit", async () => {
    const seller = await wb.createSeller({ name: 'ИП Бюджет' });
    const logger = pino({ level: 'silent' });
    // The portal limiter spaces cost reads once a second here instead of 10 s: the bound under test is the budget.
    const portal = new WbPortalClient({
      portalUrl: server.sandboxUrl,
      authUrl: server.sandboxUrl,
      transport: createHttpTransport(),
      limiter: new PortalLimiter(createMemorySharedState(), { spacingMs: { acceptanceCosts: 1_000 } }),
      logger,
    });
    const service = new PreorderCostsService({
      portal,
      credentials: {
        portalSessions: async () => [{ credentialId: 'c-budget', sid: seller.sid, session: seller.portalSession }],
        touch: async () => undefined,
        markRejected: async () => undefined,
      },
      cache: createMemorySharedState().cache,
      accountLimiter: new RateLimiterMemory({ points: 2, duration: 60 }),
      logger,
    });
    const range = { dateFrom: addDays(today, 1), dateTo: addDays(today, 3) };
    const [first, second, third] = seller.preorders.map((p) => String(p.id));
    expect(third).toBeDefined();
    await service.costs(1, { preorderId: first!, ...range });
    await service.costs(1, { preorderId: second!, ...range });
    const refused = await service.costs(1, { preorderId: third!, ...range }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).code).toBe('PREORDER_COSTS_RATE_LIMITED');
    expect((refused as DomainError).vars?.seconds).toBeGreaterThan(0);
    // What was read stays readable: the cache answers without a read.
    await expect(service.costs(1, { preorderId: first!, ...range })).resolves.toMatchObject({ preorderId: first });
    expect(await costReads(seller.sid)).toBe(2);
    expect((await wb.stats()).portalViolationsBySeller[seller.sid] ?? 0).toBe(0);
  });
});
