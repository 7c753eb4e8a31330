// The slot feed on today's WB: the official method switched off (the sandbox's default), slots read from the seller
// portal's acceptance report with sellers' portal sessions. Shared sessions feed everyone's tasks; a session its owner
// did not share feeds only theirs; a dead session is dropped and its owner told; every reading is within the portal
// limiter's pace, with zero violations at the sandbox.
import { randomUUID } from 'node:crypto';
import { addDays, moscowToday } from '@slotpilot/shared';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { OfficialSource } from '../../src/feed/official-source.ts';
import { type PortalFeedSession, PortalSource } from '../../src/feed/portal-source.ts';
import { SlotFeed } from '../../src/feed/slot-feed.ts';
import { createMemorySharedState } from '../../src/platform/kv/memory.ts';
import { createHttpTransport } from '../../src/wb/http-transport.ts';
import { WbOfficialClient } from '../../src/wb/official-client.ts';
import { WbPortalClient } from '../../src/wb/portal-client.ts';
import { PortalLimiter } from '../../src/wb/portal-limiter.ts';
import { SellerRateLimiter } from '../../src/wb/seller-rate-limiter.ts';
import { type SandboxSeller, startTestSandbox, type TestSandbox } from '../harness/sandbox.ts';

const logger = pino({ level: 'silent' });
/** A short read interval keeps the test quick; the pace it proves is the same at 60 s. */
const INTERVAL_MS = 2_000;

