// The seller portal's JSON-RPC calls on the sandbox port: session check (cookies + authorizev3), the JSON-RPC
// envelope, params, and the world's answer or refusal. Refusals are JSON-RPC errors with HTTP 200, as the portal does.

import type { BoxTypeId } from '@slotpilot/shared';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DISABLED_BODY, PORTAL_BOX_MASK, PORTAL_ERROR_CODES, PORTAL_PATHS, type PortalCall } from '../wb/endpoints.ts';
import type { ActiveFault } from './faults.ts';
import { hangRequest } from './hang-request.ts';
import { toDate } from './moscow-calendar.ts';
import { PortalCallError } from './portal-call-error.ts';
import type { SandboxContext } from './sandbox-context.ts';
import type { Seller } from './sellers.ts';

const Id = z.union([z.number().int().positive(), z.string().regex(/^\d+$/).transform(Number)]);
const SupplyId = z.union([z.number().int().positive().transform(String), z.string().regex(/^\d+$/)]);
const DateParam = z.string().transform((value, issue) => {
  const date = toDate(value);
  if (!date) issue.addIssue({ code: 'custom', message: `"${value}" is not a date (YYYY-MM-DD)` });
  return date ?? '';
});
const BOX_BY_MASK = new Map(Object.entries(PORTAL_BOX_MASK).map(([box, mask]) => [mask, Number(box) as BoxTypeId]));

const Envelope = z.object({
  jsonrpc: z.literal('2.0'),
  id: z.union([z.string(), z.number()]),
  params: z.record(z.string(), z.unknown()).optional(),
});

type Call = (ctx: SandboxContext, params: unknown, seller: Seller, req: FastifyRequest) => unknown;

const call =
  <S extends z.ZodType>(schema: S, run: (ctx: SandboxContext, params: z.output<S>, seller: Seller, req: FastifyRequest) => unknown): Call =>
  (ctx, params, seller, req) => {
    const parsed = schema.safeParse(params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new PortalCallError('badParams', `invalid params: ${issue?.path.join('.') || 'params'}: ${issue?.message ?? 'invalid'}`);
    }
    return run(ctx, parsed.data, seller, req);
  };

const CALLS: Record<Exclude<PortalCall, 'validate'>, Call> = {
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

  preorderCreate: call(
    z.object({
      boxTypeMask: z.number().int(),
      draftID: z.string(),
      warehouseId: Id,
      transitWarehouseId: z.union([Id, z.literal(0), z.null()]).optional(),
    }),
    (ctx, p, seller) => {
      const boxTypeId = BOX_BY_MASK.get(p.boxTypeMask);
      if (!boxTypeId) throw new PortalCallError('badParams', `unknown boxTypeMask ${p.boxTypeMask}`);
      const preorder = ctx.world.createPreorder(seller.sid, {
        draftID: p.draftID,
        warehouseId: p.warehouseId,
        boxTypeId,
        transitWarehouseId: p.transitWarehouseId ? p.transitWarehouseId : null,
      });
      return { ids: [{ Id: preorder.id }] };
    },
  ),

  acceptanceCosts: call(z.object({ dateFrom: DateParam, dateTo: DateParam, preorderID: Id }), (ctx, p, seller) => ({
    costs: ctx.world.acceptanceCosts(seller.sid, p.preorderID, p.dateFrom, p.dateTo),
  })),

  planAdd: call(
    z.object({ preOrderId: Id, deliveryDate: DateParam, monopalletCount: z.number().int().min(1).optional() }),
    (ctx, p, seller, req) => {
      // The portal gates booking behind a captcha for some sellers; only the seller can solve it.
      if (seller.captcha && !req.headers['x-wb-captcha-token']) {
        throw new PortalCallError('captchaRequired', 'captcha required', {
          captchaUrl: 'https://seller.wildberries.ru/supplies-management/all-supplies',
        });
      }
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
      return { supplyId };
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
      })
      .refine((p) => p.preorderID !== undefined || p.supplyID !== undefined, { message: 'preorderID or supplyID is required' }),
    (ctx, p, seller) => {
      const preorder =
        p.supplyID !== undefined ? ctx.world.supplyById(seller.sid, p.supplyID) : ctx.world.preorder(seller.sid, p.preorderID ?? 0);
      const start = (p.pageNumber - 1) * p.pageSize;
      return {
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
        goods: preorder.goods.slice(start, start + p.pageSize).map((g) => ({ ...g })),
        totalGoods: preorder.goods.length,
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
      for (const item of order.items) ctx.stats.transfer({ sid: seller.sid, ...item, requestId: order.requestId, at });
      ctx.logger?.info({ event: 'sandbox.transfer', sid: seller.sid, requestId: order.requestId, items: items.length }, 'transfer placed');
      return { requestId: order.requestId };
    },
  ),
};

export async function portalRoutes(app: FastifyInstance, ctx: SandboxContext) {
  for (const [name, path] of Object.entries(PORTAL_PATHS) as Array<[PortalCall, string]>) {
    app.post(path, { config: { surface: 'portal' } }, async (req, reply) => {
      const seller = ctx.world.sellers.bySession(req.headers.cookie, header(req, 'authorizev3'));
      if (!seller) {
        ctx.stats.unauthorized();
        return reply.code(401).send({ message: 'unauthorized' });
      }
      ctx.stats.request(seller.sid, name);
      const fault = ctx.faults.take(name);
      if (fault) return serveFault(ctx, req, reply, fault);

      if (name === 'validate') return { result: { supplierId: seller.sid, supplierName: seller.name } };

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
      try {
        return { jsonrpc: '2.0', id, result: CALLS[name](ctx, params, seller, req) };
      } catch (err) {
        if (!(err instanceof PortalCallError)) throw err;
        return rpcError(id, err.code, err.message, err.data);
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

function serveFault(ctx: SandboxContext, req: FastifyRequest, reply: FastifyReply, fault: ActiveFault) {
  ctx.stats.fault(fault.kind);
  switch (fault.kind) {
    case '429':
      return reply
        .code(429)
        .header('X-Ratelimit-Retry', fault.retryAfterS ?? 1)
        .send({ message: 'too many requests' });
    case '5xx':
      return reply.code(fault.status ?? 503).send({ message: 'injected by the sandbox' });
    case 'disabled':
      return reply.code(404).type('text/plain; charset=utf-8').send(DISABLED_BODY);
    case 'timeout':
      return hangRequest(ctx.faults, req, reply);
  }
}
