// The seller portal's 2026 protocol on the sandbox port (WB-API.md, section 5): `root-version` on every call, the session
// (cookies + authorizev3), a short-lived `wb-seller-lk` on every supply-host call, the portal's own per-seller limits,
// the JSON-RPC envelope, params, and the world's answer or refusal. Refusals are JSON-RPC errors with HTTP 200 (−32002
// captcha, −32000 business refusal in the portal's wording, −32602 params, −32603 internal), as the portal does.

import type { BoxTypeId } from '@slotpilot/shared';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  DISABLED_BODY,
  PORTAL_BOX_MASK,
  PORTAL_CALLS,
  PORTAL_CAPTCHA_CALLS,
  PORTAL_ERROR_CODES,
  PORTAL_REFUSALS,
  type PortalCall,
} from '../wb/endpoints.ts';
import type { ActiveFault } from './faults.ts';
import { hangRequest } from './hang-request.ts';
import { toDate } from './moscow-calendar.ts';
import { PortalCallError } from './portal-call-error.ts';
import type { SandboxContext } from './sandbox-context.ts';
import type { Seller } from './sellers.ts';
import { toHeaderSeconds } from './token-bucket.ts';

const Id = z.union([z.number().int().positive(), z.string().regex(/^\d+$/).transform(Number)]);
const SupplyId = z.union([z.number().int().positive().transform(String), z.string().regex(/^\d+$/)]);
/** "YYYY-MM-DD" or an ISO date-time ("…T00:00:00Z"): clients send either, the date part is what counts. */
const DateParam = z.string().transform((value, issue) => {
  const date = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) ? toDate(value) : undefined;
  if (!date) issue.addIssue({ code: 'custom', message: `"${value}" is not a date (YYYY-MM-DD or YYYY-MM-DDT00:00:00Z)` });
  return date ?? '';
});
const DateRange = z
  .object({ dateFrom: DateParam, dateTo: DateParam })
  .refine((p) => p.dateFrom <= p.dateTo, { message: 'dateFrom is after dateTo', path: ['dateFrom'] });
const TransitId = z.union([Id, z.literal(0), z.null()]).optional();
const BOX_BY_MASK = new Map(Object.entries(PORTAL_BOX_MASK).map(([box, mask]) => [mask, Number(box) as BoxTypeId]));
const BoxTypeParam = z.union([z.literal(2), z.literal(5), z.literal(6)], { error: 'boxTypeID must be 2, 5 or 6' });

/** The answers that are not JSON-RPC: the portal's gateway speaks plain JSON. */
const ROOT_VERSION_REQUIRED = { message: 'root-version header required' };
const UNAUTHORIZED = { message: 'unauthorized' };
const LK_EXPIRED = { message: 'wb-seller-lk expired' };
const TOO_MANY = { message: 'too many requests' };

const Envelope = z.object({
  jsonrpc: z.literal('2.0'),
  id: z.union([z.string(), z.number()]),
  params: z.record(z.string(), z.unknown()).optional(),
});

type Call = (ctx: SandboxContext, params: unknown, seller: Seller) => unknown;

const call =
  <S extends z.ZodType>(schema: S, run: (ctx: SandboxContext, params: z.output<S>, seller: Seller) => unknown): Call =>
  (ctx, params, seller) => {
    const parsed = schema.safeParse(params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw PortalCallError.badParams(`invalid params: ${issue?.path.join('.') || 'params'}: ${issue?.message ?? 'invalid'}`);
    }
    return run(ctx, parsed.data, seller);
  };

