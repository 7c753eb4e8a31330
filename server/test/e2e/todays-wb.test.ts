// The product on today's WB (issue 13, "Done when"): the sandbox with its defaults — WB's official coefficients method
// "temporarily disabled", a captcha on every booking — and no resident demo seller lending anything. A new seller who
// adds only a portal session (not shared) is served from the portal report read with their own session: a notify task
// fires for a slot opened at WB, an autobook task ends needs-action with the preorder's choose-date link; a seller whose
// WB account books without a captcha gets booked exactly once. A seller with only an API token sees "no slot source"
// and why, in tasks and the calendar. Neither budget is ever exceeded.
import { addDays, moscowToday } from '@slotpilot/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OutboxMessage } from '../../src/db/entities/outbox-message.ts';
import { chooseDateUrl } from '../../src/wb/endpoints.ts';
import { type SandboxSeller, startTestSandbox, type TestSandbox } from '../harness/sandbox.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { taskWaiter } from '../harness/wait-for-task.ts';

/** The sandbox's portal bucket refills one report every 20 s; sellers' default pace is one a minute. */
const READ_INTERVAL_MS = 20_000;
const today = moscowToday();

describe("today's WB: official method off, portal sessions only", () => {
  let sandbox: TestSandbox;
  let server: TestServer;
  let nextUser = 13_000;
  const newUser = (languageCode = 'ru') => ({ id: ++nextUser, firstName: `Seller${nextUser}`, languageCode });

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    server = await startTestServer({
      WB_SANDBOX: '0',
      WB_COMMON_API_URL: sandbox.url,
      WB_SUPPLIES_API_URL: sandbox.url,
      WB_PORTAL_URL: sandbox.url,
      WB_PORTAL_AUTH_URL: sandbox.url,
      PORTAL_READ_INTERVAL_MS: String(READ_INTERVAL_MS),
    });
    for (const warehouseId of [507, 300461, 217081])
      for (let i = 0; i < 14; i++)
        await sandbox.setCell({ warehouseId, date: addDays(today, i), boxTypeId: 2, coefficient: -1, allowUnload: false });
  });
  afterAll(async () => {
    await server?.close();
    await sandbox?.close();
  });

  const waitForTask = taskWaiter(() => server, { timeout: 75_000, interval: 250 });

  async function sellerWithSession(options: { captcha?: boolean } = {}) {
    const user = newUser();
    const seller = await sandbox.createSeller(options);
    const key = await server.client(user).keys.add.mutate({ kind: 'portal_session', name: 'Кабинет', secret: seller.portalSession });
    // Sharing is the seller's explicit choice: off unless asked for.
    expect((await server.client(user).keys.list.query()).find((k) => k.id === key.id)?.shareFeed).toBe(false);
    return { user, seller };
  }

  const preorderOf = (seller: SandboxSeller, warehouseId: number) =>
    String(seller.preorders.find((p) => p.warehouseId === warehouseId && p.boxTypeId === 2)!.id);

  it('a notify task of a seller with only a portal session fires for a slot opened at WB', async () => {
    const { user } = await sellerWithSession();
    const date = addDays(today, 3);
    const { id } = await server.client(user).tasks.create.mutate({
      kind: 'supply',
      mode: 'notify',
      warehouseIds: [300461],
      boxTypeId: 2,
      dateFrom: today,
      dateTo: addDays(today, 10),
      maxCoefficient: 1,
    });
    // Their own session is read for their task: the task says where its data comes from.
    await vi.waitFor(
      async () => expect((await server.client(user).tasks.get.query({ id })).source).toMatchObject({ kind: 'portal', reason: null }),
      { timeout: 30_000, interval: 250 },
    );
    await sandbox.setCell({ warehouseId: 300461, date, boxTypeId: 2, coefficient: 1, allowUnload: true });
    const done = await waitForTask(user, id, 'done', 'notified');
    expect(done.found).toEqual({ warehouseId: 300461, date, coefficient: 1 });
    const alerts = await server.orm.em.fork().find(OutboxMessage, { user: user.id, kind: 'slot_found' });
    expect(alerts).toHaveLength(1);
  }, 120_000);

  it('an autobook task meets the captcha and ends needs-action with the choose-date link; without a captcha it books once', async () => {
    const date = addDays(today, 5);
    const withCaptcha = await sellerWithSession();
    const noCaptcha = await sellerWithSession({ captcha: false });
    const autobook = (preorderId: string) => ({
      kind: 'supply' as const,
      mode: 'autobook' as const,
      warehouseIds: [507],
      boxTypeId: 2 as const,
      dateFrom: date,
      dateTo: addDays(date, 2),
      maxCoefficient: 1,
      preorderId,
    });
    const captchaPreorder = preorderOf(withCaptcha.seller, 507);
    const captchaTask = await server.client(withCaptcha.user).tasks.create.mutate(autobook(captchaPreorder));
    const bookTask = await server.client(noCaptcha.user).tasks.create.mutate(autobook(preorderOf(noCaptcha.seller, 507)));
    await waitForTask(withCaptcha.user, captchaTask.id, 'polling');
    await waitForTask(noCaptcha.user, bookTask.id, 'polling');

    await sandbox.setCell({ warehouseId: 507, date, boxTypeId: 2, coefficient: 0, allowUnload: true });
    const [needsAction, booked] = await Promise.all([
      waitForTask(withCaptcha.user, captchaTask.id, 'done', 'needs-action'),
      waitForTask(noCaptcha.user, bookTask.id, 'done', 'booked'),
    ]);
    expect(needsAction.actionUrl).toBe(chooseDateUrl(captchaPreorder));
    expect(await server.orm.em.fork().count(OutboxMessage, { user: withCaptcha.user.id, kind: 'needs_action' })).toBe(1);
    // The captcha cost the seller nothing; the booking cost one credit.
    expect((await server.client(withCaptcha.user).me.get.query()).credits).toEqual({ trial: 2, paid: 0 });
    expect((await server.client(noCaptcha.user).me.get.query()).credits).toEqual({ trial: 1, paid: 0 });
    expect(booked.bookings).toEqual([expect.objectContaining({ status: 'confirmed' })]);

    const stats = await sandbox.stats();
    expect(stats.bookings.filter((b) => b.sid === noCaptcha.seller.sid)).toHaveLength(1);
    expect(stats.bookings.filter((b) => b.sid === withCaptcha.seller.sid)).toHaveLength(0);
    expect(stats.violations).toBe(0);
  }, 150_000);

  it('a seller with only an API token sees "no slot source" and why, in tasks and the calendar', async () => {
    const user = newUser('en');
    const seller = await sandbox.createSeller();
    await server.client(user).keys.add.mutate({ kind: 'api_token', name: 'API', secret: seller.apiToken, shareFeed: true });
    const { id } = await server.client(user).tasks.create.mutate({
      kind: 'supply',
      mode: 'notify',
      warehouseIds: [217081],
      boxTypeId: 2,
      dateFrom: today,
      dateTo: addDays(today, 7),
      maxCoefficient: 0,
    });
    await vi.waitFor(
      async () =>
        expect((await server.client(user).tasks.get.query({ id })).source).toEqual({
          kind: 'none',
          updatedAt: null,
          // WB's method is off, and no portal session reads for this seller: whatever the feed's state, not "ok".
          state: expect.not.stringMatching(/^ok$/),
          reason: 'no_portal_session',
        }),
      { timeout: 20_000, interval: 250 },
    );
    const calendar = await server.client(user).slots.calendar.query({ warehouseIds: [217081], boxTypeId: 2 });
    expect(calendar.source).toMatchObject({ kind: 'none', reason: 'no_portal_session' });
    expect(calendar.days.every((d) => d.best === null)).toBe(true);
    // The official method answered "disabled" and is left alone by its long breaker; nothing was exceeded.
    await vi.waitFor(async () => expect((await server.feed.sourceStatus()).sources.official).toMatchObject({ state: 'disabled' }), {
      timeout: 30_000,
      interval: 250,
    });
    expect((await sandbox.stats()).violations).toBe(0);
  }, 90_000);
});
