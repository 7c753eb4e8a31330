// Every official answer the sandbox gives validates against WB's published OpenAPI (vendored in ./wb-openapi),
// success bodies and the documented 4xx problem bodies alike; "closed" means no field WB does not document either.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CreatedSeller } from '../../src/sandbox/world.ts';
import { OFFICIAL_ENDPOINTS, type OfficialEndpoint } from '../../src/wb/endpoints.ts';
import { OpenApiSpec, type SpecFile } from './openapi.ts';
import { startTestbed, type Testbed } from './testbed.ts';

const SPEC_OF: Record<OfficialEndpoint, SpecFile> = {
  ping: '01-general.yaml',
  sellerInfo: '01-general.yaml',
  coefficients: '10-rates.yaml',
  warehouses: '07-orders-fbw.yaml',
  acceptanceOptions: '07-orders-fbw.yaml',
  supplies: '07-orders-fbw.yaml',
};
const specs = new Map<SpecFile, OpenApiSpec>();
const spec = (endpoint: OfficialEndpoint) => {
  const file = SPEC_OF[endpoint];
  const loaded = specs.get(file) ?? new OpenApiSpec(file);
  specs.set(file, loaded);
  return loaded;
};

/** Asserts status, content type and body against the spec; returns the body. */
async function expectDocumented(endpoint: OfficialEndpoint, response: Response, status: number): Promise<unknown> {
  expect(response.status).toBe(status);
  const { path, method } = OFFICIAL_ENDPOINTS[endpoint];
  const body = await response.json();
  const documented = spec(endpoint).responseSchema(path, method, status);
  // WB's files document the coefficients/supplies 400s as application/json; its gateway and WB-API.md say
  // problem+json. Either way the body is JSON of the documented shape.
  expect(response.headers.get('content-type')).toMatch(
    status === 400 ? /^application\/(problem\+)?json/ : new RegExp(`^${documented.contentType.replace('+', '\\+')}`),
  );
  expect(spec(endpoint).validate(path, method, status, body, { closed: true })).toEqual([]);
  return body;
}

