// Result shapes of the seller portal's JSON-RPC calls. Undocumented by WB and known from few public sources, so every
// schema accepts the old and the new shape where the sources disagree (WB-API.md sections 2 and 5), drops unknown
// fields, and normalises to one shape the rest of the server reads.
import { z } from 'zod';

const idString = z.union([z.string().min(1), z.number()]).transform(String);
/** An ISO date or date-time; WB's portal dates are Moscow dates written as `YYYY-MM-DDT00:00:00Z`. */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'expected an ISO date');
/** The Moscow date of a portal date: its date part (the portal writes Moscow midnight with a Z). */
export const datePart = (iso: string) => iso.slice(0, 10);

export type BoxTypeId = 2 | 5 | 6;
const BOX_TYPE_IDS: ReadonlySet<number> = new Set([2, 5, 6]);
const BOX_TYPE_NAMES: ReadonlyArray<[RegExp, BoxTypeId]> = [
  [/короб/i, 2],
  [/монопал/i, 5],
  [/суперсейф/i, 6],
  [/^box/i, 2],
  [/monopal/i, 5],
  [/supersafe/i, 6],
];

/** WB's box type id from what the portal sent (a number, a numeric string or a Russian name); undefined if unknown. */
export function boxTypeOf(value: unknown): BoxTypeId | undefined {
  if (typeof value === 'number') return BOX_TYPE_IDS.has(value) ? (value as BoxTypeId) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return boxTypeOf(Number(text));
  return BOX_TYPE_NAMES.find(([pattern]) => pattern.test(text))?.[1];
}

const boxTypeRaw = z.union([z.number(), z.string()]).optional();

export const ValidateResult = z
  .object({
    supplierId: z.string().optional(),
    supplierName: z.string().optional(),
    data: z.object({ supplierId: z.string().optional(), supplierName: z.string().optional() }).optional(),
  })
  .transform((r) => ({ supplierId: r.supplierId ?? r.data?.supplierId, supplierName: r.supplierName ?? r.data?.supplierName }));

/** `auth/token`: `{data:{token}}` (2026 captures); a bare `{token}` is accepted too. */
export const AuthTokenResult = z
  .union([z.object({ data: z.object({ token: z.string().min(1) }) }), z.object({ token: z.string().min(1) })])
  .transform((r) => ('data' in r ? r.data.token : r.token));

export interface PortalCoefficient {
  warehouseId: number;
  warehouseName: string;
  /** Moscow date, YYYY-MM-DD. */
  date: string;
  boxTypeId: BoxTypeId;
  coefficient: number;
  allowUnload: boolean;
}

const ReportRow = z.object({
  warehouseID: z.number().optional(),
  warehouseId: z.number().optional(),
  warehouseName: z.string().optional(),
  date: isoDate,
  coefficient: z.number(),
  acceptanceType: boxTypeRaw,
  boxTypeID: boxTypeRaw,
  boxTypeId: boxTypeRaw,
  boxTypeName: z.string().optional(),
  // Absent in no source seen; if WB drops it, a cell with a coefficient of 0 or more is the open one.
  allowUnload: z.boolean().optional(),
});

/** `acceptanceCoefficientsReport` → one cell per (warehouse, Moscow date, box type); rows of unknown box types dropped. */
export const CoefficientsReportResult = z
  .object({ report: z.array(ReportRow) })
  .superRefine((r, ctx) => {
    r.report.forEach((row, i) => {
      if (row.warehouseID === undefined && row.warehouseId === undefined)
        ctx.addIssue({ code: 'custom', path: ['report', i, 'warehouseID'], message: 'missing warehouse id' });
    });
  })
  .transform((r): PortalCoefficient[] =>
    r.report.flatMap((row) => {
      const boxTypeId = boxTypeOf(row.boxTypeID ?? row.boxTypeId ?? row.acceptanceType ?? row.boxTypeName);
      if (boxTypeId === undefined) return [];
      return [
        {
          warehouseId: (row.warehouseID ?? row.warehouseId)!,
          warehouseName: row.warehouseName ?? '',
          date: datePart(row.date),
          boxTypeId,
          coefficient: row.coefficient,
          allowUnload: row.allowUnload ?? row.coefficient >= 0,
        },
      ];
    }),
  );

export const WarehouseFilterItemsResult = z
  .object({
    items: z.array(
      z.object({
        warehouseID: z.number().optional(),
        warehouseId: z.number().optional(),
        id: z.number().optional(),
        warehouseName: z.string().optional(),
        name: z.string().optional(),
      }),
    ),
  })
  .superRefine((r, ctx) => {
    r.items.forEach((item, i) => {
      if (item.warehouseID === undefined && item.warehouseId === undefined && item.id === undefined)
        ctx.addIssue({ code: 'custom', path: ['items', i, 'warehouseID'], message: 'missing warehouse id' });
    });
  })
  .transform((r) =>
    r.items.map((item) => ({ id: (item.warehouseID ?? item.warehouseId ?? item.id)!, name: item.warehouseName ?? item.name ?? '' })),
  );

export interface PortalPreorder {
  preorderId: string;
  warehouseId: number;
  warehouseName: string;
  boxTypeId: BoxTypeId;
  /** ISO date-time, as the portal gave it. */
  createdAt: string;
}

