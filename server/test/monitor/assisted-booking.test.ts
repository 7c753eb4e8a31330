// Booking on today's WB (one server, its in-process sandbox over HTTP, real Postgres): plan/add and transfer/order demand
// a captcha we never solve, so such a task ends at once as needs-action with the one-tap link, the credit back and the
// seller told; a seller WB lets through without one is booked exactly once.
import { addDays, moscowToday } from '@slotpilot/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BookingResult } from '../../src/db/entities/booking-result.ts';
import { LedgerEntry } from '../../src/db/entities/ledger-entry.ts';
import { OutboxMessage } from '../../src/db/entities/outbox-message.ts';
import { REDISTRIBUTION_PAGE_URL } from '../../src/monitor/redistribution.ts';
import { chooseDateUrl } from '../../src/wb/endpoints.ts';
import { sandboxControl } from '../harness/sandbox-control.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { taskWaiter } from '../harness/wait-for-task.ts';

const today = moscowToday();
const day = addDays(today, 5);
const WAREHOUSE = 507;

describe('assisted booking', () => {
  let server: TestServer;
  let wb: ReturnType<typeof sandboxControl>;
  let nextUser = 13_000;
  const newUser = () => ({ id: ++nextUser, firstName: `Seller${nextUser}`, languageCode: 'ru' });

  beforeAll(async () => {
    server = await startTestServer({}, { pollIntervalMs: 200, redistributionPollMs: 300 });
    wb = sandboxControl(server.sandboxUrl);
    await wb.scenario({ running: false });
    // The feed reads WB's official method here (the sandbox's demo seller lends its budget): what is under test is the act.
    await fetch(`${server.sandboxUrl}/__sandbox/official`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: true }),
    });
    for (let i = 0; i < 14; i++)
      await wb.setCell({ warehouseId: WAREHOUSE, date: addDays(today, i), boxTypeId: 2, coefficient: -1, allowUnload: false });
  });
  afterAll(async () => {
    await server?.close();
  });

  const waitForTask = taskWaiter(() => server, { timeout: 40_000 });

  async function autobookTask(captcha: boolean, date: string) {
    const user = newUser();
    const seller = await wb.createSeller({ name: captcha ? 'ООО Капча' : 'ООО Без капчи', captcha });
    await server.client(user).keys.add.mutate({ kind: 'portal_session', name: 'Кабинет', secret: seller.portalSession });
    const preorder = seller.preorders.find((p) => p.warehouseId === WAREHOUSE && p.boxTypeId === 2)!;
    const { id } = await server.client(user).tasks.create.mutate({
      kind: 'supply',
      mode: 'autobook',
      warehouseIds: [WAREHOUSE],
      boxTypeId: 2,
      dateFrom: date,
      dateTo: date,
      maxCoefficient: 1,
      preorderId: String(preorder.id),
    });
    await waitForTask(user, id, 'polling');
    return { user, seller, preorderId: String(preorder.id), id };
  }

  it('a captcha on plan/add ends the task at once as needs-action with the choose-date link; the credit is back', async () => {
    const { user, seller, preorderId, id } = await autobookTask(true, day);
    const captchasBefore = (await wb.stats()).captchas;
    await wb.setCell({ warehouseId: WAREHOUSE, date: day, boxTypeId: 2, coefficient: 0, allowUnload: true });

    const done = await waitForTask(user, id, 'done', 'needs-action');
    expect(done.actionUrl).toBe(chooseDateUrl(preorderId));
    expect(done.reason).toBe('captcha_required');
    const stats = await wb.stats();
    expect(stats.captchas - captchasBefore).toBe(1);
    expect(stats.bookings.filter((b) => b.sid === seller.sid)).toEqual([]);
    // The cell was confirmed with the preorder's own view first: one getAcceptanceCosts call.
    expect(stats.requests[seller.sid]?.acceptanceCosts).toBe(1);

    // The seller is told with the task's end (the same transaction), with the link and a machine reason.
    const em = server.orm.em.fork();
    const told = await em.find(OutboxMessage, { user: user.id, kind: 'needs_action' });
    expect(told).toHaveLength(1);
    expect(told[0]?.payload).toMatchObject({
      taskId: id,
      reason: 'captcha_required',
      actionUrl: chooseDateUrl(preorderId),
      warehouseId: WAREHOUSE,
      date: day,
    });
    // Reserved before plan/add, released when WB asked for the captcha: the seller keeps both free bookings.
    expect((await server.client(user).me.get.query()).credits).toEqual({ trial: 2, paid: 0 });
    const ledger = await em.find(LedgerEntry, { user: user.id }, { orderBy: { id: 'asc' } });
    expect(ledger.map((l) => l.reason)).toEqual(['trial_grant', 'reserve', 'release']);
    expect(await em.find(BookingResult, { user: user.id })).toEqual([expect.objectContaining({ status: 'failed' })]);
    expect(stats.violations).toBe(0);
  });

  it('a seller WB lets through without a captcha is booked exactly once, one credit charged', async () => {
    const date = addDays(day, 1);
    const { user, seller, id } = await autobookTask(false, date);
    await wb.setCell({ warehouseId: WAREHOUSE, date, boxTypeId: 2, coefficient: 1, allowUnload: true });

    const done = await waitForTask(user, id, 'done', 'booked');
    expect(done.bookings).toEqual([
      expect.objectContaining({ warehouseId: WAREHOUSE, date, status: 'confirmed', supplyId: expect.stringMatching(/^2/) }),
    ]);
    const stats = await wb.stats();
    expect(stats.bookings.filter((b) => b.sid === seller.sid)).toEqual([expect.objectContaining({ warehouseId: WAREHOUSE, date })]);
    expect((await server.client(user).me.get.query()).credits).toEqual({ trial: 1, paid: 0 });
    expect(await server.orm.em.fork().count(OutboxMessage, { user: user.id, kind: 'booked' })).toBe(1);
    expect(stats.violations).toBe(0);
  });

  it('a slot the feed still shows but WB closed meanwhile is passed over: no booking, one check, the task keeps watching', async () => {
    const date = addDays(day, 2);
    const { user, seller, id } = await autobookTask(false, date);
    await server.client(user).tasks.pause.mutate({ id });
    await wb.setCell({ warehouseId: WAREHOUSE, date, boxTypeId: 2, coefficient: 0, allowUnload: true });
    const openInFeed = () =>
      server.feed.peek(WAREHOUSE)?.cells.some((c) => c.date === date && c.boxTypeId === 2 && c.coefficient === 0) ?? false;
    await vi.waitFor(() => expect(openInFeed()).toBe(true), { timeout: 30_000, interval: 50 });
    // WB closes it; the task wakes before the feed's next reading, so its picture still shows the cell open.
    await wb.setCell({ warehouseId: WAREHOUSE, date, boxTypeId: 2, coefficient: -1, allowUnload: false });
    await server.client(user).tasks.resume.mutate({ id });
    await vi.waitFor(async () => expect((await wb.stats()).requests[seller.sid]?.acceptanceCosts).toBe(1), { timeout: 10_000 });
    expect(openInFeed()).toBe(true);

    // Still watching: it looks again (its last check moves on) without matching the stale picture again.
    const checkedAt = (await server.client(user).tasks.get.query({ id })).lastCheckAt ?? 0;
    await vi.waitFor(
      async () => {
        const task = await server.client(user).tasks.get.query({ id });
        expect({ state: task.state, later: (task.lastCheckAt ?? 0) > checkedAt + 500 }).toEqual({ state: 'polling', later: true });
      },
      { timeout: 10_000, interval: 100 },
    );
    const stats = await wb.stats();
    expect(stats.requests[seller.sid]?.acceptanceCosts).toBe(1);
    expect(stats.requests[seller.sid]?.planAdd ?? 0).toBe(0);
    expect((await server.orm.em.fork().find(LedgerEntry, { user: user.id })).map((l) => l.reason)).toEqual(['trial_grant']);
    await server.client(user).tasks.cancel.mutate({ id });
  });

  it('a captcha on transfer/order ends the redistribution task as needs-action with the portal page; nothing moved', async () => {
    const user = newUser();
    const seller = await wb.createSeller();
    await server.client(user).keys.add.mutate({ kind: 'portal_session', name: 'k', secret: seller.portalSession });
    const nmIds = (seller as unknown as { products: Array<{ nmID: number }> }).products.map((p) => p.nmID);
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
    await wb.setQuota({ officeID: dst, dstQuota: 5 });

    const done = await waitForTask(user, id, 'done', 'needs-action');
    expect(done.actionUrl).toBe(REDISTRIBUTION_PAGE_URL);
    expect(done.reason).toBe('transfer_captcha_required');
    expect((await wb.stats()).transfers.filter((t) => t.sid === seller.sid)).toEqual([]);
    const told = await server.orm.em.fork().find(OutboxMessage, { user: user.id, kind: 'needs_action' });
    expect(told.map((m) => m.payload)).toEqual([
      expect.objectContaining({ taskId: id, reason: 'transfer_captcha_required', actionUrl: REDISTRIBUTION_PAGE_URL }),
    ]);
    expect((await server.client(user).me.get.query()).credits).toEqual({ trial: 2, paid: 0 });
  });
});
