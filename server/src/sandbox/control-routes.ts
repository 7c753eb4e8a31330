// The control API (/__sandbox/*): how tests, scripts and the developer shape the world. Never part of production.
// Shapes are a contract (ARCHITECTURE.md, "Contracts"): add fields freely, never rename.
import { IsoDate } from '@slotpilot/shared';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { OFFICIAL_ENDPOINT_NAMES, PORTAL_PATHS, type PortalCall } from '../wb/endpoints.ts';
import { FAULT_KINDS } from './faults.ts';
import type { SandboxContext } from './sandbox-context.ts';

const NewSeller = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  captcha: z.boolean().optional(),
  tokenExpiresInS: z.number().int().optional(),
  categories: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
  accessType: z.number().int().min(1).max(4).optional(),
  sessionExpiresInS: z.number().int().optional(),
  /** Lifetime of this seller's `wb-seller-lk` tokens, for tests of their expiry (default 300 s). */
  lkTokenTtlS: z.number().int().min(1).max(86_400).optional(),
});

const OfficialSwitchInput = z.strictObject({ enabled: z.boolean({ error: 'enabled must be true or false' }) });

const NewToken = z.strictObject({
  tokenExpiresInS: z.number().int().optional(),
  categories: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
  accessType: z.number().int().min(1).max(4).optional(),
});

const SetCell = z.strictObject({
  warehouseId: z.number().int().positive(),
  date: IsoDate,
  boxTypeId: z.union([z.literal(2), z.literal(5), z.literal(6)], { error: 'boxTypeId must be 2, 5 or 6' }),
  coefficient: z.number().min(-1, { message: 'coefficient must be -1 (closed) or ≥ 0' }),
  allowUnload: z.boolean(),
});

const SetQuota = z.strictObject({
  officeID: z.number().int().positive(),
  srcQuota: z.number().int().min(0).optional(),
  dstQuota: z.number().int().min(0).optional(),
});

const FAULT_ENDPOINTS = [...OFFICIAL_ENDPOINT_NAMES, ...(Object.keys(PORTAL_PATHS) as PortalCall[]), '*'] as const;
const AddFault = z.strictObject({
  endpoint: z.enum(FAULT_ENDPOINTS, { error: `endpoint must be one of: ${FAULT_ENDPOINTS.join(', ')}` }),
  kind: z.enum(FAULT_KINDS, { error: `kind must be one of: ${FAULT_KINDS.join(', ')}` }),
  count: z.number().int().min(1).optional(),
  durationMs: z.number().int().min(1).optional(),
  retryAfterS: z.number().int().min(0).optional(),
  status: z.number().int().min(500).max(599).optional(),
});

const Scenario = z.strictObject({
  running: z.boolean().optional(),
  seed: z.number().int().optional(),
  tickMs: z.number().int().min(10).max(3_600_000).optional(),
  changesPerTick: z.number().int().min(0).max(10_000).optional(),
});

const Tick = z.strictObject({ ticks: z.number().int().min(1).max(10_000).optional() });

export async function controlRoutes(app: FastifyInstance, ctx: SandboxContext) {
  const { world } = ctx;
  const config = { surface: 'control' as const };

  app.post('/__sandbox/sellers', { config }, async (req, reply) => {
    const input = parse(NewSeller, req.body, reply);
    if (!input) return reply;
    const seller = world.createSeller(input);
    ctx.logger?.info({ event: 'sandbox.seller_created', sid: seller.sid, captcha: seller.captcha }, 'seller created');
    return seller;
  });

  app.post<{ Params: { sid: string } }>('/__sandbox/sellers/:sid/tokens', { config }, async (req, reply) => {
    const input = parse(NewToken, req.body, reply);
    if (!input) return reply;
    if (!world.sellers.get(req.params.sid)) return reply.code(404).send({ error: `unknown seller ${req.params.sid}` });
    return {
      sid: req.params.sid,
      apiToken: world.issueToken(req.params.sid, {
        expiresInS: input.tokenExpiresInS,
        categories: input.categories,
        accessType: input.accessType,
      }),
    };
  });

  app.post('/__sandbox/coefficients', { config }, async (req, reply) => {
    const input = parse(SetCell, req.body, reply);
    if (!input) return reply;
    if (!world.warehouses.has(input.warehouseId)) return badRequest(reply, `unknown warehouseId ${input.warehouseId}`);
    const { warehouseId, date, boxTypeId, coefficient, allowUnload } = input;
    world.setCell(warehouseId, date, boxTypeId, { coefficient, allowUnload });
    return { warehouseId, date, boxTypeId, coefficient, allowUnload, inWindow: world.grid.inWindow(date) };
  });

  app.post('/__sandbox/quotas', { config }, async (req, reply) => {
    const input = parse(SetQuota, req.body, reply);
    if (!input) return reply;
    if (!world.warehouses.has(input.officeID)) return badRequest(reply, `unknown officeID ${input.officeID}`);
    return world.setQuota(input.officeID, input);
  });

  app.post('/__sandbox/faults', { config }, async (req, reply) => {
    const input = parse(AddFault, req.body, reply);
    if (!input) return reply;
    const fault = ctx.faults.add(input);
    ctx.logger?.info({ event: 'sandbox.fault_added', fault }, 'fault added');
    return fault;
  });
  app.get('/__sandbox/faults', { config }, async () => ({ faults: ctx.faults.list() }));
  app.delete('/__sandbox/faults', { config }, async () => {
    const cleared = ctx.faults.list().length;
    ctx.faults.clear();
    return { cleared };
  });

  app.get('/__sandbox/stats', { config }, async () => ctx.stats.snapshot());

  /** WB's official coefficients / warehouses / acceptance options: off (404 "temporarily disabled") until turned on. */
  app.get('/__sandbox/official', { config }, async () => ctx.official.state());
  app.post('/__sandbox/official', { config }, async (req, reply) => {
    const input = parse(OfficialSwitchInput, req.body, reply);
    if (!input) return reply;
    const state = ctx.official.set(input.enabled);
    ctx.logger?.info({ event: 'sandbox.official_switched', enabled: state.enabled }, 'official methods switched');
    return state;
  });

  app.post('/__sandbox/reset', { config }, async () => {
    ctx.reset();
    ctx.logger?.info({ event: 'sandbox.reset' }, 'sandbox reset');
    return { ok: true };
  });

  app.get('/__sandbox/scenario', { config }, async () => ctx.scenario.state());
  app.post('/__sandbox/scenario', { config }, async (req, reply) => {
    const input = parse(Scenario, req.body, reply);
    if (!input) return reply;
    return ctx.scenario.update(input);
  });
  /** Advance the scenario by hand (with `running: false`, this is how a test moves the world). */
  app.post('/__sandbox/scenario/tick', { config }, async (req, reply) => {
    const input = parse(Tick, req.body, reply);
    if (!input) return reply;
    const changes = Array.from({ length: input.ticks ?? 1 }, () => ctx.scenario.tick()).flat();
    return { ...ctx.scenario.state(), applied: changes };
  });
}

function parse<S extends z.ZodType>(schema: S, body: unknown, reply: FastifyReply): z.output<S> | undefined {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
  badRequest(reply, message);
  return undefined;
}

function badRequest(reply: FastifyReply, error: string) {
  return reply.code(400).send({ error });
}
