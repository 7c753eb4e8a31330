// The engine under WB faults (issue 15), end to end: one server, its WB sandbox over HTTP, real Postgres. A booking is
// an operation per task and preorder, created with its credit reservation before WB is called and reconciled with WB
// whatever the feed shows later: one booking, one charge, nothing left pending, and at most MAX_PLAN_ADD_PER_ATTEMPT
// `plan/add` calls per slot attempt whatever WB answers. One live task per preorder; redistribution's transient errors
// raise no false alarm; a command deferred during booking is written at once.
import { addDays, moscowToday } from '@slotpilot/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BookingResult } from '../../src/db/entities/booking-result.ts';
import { LedgerEntry } from '../../src/db/entities/ledger-entry.ts';
import { MonitoringTask } from '../../src/db/entities/monitoring-task.ts';
import { OutboxMessage } from '../../src/db/entities/outbox-message.ts';
import { RedistributionOrder } from '../../src/db/entities/redistribution-order.ts';
import { MAX_PLAN_ADD_PER_ATTEMPT } from '../../src/monitor/supply-act.ts';
import { createHttpTransport } from '../../src/wb/http-transport.ts';
import { WbPortalClient } from '../../src/wb/portal-client.ts';
import { sandboxControl } from '../harness/sandbox-control.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { failure } from '../harness/trpc-failure.ts';

const today = moscowToday();
const WAREHOUSE = 507;

