// zod schemas for what WB's official API answers (from WB's OpenAPI, snapshot 2026-08-18). Unknown fields are dropped.
import { z } from 'zod';

export const PingResponse = z.object({ TS: z.string(), Status: z.string() });

export const SellerInfoResponse = z.object({
  name: z.string(),
  sid: z.string(),
  tin: z.string().optional(),
  tradeMark: z.string().optional(),
});
export type SellerInfo = z.infer<typeof SellerInfoResponse>;

/**
 * One cell of the coefficients answer. WB also sends its tariffs (storageCoef, deliveryCoef, the per-litre bases,
 * isSortingCenter); nothing here reads them, and the feed leader parses this answer every second, so they are not
 * validated (dropped like any unknown field).
 */
export const AcceptanceCoefficient = z.object({
  /** ISO date-time of the Moscow calendar day, e.g. 2026-11-23T00:00:00Z. */
  date: z.string(),
  coefficient: z.number(),
  warehouseID: z.number().int(),
  warehouseName: z.string(),
  allowUnload: z.boolean(),
  /** 2 boxes, 5 monopallets, 6 supersafe; absent for "QR supply with boxes". */
  boxTypeID: z.number().int().optional(),
});
export type AcceptanceCoefficient = z.infer<typeof AcceptanceCoefficient>;
export const CoefficientsResponse = z.array(AcceptanceCoefficient);

export const Warehouse = z.object({
  ID: z.number().int(),
  name: z.string(),
  address: z.string().optional().default(''),
  workTime: z.string().optional().default(''),
  isActive: z.boolean().optional().default(true),
  isTransitActive: z.boolean().optional().default(false),
});
export type Warehouse = z.infer<typeof Warehouse>;
export const WarehousesResponse = z.array(Warehouse);

export const AcceptanceOptionsResponse = z.object({
  result: z.array(
    z.object({
      barcode: z.string(),
      error: z.object({ title: z.string().optional(), detail: z.string().optional() }).nullable().optional(),
      isError: z.boolean().optional(),
      warehouses: z
        .array(
          z.object({
            warehouseID: z.number().int(),
            canBox: z.boolean().optional(),
            canMonopallet: z.boolean().optional(),
            canSupersafe: z.boolean().optional(),
          }),
        )
        .nullable()
        .optional(),
    }),
  ),
  requestId: z.string().optional(),
});
export type AcceptanceOptions = z.infer<typeof AcceptanceOptionsResponse>;

export const SuppliesResponse = z.array(
  z.object({
    phone: z.string().nullable().optional(),
    supplyID: z.number().nullable().optional(),
    preorderID: z.number().nullable().optional(),
    createDate: z.string().nullable().optional(),
    supplyDate: z.string().nullable().optional(),
    factDate: z.string().nullable().optional(),
    updatedDate: z.string().nullable().optional(),
    statusID: z.number().int(),
    boxTypeID: z.number().int().nullable().optional(),
    isBoxOnPallet: z.boolean().nullable().optional(),
  }),
);
export type SupplySummary = z.infer<typeof SuppliesResponse>[number];