describe('sandbox official API against WB OpenAPI', () => {
  let bed: Testbed;
  let seller: CreatedSeller;

  beforeAll(async () => {
    bed = await startTestbed();
  });
  afterAll(() => bed?.close());
  beforeEach(async () => {
    bed.sandbox.reset();
    // These answers are WB's when WB has the methods on; today's default (off) is control.test.ts's.
    await bed.setOfficial(true);
    seller = await bed.createSeller({ name: 'ООО Ромашка', captcha: false });
  });

  it('the vendored spec really constrains: a wrong body fails validation', () => {
    const { path, method } = OFFICIAL_ENDPOINTS.coefficients;
    expect(spec('coefficients').validate(path, method, 200, [{ coefficient: '1' }], { closed: true })).not.toEqual([]);
    expect(spec('coefficients').validate(path, method, 200, [{ coefficient: 1, invented: true }], { closed: true })).not.toEqual([]);
  });

  it('GET /ping', async () => {
    const body = await expectDocumented('ping', await bed.official('ping', seller.apiToken), 200);
    expect(body).toEqual({ TS: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:00$/), Status: 'OK' });
  });

  it('GET /api/v1/seller-info', async () => {
    const body = await expectDocumented('sellerInfo', await bed.official('sellerInfo', seller.apiToken), 200);
    expect(body).toMatchObject({ name: 'ООО Ромашка', sid: seller.sid, tin: expect.stringMatching(/^\d{10}$/) });
  });

  it('GET acceptance coefficients: every asked warehouse × 14 Moscow days × box types 2, 5, 6', async () => {
    const body = (await expectDocumented(
      'coefficients',
      await bed.official('coefficients', seller.apiToken, { query: 'warehouseIDs=507,117501' }),
      200,
    )) as Array<Record<string, unknown>>;
    expect(body).toHaveLength(2 * 14 * 3);
    expect(new Set(body.map((c) => c.warehouseID))).toEqual(new Set([507, 117501]));
    expect(new Set(body.map((c) => c.boxTypeID))).toEqual(new Set([2, 5, 6]));
    const dates = [...new Set(body.map((c) => c.date))].sort();
    expect(dates).toHaveLength(14);
    // Noon in Moscow on 2026-11-22: today is the 22nd, the window ends on 5 December.
    expect(dates[0]).toBe('2026-11-22T00:00:00Z');
    expect(dates[13]).toBe('2026-12-05T00:00:00Z');
    // Every field of models.AcceptanceCoefficient is present.
    expect(Object.keys(body[0] ?? {}).sort()).toEqual(
      [
        'allowUnload',
        'boxTypeID',
        'coefficient',
        'date',
        'deliveryAdditionalLiter',
        'deliveryBaseLiter',
        'deliveryCoef',
        'isSortingCenter',
        'storageAdditionalLiter',
        'storageBaseLiter',
        'storageCoef',
        'warehouseID',
        'warehouseName',
      ].sort(),
    );
  });

  it('GET acceptance coefficients without warehouseIDs: all warehouses', async () => {
    const body = (await expectDocumented('coefficients', await bed.official('coefficients', seller.apiToken), 200)) as unknown[];
    expect(body).toHaveLength(bed.sandbox.world.warehouses.size * 14 * 3);
    expect(bed.sandbox.world.warehouses.size).toBeGreaterThanOrEqual(28);
  });

  it('GET acceptance coefficients with bad warehouseIDs: 400', async () => {
    const response = await bed.official('coefficients', seller.apiToken, { query: 'warehouseIDs=507,abc' });
    expect(await expectDocumented('coefficients', response, 400)).toMatchObject({
      status: 400,
      detail: expect.stringContaining('warehouseIDs'),
    });
  });

  it('GET /api/v1/warehouses', async () => {
    const body = (await expectDocumented('warehouses', await bed.official('warehouses', seller.apiToken), 200)) as Array<
      Record<string, unknown>
    >;
    expect(body).toContainEqual(expect.objectContaining({ ID: 507, name: 'Коледино', isActive: true }));
    expect(body).toContainEqual(expect.objectContaining({ ID: 300461, name: 'Гомель 2' }));
    expect(body).toContainEqual(expect.objectContaining({ ID: 217081, name: 'Сц Брянск 2' }));
  });

  it('POST /api/v1/acceptance/options: known barcodes get warehouses, unknown ones an error', async () => {
    const barcode = seller.products[0]?.sizes[0]?.barcode ?? '';
    const response = await bed.official('acceptanceOptions', seller.apiToken, {
      body: [
        { barcode, quantity: 10 },
        { barcode: 'nope', quantity: 1 },
      ],
    });
    const body = (await expectDocumented('acceptanceOptions', response, 200)) as {
      result: Array<Record<string, unknown>>;
      requestId?: string;
    };
    expect(body.result[0]).toMatchObject({
      barcode,
      warehouses: expect.arrayContaining([expect.objectContaining({ warehouseID: 507, canBox: true })]),
    });
    expect(body.result[1]).toMatchObject({ barcode: 'nope', warehouses: null, isError: true });
    expect(body.requestId).toEqual(expect.any(String));

    const one = await bed.official('acceptanceOptions', seller.apiToken, { query: 'warehouseID=507', body: [{ barcode, quantity: 1 }] });
    const oneBody = (await expectDocumented('acceptanceOptions', one, 200)) as { result: Array<{ warehouses: unknown[] }> };
    expect(oneBody.result[0]?.warehouses).toHaveLength(1);
  });

  it('POST /api/v1/acceptance/options with a bad warehouseID: 400', async () => {
    const response = await bed.official('acceptanceOptions', seller.apiToken, { query: 'warehouseID=x', body: [] });
    await expectDocumented('acceptanceOptions', response, 400);
  });

  it('POST /api/v1/supplies: the seller’s preorders, then a booked supply', async () => {
    const first = (await expectDocumented('supplies', await bed.official('supplies', seller.apiToken, { body: {} }), 200)) as Array<
      Record<string, unknown>
    >;
    expect(first).toHaveLength(seller.preorders.length);
    expect(first.every((s) => s.statusID === 1 && s.supplyID === null)).toBe(true);

    const preorder = seller.preorders[0];
    const date = '2026-11-25';
    bed.sandbox.world.setCell(preorder?.warehouseId ?? 0, date, preorder?.boxTypeId ?? 2, { coefficient: 0, allowUnload: true });
    const booked = await bed.rpc('planAdd', seller.portalSession, { preOrderId: preorder?.id, deliveryDate: date });
    expect(booked.error).toBeUndefined();

    const planned = (await expectDocumented(
      'supplies',
      await bed.official('supplies', seller.apiToken, { body: { statusIDs: [2] } }),
      200,
    )) as Array<Record<string, unknown>>;
    expect(planned).toEqual([
      expect.objectContaining({
        preorderID: preorder?.id,
        statusID: 2,
        supplyID: Number((booked.result as { id: { supplyId: string } } | undefined)?.id.supplyId),
        supplyDate: `${date}T00:00:00+03:00`,
      }),
    ]);
  });

  it('POST /api/v1/supplies with bad filters or paging: 400', async () => {
    expect(
      await expectDocumented('supplies', await bed.official('supplies', seller.apiToken, { body: { statusIDs: [9] } }), 400),
    ).toMatchObject({
      detail: expect.stringContaining('StatusIDs'),
    });
    await expectDocumented('supplies', await bed.official('supplies', seller.apiToken, { body: { dates: [{ type: 'soon' }] } }), 400);
    await expectDocumented('supplies', await bed.official('supplies', seller.apiToken, { query: 'limit=abc', body: {} }), 400);
  });

  it('401 and 429 problem bodies are WB’s', async () => {
    for (const endpoint of Object.keys(OFFICIAL_ENDPOINTS) as OfficialEndpoint[]) {
      const body = OFFICIAL_ENDPOINTS[endpoint].method === 'POST' ? (endpoint === 'acceptanceOptions' ? [] : {}) : undefined;
      const response = await bed.official(endpoint, 'eyJhbGciOiJub25lIn0.eyJzaWQiOiJ4In0.x', { body });
      expect(await expectDocumented(endpoint, response, 401)).toMatchObject({
        status: 401,
        title: 'unauthorized',
        statusText: 'Unauthorized',
      });
    }
    for (let i = 0; i < OFFICIAL_ENDPOINTS.ping.burst; i++) expect((await bed.official('ping', seller.apiToken)).status).toBe(200);
    const limited = await expectDocumented('ping', await bed.official('ping', seller.apiToken), 429);
    expect(limited).toMatchObject({ status: 429, statusText: 'Too Many Requests' });
  });
});
