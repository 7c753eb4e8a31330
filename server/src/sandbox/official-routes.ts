// WB's official API on the sandbox port (common-api and supplies-api paths side by side), with WB's gateway in front:
// token check, one token bucket per seller and endpoint, the rate-limit headers, injected faults, and the switch that
// keeps coefficients, warehouses and acceptance options "temporarily disabled" by default, as on today's WB.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DISABLED_BODY, OFFICIAL_ENDPOINT_NAMES, OFFICIAL_ENDPOINTS, type OfficialEndpoint } from '../wb/endpoints.ts';
import { hasCategory, TOKEN_CATEGORY_BITS } from '../wb/token.ts';
import type { ActiveFault } from './faults.ts';
import { hangRequest } from './hang-request.ts';
import { moscowDateTime } from './moscow-calendar.ts';
import { BadRequest, newRequestId, PROBLEM_JSON, sendGatewayProblem, serviceError } from './problem.ts';
import type { SandboxContext } from './sandbox-context.ts';
import type { Seller } from './sellers.ts';
import { toHeaderSeconds } from './token-bucket.ts';
import type { Preorder } from './world.ts';

/** Endpoints a token needs the "supplies" category for; ping and seller-info take a token of any category. */
const SUPPLIES_CATEGORY: ReadonlySet<OfficialEndpoint> = new Set(['coefficients', 'warehouses', 'acceptanceOptions', 'supplies']);

type Handler = (ctx: SandboxContext, req: FastifyRequest, seller: Seller) => unknown;

const HANDLERS: Record<OfficialEndpoint, Handler> = {
  ping: (ctx) => ({ TS: moscowDateTime(ctx.clock()), Status: 'OK' }),
  sellerInfo: (_ctx, _req, seller) => ({ name: seller.name, sid: seller.sid, tin: seller.tin, tradeMark: seller.tradeMark }),
  coefficients: coefficients,
  warehouses: (ctx) =>
    [...ctx.world.warehouses.values()].map((w) => ({
      ID: w.id,
      name: w.name,
      address: w.address,
      workTime: w.workTime,
      isActive: w.isActive,
      isTransitActive: w.isTransitActive,
    })),
  acceptanceOptions: acceptanceOptions,
  supplies: supplies,
};

export async function officialRoutes(app: FastifyInstance, ctx: SandboxContext) {
  for (const name of OFFICIAL_ENDPOINT_NAMES) {
    const endpoint = OFFICIAL_ENDPOINTS[name];
    app.route({
      method: endpoint.method,
      url: endpoint.path,
      config: { surface: 'official' },
      handler: async (req, reply) => {
        const seller = authenticate(ctx, req, reply, name);
        if (!seller) return reply;
        ctx.stats.request(seller.sid, name);

        const fault = ctx.faults.take(name);
        if (fault) return serveFault(ctx, req, reply, fault, seller.sid, name);
        // Like the "disabled" fault: the method is off, so the seller's budget is only looked at, not spent.
        if (ctx.official.disables(name)) return sendDisabled(ctx, reply, seller.sid, name);

        const taken = ctx.limiter.take(seller.sid, name);
        if (!taken.ok) {
          ctx.stats.violation(seller.sid, name);
          ctx.logger?.info({ event: 'sandbox.limit_violation', sid: seller.sid, endpoint: name }, 'rate limit exceeded');
          reply.header('X-Ratelimit-Retry', toHeaderSeconds(taken.retryMs));
          reply.header('X-Ratelimit-Limit', taken.limit);
          reply.header('X-Ratelimit-Reset', toHeaderSeconds(taken.resetMs));
          return sendGatewayProblem(reply, 429, `limited by ${seller.sid}`, ctx.clock());
        }
        reply.header('X-Ratelimit-Remaining', taken.remaining);
        try {
          return HANDLERS[name](ctx, req, seller);
        } catch (err) {
          if (!(err instanceof BadRequest)) throw err;
          return reply.code(400).type(PROBLEM_JSON).send(serviceError(400, err.message));
        }
      },
    });
  }
}