/** Every JSON-RPC call; `validate` and `authToken` answer outside the envelope and are served by the route itself. */
const CALLS: Record<Exclude<PortalCall, 'validate' | 'authToken'>, Call> = {
  coefficientsReport: call(DateRange, (ctx, p) => ({
    // The same cells as the official coefficients method (world.calendar), in the portal's field names.
    report: ctx.world.calendar({ dateFrom: p.dateFrom, dateTo: p.dateTo }).map(({ warehouse, date, boxTypeId, cell }) => ({
      warehouseID: warehouse.id,
      warehouseName: warehouse.name,
      date: `${date}T00:00:00Z`,
      coefficient: cell.coefficient,
      acceptanceType: boxTypeId,
      allowUnload: cell.allowUnload,
      isSortingCenter: warehouse.isSortingCenter,
    })),
  })),

  warehouseFilterItems: call(z.object({}).loose(), (ctx) => ({
    items: [...ctx.world.warehouses.values()].map((w) => ({ warehouseID: w.id, warehouseName: w.name })),
  })),

  supplyList: call(
    z.object({
      pageNumber: z.number().int().min(1).default(1),
      pageSize: z.number().int().min(1).max(100).default(100),
      statusId: z.union([z.literal(1), z.literal(2), z.null()]).optional(),
    }),
    (ctx, p, seller) => {
      const rows = ctx.world
        .suppliesOf(seller.sid)
        .map((preorder) => ({
          preorderId: preorder.id,
          supplyId: preorder.supplyId,
          warehouseId: preorder.warehouseId,
          warehouseName: ctx.world.warehouses.get(preorder.warehouseId)?.name ?? '',
          boxTypeId: preorder.boxTypeId,
          statusId: preorder.supplyId === null ? 1 : 2,
          createDate: new Date(preorder.createdAt).toISOString(),
          supplyDate: preorder.deliveryDate === null ? null : `${preorder.deliveryDate}T00:00:00Z`,
        }))
        .filter((row) => p.statusId == null || row.statusId === p.statusId);
      const start = (p.pageNumber - 1) * p.pageSize;
      return { data: rows.slice(start, start + p.pageSize), totalCount: rows.length };
    },
  ),

  draftCreate: call(z.object({}).loose(), (ctx, _p, seller) => ({ draftID: ctx.world.createDraft(seller.sid) })),

  draftGoods: call(
    z.object({
      draftID: z.string(),
      barcodes: z.array(z.object({ barcode: z.string().min(1), quantity: z.number().int().min(0).max(999_999) })),
    }),
    (ctx, p, seller) => {
      ctx.world.updateDraftGoods(seller.sid, p.draftID, p.barcodes);
      return {};
    },
  ),

  // The 2026 shape (boxTypeID, isBoxOnPallet, isContainer) and the older one (boxTypeMask) are both accepted.
  preorderCreate: call(
    z.union([
      z.object({
        boxTypeID: BoxTypeParam,
        draftID: z.string(),
        warehouseId: Id,
        transitWarehouseId: TransitId,
        isBoxOnPallet: z.boolean().optional(),
        isContainer: z.boolean().optional(),
      }),
      z.object({ boxTypeMask: z.number().int(), draftID: z.string(), warehouseId: Id, transitWarehouseId: TransitId }),
    ]),
    (ctx, p, seller) => {
      const boxTypeId = 'boxTypeID' in p ? p.boxTypeID : BOX_BY_MASK.get(p.boxTypeMask);
      if (!boxTypeId) throw PortalCallError.badParams(`unknown boxTypeMask ${'boxTypeMask' in p ? p.boxTypeMask : ''}`);
      const preorder = ctx.world.createPreorder(seller.sid, {
        draftID: p.draftID,
        warehouseId: p.warehouseId,
        boxTypeId,
        transitWarehouseId: p.transitWarehouseId ? p.transitWarehouseId : null,
      });
      return { ids: [{ Id: preorder.id, boxTypeId: preorder.boxTypeId }] };
    },
  ),

  acceptanceCosts: call(z.object({ dateFrom: DateParam, dateTo: DateParam, preorderID: Id }), (ctx, p, seller) => ({
    costs: ctx.world.acceptanceCosts(seller.sid, p.preorderID, p.dateFrom, p.dateTo),
  })),

  planAdd: call(
    z.object({ preOrderId: Id, deliveryDate: DateParam, monopalletCount: z.number().int().min(1).optional() }),
    (ctx, p, seller) => {
      const preorder = ctx.world.book(seller.sid, p.preOrderId, p.deliveryDate, p.monopalletCount);
      const supplyId = preorder.supplyId ?? '';
      ctx.stats.booking({
        sid: seller.sid,
        preorderId: preorder.id,
        warehouseId: preorder.warehouseId,
        boxTypeId: preorder.boxTypeId,
        date: p.deliveryDate,
        supplyId,
        at: new Date(ctx.clock()).toISOString(),
      });
      ctx.logger?.info({ event: 'sandbox.booked', sid: seller.sid, preorderId: preorder.id, supplyId, date: p.deliveryDate }, 'booked');
      return { id: { supplyId } };
    },
  ),

  planUpdate: call(z.object({ supplyID: SupplyId, deliveryDate: DateParam }), (ctx, p, seller) => {
    ctx.world.movePlan(seller.sid, p.supplyID, p.deliveryDate);
    return {};
  }),

  supplyDetails: call(
    z
      .object({
        preorderID: Id.optional(),
        supplyID: SupplyId.optional(),
        pageNumber: z.number().int().min(1).default(1),
        pageSize: z.number().int().min(1).max(1000).default(100),
        search: z.string().max(200).default(''),
      })
      .refine((p) => p.preorderID !== undefined || p.supplyID !== undefined, { message: 'preorderID or supplyID is required' }),
    (ctx, p, seller) => {
      const preorder =
        p.supplyID !== undefined ? ctx.world.supplyById(seller.sid, p.supplyID) : ctx.world.preorder(seller.sid, p.preorderID ?? 0);
      const goods = preorder.goods.filter((g) => g.barcode.includes(p.search.trim()));
      const start = (p.pageNumber - 1) * p.pageSize;
      return {
        data: goods.slice(start, start + p.pageSize).map((g) => ({ ...g })),
        totalCount: goods.length,
        supply: {
          preorderId: preorder.id,
          supplyId: preorder.supplyId,
          warehouseId: preorder.warehouseId,
          warehouseName: ctx.world.warehouses.get(preorder.warehouseId)?.name ?? '',
          transitWarehouseId: preorder.transitWarehouseId,
          boxTypeId: preorder.boxTypeId,
          deliveryDate: preorder.deliveryDate,
          statusId: preorder.supplyId === null ? 1 : 2,
        },
      };
    },
  ),

  preorderDelete: call(z.object({ preorderId: Id }), (ctx, p, seller) => {
    ctx.world.deletePreorder(seller.sid, p.preorderId);
    return {};
  }),

  transferList: call(z.object({ nmIDs: z.array(Id).max(1000) }), (ctx, p, seller) => {
    const offices = ctx.world.transferOffices();
    const rows = ctx.world.stockOf(seller.sid, p.nmIDs);
    return {
      transfers: [...new Set(rows.map((r) => r.nmID))].map((nmID) => ({
        nmID,
        chrts: rows
          .filter((r) => r.nmID === nmID)
          .map((r) => ({
            chrtID: r.chrtID,
            sizeName: r.sizeName,
            count: r.count,
            warehouseID: r.officeID,
            warehouseName: ctx.world.warehouses.get(r.officeID)?.name ?? '',
            dstWarehouseIDs: offices.filter((o) => o !== r.officeID),
          })),
      })),
    };
  }),

  transferLimits: call(z.object({}).loose(), (ctx) => ({ data: { quotas: ctx.world.quotaList() } })),

  transferOrder: call(
    z.object({
      transfers: z
        .array(
          z.object({
            nmID: Id,
            srcOfficeID: Id,
            items: z.array(z.object({ dstOfficeID: Id, chrtID: Id, count: z.number().int().min(1) })).min(1),
          }),
        )
        .min(1),
    }),
    (ctx, p, seller) => {
      const items = p.transfers.flatMap((t) =>
        t.items.map((i) => ({ nmID: t.nmID, chrtID: i.chrtID, srcOfficeID: t.srcOfficeID, dstOfficeID: i.dstOfficeID, count: i.count })),
      );
      const order = ctx.world.placeTransfer(seller.sid, items);
      const at = new Date(ctx.clock()).toISOString();
      // The request id is the sandbox's own (stats group an order's items by it); the portal answers only a waybill.
      for (const item of order.items) ctx.stats.transfer({ sid: seller.sid, ...item, requestId: order.requestId, at });
      ctx.logger?.info({ event: 'sandbox.transfer', sid: seller.sid, requestId: order.requestId, items: items.length }, 'transfer placed');
      return waybill(ctx, order.items);
    },
  ),
};

