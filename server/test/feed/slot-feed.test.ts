// The shared slot feed with WB's official source, against the WB sandbox with the official method switched back on
// (as WB may do again): one upstream call however many readers, sellers' budgets spent in turn without a single limit
// violation, WB's failures turned into a visible source state, and a second leader taking over.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHANNEL_UPDATED, type UpdateMessage } from '../../src/feed/feed-leader.ts';
import { type FeedCredentialSource, OfficialSource } from '../../src/feed/official-source.ts';
import { SlotFeed } from '../../src/feed/slot-feed.ts';
import { createMemorySharedState } from '../../src/platform/kv/memory.ts';
import type { SharedState } from '../../src/platform/kv/types.ts';
import { createHttpTransport } from '../../src/wb/http-transport.ts';
import { WbOfficialClient } from '../../src/wb/official-client.ts';
import { SellerRateLimiter } from '../../src/wb/seller-rate-limiter.ts';
import { type SandboxSeller, startTestSandbox, type TestSandbox } from '../harness/sandbox.ts';

const logger = pino({ level: 'silent' });

describe('SlotFeed', () => {
  let sandbox: TestSandbox;
  const transport = createHttpTransport();
  const running: SlotFeed[] = [];

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    await sandbox.official(true);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((feed) => feed.stop()));
    await sandbox.clearFaults();
  });
  afterAll(async () => {
    await transport.close();
    await sandbox.close();
  });

  function sourceOf(sellers: SandboxSeller[], rejected: string[] = []): FeedCredentialSource {
    return {
      list: async () =>
        sellers.filter((s) => !rejected.includes(s.sid)).map((s) => ({ sid: s.sid, token: s.apiToken, credentialId: s.sid })),
      rejected: async (credentialId) => void rejected.push(credentialId),
    };
  }

  async function startFeed(options: {
    shared: SharedState;
    credentials: FeedCredentialSource;
    official?: WbOfficialClient;
    leaseTtlMs?: number;
  }) {
    const official =
      options.official ??
      new WbOfficialClient({
        commonApiUrl: sandbox.url,
        suppliesApiUrl: sandbox.url,
        transport,
        limiter: new SellerRateLimiter(options.shared),
      });
    const feed = new SlotFeed({
      shared: options.shared,
      sources: [new OfficialSource({ official, credentials: options.credentials, logger })],
      logger,
      instanceId: randomUUID(),
      leaseTtlMs: options.leaseTtlMs ?? 1_500,
    });
    await feed.start();
    running.push(feed);
    return feed;
  }

  const coefficientCalls = async (sellers: SandboxSeller[]) => {
    const stats = await sandbox.stats();
    return sellers.reduce((sum, s) => sum + (stats.requests[s.sid]?.coefficients ?? 0), 0);
  };

  it('serves 1,000 concurrent readers of a warehouse with one upstream call', async () => {
    const seller = await sandbox.createSeller();
    const feed = await startFeed({ shared: createMemorySharedState(), credentials: sourceOf([seller]) });
    const answers = await Promise.all(Array.from({ length: 1_000 }, () => feed.read([507], { waitMs: 10_000 })));
    expect(answers.every((a) => a.get(507)?.cells.length === 14 * 3)).toBe(true);
    expect(await coefficientCalls([seller])).toBe(1);
    expect(feed.counters.upstreamCalls).toBe(1);
    // Later readers hit the in-process cache.
    await feed.read([507]);
    expect(feed.counters.l1Hits).toBeGreaterThan(0);
  });

  it('spends three sellers in turn, never twice within one of their windows, with zero violations', async () => {
    const sellers = [await sandbox.createSeller(), await sandbox.createSeller(), await sandbox.createSeller()];
    const feed = await startFeed({ shared: createMemorySharedState(), credentials: sourceOf(sellers) });
    const updates: number[] = [];
    feed.onWarehouseUpdate((slots) => {
      if (slots.warehouseId === 507) updates.push(slots.fetchedAt);
    });
    await feed.read([507, 117501]);
    // Wait for three more refreshes: at 10 s / 3 sellers, each seller is used about once.
    await vi.waitFor(() => expect(updates.length).toBeGreaterThanOrEqual(4), { timeout: 20_000, interval: 100 });
    const stats = await sandbox.stats();
    expect(stats.violations).toBe(0);
    expect(sellers.filter((s) => (stats.requests[s.sid]?.coefficients ?? 0) > 0)).toHaveLength(3);
    expect((await feed.sourceStatus()).state).toBe('ok');
  });

  it('publishes updates that any instance can read from the shared cache', async () => {
    const shared = createMemorySharedState();
    const seller = await sandbox.createSeller();
    await sandbox.setCell({
      warehouseId: 300461,
      date: new Date(Date.now() + 3 * 3600_000).toISOString().slice(0, 10),
      boxTypeId: 2,
      coefficient: 0,
      allowUnload: true,
    });
    const leader = await startFeed({ shared, credentials: sourceOf([seller]) });
    await leader.read([300461]);
    const reader = new SlotFeed({ shared, sources: [], logger, instanceId: 'reader' });
    const slots = await reader.get(300461);
    expect(slots).toMatchObject({ warehouseId: 300461, source: 'official' });
    expect(reader.counters).toMatchObject({ l2Hits: 1, upstreamCalls: 0 });
  });

  it('shows "disabled" when WB disables the method, and stops asking until the cool-down', async () => {
    const seller = await sandbox.createSeller();
    const shared = createMemorySharedState();
    const official = new WbOfficialClient({
      commonApiUrl: sandbox.url,
      suppliesApiUrl: sandbox.url,
      transport,
      limiter: new SellerRateLimiter(shared),
      disabledCooldownMs: 60_000,
    });
    await sandbox.fault({ endpoint: 'coefficients', kind: 'disabled' });
    const feed = await startFeed({ shared, credentials: sourceOf([seller]), official });
    await feed.read([507], { waitMs: 500 });
    await vi.waitFor(async () => expect((await feed.sourceStatus()).sources.official.state).toBe('disabled'), { timeout: 5_000 });
    expect(await coefficientCalls([seller])).toBe(1);
  });

  it('says "degraded" when nobody has lent a token, and "rate-limited" when WB throttles every seller', async () => {
    const none = await startFeed({ shared: createMemorySharedState(), credentials: sourceOf([]) });
    none.watch([507]);
    await vi.waitFor(
      async () => expect((await none.sourceStatus()).sources.official).toMatchObject({ state: 'degraded', reason: 'no_credentials' }),
      {
        timeout: 5_000,
      },
    );
    await none.stop();

    const seller = await sandbox.createSeller();
    await sandbox.fault({ endpoint: 'coefficients', kind: '429', retryAfterS: 30 });
    const throttled = await startFeed({ shared: createMemorySharedState(), credentials: sourceOf([seller]) });
    throttled.watch([507]);
    await vi.waitFor(async () => expect((await throttled.sourceStatus()).sources.official).toMatchObject({ state: 'rate-limited' }), {
      timeout: 5_000,
    });
    expect(await coefficientCalls([seller])).toBe(1);
  });

  it('drops a seller whose token WB rejects and carries on with the others', async () => {
    const good = await sandbox.createSeller();
    const expired = await sandbox.createSeller({ tokenExpiresInS: -60 });
    const rejected: string[] = [];
    const feed = await startFeed({ shared: createMemorySharedState(), credentials: sourceOf([expired, good], rejected) });
    const answer = await feed.read([507], { waitMs: 10_000 });
    expect(answer.get(507)).toBeDefined();
    expect(rejected).toEqual([expired.sid]);
  });

  it('sends a repeat as a refresh without the cells: listeners renew their picture, a late one takes it from the cache', async () => {
    const shared = createMemorySharedState();
    // Five sellers: a reading every 2 s.
    const sellers = await Promise.all(Array.from({ length: 5 }, () => sandbox.createSeller()));
    const messages: UpdateMessage[] = [];
    const off = await shared.bus.subscribe(CHANNEL_UPDATED, (m) => void messages.push(m as UpdateMessage));
    const leader = await startFeed({ shared, credentials: sourceOf(sellers) });
    const early = await startFeed({ shared, credentials: sourceOf([]) });
    const first = (await leader.read([507], { waitMs: 10_000 })).get(507)!;
    expect(first.cells).toHaveLength(14 * 3);
    await vi.waitFor(() => expect(early.peek(507)?.cellsAt).toBe(first.cellsAt), { timeout: 5_000 });

    // Started after the whole picture went out: it only ever hears refreshes.
    const late = await startFeed({ shared, credentials: sourceOf([]) });
    const refreshOf = (m: UpdateMessage) => ('refresh' in m && m.refresh.warehouseId === 507 ? m.refresh : undefined);
    await vi.waitFor(() => expect(messages.filter(refreshOf).length).toBeGreaterThanOrEqual(2), { timeout: 15_000, interval: 100 });
    const refresh = messages
      .map(refreshOf)
      .filter((r) => r !== undefined)
      .at(-1)!;
    expect(refresh).not.toHaveProperty('cells');
    expect(refresh.cellsAt).toBe(first.cellsAt);
    for (const feed of [early, late]) {
      await vi.waitFor(() => expect(feed.peek(507)?.fetchedAt).toBeGreaterThanOrEqual(refresh.fetchedAt), { timeout: 5_000 });
      expect(feed.peek(507)).toMatchObject({ cellsAt: first.cellsAt, cells: first.cells, freshUntil: expect.any(Number) });
      expect(feed.peek(507)!.freshUntil).toBeGreaterThan(first.freshUntil);
    }

    // A cell that changes goes out whole again, with a new version.
    await sandbox.setCell({
      warehouseId: 507,
      date: first.cells[0]!.date,
      boxTypeId: first.cells[0]!.boxTypeId,
      coefficient: 7,
      allowUnload: true,
    });
    await vi.waitFor(() => expect(late.peek(507)?.cells[0]?.coefficient).toBe(7), { timeout: 10_000, interval: 100 });
    expect(late.peek(507)!.cellsAt).toBeGreaterThan(first.cellsAt!);
    await off();
  });

  it('hands leadership over when the leader stops', async () => {
    const shared = createMemorySharedState();
    const seller = await sandbox.createSeller();
    const first = await startFeed({ shared, credentials: sourceOf([seller]) });
    await first.read([217081]);
    expect(first.isLeader).toBe(true);
    const second = await startFeed({ shared, credentials: sourceOf([seller]) });
    expect(second.isLeader).toBe(false);
    await first.stop();
    await vi.waitFor(() => expect(second.isLeader).toBe(true), { timeout: 5_000 });
    const seen: number[] = [];
    second.onWarehouseUpdate((s) => seen.push(s.warehouseId));
    second.watch([217081]);
    await vi.waitFor(() => expect(seen).toContain(217081), { timeout: 15_000 });
  });
});