/** The seller behind the request's token, or undefined after answering 401 as WB's gateway does. */
function authenticate(ctx: SandboxContext, req: FastifyRequest, reply: FastifyReply, name: OfficialEndpoint): Seller | undefined {
  const header = req.headers.authorization?.trim() ?? '';
  const token = header.replace(/^Bearer\s+/i, '');
  const refuse = (detail: string) => {
    ctx.stats.unauthorized();
    sendGatewayProblem(reply, 401, detail, ctx.clock());
    return undefined;
  };
  if (!token) return refuse('empty Authorization header');
  const issued = ctx.world.sellers.byToken(token);
  if (!issued) return refuse('token problem; token is malformed or unknown');
  if (issued.info.expiresAt.getTime() <= ctx.clock()) return refuse('token problem; token is expired');
  // Test tokens (acc 2) work only on WB's *-sandbox hosts; this server plays the production hosts.
  if (issued.info.accessType === 2) return refuse('token problem; test token is not allowed for this host');
  if (SUPPLIES_CATEGORY.has(name) && !hasCategory(issued.info.categories, TOKEN_CATEGORY_BITS.supplies)) {
    return refuse('token scope not allowed');
  }
  return issued.seller;
}

function serveFault(
  ctx: SandboxContext,
  req: FastifyRequest,
  reply: FastifyReply,
  fault: ActiveFault,
  sid: string,
  name: OfficialEndpoint,
) {
  ctx.stats.fault(fault.kind);
  // An injected fault is the service misbehaving, not the seller spending budget: the bucket is only looked at.
  switch (fault.kind) {
    case '429': {
      const retry = fault.retryAfterS ?? 1;
      reply.header('X-Ratelimit-Retry', retry);
      reply.header('X-Ratelimit-Limit', OFFICIAL_ENDPOINTS[name].burst);
      reply.header('X-Ratelimit-Reset', retry);
      return sendGatewayProblem(reply, 429, `limited by ${sid}`, ctx.clock());
    }
    case '5xx': {
      const status = fault.status ?? 503;
      reply.header('X-Ratelimit-Remaining', ctx.limiter.remaining(sid, name));
      return sendGatewayProblem(reply, status, 'injected by the sandbox', ctx.clock());
    }
    case 'disabled':
      return sendDisabled(ctx, reply, sid, name);
    case 'timeout':
      return hangRequest(ctx.faults, req, reply);
  }
}

/** WB's "temporarily disabled" answer (release note 570): 404, plain text. */
function sendDisabled(ctx: SandboxContext, reply: FastifyReply, sid: string, name: OfficialEndpoint) {
  reply.header('X-Ratelimit-Remaining', ctx.limiter.remaining(sid, name));
  return reply.code(404).type('text/plain; charset=utf-8').send(DISABLED_BODY);
}

// ---- handlers

function coefficients(ctx: SandboxContext, req: FastifyRequest) {
  const raw = (req.query as Record<string, string | string[] | undefined>).warehouseIDs;
  let wanted: Set<number> | undefined;
  if (raw !== undefined) {
    const parts = (Array.isArray(raw) ? raw.join(',') : raw).split(',').map((p) => p.trim());
    if (parts.some((p) => !/^\d{1,10}$/.test(p))) throw new BadRequest('Неверный формат warehouseIDs');
    wanted = new Set(parts.map(Number));
  }
  // The same cells as the portal's acceptanceCoefficientsReport (world.calendar), plus WB's tariffs.
  return ctx.world.calendar(wanted ? { warehouseIds: wanted } : {}).map(({ warehouse, date, boxTypeId: boxTypeID, cell }) => {
    const tariffs = ctx.world.tariffs(warehouse, boxTypeID);
    return {
      date: `${date}T00:00:00Z`,
      coefficient: cell.coefficient,
      warehouseID: warehouse.id,
      warehouseName: warehouse.name,
      allowUnload: cell.allowUnload,
      boxTypeID,
      storageCoef: tariffs.storageCoef,
      deliveryCoef: tariffs.deliveryCoef,
      deliveryBaseLiter: tariffs.deliveryBaseLiter,
      deliveryAdditionalLiter: tariffs.deliveryAdditionalLiter,
      storageBaseLiter: tariffs.storageBaseLiter,
      storageAdditionalLiter: tariffs.storageAdditionalLiter,
      isSortingCenter: warehouse.isSortingCenter,
    };
  });
}

const Goods = z.array(z.object({ quantity: z.number().int().min(1).max(999_999), barcode: z.string() })).max(5000);