export async function portalRoutes(app: FastifyInstance, ctx: SandboxContext) {
  for (const [name, spec] of Object.entries(PORTAL_CALLS) as Array<[PortalCall, (typeof PORTAL_CALLS)[PortalCall]]>) {
    app.post(spec.path, { config: { surface: 'portal' } }, async (req, reply) => {
      // The portal's gateway refuses a request from something that is not its own front end before anything else.
      if (!header(req, 'root-version')?.trim()) return reply.code(400).send(ROOT_VERSION_REQUIRED);

      const seller = ctx.world.sellers.bySession(req.headers.cookie, header(req, 'authorizev3'));
      if (!seller) {
        ctx.stats.unauthorized();
        return reply.code(401).send(UNAUTHORIZED);
      }
      if (spec.host === 'supply') {
        const problem = ctx.world.sellers.lkProblem(seller, header(req, 'wb-seller-lk'));
        if (problem) {
          ctx.stats.unauthorized();
          ctx.logger?.info({ event: 'sandbox.lk_refused', sid: seller.sid, call: name, problem }, 'wb-seller-lk refused');
          // One answer for missing, unknown, expired or someone else's: the client cannot tell them apart either.
          return reply.code(401).send(LK_EXPIRED);
        }
      }
      ctx.stats.request(seller.sid, name);
      const fault = ctx.faults.take(name);
      if (fault) return serveFault(ctx, req, reply, fault);

      const taken = ctx.portalLimiter.take(seller.sid, name);
      if (!taken.ok) {
        ctx.stats.violation(seller.sid, name, 'portal');
        ctx.logger?.info(
          { event: 'sandbox.limit_violation', sid: seller.sid, call: name, surface: 'portal' },
          'portal rate limit exceeded',
        );
        return reply.code(429).header('Retry-After', toHeaderSeconds(taken.retryMs)).send(TOO_MANY);
      }

      if (name === 'validate') return { result: { supplierId: seller.sid, supplierName: seller.name } };
      if (name === 'authToken') return { result: { data: { token: ctx.world.sellers.mintLkToken(seller).token } } };

      const envelope = Envelope.safeParse(req.body);
      if (!envelope.success) {
        const id = (req.body as { id?: unknown } | undefined)?.id;
        return rpcError(
          typeof id === 'string' || typeof id === 'number' ? id : null,
          PORTAL_ERROR_CODES.badParams,
          'invalid JSON-RPC request',
        );
      }
      const { id, params = {} } = envelope.data;
      // WB's captcha is an antibot check in front of the call: it answers before the params are even looked at, and no
      // header gets past it (the sandbox never accepts a captcha token: SlotPilot never solves or forges one).
      if (seller.captcha && (PORTAL_CAPTCHA_CALLS as readonly PortalCall[]).includes(name)) {
        ctx.stats.captcha();
        return rpcError(id, PORTAL_ERROR_CODES.captchaRequired, PORTAL_REFUSALS.captcha);
      }
      try {
        return { jsonrpc: '2.0', id, result: CALLS[name](ctx, params, seller) };
      } catch (err) {
        if (err instanceof PortalCallError) return rpcError(id, err.code, err.message, err.data);
        ctx.logger?.error({ event: 'sandbox.portal_call_failed', err, sid: seller.sid, call: name }, 'portal call failed');
        return rpcError(id, PORTAL_ERROR_CODES.internal, 'internal error');
      }
    });
  }
}

