// The portal client against a small local portal (two Fastify apps on free ports: the auth host and the supply host),
// for what the sandbox cannot be made to do on demand: revoke a wb-seller-lk early, answer old result shapes or an
// unknown one, and show every header and host a request went to.
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createMemorySharedState } from '../../src/platform/kv/memory.ts';
import { createRedisSharedState } from '../../src/platform/kv/redis.ts';
import type { SharedState } from '../../src/platform/kv/types.ts';
import { PORTAL_CALLS, type PortalCall } from '../../src/wb/endpoints.ts';
import { WbNeedsSellerActionError, WbRateLimitedError, WbUnauthorizedError, WbUnexpectedShapeError } from '../../src/wb/errors.ts';
import { createHttpTransport } from '../../src/wb/http-transport.ts';
import { WbPortalClient } from '../../src/wb/portal-client.ts';
import { PortalLimiter } from '../../src/wb/portal-limiter.ts';
import { formatPortalSession } from '../../src/wb/token.ts';
import { LogCapture } from '../harness/log-capture.ts';

const jwt = (claims: Record<string, unknown>) =>
  [{ alg: 'ES256', typ: 'JWT' }, claims, 'signature'].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.');

function newSession() {
  const session = {
    token: jwt({ sub: randomUUID(), exp: Math.floor(Date.now() / 1000) + 86_400 }),
    validationKey: `vk${randomUUID().replaceAll('-', '')}`,
    supplierId: randomUUID(),
  };
  return { ...session, raw: formatPortalSession(session) };
}

interface Seen {
  host: 'auth' | 'supply';
  call: PortalCall;
  headers: Record<string, string | string[] | undefined>;
  params: Record<string, unknown>;
  sid: string | undefined;
}

const DEFAULT_RESULTS: Partial<Record<PortalCall, unknown>> = {
  warehouseFilterItems: { items: [{ warehouseID: 507, warehouseName: 'Коледино' }] },
  coefficientsReport: { report: [] },
  supplyList: { data: [], totalCount: 0 },
  transferList: { transfers: [] },
  transferLimits: { data: { quotas: [] } },
};

type Handler = (params: Record<string, unknown>, reply: FastifyReply) => unknown;

/** A portal that keeps to the wire contract unless a test swaps a call's handler. */
class StubPortal {
  readonly seen: Seen[] = [];
  readonly handlers = new Map<PortalCall, Handler>();
  readonly dead = new Set<string>();
  readonly revoked = new Set<string>();
  lkTtlS = 300;
  lastLk: string | undefined;
  inFlight = new Map<string, number>();
  mostInFlight = 0;
  delayMs = 0;
  auth!: FastifyInstance;
  supply!: FastifyInstance;

  async start() {
    this.auth = await this.app('auth');
    this.supply = await this.app('supply');
  }

