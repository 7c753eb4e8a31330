import { describe, expect, it } from 'vitest';
import {
  AcceptanceCostsResult,
  boxTypeOf,
  CoefficientsReportResult,
  DraftCreateResult,
  PlanAddResult,
  PreorderCreateResult,
  SupplyDetailsResult,
  SupplyListResult,
  TransferLimitsResult,
  TransferOrderResult,
  WarehouseFilterItemsResult,
} from './portal-schemas.ts';

describe('portal result shapes', () => {
  it('normalises report rows: box type from acceptanceType, boxTypeID or a Russian name; the Moscow date part; unknown box types dropped', () => {
    const cells = CoefficientsReportResult.parse({
      report: [
        { warehouseID: 507, warehouseName: 'Коледино', date: '2026-12-03T00:00:00Z', coefficient: 0, acceptanceType: 2, allowUnload: true },
        { warehouseID: 507, warehouseName: 'Коледино', date: '2026-12-04T00:00:00Z', coefficient: -1, boxTypeID: '5', allowUnload: false },
        { warehouseId: 117986, date: '2026-12-05', coefficient: 3, acceptanceType: 'Суперсейф' },
        { warehouseID: 507, date: '2026-12-05T00:00:00Z', coefficient: 1, acceptanceType: 'QR-поставка', allowUnload: true },
        { warehouseID: 507, date: '2026-12-05T00:00:00Z', coefficient: 1, acceptanceType: 7, allowUnload: true },
      ],
    });
    expect(cells).toEqual([
      { warehouseId: 507, warehouseName: 'Коледино', date: '2026-12-03', boxTypeId: 2, coefficient: 0, allowUnload: true },
      { warehouseId: 507, warehouseName: 'Коледино', date: '2026-12-04', boxTypeId: 5, coefficient: -1, allowUnload: false },
      { warehouseId: 117986, warehouseName: '', date: '2026-12-05', boxTypeId: 6, coefficient: 3, allowUnload: true },
    ]);
  });

  it('refuses a report without warehouse ids or with a date that is not a date', () => {
    expect(CoefficientsReportResult.safeParse({ report: [{ date: '2026-12-03', coefficient: 0, acceptanceType: 2 }] }).success).toBe(false);
    expect(
      CoefficientsReportResult.safeParse({ report: [{ warehouseID: 1, date: 'soon', coefficient: 0, acceptanceType: 2 }] }).success,
    ).toBe(false);
    expect(CoefficientsReportResult.safeParse({ rows: [] }).success).toBe(false);
  });

  it('reads box types loosely', () => {
    expect([boxTypeOf(2), boxTypeOf('6'), boxTypeOf('Короба'), boxTypeOf('Монопаллеты'), boxTypeOf('суперсейф')]).toEqual([2, 6, 2, 5, 6]);
    expect([boxTypeOf(32), boxTypeOf('QR'), boxTypeOf(undefined), boxTypeOf(null)]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('accepts both shapes of plan/add, supply/create and draft/create', () => {
    expect(PlanAddResult.parse({ id: { supplyId: '2000001' } })).toBe('2000001');
    expect(PlanAddResult.parse({ supplyId: 2000002 })).toBe('2000002');
    expect(PlanAddResult.safeParse({ id: 5 }).success).toBe(false);
    expect(PreorderCreateResult.parse({ ids: [{ Id: 123, boxTypeId: 2 }] })).toBe('123');
    expect(PreorderCreateResult.parse({ ids: [{ Id: '124' }] })).toBe('124');
    expect(PreorderCreateResult.safeParse({ ids: [] }).success).toBe(false);
    expect(DraftCreateResult.parse({ draftID: 'd-1' })).toBe('d-1');
    expect(DraftCreateResult.parse({ draftId: 'd-2' })).toBe('d-2');
  });

  it('reads transfer/order as a waybill, nothing or a request id', () => {
    expect(TransferOrderResult.parse({ file: 'JVBERi0=', mime: 'application/pdf' })).toBeUndefined();
    expect(TransferOrderResult.parse({})).toBeUndefined();
    expect(TransferOrderResult.parse(null)).toBeUndefined();
    expect(TransferOrderResult.parse({ requestId: 77 })).toBe('77');
    expect(TransferLimitsResult.parse({ data: { quotas: [{ officeID: 1, srcQuota: 2, dstQuota: 3 }] } })).toEqual([
      { officeID: 1, officeName: '', srcQuota: 2, dstQuota: 3 },
    ]);
    expect(TransferLimitsResult.parse({ quotas: [] })).toEqual([]);
  });

  it('keeps only preorders still waiting for a date', () => {
    const page = SupplyListResult.parse({
      totalCount: 3,
      data: [
        {
          preorderId: 11,
          supplyId: null,
          warehouseId: 507,
          warehouseName: 'Коледино',
          boxTypeId: 2,
          statusId: 1,
          createDate: '2026-12-01T10:00:00Z',
          supplyDate: null,
        },
        {
          preorderId: 12,
          supplyId: '2000',
          warehouseId: 507,
          boxTypeId: 2,
          statusId: 2,
          createDate: '2026-12-01T10:00:00Z',
          supplyDate: '2026-12-05T00:00:00Z',
        },
        { preorderID: '13', warehouseID: 117986, boxTypeID: 5, createdAt: '2026-12-02T08:00:00Z' },
      ],
    });
    expect(page.preorders).toEqual([
      { preorderId: '11', warehouseId: 507, warehouseName: 'Коледино', boxTypeId: 2, createdAt: '2026-12-01T10:00:00Z' },
      { preorderId: '13', warehouseId: 117986, warehouseName: '', boxTypeId: 5, createdAt: '2026-12-02T08:00:00Z' },
    ]);
    expect(page).toMatchObject({ totalCount: 3, rows: 3 });
  });

  it('reads costs and supply details with Moscow dates; a missing supply summary is left to the client', () => {
    expect(AcceptanceCostsResult.parse({ costs: [{ date: '2026-12-03T00:00:00Z', coefficient: -1, cost: 0 }] })).toEqual([
      { date: '2026-12-03', coefficient: -1, allowUnload: false, cost: 0 },
    ]);
    const details = SupplyDetailsResult.parse({
      data: [],
      supply: { preorderId: 5, supplyId: 2001, warehouseId: 507, boxTypeId: 2, deliveryDate: '2026-12-04T00:00:00Z', statusId: 2 },
    });
    expect(details.supply).toEqual({
      preorderId: '5',
      supplyId: '2001',
      warehouseId: 507,
      boxTypeId: 2,
      deliveryDate: '2026-12-04',
      statusId: 2,
    });
    expect(SupplyDetailsResult.parse({ data: [{ barcode: '1' }] }).supply).toBeUndefined();
    expect(
      WarehouseFilterItemsResult.parse({
        items: [
          { warehouseID: 507, warehouseName: 'Коледино' },
          { id: 1, name: 'X' },
        ],
      }),
    ).toEqual([
      { id: 507, name: 'Коледино' },
      { id: 1, name: 'X' },
    ]);
  });
});