describe('SlotFeed with the portal source', () => {
  let sandbox: TestSandbox;
  const transport = createHttpTransport();
  const running: SlotFeed[] = [];

  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((feed) => feed.stop()));
  });
  afterAll(async () => {
    await transport.close();
    await sandbox.close();
  });

  const session = (seller: SandboxSeller, userId: number, share: boolean): PortalFeedSession => ({
    credentialId: `cred-${seller.sid}`,
    userId,
    sid: seller.sid,
    session: seller.portalSession,
    share,
  });

  async function startFeed(sessions: () => PortalFeedSession[], rejected: string[] = [], apiSellers: SandboxSeller[] = []) {
    const shared = createMemorySharedState();
    const portal = new WbPortalClient({
      portalUrl: sandbox.url,
      authUrl: sandbox.url,
      transport,
      limiter: new PortalLimiter(shared, { readIntervalMs: INTERVAL_MS }),
      logger,
    });
    const official = new WbOfficialClient({
      commonApiUrl: sandbox.url,
      suppliesApiUrl: sandbox.url,
      transport,
      limiter: new SellerRateLimiter(shared),
    });
    const feed = new SlotFeed({
      shared,
      sources: [
        new OfficialSource({
          official,
          logger,
          credentials: {
            list: async () => apiSellers.map((s) => ({ sid: s.sid, token: s.apiToken, credentialId: s.sid })),
            rejected: async () => {},
          },
        }),
        new PortalSource({
          portal,
          intervalMs: INTERVAL_MS,
          logger,
          sessions: {
            list: async () => sessions().filter((s) => !rejected.includes(s.credentialId)),
            rejected: async (credentialId) => void rejected.push(credentialId),
          },
        }),
      ],
      logger,
      instanceId: randomUUID(),
      leaseTtlMs: 1_500,
    });
    await feed.start();
    running.push(feed);
    return feed;
  }

  it('catches a slot opened at WB through the portal report while the official method is disabled', async () => {
    const sellers = [await sandbox.createSeller(), await sandbox.createSeller()];
    const feed = await startFeed(() => sellers.map((s, i) => session(s, i + 1, true)));
    const date = addDays(moscowToday(), 4);
    await sandbox.setCell({ warehouseId: 507, date, boxTypeId: 2, coefficient: -1, allowUnload: false });
    const first = await feed.read([507], { waitMs: 10_000 });
    expect(first.get(507)).toMatchObject({ source: 'portal' });
    expect(first.get(507)?.userId).toBeUndefined();

    await sandbox.setCell({ warehouseId: 507, date, boxTypeId: 2, coefficient: 0, allowUnload: true });
    await vi.waitFor(
      () =>
        expect(feed.peek(507)?.cells.find((c) => c.date === date && c.boxTypeId === 2)).toMatchObject({
          coefficient: 0,
          allowUnload: true,
        }),
      { timeout: 10_000, interval: 100 },
    );
    const status = await feed.sourceStatus();
    expect(status).toMatchObject({ state: 'ok', sources: { portal: { state: 'ok', sellers: 2 } } });
    expect(feed.sourceOf([507], 99)).toMatchObject({ kind: 'portal' });
    // The official method was never asked (no API token); the sandbox counted no violation of either budget.
    expect((await sandbox.stats()).violations).toBe(0);
  });

  it('reads each seller at most once per interval, rotating the sharing sellers', async () => {
    const sellers = [await sandbox.createSeller(), await sandbox.createSeller()];
    const feed = await startFeed(() => sellers.map((s, i) => session(s, i + 1, true)));
    const updates: number[] = [];
    feed.onWarehouseUpdate((slots) => {
      if (slots.warehouseId === 117501) updates.push(slots.fetchedAt);
    });
    feed.watch([117501]);
    await vi.waitFor(() => expect(updates.length).toBeGreaterThanOrEqual(5), { timeout: 15_000, interval: 100 });
    // Two sellers at 2 s each: a picture about every second, from both in turn.
    const calls = await Promise.all(sellers.map((s) => sandbox.requests(s.sid, 'coefficientsReport')));
    expect(calls.every((n) => n >= 2)).toBe(true);
    const elapsedS = (updates.at(-1)! - updates[0]!) / 1000;
    expect(calls.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(Math.ceil((elapsedS + 2) / (INTERVAL_MS / 1000)) * 2 + 2);
    expect((await sandbox.stats()).violations).toBe(0);
  });

  it("keeps an unshared session's pictures for its owner's tasks only", async () => {
    const seller = await sandbox.createSeller();
    const feed = await startFeed(() => [session(seller, 7, false)]);
    feed.watch([300461]);
    await vi.waitFor(() => expect(feed.peek(300461, 7)).toMatchObject({ source: 'portal', userId: 7 }), { timeout: 10_000 });
    expect(feed.peek(300461)).toBeUndefined();
    expect(feed.peek(300461, 8)).toBeUndefined();
    expect(feed.sourceOf([300461], 8)).toEqual({ kind: 'none', updatedAt: null });
    expect(feed.sourceOf([300461], 7).kind).toBe('portal');
  });

  it('drops a session WB no longer accepts and tells its owner, carrying on with the others', async () => {
    const good = await sandbox.createSeller();
    const dead = await sandbox.createSeller({ sessionExpiresInS: -60 });
    const rejected: string[] = [];
    const feed = await startFeed(() => [session(dead, 1, true), session(good, 2, true)], rejected);
    const answer = await feed.read([217081], { waitMs: 10_000 });
    expect(answer.get(217081)?.source).toBe('portal');
    await vi.waitFor(() => expect(rejected).toEqual([`cred-${dead.sid}`]), { timeout: 10_000 });
  });

  it('says why there is no source: WB disabled its method and nobody lent a portal session', async () => {
    const apiOnly = await sandbox.createSeller();
    const feed = await startFeed(() => [], [], [apiOnly]);
    feed.watch([507]);
    await vi.waitFor(
      async () =>
        expect(await feed.sourceStatus()).toMatchObject({
          state: 'disabled',
          reason: 'wb_disabled_no_portal',
          sources: { official: { state: 'disabled' }, portal: { reason: 'no_sessions' } },
        }),
      { timeout: 10_000 },
    );
    expect(feed.sourceOf([507], 1)).toEqual({ kind: 'none', updatedAt: null });
  });
});