  url(app: FastifyInstance) {
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  count(call: PortalCall) {
    return this.seen.filter((s) => s.call === call).length;
  }

  reset() {
    this.seen.length = 0;
    this.handlers.clear();
    this.lkTtlS = 300;
    this.delayMs = 0;
    this.mostInFlight = 0;
  }

  private async app(host: 'auth' | 'supply') {
    const app = Fastify();
    for (const [call, spec] of Object.entries(PORTAL_CALLS) as Array<[PortalCall, (typeof PORTAL_CALLS)[PortalCall]]>) {
      if (spec.host !== host) continue;
      app.post(spec.path, (req, reply) => this.serve(host, call, req, reply));
    }
    await app.listen({ port: 0, host: '127.0.0.1' });
    return app;
  }

  private async serve(host: 'auth' | 'supply', call: PortalCall, req: FastifyRequest, reply: FastifyReply) {
    const cookie = String(req.headers.cookie ?? '');
    const sid = /x-supplier-id=([^;]+)/.exec(cookie)?.[1];
    const params = ((req.body as { params?: Record<string, unknown> } | undefined)?.params ?? {}) as Record<string, unknown>;
    this.seen.push({ host, call, headers: req.headers, params, sid });
    const key = sid ?? '';
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight.get(key) ?? 0);
    try {
      if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      const token = String(req.headers.authorizev3 ?? '');
      if (!token || this.dead.has(token)) return reply.code(401).send({ message: 'unauthorized' });
      if (host === 'supply') {
        const lk = String(req.headers['wb-seller-lk'] ?? '');
        const claims = lk
          ? (JSON.parse(Buffer.from(lk.split('.')[1] ?? '', 'base64url').toString()) as { sid?: string; exp?: number })
          : {};
        if (!lk || this.revoked.has(lk) || claims.sid !== sid || (claims.exp ?? 0) * 1000 <= Date.now())
          return reply.code(401).send({ message: 'wb-seller-lk expired' });
      }
      const handler = this.handlers.get(call);
      if (handler) return handler(params, reply);
      if (call === 'authToken') {
        this.lastLk = jwt({ sid, exp: Math.floor(Date.now() / 1000) + this.lkTtlS, n: randomUUID() });
        return { jsonrpc: '2.0', id: 'json-rpc_1', result: { data: { token: this.lastLk } } };
      }
      if (call === 'validate') return { result: { supplierId: sid, supplierName: 'ООО Стаб' } };
      return { jsonrpc: '2.0', id: 'json-rpc_1', result: DEFAULT_RESULTS[call] ?? {} };
    } finally {
      this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1);
    }
  }
}

