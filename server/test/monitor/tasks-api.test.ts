// Tasks end to end in one server (embedded WB sandbox over HTTP, real Postgres): create, watch, act, command, stream.
import { addDays, moscowToday } from '@slotpilot/shared';
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppRouter } from '../../src/api/router.ts';
import { LedgerEntry } from '../../src/db/entities/ledger-entry.ts';
import { OutboxMessage } from '../../src/db/entities/outbox-message.ts';
import { sandboxControl } from '../harness/sandbox-control.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { failure } from '../harness/trpc-failure.ts';
import { taskWaiter } from '../harness/wait-for-task.ts';

const ADMIN = 9_900;
const today = moscowToday();
const day = addDays(today, 4);

describe('monitoring tasks', () => {
  let server: TestServer;
  let wb: ReturnType<typeof sandboxControl>;
  let nextUser = 9_000;
  const newUser = (languageCode = 'ru') => ({ id: ++nextUser, firstName: `User${nextUser}`, languageCode });
  const supply = (overrides: Record<string, unknown> = {}) => ({
    kind: 'supply' as const,
    mode: 'notify' as const,
    warehouseIds: [507],
    boxTypeId: 2 as const,
    dateFrom: today,
    dateTo: addDays(today, 10),
    maxCoefficient: 1,
    ...overrides,
  });

  beforeAll(async () => {
    // The engine under test, fed at the official method's pace (1 s–10 s): WB switched back on in the sandbox. The same
    // flows on today's WB (official method off, portal report only) are test/e2e/todays-wb.test.ts.
    server = await startTestServer(
      { ADMIN_IDS: String(ADMIN), WB_SANDBOX_OFFICIAL: '1' },
      { pollIntervalMs: 200, redistributionPollMs: 300 },
    );
    wb = sandboxControl(server.sandboxUrl!);
    await wb.scenario({ running: false });
    // Close every cheap cell of the warehouses under test, so only what a test opens can match.
    for (const warehouseId of [507, 117501, 300461]) {
      for (let i = 0; i < 14; i++)
        for (const boxTypeId of [2, 5, 6])
          await wb.setCell({ warehouseId, date: addDays(today, i), boxTypeId, coefficient: -1, allowUnload: false });
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  const waitForTask = taskWaiter(() => server, { timeout: 30_000 });

  it('notify: a task polls, and when a matching slot opens the seller is told once, for free', async () => {
    const user = newUser();
    // A notify task may name the preorder whose WB date page the alert and the slot-found sheet open.
    const { id } = await server.client(user).tasks.create.mutate(supply({ warehouseIds: [300461], maxCoefficient: 2, preorderId: '4242' }));
    await waitForTask(user, id, 'polling');
    const openedAt = Date.now();
    await wb.setCell({ warehouseId: 300461, date: day, boxTypeId: 2, coefficient: 3, allowUnload: true });
    await wb.setCell({ warehouseId: 300461, date: addDays(day, 1), boxTypeId: 2, coefficient: 2, allowUnload: true });
    const done = await waitForTask(user, id, 'done', 'notified');
    expect(done.found).toEqual({ warehouseId: 300461, date: addDays(day, 1), coefficient: 2 });
    // When the slot was matched, for "найден 12 с назад": after the cell opened, not later than the task's last change.
    const view = await server.client(user).tasks.get.query({ id });
    expect(view.criteria).toMatchObject({ preorderId: '4242' });
    expect(view.foundAt).toBeGreaterThanOrEqual(openedAt);
    expect(view.foundAt).toBeLessThanOrEqual(Date.parse(view.updatedAt));
    expect((await server.client(user).tasks.list.query()).find((t) => t.id === id)?.foundAt).toBe(view.foundAt);
    const alerts = await server.orm.em.fork().find(OutboxMessage, { user: user.id, kind: 'slot_found' });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.payload).toMatchObject({ taskId: id, warehouseId: 300461, date: addDays(day, 1), coefficient: 2 });
    expect(alerts[0]?.payload).toMatchObject({ bookUrl: expect.stringContaining('supplyID=4242') });
    expect((await server.client(user).me.get.query()).credits).toEqual({ trial: 2, paid: 0 });
  });

  it('a task at rest is parked, not a live actor, and still polls, obeys commands and catches a slot', async () => {
    const user = newUser();
    const client = server.client(user);
    const { id } = await client.tasks.create.mutate(supply({ warehouseIds: [117501], boxTypeId: 6, maxCoefficient: 1 }));
    await waitForTask(user, id, 'polling');
    await vi.waitFor(() => expect(server.host.residencyOf(id)).toBe('parked'), { timeout: 10_000, interval: 20 });
    // Parked between polls: its housekeeping poll still runs (lastCheckAt moves on).
    const { lastCheckAt } = await client.tasks.get.query({ id });
    await vi.waitFor(async () => expect((await client.tasks.get.query({ id })).lastCheckAt).toBeGreaterThan(lastCheckAt ?? 0), {
      timeout: 10_000,
      interval: 50,
    });
    // A command reaches a parked task and is persisted; paused, it is parked with no timer at all.
    expect((await client.tasks.pause.mutate({ id })).state).toBe('idle');
    await vi.waitFor(() => expect(server.host.residencyOf(id)).toBe('parked'), { timeout: 10_000, interval: 20 });
    expect((await client.tasks.resume.mutate({ id })).state).toBe('polling');
    await vi.waitFor(() => expect(server.host.residencyOf(id)).toBe('parked'), { timeout: 10_000, interval: 20 });
    // The detection pass wakes it when its slot opens.
    await wb.setCell({ warehouseId: 117501, date: day, boxTypeId: 6, coefficient: 0, allowUnload: true });
    const done = await waitForTask(user, id, 'done', 'notified');
    expect(done.found).toEqual({ warehouseId: 117501, date: day, coefficient: 0 });
    expect(server.host.residencyOf(id)).toBeUndefined();
  });

  it('tasks on the same warehouse and box type are each judged by their own threshold', async () => {
    const user = newUser();
    const client = server.client(user);
    const strict = await client.tasks.create.mutate(supply({ warehouseIds: [300461], boxTypeId: 5, maxCoefficient: 1 }));
    const lenient = await client.tasks.create.mutate(supply({ warehouseIds: [300461], boxTypeId: 5, maxCoefficient: 5 }));
    await waitForTask(user, strict.id, 'polling');
    await waitForTask(user, lenient.id, 'polling');
    await wb.setCell({ warehouseId: 300461, date: day, boxTypeId: 5, coefficient: 3, allowUnload: true });
    const done = await waitForTask(user, lenient.id, 'done', 'notified');
    expect(done.found).toEqual({ warehouseId: 300461, date: day, coefficient: 3 });
    // The strict task saw the same cell (as its best so far) and keeps waiting.
    await vi.waitFor(
      async () => {
        const waiting = await client.tasks.get.query({ id: strict.id });
        expect({ state: waiting.state, best: waiting.bestSeen }).toEqual({
          state: 'polling',
          best: { warehouseId: 300461, date: day, coefficient: 3 },
        });
      },
      { timeout: 10_000, interval: 100 },
    );
  });

  it('an instance whose lease lapsed gives up the tasks another instance claimed meanwhile, and keeps the rest', async () => {
    const user = newUser();
    const client = server.client(user);
    const taken = await client.tasks.create.mutate(supply({ warehouseIds: [300461], boxTypeId: 6 }));
    const kept = await client.tasks.create.mutate(supply({ warehouseIds: [300461], boxTypeId: 6 }));
    await waitForTask(user, taken.id, 'polling');
    const conn = server.orm.em.fork().getConnection();
    // This instance stalls past its lease; another instance claims one of its tasks before it beats again.
    await conn.execute(`update monitor_instances set lease_until = now() - interval '1 second' where id = ?`, [server.host.instanceId]);
    await conn.execute(`insert into monitor_instances (id, lease_until) values ('other-instance', now() + interval '1 hour')`);
    await conn.execute(`update monitoring_tasks set lease_owner = 'other-instance' where id = ?`, [taken.id]);
    await vi.waitFor(() => expect(server.host.residencyOf(taken.id)).toBeUndefined(), { timeout: 20_000, interval: 100 });
    expect(server.host.residencyOf(kept.id)).toBeDefined();
    const [lease] = await conn.execute<{ live: boolean }[]>('select lease_until > now() as live from monitor_instances where id = ?', [
      server.host.instanceId,
    ]);
    expect(lease?.live).toBe(true);
    // Leave no task behind for the other tests: the stand-in instance goes, and its task is claimed back.
    await client.tasks.cancel.mutate({ id: kept.id });
    await conn.execute(`delete from monitor_instances where id = 'other-instance'`);
  });

  it('autobook: books the slot through the portal exactly once, charging one credit in the ledger', async () => {
    const user = newUser();
    // A seller WB lets book without its captcha (assisted-booking.test.ts covers the captcha).
    const seller = await wb.createSeller({ name: 'ООО Автобронь', captcha: false });
    await server.client(user).keys.add.mutate({ kind: 'portal_session', name: 'Кабинет', secret: seller.portalSession });
    const preorder = seller.preorders.find((p) => p.warehouseId === 507 && p.boxTypeId === 2)!;
    const { id } = await server
      .client(user)
      .tasks.create.mutate(supply({ mode: 'autobook', preorderId: String(preorder.id), warehouseIds: [507, 117501] }));
    await waitForTask(user, id, 'polling');
    await wb.setCell({ warehouseId: 507, date: day, boxTypeId: 2, coefficient: 0, allowUnload: true });
    const done = await waitForTask(user, id, 'done', 'booked');
    expect(done.bookings).toEqual([
      expect.objectContaining({ warehouseId: 507, date: day, status: 'confirmed', supplyId: expect.stringMatching(/^2/) }),
    ]);
    const bookings = (await wb.stats()).bookings.filter((b) => b.sid === seller.sid);
    expect(bookings).toEqual([expect.objectContaining({ warehouseId: 507, date: day })]);
    expect((await server.client(user).me.get.query()).credits).toEqual({ trial: 1, paid: 0 });
    const ledger = await server.orm.em.fork().find(LedgerEntry, { user: user.id }, { orderBy: { id: 'asc' } });
    expect(ledger.map((l) => l.reason)).toEqual(['trial_grant', 'reserve', 'commit']);
    const shown = await server.client(user).billing.ledger.query();
    expect(shown.map((l) => [l.reason, l.delta, l.balanceAfter])).toEqual([
      ['commit', 0, 1],
      ['reserve', -1, 1],
      ['trial_grant', 2, 2],
    ]);
    const history = await server.client(user).bookings.list.query();
    expect(history.bookings).toHaveLength(1);
    await wb.setCell({ warehouseId: 507, date: day, boxTypeId: 2, coefficient: -1, allowUnload: false });
  });

  it('refuses bad tasks with specific messages', async () => {
    const user = newUser('en');
    const client = server.client(user).tasks.create;
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ dateFrom: addDays(today, 5), dateTo: addDays(today, 2) }, 'BAD_INPUT', /end date is before the start date/],
      [{ dateFrom: addDays(today, -3), dateTo: addDays(today, -1) }, 'DATE_IN_PAST', /start date has passed/],
      [{ warehouseIds: [424242424] }, 'UNKNOWN_WAREHOUSE', /Warehouse 424242424/],
      [{ mode: 'autobook', preorderId: '123' }, 'NO_PORTAL_SESSION', /portal session/],
      [{ mode: 'autobook' }, 'PREORDER_REQUIRED', /preorder/],
      [{ maxCoefficient: 99 }, 'BAD_INPUT', /maximum coefficient.*at most 20/],
    ];
    for (const [overrides, appCode, message] of cases) {
      const error = await failure(client.mutate(supply(overrides) as never));
      expect({ appCode: error.data?.appCode, message: error.message }).toEqual({ appCode, message: expect.stringMatching(message) });
    }
  });

  it('answers "no credits" with its own code once the free bookings are spent', async () => {
    const user = newUser('en');
    const seller = await wb.createSeller();
    await server.client(user).keys.add.mutate({ kind: 'portal_session', name: 'k', secret: seller.portalSession });
    await server.orm.em.fork().getConnection().execute('update users set trial_credits = 0 where id = ?', [user.id]);
    const preorder = seller.preorders.find((p) => p.warehouseId === 507)!;
    const error = await failure(
      server.client(user).tasks.create.mutate(supply({ mode: 'autobook', preorderId: String(preorder.id) }) as never),
    );
    expect(error.data).toMatchObject({ appCode: 'NO_CREDITS', httpStatus: 402 });
  });

  it('pauses, resumes and cancels; another user can neither see nor touch the task', async () => {
    const owner = newUser();
    const stranger = newUser();
    const { id } = await server.client(owner).tasks.create.mutate(supply({ warehouseIds: [117501] }));
    await waitForTask(owner, id, 'polling');
    expect((await server.client(owner).tasks.pause.mutate({ id })).state).toBe('idle');
    expect((await server.client(owner).tasks.resume.mutate({ id })).state).toBe('polling');

    for (const attempt of [
      () => server.client(stranger).tasks.get.query({ id }),
      () => server.client(stranger).tasks.pause.mutate({ id }),
      () => server.client(stranger).tasks.cancel.mutate({ id }),
    ]) {
      expect((await failure(attempt())).data?.appCode).toBe('NOT_FOUND');
    }
    expect(await server.client(stranger).tasks.list.query()).toEqual([]);
    expect((await server.client(owner).tasks.get.query({ id })).state).toBe('polling');

    const cancelled = await server.client(owner).tasks.cancel.mutate({ id });
    expect({ state: cancelled.state, outcome: cancelled.outcome }).toEqual({ state: 'done', outcome: 'cancelled' });
    expect((await failure(server.client(owner).tasks.resume.mutate({ id }))).data?.appCode).toBe('TASK_FINISHED');
    await vi.waitFor(async () => {
      const timeline = await server.client(owner).tasks.timeline.query({ id });
      expect(timeline.map((t) => t.to)).toEqual(['polling', 'idle', 'polling', 'done.cancelled']);
      expect(timeline.map((t) => t.event)).toEqual(['START', 'PAUSE', 'RESUME', 'CANCEL']);
    });
    expect((await failure(server.client(stranger).tasks.timeline.query({ id }))).data?.appCode).toBe('NOT_FOUND');
  });

  it('streams task changes over SSE, authenticated through connection params', async () => {
    const user = newUser();
    const authorization = `tma ${server.initData.sign(user)}`;
    const client = createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === 'subscription',
          true: httpSubscriptionLink({ url: `${server.url}/trpc`, EventSource, connectionParams: () => ({ authorization }) }),
          false: httpLink({ url: `${server.url}/trpc`, headers: { authorization } }),
        }),
      ],
    });
    const seen: Array<{ taskId: string; state: string }> = [];
    let started!: () => void;
    const ready = new Promise<void>((resolve) => {
      started = resolve;
    });
    const subscription = client.tasks.onChange.subscribe(undefined, {
      onStarted: () => started(),
      onData: (event) => seen.push(event.data as { taskId: string; state: string }),
    });
    await ready;
    const { id } = await client.tasks.create.mutate(supply({ warehouseIds: [117501] }));
    await vi.waitFor(() => expect(seen).toContainEqual(expect.objectContaining({ taskId: id, state: 'polling' })), { timeout: 10_000 });
    await client.tasks.cancel.mutate({ id });
    await vi.waitFor(() => expect(seen).toContainEqual(expect.objectContaining({ taskId: id, state: 'done', outcome: 'cancelled' })), {
      timeout: 10_000,
    });
    subscription.unsubscribe();
  });

  it('keep-watching: a cell alerted, closed and reopened is acted on again (issue 17); one still open is not', async () => {
    const user = newUser();
    const admin = { id: ADMIN, firstName: 'Admin' };
    const { id } = await server
      .client(user)
      .tasks.create.mutate(supply({ warehouseIds: [507], boxTypeId: 5, maxCoefficient: 1, keepWatching: true }));
    await waitForTask(user, id, 'polling');
    const acts = async () =>
      ((await server.client(admin).inspector.actor.query({ id }))?.transitions ?? []).filter((t) => t.to === 'booking').length;
    const cell = { warehouseId: 507, date: addDays(day, 2), boxTypeId: 5 };
    await wb.setCell({ ...cell, coefficient: 0, allowUnload: true });
    await vi.waitFor(async () => expect(await acts()).toBe(1), { timeout: 30_000, interval: 100 });
    await vi.waitFor(async () => expect((await server.client(user).tasks.get.query({ id })).state).toBe('polling'), {
      timeout: 10_000,
    });
    // Still open: once is enough, whatever the task probes meanwhile.
    const { lastCheckAt } = await server.client(user).tasks.get.query({ id });
    await vi.waitFor(
      async () => expect((await server.client(user).tasks.get.query({ id })).lastCheckAt).toBeGreaterThan(lastCheckAt ?? 0),
      {
        timeout: 10_000,
        interval: 100,
      },
    );
    expect(await acts()).toBe(1);
    // Closed (the task forgets it once the feed shows it closed), then open again: news again.
    const feedShows = (coefficient: number) =>
      vi.waitFor(
        () =>
          expect(
            server.feed.peek(507, user.id)?.cells.find((c) => c.date === cell.date && c.boxTypeId === cell.boxTypeId)?.coefficient,
          ).toBe(coefficient),
        { timeout: 30_000, interval: 50 },
      );
    await wb.setCell({ ...cell, coefficient: -1, allowUnload: false });
    await feedShows(-1);
    // Forgotten, and written (durable context: a restart must not bring the alert back).
    await vi.waitFor(
      async () => {
        const [row] = await server.orm.em
          .fork()
          .getConnection()
          .execute<{ notified: string[] }[]>(`select snapshot->'context'->'notified' as notified from monitoring_tasks where id = ?`, [id]);
        expect(row?.notified).toEqual([]);
      },
      { timeout: 10_000, interval: 100 },
    );
    await wb.setCell({ ...cell, coefficient: 1, allowUnload: true });
    await vi.waitFor(async () => expect(await acts()).toBe(2), { timeout: 30_000, interval: 100 });
    await server.client(user).tasks.cancel.mutate({ id });
    await wb.setCell({ ...cell, coefficient: -1, allowUnload: false });
  }, 120_000);

  it('shows every actor to admins only', async () => {
    const user = newUser();
    const { id } = await server.client(user).tasks.create.mutate(supply({ warehouseIds: [117501] }));
    await waitForTask(user, id, 'polling');
    const admin = { id: ADMIN, firstName: 'Admin' };
    const actors = await server.client(admin).inspector.actors.query();
    expect(actors.find((a) => a.id === id)).toMatchObject({ state: 'polling', owner: server.host.instanceId });
    const detail = await server.client(admin).inspector.actor.query({ id });
    expect(detail?.transitions.map((t) => t.to)).toContain('polling');
    expect((await failure(server.client(user).inspector.actors.query())).data).toMatchObject({ appCode: 'FORBIDDEN', httpStatus: 403 });
    await server.client(user).tasks.cancel.mutate({ id });
  });

  it('redistribution: fires the transfer order when the destination quota opens, for min(stock, quotas, wanted)', async () => {
    const user = newUser();
    const seller = await wb.createSeller({ captcha: false });
    await server.client(user).keys.add.mutate({ kind: 'portal_session', name: 'k', secret: seller.portalSession });
    const nmIds = (seller as unknown as { products: Array<{ nmID: number }> }).products.map((p) => p.nmID);
    const limits = await server.client(user).redistribution.limits.query({ nmIds });
    const item = limits.stock
      .flatMap((t) => t.chrts.map((c) => ({ nmId: t.nmID, ...c })))
      .find((c) => c.count >= 3 && c.dstWarehouseIDs.length > 0)!;
    expect(item).toBeDefined();
    const dst = item.dstWarehouseIDs[0]!;
    await wb.setQuota({ officeID: item.warehouseID, srcQuota: 100 });
    await wb.setQuota({ officeID: dst, dstQuota: 0 });
    const { id } = await server.client(user).redistribution.create.mutate({
      kind: 'redistribution',
      nmId: item.nmId,
      chrtId: item.chrtID,
      srcWarehouseId: item.warehouseID,
      dstWarehouseId: dst,
      units: item.count + 10,
    });
    await waitForTask(user, id, 'polling');
    await wb.setQuota({ officeID: dst, dstQuota: 2 });
    await waitForTask(user, id, 'done', 'booked');
    const transfers = (await wb.stats()).transfers.filter((t) => t.sid === seller.sid);
    expect(transfers).toEqual([
      expect.objectContaining({ nmID: item.nmId, chrtID: item.chrtID, srcOfficeID: item.warehouseID, dstOfficeID: dst, count: 2 }),
    ]);
    // The limits appearing were announced once (issue 17: the bot renders `redistribution_quota_open`).
    const announced = await server.orm.em
      .fork()
      .getConnection()
      .execute<{ payload: Record<string, unknown> }[]>(
        `select payload from outbox where user_id = ? and kind = 'redistribution_quota_open'`,
        [user.id],
      );
    expect(announced.map((row) => row.payload)).toEqual([
      expect.objectContaining({
        taskId: id,
        nmId: item.nmId,
        chrtId: item.chrtID,
        fromWarehouseId: item.warehouseID,
        toWarehouseId: dst,
        availableUnits: 2,
        dstQuota: 2,
      }),
    ]);
    expect(announced[0]?.payload.fromWarehouseName).toEqual(expect.any(String));
    expect(announced[0]?.payload.toWarehouseName).toEqual(expect.any(String));
  });
});
