// Attacks by a signed-in user (issue 14): unbounded ranges, junk and hostile names, caps raced with concurrent batches,
// JSON-looking "secrets", a forged token spending another seller's budget, and request floods. Each is refused cheaply
// with its own code, and the server stays well.

import { wrap } from '@mikro-orm/core';
import { addDays, moscowToday } from '@slotpilot/shared';
import { createTRPCClient, httpBatchLink, type TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../../src/api/router.ts';
import { domainErrorOfConstraint, MAX_ACTIVE_TASKS_IN_DB } from '../../src/db/constraint-errors.ts';
import { Credential } from '../../src/db/entities/credential.ts';
import { MAX_ACTIVE_TASKS } from '../../src/monitor/task-service.ts';
import { encodeWbToken } from '../../src/wb/token.ts';
import { sandboxControl } from '../harness/sandbox-control.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { failure } from '../harness/trpc-failure.ts';

describe('attacks by a signed-in user', () => {
  let server: TestServer;
  let nextUser = 9_100_000;
  const newUser = (languageCode = 'ru') => ({ id: ++nextUser, firstName: `Attacker${nextUser}`, languageCode });
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  const today = moscowToday();
  const supply = (overrides: Record<string, unknown> = {}) => ({
    kind: 'supply' as const,
    mode: 'notify' as const,
    warehouseIds: [507],
    boxTypeId: 2 as const,
    dateFrom: today,
    dateTo: addDays(today, 5),
    maxCoefficient: 0,
    ...overrides,
  });
  const batchClient = (user: { id: number; firstName: string }) =>
    createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${server.url}/trpc`, maxItems: 10, headers: { authorization: `tma ${server.initData.sign(user)}` } })],
    });

  it('calendar: a range of centuries is refused by the schema, one completed by the defaults by the router', async () => {
    const client = server.client(newUser());
    const huge = await failure(
      client.slots.calendar.query({ warehouseIds: [507], boxTypeId: 2, dateFrom: '0001-01-01', dateTo: '9999-12-31' }),
    );
    expect(huge.data).toMatchObject({ appCode: 'BAD_INPUT', httpStatus: 400 });
    // Only the end given: from today to 2099 is refused before any work, not turned into 27,000 empty days.
    const long = await failure(client.slots.calendar.query({ warehouseIds: [507], boxTypeId: 2, dateTo: '2099-12-31' }));
    expect(long.data).toMatchObject({ appCode: 'RANGE_TOO_LONG', httpStatus: 400 });
    // The start alone: 14 days from it.
    const fromOnly = await client.slots.calendar.query({ warehouseIds: [507], boxTypeId: 2, dateFrom: '2024-01-01' });
    expect(fromOnly.days).toHaveLength(14);
  }, 20_000);

  it('tasks: at most 90 days, dates within a sane window, names without NUL, lone surrogates, bidi or control characters', async () => {
    const client = server.client(newUser('en'));
    const tooLong = await failure(client.tasks.create.mutate(supply({ dateTo: addDays(today, 90) })));
    expect(tooLong.data).toMatchObject({
      appCode: 'BAD_INPUT',
      issues: [{ path: 'dateTo', message: 'Field "end date": at most 90 days' }],
    });
    for (const name of ['nul\u0000name', 'lone\ud800', 'evil\u202Egnp.exe', 'line\nbreak']) {
      const error = await failure(client.keys.add.mutate({ kind: 'api_token', name, secret: 'x'.repeat(40) }));
      expect(error.data).toMatchObject({ appCode: 'BAD_INPUT', httpStatus: 400 });
      expect(error.message).toMatch(/^Field "name": must not contain control characters/);
    }
    const ru = await failure(server.client(newUser('ru')).keys.add.mutate({ kind: 'api_token', name: 'a\u0000', secret: 'x'.repeat(40) }));
    expect(ru.message).toMatch(/^Поле «Название»: не должно содержать управляющих символов/);
    const size = await failure(
      client.redistribution.create.mutate({
        kind: 'redistribution',
        nmId: 1,
        chrtId: 1,
        sizeName: '\u0000',
        srcWarehouseId: 507,
        dstWarehouseId: 117501,
        units: 1,
      }),
    );
    expect(size.data).toMatchObject({ appCode: 'BAD_INPUT', issues: [expect.objectContaining({ path: 'sizeName' })] });
    // Arrays and strings are bounded too.
    const many = await failure(client.tasks.create.mutate(supply({ warehouseIds: Array.from({ length: 11 }, (_, i) => i + 1) })));
    expect(many.data?.issues).toEqual([{ path: 'warehouseIds', message: 'Field "warehouses": at most 10 items' }]);
  });

  it('the active-task cap holds under concurrent batches: exactly 50, the rest TASK_LIMIT, no 500s', async () => {
    expect(MAX_ACTIVE_TASKS_IN_DB).toBe(MAX_ACTIVE_TASKS);
    const user = newUser();
    const client = batchClient(user);
    const results = await Promise.allSettled(Array.from({ length: 70 }, () => client.tasks.create.mutate(supply())));
    const codes = results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as TRPCClientError<AppRouter>).data?.appCode));
    expect(codes.filter((c) => c === 'ok')).toHaveLength(50);
    expect(codes.filter((c) => c !== 'ok').every((c) => c === 'TASK_LIMIT')).toBe(true);
    const rows = await server.orm.em
      .getConnection()
      .execute<{ n: string }[]>(`select count(*) as n from monitoring_tasks where user_id = ? and state <> 'done'`, [user.id]);
    expect(Number(rows[0]?.n)).toBe(50);
  }, 60_000);

  it('keys: 12 parallel adds store 5, parallel duplicates store 1 and answer KEY_DUPLICATE', async () => {
    const wb = sandboxControl(server.sandboxUrl);
    const sellers = await Promise.all(Array.from({ length: 12 }, () => wb.createSeller()));
    const user = newUser();
    const client = batchClient(user);
    const results = await Promise.allSettled(
      sellers.map((s, i) => client.keys.add.mutate({ kind: 'api_token', name: `k${i}`, secret: s.apiToken })),
    );
    const codes = results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as TRPCClientError<AppRouter>).data?.appCode));
    expect(codes.filter((c) => c === 'ok')).toHaveLength(5);
    expect(codes.filter((c) => c !== 'ok').every((c) => c === 'KEY_LIMIT')).toBe(true);

    // A seller whose key is stored: its name is known, so the check spends no seller-info call (one a minute).
    const stored = sellers[codes.indexOf('ok')]!;
    const other = newUser();
    const dup = await Promise.allSettled(
      Array.from({ length: 4 }, () => batchClient(other).keys.add.mutate({ kind: 'api_token', name: 'same', secret: stored.apiToken })),
    );
    const dupCodes = dup.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as TRPCClientError<AppRouter>).data?.appCode));
    expect(dupCodes.filter((c) => c === 'ok')).toHaveLength(1);
    expect(dupCodes.filter((c) => c !== 'ok').every((c) => c === 'KEY_DUPLICATE')).toBe(true);
    expect(await server.client(other).keys.list.query()).toHaveLength(1);

    // Two instances racing past every early check meet PostgreSQL: the cap and the unique fingerprint, as domain codes.
    const em = server.orm.em.fork();
    const row = await em.findOneOrFail(Credential, { user: other.id });
    const copy = em.fork().insert(Credential, { ...wrap(row).toObject(), id: crypto.randomUUID(), user: other.id } as never);
    expect(domainErrorOfConstraint(await copy.catch((e: unknown) => e))?.code).toBe('KEY_DUPLICATE');
    const full = await em.findOneOrFail(Credential, { user: user.id });
    const sixth = em
      .fork()
      .insert(Credential, { ...wrap(full).toObject(), id: crypto.randomUUID(), user: user.id, fingerprint: 'f'.repeat(64) } as never);
    expect(domainErrorOfConstraint(await sixth.catch((e: unknown) => e))?.code).toBe('KEY_LIMIT');
  }, 60_000);

  it('a junk "secret" that looks like JSON is never learned, and every later log line stays JSON', async () => {
    const client = server.client(newUser());
    for (const secret of ['"service":"slotpilot"', '"level":30,"time"', 'x'.repeat(20)]) {
      expect((await failure(client.keys.add.mutate({ kind: 'api_token', name: 'junk', secret }))).data?.appCode).toBe('KEY_NOT_A_TOKEN');
    }
    await client.me.get.query();
    const lines = server.logs.text.trim().split('\n');
    for (const line of lines.slice(-50)) expect(() => JSON.parse(line)).not.toThrow();
    expect(server.logs.events().at(-1)).toMatchObject({ service: 'slotpilot' });
  });

  it("a forged token with another seller's sid does not spend that seller's ping budget", async () => {
    const wb = sandboxControl(server.sandboxUrl);
    const victimSeller = await wb.createSeller();
    const sid = victimSeller.sid;
    const attacker = server.client(newUser());
    const forged = (n: number) =>
      encodeWbToken({ sid, id: `forged-${n}-${crypto.randomUUID()}`, exp: Math.floor(Date.now() / 1000) + 3600, s: 1 << 10 });
    // Three checks at once: one pings now, the others queue on the attacker's own unverified budget.
    const attacks = [1, 2, 3].map((n) => attacker.keys.add.mutate({ kind: 'api_token', name: `f${n}`, secret: forged(n) }).catch((e) => e));
    // Whichever check got the attacker's budget first is rejected by WB; the others wait for it or give up (WB_BUSY).
    const firstDone = await Promise.race(attacks);
    expect(['KEY_REJECTED', 'WB_BUSY']).toContain((firstDone as TRPCClientError<AppRouter>).data?.appCode);
    // The real seller adds their key right away: their bucket was not touched (before: WB_BUSY after a 10 s wait).
    const started = Date.now();
    const added = await server.client(newUser()).keys.add.mutate({ kind: 'api_token', name: 'mine', secret: victimSeller.apiToken });
    expect(added.sellerName).toBe(victimSeller.name);
    expect(Date.now() - started).toBeLessThan(5_000);
    const outcomes = (await Promise.all(attacks)).map((e) => (e as TRPCClientError<AppRouter>).data?.appCode);
    expect(outcomes).toContain('KEY_REJECTED');
    expect(outcomes.every((c) => c === 'KEY_REJECTED' || c === 'WB_BUSY')).toBe(true);
  }, 40_000);

  it('a flood of calls from one user is cut off with RATE_LIMITED in their language, the server stays responsive', async () => {
    const user = newUser('en');
    const client = batchClient(user);
    const results = await Promise.allSettled(Array.from({ length: 160 }, () => client.me.get.query()));
    const limited = results
      .filter((r) => r.status === 'rejected')
      .map((r) => (r as PromiseRejectedResult).reason as TRPCClientError<AppRouter>);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(120);
    expect(limited.length).toBe(40);
    expect(limited[0]?.data).toMatchObject({ appCode: 'RATE_LIMITED', httpStatus: 429 });
    expect(limited[0]?.message).toMatch(/^Too many requests\. Wait \d+ s and try again\.$/);
    // Other users are not affected.
    expect((await server.client(newUser()).me.get.query()).credits).toBeDefined();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