function rpcError(id: string | number | null, code: number, message: string, data?: Record<string, unknown>) {
  return { jsonrpc: '2.0', id, error: { code, message, ...(data && { data }) } };
}

function header(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** transfer/order's answer: the order's waybill as a file (a CSV here; WB's own format is not public). */
function waybill(
  ctx: SandboxContext,
  items: ReadonlyArray<{ nmID: number; chrtID: number; srcOfficeID: number; dstOfficeID: number; count: number }>,
) {
  const name = (officeID: number) => (ctx.world.warehouses.get(officeID)?.name ?? String(officeID)).replaceAll(';', ',');
  const lines = [
    'nmID;chrtID;srcOfficeID;srcOffice;dstOfficeID;dstOffice;count',
    ...items.map((i) => [i.nmID, i.chrtID, i.srcOfficeID, name(i.srcOfficeID), i.dstOfficeID, name(i.dstOfficeID), i.count].join(';')),
  ];
  return { file: Buffer.from(`${lines.join('\n')}\n`, 'utf8').toString('base64'), mime: 'text/csv' };
}

function serveFault(ctx: SandboxContext, req: FastifyRequest, reply: FastifyReply, fault: ActiveFault) {
  ctx.stats.fault(fault.kind);
  switch (fault.kind) {
    case '429':
      return reply
        .code(429)
        .header('Retry-After', fault.retryAfterS ?? 1)
        .send(TOO_MANY);
    case '5xx':
      return reply.code(fault.status ?? 503).send({ message: 'injected by the sandbox' });
    case 'disabled':
      return reply.code(404).type('text/plain; charset=utf-8').send(DISABLED_BODY);
    case 'timeout':
      return hangRequest(ctx.faults, req, reply);
  }
}