function acceptanceOptions(ctx: SandboxContext, req: FastifyRequest, seller: Seller) {
  const rawWarehouse = (req.query as Record<string, unknown>).warehouseID;
  if (rawWarehouse !== undefined && !(typeof rawWarehouse === 'string' && /^\d{1,10}$/.test(rawWarehouse))) {
    throw new BadRequest('Неверный формат warehouseID');
  }
  const goods = Goods.safeParse(req.body);
  if (!goods.success) throw new BadRequest(`Некорректное тело запроса: ${goods.error.issues[0]?.message ?? 'invalid'}`);
  const known = new Set(ctx.world.barcodesOf(seller.sid));
  const warehouses = [...ctx.world.warehouses.values()]
    .filter((w) => w.isActive && (rawWarehouse === undefined || w.id === Number(rawWarehouse)))
    .map((w) => ({
      warehouseID: w.id,
      canBox: w.boxTypes.includes(2),
      canMonopallet: w.boxTypes.includes(5),
      canSupersafe: w.boxTypes.includes(6),
      isBoxOnPallet: w.boxTypes.includes(5),
    }));
  const result = goods.data.map(({ barcode }) =>
    known.has(barcode)
      ? { barcode, warehouses }
      : {
          barcode,
          warehouses: null,
          error: { title: 'barcode validation error', detail: `barcode ${barcode} is not found` },
          isError: true,
        },
  );
  // WB adds a requestId only when some item failed.
  return result.some((r) => 'isError' in r) ? { result, requestId: newRequestId() } : { result };
}

const BAD_STATUS = "Выберите значение параметра 'StatusIDs' из списка: '1 2 3 4 5 6'";
const SuppliesFilter = z
  .object({
    dates: z
      .array(
        z.object({
          from: z.string().optional(),
          till: z.string().optional(),
          type: z.enum(['factDate', 'createDate', 'supplyDate', 'updatedDate'], {
            error: "Выберите значение параметра 'Type' из списка: 'factDate createDate supplyDate updatedDate'",
          }),
        }),
      )
      .optional(),
    statusIDs: z
      .array(
        z.number().refine((id) => Number.isInteger(id) && id >= 1 && id <= 6, { error: BAD_STATUS }),
        { error: BAD_STATUS },
      )
      .optional(),
  })
  .optional();

function supplies(ctx: SandboxContext, req: FastifyRequest, seller: Seller) {
  const query = req.query as Record<string, unknown>;
  const limit = intParam(query.limit, 1000, 'limit');
  const offset = intParam(query.offset, 0, 'offset');
  if (limit < 1 || limit > 1000) throw new BadRequest('Неверный формат limit');
  const filter = SuppliesFilter.safeParse(req.body ?? undefined);
  if (!filter.success) throw new BadRequest(filter.error.issues[0]?.message ?? 'bad request');
  for (const range of filter.data?.dates ?? []) {
    for (const value of [range.from, range.till]) {
      if (value !== undefined && !/^\d{4}-\d{2}-\d{2}/.test(value)) {
        throw new BadRequest(`ошибка при считывании даты "${value}". Дата должна быть в формате ISO Date: 2006-01-02`);
      }
    }
  }
  const rows = ctx.world.suppliesOf(seller.sid).map((p) => supplyRow(p, seller));
  const statuses = filter.data?.statusIDs;
  return rows
    .filter((row) => !statuses || statuses.includes(row.statusID))
    .filter((row) =>
      (filter.data?.dates ?? []).every((range) => {
        const value = row[range.type]?.slice(0, 10);
        if (!value) return false;
        return (!range.from || value >= range.from.slice(0, 10)) && (!range.till || value <= range.till.slice(0, 10));
      }),
    )
    .slice(offset, offset + limit);
}

/** models.Supply (07-orders-fbw.yaml). */
interface SupplyRow {
  phone: string;
  supplyID: number | null;
  preorderID: number;
  createDate: string;
  supplyDate: string | null;
  factDate: string | null;
  updatedDate: string | null;
  statusID: number;
  boxTypeID: number;
  isBoxOnPallet?: boolean;
}

function supplyRow(preorder: Preorder, seller: Seller): SupplyRow {
  return {
    phone: seller.phone,
    supplyID: preorder.supplyId === null ? null : Number(preorder.supplyId),
    preorderID: preorder.id,
    createDate: moscowDateTime(preorder.createdAt),
    supplyDate: preorder.deliveryDate === null ? null : `${preorder.deliveryDate}T00:00:00+03:00`,
    factDate: null,
    updatedDate: preorder.updatedAt === null ? null : moscowDateTime(preorder.updatedAt),
    statusID: preorder.supplyId === null ? 1 : 2,
    boxTypeID: preorder.boxTypeId,
    // WB returns isBoxOnPallet only for boxTypeID 2.
    ...(preorder.boxTypeId === 2 && { isBoxOnPallet: false }),
  };
}

function intParam(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) throw new BadRequest(`Неверный формат ${name}`);
  return Number(value);
}
