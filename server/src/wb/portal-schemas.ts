// Result shapes of the seller portal's JSON-RPC calls (undocumented by WB: parsed defensively, unknown fields dropped).
import { z } from 'zod';

export const ValidateResult = z.object({
  supplierId: z.string().optional(),
  supplierName: z.string().optional(),
});

export const DraftCreateResult = z.object({ draftID: z.string() });
export const EmptyResult = z.unknown();
export const PreorderCreateResult = z.object({ ids: z.array(z.object({ Id: z.number() })).min(1) });

export const AcceptanceCostsResult = z.object({
  costs: z.array(
    z.object({
      date: z.string(),
      coefficient: z.number(),
      allowUnload: z.boolean().optional().default(true),
      cost: z.number().optional(),
    }),
  ),
});
export type AcceptanceCost = z.infer<typeof AcceptanceCostsResult>['costs'][number];

export const PlanAddResult = z.object({ supplyId: z.union([z.string(), z.number()]).transform(String) });

export const SupplyDetailsResult = z.object({
  supply: z.object({
    preorderId: z.union([z.string(), z.number()]).transform(String),
    supplyId: z.union([z.string(), z.number()]).transform(String).nullable(),
    warehouseId: z.number(),
    boxTypeId: z.number().optional(),
    deliveryDate: z.string().nullable(),
    statusId: z.number(),
  }),
});
export type SupplyDetails = z.infer<typeof SupplyDetailsResult>['supply'];

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

export const TransferLimitsResult = z.object({
  data: z.object({
    quotas: z.array(
      z.object({ officeID: z.number(), officeName: z.string().optional().default(''), srcQuota: z.number(), dstQuota: z.number() }),
    ),
  }),
});
export type TransferQuota = z.infer<typeof TransferLimitsResult>['data']['quotas'][number];

export const TransferOrderResult = z.object({ requestId: z.union([z.string(), z.number()]).transform(String) });