describe('WbPortalClient on the wire (local stub portal)', () => {
  const stub = new StubPortal();
  const transport = createHttpTransport();
  const logs = new LogCapture();
  let clock = Date.now;
  let client: WbPortalClient;
  const clientFor = (limiter: PortalLimiter) =>
    new WbPortalClient({
      portalUrl: stub.url(stub.supply),
      authUrl: stub.url(stub.auth),
      transport,
      limiter,
      rootVersion: 'v1.97.0',
      logger: pino({ level: 'warn' }, logs),
      now: () => clock(),
    });
  // Spacing at its shortest (1 s) where a test makes several calls of one kind, so tests show behaviour, not patience.
  const testLimiter = (shared: SharedState = createMemorySharedState()) =>
    new PortalLimiter(shared, { spacingMs: { authToken: 1_000, coefficientsReport: 1_000 } });

  beforeAll(async () => {
    await stub.start();
  });
  beforeEach(() => {
    stub.reset();
    clock = Date.now;
    client = clientFor(testLimiter());
  });
  afterAll(async () => {
    await Promise.all([stub.auth.close(), stub.supply.close(), transport.close()]);
  });

  it('sends auth calls to the auth host and supply calls to the supply host, with the browser headers and a wb-seller-lk', async () => {
    const session = newSession();
    expect(await client.warehouseFilterItems(session.raw)).toEqual([{ id: 507, name: 'Коледино' }]);
    const [mint, read] = stub.seen;
    expect(mint).toMatchObject({ host: 'auth', call: 'authToken', sid: session.supplierId });
    expect(read).toMatchObject({ host: 'supply', call: 'warehouseFilterItems', sid: session.supplierId });
    for (const { headers } of [mint!, read!]) {
      expect(headers).toMatchObject({
        authorizev3: session.token,
        'root-version': 'v1.97.0',
        origin: 'https://seller.wildberries.ru',
        referer: 'https://seller.wildberries.ru/',
        'content-type': 'application/json',
      });
      expect(headers['user-agent']).toMatch(/^Mozilla\/5\.0 .*Chrome\/\d+/);
      expect(headers.cookie).toBe(
        `WBTokenV3=${session.token}; wbx-validation-key=${session.validationKey}; x-supplier-id=${session.supplierId}`,
      );
    }
    expect(mint!.headers['wb-seller-lk']).toBeUndefined();
    expect(read!.headers['wb-seller-lk']).toBe(stub.lastLk);
  });

  it('mints wb-seller-lk once for many calls, and again only when less than a minute of it is left', async () => {
    const session = newSession();
    await client.warehouseFilterItems(session.raw);
    await client.transferLimits(session.raw);
    await client.listPreorders(session.raw);
    await client.coefficientsReport(session.raw, { dateFrom: '2026-12-03', dateTo: '2026-12-16' });
    expect(stub.count('authToken')).toBe(1);
    const first = stub.lastLk;
    // Four minutes and a bit later (by the client's clock) the token has under a minute left: minted anew before use.
    clock = () => Date.now() + 4 * 60_000 + 1_000;
    await client.planUpdate(session.raw, '2000', '2026-12-05');
    expect(stub.count('authToken')).toBe(2);
    expect(stub.seen.at(-1)?.headers['wb-seller-lk']).not.toBe(first);
    clock = Date.now;
    await client.transferStock(session.raw, [1]);
    expect(stub.count('authToken')).toBe(2);
  });

  it('coalesces the mint of concurrent first calls and sends the report dates as the portal writes them', async () => {
    const session = newSession();
    await Promise.all([
      client.coefficientsReport(session.raw, { dateFrom: '2026-12-03', dateTo: '2026-12-16' }),
      client.warehouseFilterItems(session.raw),
      client.transferLimits(session.raw),
    ]);
    expect(stub.count('authToken')).toBe(1);
    expect(stub.seen.find((s) => s.call === 'coefficientsReport')?.params).toEqual({
      dateFrom: '2026-12-03T00:00:00Z',
      dateTo: '2026-12-16T00:00:00Z',
    });
  });

  it('on a 401 from a supply call drops the lk token, mints once and retries once', async () => {
    const session = newSession();
    await client.transferLimits(session.raw);
    stub.revoked.add(stub.lastLk!);
    expect(await client.warehouseFilterItems(session.raw)).toHaveLength(1);
    expect(stub.count('authToken')).toBe(2);
    expect(stub.count('warehouseFilterItems')).toBe(2);
  });

  it('types a dead session as WbUnauthorizedError, from the mint and from validate', async () => {
    const session = newSession();
    stub.dead.add(session.token);
    const error = await client.transferLimits(session.raw).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WbUnauthorizedError);
    expect(error).toMatchObject({ endpoint: 'authToken', status: 401 });
    expect(stub.count('transferLimits')).toBe(0);
    await expect(client.validate(newSession().raw)).resolves.toMatchObject({ supplierName: 'ООО Стаб' });
    await expect(client.validate(session.raw)).rejects.toBeInstanceOf(WbUnauthorizedError);
  });

  it('sends the new supply/create shape and reads the old result shapes', async () => {
    const session = newSession();
    stub.handlers.set('preorderCreate', () => ({ result: { ids: [{ Id: 555 }] } }));
    stub.handlers.set('planAdd', () => ({ result: { supplyId: 2000123 } }));
    stub.handlers.set('transferOrder', () => ({ result: { requestId: 'r-77' } }));
    expect(await client.createPreorder(session.raw, { draftId: 'd-1', warehouseId: 507, boxTypeId: 5 })).toBe('555');
    expect(stub.seen.find((s) => s.call === 'preorderCreate')?.params).toEqual({
      boxTypeID: 5,
      draftID: 'd-1',
      warehouseId: 507,
      transitWarehouseId: null,
      isBoxOnPallet: false,
      isContainer: false,
    });
    expect(await client.planAdd(session.raw, { preorderId: '555', date: '2026-12-05' })).toBe('2000123');
    const planAdd = stub.seen.find((s) => s.call === 'planAdd')!;
    expect(planAdd.params).toEqual({ preOrderId: 555, deliveryDate: '2026-12-05T00:00:00Z' });
    expect(planAdd.headers['x-wb-captcha-token']).toBeUndefined();
    const order = { nmId: 1, srcOfficeId: 2, dstOfficeId: 3, chrtId: 4, count: 1 };
    expect(await client.transferOrder(session.raw, order)).toBe('r-77');
    stub.handlers.set('transferOrder', () => ({ result: { file: 'JVBERi0=', mime: 'application/pdf' } }));
    expect(await client.transferOrder(newSession().raw, order)).toBeUndefined();
  });

  it('types an unknown shape and logs the answer once, scrubbed of the session and cut to 2 kB', async () => {
    const session = newSession();
    stub.handlers.set('coefficientsReport', (_params) => ({
      result: { rows: [], echo: { token: session.token, key: session.validationKey, lk: stub.lastLk }, padding: 'я'.repeat(5_000) },
    }));
    const before = logs.lines.length;
    const error = await client.coefficientsReport(session.raw, { dateFrom: '2026-12-03', dateTo: '2026-12-16' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WbUnexpectedShapeError);
    const lines = logs.lines.slice(before);
    expect(lines).toHaveLength(1);
    const event = JSON.parse(lines[0]!) as { level: number; event: string; call: string; raw: string };
    expect(event).toMatchObject({ level: 40, event: 'wb.portal.unexpected_shape', call: 'coefficientsReport' });
    expect(event.raw).toContain('[REDACTED]');
    for (const secret of [session.token, session.validationKey, stub.lastLk!]) expect(lines[0]).not.toContain(secret);
    expect(Buffer.byteLength(event.raw.replace(/…\[\d+ bytes more\]$/, ''))).toBeLessThanOrEqual(2_048);
  });

  it('ends a captcha with the seller and holds plan/add back for the captcha cool-down without calling WB', async () => {
    const session = newSession();
    stub.handlers.set('planAdd', () => ({ error: { code: -32002, message: 'Требуется проверка: пройдите капчу' } }));
    const error = await client.planAdd(session.raw, { preorderId: '1', date: '2026-12-05' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WbNeedsSellerActionError);
    expect(error).toMatchObject({ reason: 'captcha', actionUrl: undefined });
    const again = await client
      .planAdd(session.raw, { preorderId: '1', date: '2026-12-06' }, { maxLimiterWaitMs: 0 })
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(WbRateLimitedError);
    expect(again).toMatchObject({ source: 'local' });
    expect(stub.count('planAdd')).toBe(1);
    // Reads go on: the cool-down is for the captcha calls only.
    await expect(client.transferLimits(session.raw)).resolves.toEqual([]);
  });

  it('maps a 429 to WB rate limiting with Retry-After, then cools the seller down on every call', async () => {
    const session = newSession();
    stub.handlers.set('transferLimits', (_p, reply) => reply.code(429).header('retry-after', '7').send({ message: 'too many requests' }));
    const error = await client.transferLimits(session.raw).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WbRateLimitedError);
    expect(error).toMatchObject({ source: 'wb', retryAfterMs: 7_000 });
    expect(await client.coolingDown(session.supplierId)).toBeGreaterThan(Date.now() + 55_000);
    const seen = stub.seen.length;
    await expect(client.warehouseFilterItems(session.raw)).rejects.toMatchObject({ source: 'local' });
    expect(stub.seen.length).toBe(seen);
  });

  it('never makes two calls of one seller at once, across two instances sharing Redis', async () => {
    const keyPrefix = `portal-stub:${randomUUID()}:`;
    const states = await Promise.all(
      [0, 1].map(() => createRedisSharedState({ url: inject('redisUrl'), logger: pino({ level: 'silent' }), keyPrefix })),
    );
    try {
      const [a, b] = states.map((shared) => clientFor(testLimiter(shared)));
      const session = newSession();
      const other = newSession();
      stub.delayMs = 30;
      const opts = { maxLimiterWaitMs: 10_000 };
      await Promise.all([
        a!.warehouseFilterItems(session.raw, opts),
        b!.transferLimits(session.raw, opts),
        a!.transferStock(session.raw, [1], opts),
        b!.listPreorders(session.raw, opts),
        a!.planUpdate(session.raw, '2000', '2026-12-05', opts),
        b!.deletePreorder(session.raw, '5', opts),
        a!.transferLimits(other.raw, opts),
      ]);
      expect(stub.mostInFlight).toBe(1);
      expect(stub.seen.filter((s) => s.sid === session.supplierId && s.call !== 'authToken')).toHaveLength(6);
    } finally {
      await Promise.all(states.map((s) => s.close()));
    }
  });
});