describe('engine under faults', () => {
  let server: TestServer;
  let wb: ReturnType<typeof sandboxControl>;
  let nextUser = 15_000;
  /** Users whose seller account WB told to wait (a 429): their pending operation is reconciled only after the cool-down. */
  const coolingDown = new Set<number>();
  const newUser = () => ({ id: ++nextUser, firstName: `Seller${nextUser}`, languageCode: 'en' });

  beforeAll(async () => {
    server = await startTestServer(
      { WB_SANDBOX_OFFICIAL: '1' },
      { pollIntervalMs: 200, redistributionPollMs: 300, sweepEveryMs: 300, sweepAfterMs: 300 },
    );
    wb = sandboxControl(server.sandboxUrl);
    await wb.scenario({ running: false });
    await closeAll();
  });
  afterEach(async () => {
    // Whatever a test left open or faulty (also when it failed half-way) must not make the next one's task match.
    await wb.clearFaults();
    await closeAll();
  });
  afterAll(async () => {
    await server?.close();
  });

  async function closeAll() {
    for (let i = 0; i < 14; i++)
      await wb.setCell({ warehouseId: WAREHOUSE, date: addDays(today, i), boxTypeId: 2, coefficient: -1, allowUnload: false });
  }
  const open = (date: string) => wb.setCell({ warehouseId: WAREHOUSE, date, boxTypeId: 2, coefficient: 0, allowUnload: true });
  const close = (date: string) => wb.setCell({ warehouseId: WAREHOUSE, date, boxTypeId: 2, coefficient: -1, allowUnload: false });

  const waitForTask = (user: { id: number; firstName: string }, id: string, state: string, outcome?: string, timeout = 60_000) =>
    vi.waitFor(
      async () => {
        const task = await server.client(user).tasks.get.query({ id });
        expect({ state: task.state, outcome: task.outcome ?? undefined }).toEqual({ state, outcome });
        return task;
      },
      { timeout, interval: 100 },
    );

  async function seller() {
    const user = newUser();
    const account = await wb.createSeller({ captcha: false });
    await server.client(user).keys.add.mutate({ kind: 'portal_session', name: 'Portal', secret: account.portalSession });
    const preorderId = String(account.preorders.find((p) => p.warehouseId === WAREHOUSE && p.boxTypeId === 2)!.id);
    return { user, account, preorderId };
  }

  async function autobook(from: string, to: string) {
    const s = await seller();
    const { id } = await server.client(s.user).tasks.create.mutate({
      kind: 'supply',
      mode: 'autobook',
      warehouseIds: [WAREHOUSE],
      boxTypeId: 2,
      dateFrom: from,
      dateTo: to,
      maxCoefficient: 1,
      preorderId: s.preorderId,
    });
    await waitForTask(s.user, id, 'polling');
    return { ...s, id };
  }

  const planAdds = async (sid: string) => (await wb.stats()).requests[sid]?.planAdd ?? 0;
  const bookingsAtWb = async (sid: string) => (await wb.stats()).bookings.filter((b) => b.sid === sid);
  const ledgerOf = async (userId: number) =>
    (await server.orm.em.fork().find(LedgerEntry, { user: userId }, { orderBy: { id: 'asc' } })).map((l) => l.reason);
  const operationsOf = (userId: number) => server.orm.em.fork().find(BookingResult, { user: userId });

  it('a transient plan/add, then the slot moves: one booking on the new date, one credit, nothing pending', async () => {
    const d0 = addDays(today, 3);
    const d1 = addDays(today, 6);
    const { user, account, id } = await autobook(today, addDays(today, 12));
    await wb.fault({ endpoint: 'planAdd', kind: '5xx', count: 1 });
    await open(d0);
    await vi.waitFor(async () => expect(await planAdds(account.sid)).toBe(1), { timeout: 30_000 });
    // The slot moves: D0 is gone at WB, D1 opens. The pending operation is reconciled first (WB booked nothing),
    // released, and D1 is booked under a new reservation.
    await close(d0);
    await open(d1);

    const done = await waitForTask(user, id, 'done', 'booked');
    expect(done.bookings).toEqual([expect.objectContaining({ status: 'confirmed', date: d1 })]);
    expect(await bookingsAtWb(account.sid)).toEqual([expect.objectContaining({ date: d1 })]);
    expect(await planAdds(account.sid)).toBe(2);
    expect((await server.client(user).me.get.query()).credits).toEqual({ trial: 1, paid: 0 });
    expect(await ledgerOf(user.id)).toEqual(['trial_grant', 'reserve', 'release', 'reserve', 'commit']);
    expect((await operationsOf(user.id)).filter((o) => o.status === 'pending')).toEqual([]);
    await close(d1);
  }, 90_000);

  it(`plan/add failing every time: at most ${MAX_PLAN_ADD_PER_ATTEMPT} calls for the slot, the credit back, the task still watching`, async () => {
    const d = addDays(today, 4);
    const { user, account, id } = await autobook(d, d);
    await wb.fault({ endpoint: 'planAdd', kind: '5xx' });
    await open(d);

    await vi.waitFor(
      async () =>
        expect(await operationsOf(user.id)).toEqual([expect.objectContaining({ status: 'failed', wbCalls: MAX_PLAN_ADD_PER_ATTEMPT })]),
      { timeout: 110_000, interval: 250 },
    );
    // Given up for a cool-down: the feed still shows the cell open, but no more plan/add goes out.
    const calls = await planAdds(account.sid);
    expect(calls).toBe(MAX_PLAN_ADD_PER_ATTEMPT);
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // a window in which a hot loop would have made hundreds
    expect(await planAdds(account.sid)).toBe(calls);
    const task = await server.client(user).tasks.get.query({ id });
    expect(task.state === 'polling' || task.state === 'backing-off').toBe(true);
    expect((await server.client(user).me.get.query()).credits).toEqual({ trial: 2, paid: 0 });
    const ledger = await ledgerOf(user.id);
    expect(ledger.filter((r) => r === 'reserve').length).toBe(ledger.filter((r) => r === 'release').length);
    expect(ledger.length).toBeLessThanOrEqual(1 + 2 * MAX_PLAN_ADD_PER_ATTEMPT);
    expect(await bookingsAtWb(account.sid)).toEqual([]);
    expect((await wb.stats()).violations).toBe(0);
    await wb.clearFaults();
    await server.client(user).tasks.cancel.mutate({ id });
    await close(d);
  }, 150_000);

  it('a 429 storm on plan/add: WB asked once, the task waits at least its retry-after, the credit held not lost', async () => {
    const d = addDays(today, 5);
    const { user, account, id } = await autobook(d, d);
    await wb.fault({ endpoint: 'planAdd', kind: '429', retryAfterS: 90 });
    await open(d);
    const task = await waitForTask(user, id, 'backing-off');
    expect(task.nextStepAt! - Date.now()).toBeGreaterThan(50_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // a window in which a hot loop would have made hundreds
    expect(await planAdds(account.sid)).toBe(1);
    expect((await server.client(user).tasks.get.query({ id })).state).toBe('backing-off');
    // WB may not have answered with a 429 only (the operation cannot know): it stays pending with its reservation, to
    // be reconciled when the seller's portal account has cooled down (the sweeper's own test is the PAUSE one below).
    await server.client(user).tasks.cancel.mutate({ id });
    expect(await operationsOf(user.id)).toEqual([expect.objectContaining({ status: 'pending', reservation: 'trial', wbCalls: 1 })]);
    expect((await server.client(user).me.get.query()).credits).toEqual({ trial: 1, paid: 0 });
    coolingDown.add(user.id);
  }, 60_000);

  it('a plan/add that hangs while WB books it anyway: reconciled as ours, one charge, even after the slot moved', async () => {
    const d0 = addDays(today, 7);
    const d1 = addDays(today, 8);
    const { user, account, preorderId, id } = await autobook(today, addDays(today, 12));
    await wb.fault({ endpoint: 'planAdd', kind: 'timeout' });
    await open(d0);
    await vi.waitFor(async () => expect(await planAdds(account.sid)).toBe(1), { timeout: 30_000 });
    // WB takes the request and books D0 later (our call never hears back); meanwhile D0 closes and D1 opens.
    await wb.clearFaults();
    const transport = createHttpTransport();
    await new WbPortalClient({ portalUrl: server.sandboxUrl, authUrl: server.sandboxUrl, transport }).planAdd(account.portalSession, {
      preorderId,
      date: d0,
    });
    await transport.close();
    await close(d0);
    await open(d1);

    const done = await waitForTask(user, id, 'done', 'booked');
    expect(done.bookings).toEqual([expect.objectContaining({ status: 'confirmed', date: d0 })]);
    expect(await bookingsAtWb(account.sid)).toHaveLength(1);
    expect((await server.client(user).me.get.query()).credits).toEqual({ trial: 1, paid: 0 });
    expect(await ledgerOf(user.id)).toEqual(['trial_grant', 'reserve', 'commit']);
    await close(d1);
  }, 90_000);

  it('one live task per preorder: a second is refused at create (and by the database), a finished one frees it', async () => {
    const { user, preorderId, id } = await autobook(addDays(today, 9), addDays(today, 9));
    const create = () =>
      server.client(user).tasks.create.mutate({
        kind: 'supply',
        mode: 'autobook',
        warehouseIds: [WAREHOUSE],
        boxTypeId: 2,
        dateFrom: addDays(today, 10),
        dateTo: addDays(today, 10),
        maxCoefficient: 1,
        preorderId,
      });
    const refused = await failure(create());
    expect(refused.data?.appCode).toBe('PREORDER_TASK_EXISTS');
    expect(refused.message).toContain(preorderId);

    // The service's check is not what holds it: a second live row is refused by PostgreSQL itself.
    const em = server.orm.em.fork();
    em.create(MonitoringTask, { user: user.id, kind: 'supply', mode: 'autobook', criteria: {}, preorderId, state: 'idle' });
    await expect(em.flush()).rejects.toThrow(/monitoring_tasks_live_preorder_unique/);

    await server.client(user).tasks.cancel.mutate({ id });
    // Two creates racing each other: exactly one task.
    const raced = await Promise.allSettled([create(), create()]);
    expect(raced.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const live = await server.orm.em.fork().count(MonitoringTask, { preorderId, state: { $ne: 'done' } });
    expect(live).toBe(1);
    for (const r of raced) if (r.status === 'fulfilled') await server.client(user).tasks.cancel.mutate({ id: r.value.id });
  });

  it('fencing: an instance whose task another instance claimed (its renewal came too late) writes and books nothing', async () => {
    const d = addDays(today, 10);
    const { user, account, id } = await autobook(d, d);
    const conn = server.orm.em.getConnection();
    // Another instance claimed the task under a new epoch while this one's lease had lapsed; this one's renewal then
    // committed, so it still believes it runs the task.
    await conn.execute(`insert into monitor_instances (id, lease_until) values ('fencing-other', now() + interval '1 hour')`);
    await conn.execute(`update monitoring_tasks set lease_owner = 'fencing-other', lease_epoch = lease_epoch + 1 where id = ?`, [id]);
    expect(server.host.runs(id)).toBe(true);
    await open(d);

    // Its first write is refused (epoch and owner moved on): it lets the task go, and its act starts nothing at WB.
    await vi.waitFor(() => expect(server.host.runs(id)).toBe(false), { timeout: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await planAdds(account.sid)).toBe(0);
    expect(await operationsOf(user.id)).toEqual([]);
    expect((await server.client(user).me.get.query()).credits).toEqual({ trial: 2, paid: 0 });
    const row = await server.orm.em.fork().findOneOrFail(MonitoringTask, id);
    expect({ owner: row.leaseOwner, state: row.state }).toEqual({ owner: 'fencing-other', state: 'polling' });

    await close(d);
    await conn.execute(`delete from monitor_instances where id = 'fencing-other'`);
    await server.client(user).tasks.cancel.mutate({ id });
  }, 60_000);

  it('PAUSE during booking is written at once (not only in memory), and applied when the act settles', async () => {
    const d = addDays(today, 11);
    const { user, account, id } = await autobook(d, d);
    await wb.fault({ endpoint: 'planAdd', kind: 'timeout' });
    await open(d);
    await waitForTask(user, id, 'booking');
    await vi.waitFor(async () => expect(await planAdds(account.sid)).toBe(1), { timeout: 30_000 });
    await server.client(user).tasks.pause.mutate({ id });
    const row = await server.orm.em.fork().findOneOrFail(MonitoringTask, id);
    expect(row.state).toBe('booking');
    expect((row.snapshot as { context: { pendingCommand: string | null } }).context.pendingCommand).toBe('PAUSE');

    // The hanging call times out: the task pauses, and the operation it left pending is reconciled by the sweeper.
    await wb.clearFaults();
    await waitForTask(user, id, 'idle');
    await vi.waitFor(async () => expect((await operationsOf(user.id)).map((o) => o.status)).toEqual(['failed']), { timeout: 30_000 });
    expect((await server.client(user).me.get.query()).credits).toEqual({ trial: 2, paid: 0 });
    expect(await bookingsAtWb(account.sid)).toEqual([]);
    await server.client(user).tasks.cancel.mutate({ id });
    await close(d);
  }, 90_000);

  describe('redistribution', () => {
    /** A seller with an article in stock somewhere, its source quota open and the destination's closed; the task created. */
    async function transferTask() {
      const { user, account } = await seller();
      const nmIds = (account as unknown as { products: Array<{ nmID: number }> }).products.map((p) => p.nmID);
      const limits = await server.client(user).redistribution.limits.query({ nmIds });
      const item = limits.stock
        .flatMap((t) => t.chrts.map((c) => ({ nmId: t.nmID, ...c })))
        .find((c) => c.count >= 3 && c.dstWarehouseIDs.length > 0)!;
      const dst = item.dstWarehouseIDs[0]!;
      await wb.setQuota({ officeID: item.warehouseID, srcQuota: 100 });
      await wb.setQuota({ officeID: dst, dstQuota: 0 });
      const { id } = await server.client(user).redistribution.create.mutate({
        kind: 'redistribution',
        nmId: item.nmId,
        chrtId: item.chrtID,
        srcWarehouseId: item.warehouseID,
        dstWarehouseId: dst,
        units: 2,
      });
      await waitForTask(user, id, 'polling');
      return { user, account, id, dst };
    }
    const transfersOf = async (sid: string) => (await wb.stats()).transfers.filter((t) => t.sid === sid);
    const alarms = (userId: number) => server.orm.em.fork().find(OutboxMessage, { user: userId, kind: 'needs_action' });

    it('a transient transfer/order error is reconciled with WB stock: no false alarm, one order, one charge', async () => {
      const { user, account, id, dst } = await transferTask();
      await wb.fault({ endpoint: 'transferOrder', kind: '5xx', count: 1 });
      await wb.setQuota({ officeID: dst, dstQuota: 5 });

      await waitForTask(user, id, 'done', 'booked');
      expect(await transfersOf(account.sid)).toHaveLength(1);
      expect(await alarms(user.id)).toEqual([]);
      expect((await server.client(user).me.get.query()).credits).toEqual({ trial: 1, paid: 0 });
      // The order that met the 5xx was found untouched at WB (released), the next one placed (committed).
      expect(await ledgerOf(user.id)).toEqual(['trial_grant', 'reserve', 'release', 'reserve', 'commit']);
      await wb.setQuota({ officeID: dst, dstQuota: 0 });
    }, 60_000);

    it('transient errors reading the quotas in the act hold nothing and raise no alarm', async () => {
      const { user, account, id, dst } = await transferTask();
      await wb.setQuota({ officeID: dst, dstQuota: 5 });
      await wb.fault({ endpoint: 'transferLimits', kind: '5xx', count: 2 });

      await waitForTask(user, id, 'done', 'booked');
      expect(await transfersOf(account.sid)).toHaveLength(1);
      expect(await alarms(user.id)).toEqual([]);
      expect(await ledgerOf(user.id)).toEqual(['trial_grant', 'reserve', 'commit']);
      await wb.setQuota({ officeID: dst, dstQuota: 0 });
    }, 60_000);
  });

  it('nothing left behind: no pending operation, every reservation settled once', async () => {
    const em = server.orm.em.fork();
    expect(await em.count(BookingResult, { status: 'pending', user: { $nin: [...coolingDown] } })).toBe(0);
    expect(await em.count(RedistributionOrder, { status: 'pending' })).toBe(0);
    const rows = await em.getConnection().execute<Array<{ note: string; reserves: string; settles: string }>>(
      `select note, count(*) filter (where reason = 'reserve') as reserves,
              count(*) filter (where reason in ('commit', 'release')) as settles
       from ledger_entries where (note like 'booking:%' or note like 'transfer:%') and user_id not in (${[0, ...coolingDown].join(', ')}) group by note`,
    );
    for (const row of rows) expect(Number(row.settles)).toBe(Number(row.reserves));
    expect(await em.count(OutboxMessage, { kind: 'needs_action', payload: { reason: 'transfer_unsure' } })).toBe(0);
  });
});
