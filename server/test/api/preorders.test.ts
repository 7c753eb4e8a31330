// preorders.list / preorders.create over tRPC against the in-process sandbox: the picker reads the seller's
// not-yet-planned preorders with their portal session (a minute's cache per user), and a new preorder is made with
// draft → goods → supply/create, WB's refusals answered in the seller's language.
import { addDays, moscowToday } from '@slotpilot/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxControl } from '../harness/sandbox-control.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { failure } from '../harness/trpc-failure.ts';

describe('preorders', () => {
  let server: TestServer;
  let wb: ReturnType<typeof sandboxControl>;
  let nextUser = 15_000;
  const newUser = (languageCode = 'ru') => ({ id: ++nextUser, firstName: `P${nextUser}`, languageCode });

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
    const seller = await wb.createSeller({ name: 'ООО Предзаказ' });
    await server.client(user).keys.add.mutate({ kind: 'portal_session', name: 'Кабинет', secret: seller.portalSession });
    return { user, seller, client: server.client(user) };
  }
  const calls = async (sid: string, call: string) => (await wb.stats()).requests[sid]?.[call] ?? 0;

  it("lists the seller's not-yet-planned preorders, and a second look within a minute costs WB nothing", async () => {
    const { seller, client } = await sellerUser();
    const listed = await client.preorders.list.query();
    expect(listed.map((p) => p.preorderId).sort()).toEqual(seller.preorders.map((p) => String(p.id)).sort());
    const sample = seller.preorders[0]!;
    expect(listed.find((p) => p.preorderId === String(sample.id))).toMatchObject({
      warehouseId: sample.warehouseId,
      boxTypeId: sample.boxTypeId,
      warehouseName: expect.any(String),
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      sellerName: 'ООО Предзаказ',
    });
    const reads = await calls(seller.sid, 'supplyList');
    expect(reads).toBeGreaterThan(0);

    // The picker opened again, twice at once: answered from the cache.
    const again = await Promise.all([client.preorders.list.query(), client.preorders.list.query()]);
    expect(again).toEqual([listed, listed]);
    expect(await calls(seller.sid, 'supplyList')).toBe(reads);
  });

  it('creates a preorder from goods (draft, goods, supply/create) and the picker shows it at once', async () => {
    const { seller, client } = await sellerUser();
    const before = await client.preorders.list.query();
    const { preorderId } = await client.preorders.create.mutate({
      warehouseId: 507,
      boxTypeId: 2,
      goods: [
        { barcode: '2000000000011', quantity: 10 },
        { barcode: '2000000000028', quantity: 3 },
      ],
    });
    expect(preorderId).toMatch(/^\d+$/);
    for (const call of ['draftCreate', 'draftGoods', 'preorderCreate']) expect(await calls(seller.sid, call)).toBe(1);
    const after = await client.preorders.list.query();
    expect(after).toHaveLength(before.length + 1);
    expect(after.find((p) => p.preorderId === preorderId)).toMatchObject({ warehouseId: 507, boxTypeId: 2 });
    // An auto-booking task can use it right away.
    const { id } = await client.tasks.create.mutate({
      kind: 'supply',
      mode: 'autobook',
      warehouseIds: [507],
      boxTypeId: 2,
      dateFrom: addDays(moscowToday(), 3),
      dateTo: addDays(moscowToday(), 6),
      maxCoefficient: 1,
      preorderId,
    });
    await client.tasks.cancel.mutate({ id });
    expect((await wb.stats()).violations).toBe(0);
  });

  it('refuses bad goods before WB sees them, and says what WB refused in the seller language', async () => {
    const { seller, client } = await sellerUser('en');
    const create = client.preorders.create;
    const row = { barcode: '2000000000011', quantity: 1 };
    // Each refusal names the field at fault (the wording is the API's own, in the caller's language).
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ goods: [] }, 'goods'],
      [{ goods: Array.from({ length: 101 }, (_, i) => ({ barcode: `20000000${i}`, quantity: 1 })) }, 'goods'],
      [{ goods: [{ barcode: 'x'.repeat(33), quantity: 1 }] }, 'goods.0.barcode'],
      [{ goods: [{ barcode: '20 00', quantity: 1 }] }, 'goods.0.barcode'],
      [{ goods: [{ ...row, quantity: 0 }] }, 'goods.0.quantity'],
      [{ goods: [{ ...row, quantity: 100_001 }] }, 'goods.0.quantity'],
      [{ goods: [row, row] }, 'goods'],
      [{ boxTypeId: 3 }, 'boxTypeId'],
    ];
    for (const [overrides, path] of bad) {
      const error = await failure(create.mutate({ warehouseId: 507, boxTypeId: 2, goods: [row], ...overrides } as never));
      expect({ appCode: error.data?.appCode, paths: error.data?.issues?.map((i) => i.path) }).toEqual({
        appCode: 'BAD_INPUT',
        paths: [path],
      });
    }
    expect(await calls(seller.sid, 'draftCreate')).toBe(0);

    // A warehouse that takes no supplies: WB's refusal, in English for this seller.
    const refused = await failure(create.mutate({ warehouseId: 424242, boxTypeId: 2, goods: [row] }));
    expect({ appCode: refused.data?.appCode, message: refused.message }).toEqual({
      appCode: 'PREORDER_REFUSED',
      message: expect.stringMatching(/did not create a preorder for warehouse 424242/),
    });
  });

  it('asks for a portal session first', async () => {
    const user = newUser('en');
    // Called one at a time: a call started early would reject before anything awaits it.
    for (const call of [
      () => server.client(user).preorders.list.query(),
      () => server.client(user).preorders.create.mutate({ warehouseId: 507, boxTypeId: 2, goods: [{ barcode: '1', quantity: 1 }] }),
    ]) {
      const error = await failure(call() as Promise<unknown>);
      expect({ appCode: error.data?.appCode, message: error.message }).toEqual({
        appCode: 'NO_PORTAL_SESSION',
        message: expect.stringMatching(/portal session/),
      });
    }
  });
});