const SupplyListRow = z.object({
  preorderId: idString.optional(),
  preorderID: idString.optional(),
  supplyId: idString.nullable().optional(),
  warehouseId: z.number().optional(),
  warehouseID: z.number().optional(),
  warehouseName: z.string().optional(),
  boxTypeId: boxTypeRaw,
  boxTypeID: boxTypeRaw,
  statusId: z.number().optional(),
  createDate: isoDate.optional(),
  createdAt: isoDate.optional(),
});

/** `listSupplies` (statusId 1: not planned) → the page's preorders that are still waiting for a date. */
export const SupplyListResult = z.object({ data: z.array(SupplyListRow).nullable(), totalCount: z.number().optional() }).transform((r) => ({
  totalCount: r.totalCount,
  rows: r.data?.length ?? 0,
  preorders: (r.data ?? []).flatMap((row): PortalPreorder[] => {
    const preorderId = row.preorderId ?? row.preorderID;
    const warehouseId = row.warehouseId ?? row.warehouseID;
    const boxTypeId = boxTypeOf(row.boxTypeId ?? row.boxTypeID);
    const createdAt = row.createDate ?? row.createdAt;
    if (!preorderId || warehouseId === undefined || boxTypeId === undefined || !createdAt) return [];
    if (row.supplyId || (row.statusId !== undefined && row.statusId !== 1)) return [];
    return [{ preorderId, warehouseId, warehouseName: row.warehouseName ?? '', boxTypeId, createdAt }];
  }),
}));

export const DraftCreateResult = z
  .union([z.object({ draftID: idString }), z.object({ draftId: idString })])
  .transform((r) => ('draftID' in r ? r.draftID : r.draftId));

export const EmptyResult = z.unknown();

/** `supply/create`: `{ids:[{Id, boxTypeId?}]}` in both shapes; the first id is the preorder. */
export const PreorderCreateResult = z
  .object({
    ids: z.array(z.union([z.object({ Id: idString }), z.object({ id: idString })])).min(1),
  })
  .transform((r) => {
    const first = r.ids[0]!;
    return 'Id' in first ? first.Id : first.id;
  });

export interface AcceptanceCost {
  /** Moscow date, YYYY-MM-DD. */
  date: string;
  /** −1: closed (including when unloading is not allowed). */
  coefficient: number;
  allowUnload: boolean;
  cost: number | undefined;
}

export const AcceptanceCostsResult = z
  .object({
    costs: z.array(
      z.object({ date: isoDate, coefficient: z.number(), allowUnload: z.boolean().optional(), cost: z.number().nullable().optional() }),
    ),
  })
  .transform((r): AcceptanceCost[] =>
    r.costs.map((c) => ({
      date: datePart(c.date),
      coefficient: c.coefficient,
      allowUnload: c.allowUnload ?? c.coefficient >= 0,
      cost: c.cost ?? undefined,
    })),
  );

/** `plan/add`: `{id:{supplyId}}` (2026) or `{supplyId}` (older captures). */
export const PlanAddResult = z
  .union([z.object({ id: z.object({ supplyId: idString }) }), z.object({ supplyId: idString })])
  .transform((r) => ('id' in r ? r.id.supplyId : r.supplyId));

export const SupplySummary = z.object({
  preorderId: idString,
  supplyId: idString.nullable(),
  warehouseId: z.number(),
  boxTypeId: z.number().optional(),
  deliveryDate: isoDate.nullable().transform((d) => (d ? datePart(d) : null)),
  statusId: z.number(),
});
export type SupplyDetails = z.infer<typeof SupplySummary>;

/** `supplyDetails`: goods rows in `data`, and (sandbox, older captures) the supply's summary in `supply`. */
export const SupplyDetailsResult = z.object({ supply: SupplySummary.optional(), data: z.array(z.unknown()).nullable().optional() });

export const TransferListResult = z.object({
  transfers: z.array(
    z.object({
      nmID: z.number(),
      chrts: z.array(
        z.object({
          chrtID: z.number(),
          sizeName: z.string().optional().default(''),
          count: z.number(),
          warehouseID: z.number(),
          warehouseName: z.string().optional().default(''),
          dstWarehouseIDs: z.array(z.number()).optional().default([]),
        }),
      ),
    }),
  ),
});
export type TransferStock = z.infer<typeof TransferListResult>['transfers'];

const TransferQuotaRow = z.object({
  officeID: z.number(),
  officeName: z.string().optional().default(''),
  srcQuota: z.number(),
  dstQuota: z.number(),
});
export type TransferQuota = z.infer<typeof TransferQuotaRow>;

/** `transfer/AvailableLimits`: `{data:{quotas}}`; a bare `{quotas}` is accepted too. */
export const TransferLimitsResult = z
  .union([z.object({ data: z.object({ quotas: z.array(TransferQuotaRow) }) }), z.object({ quotas: z.array(TransferQuotaRow) })])
  .transform((r): TransferQuota[] => ('data' in r ? r.data.quotas : r.quotas));

/** `transfer/order`: a waybill `{file, mime}` or `{}` (2026), or a request id (older captures). */
export const TransferOrderResult = z
  .object({ requestId: idString.optional(), file: z.string().optional(), mime: z.string().optional() })
  .nullable()
  .transform((r) => r?.requestId);
