// The feed hands the slot history only what everyone may see: a reading from a portal session its owner did not share
// reaches that owner's tasks (privately published) and never the history other sellers' insights are derived from.
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FeedSource, SourceReading } from '../../src/feed/feed-source.ts';
import type { SourceStatus } from '../../src/feed/feed-status.ts';
import { SlotFeed } from '../../src/feed/slot-feed.ts';
import type { WarehouseSlots } from '../../src/feed/warehouse-slots.ts';
import { createMemorySharedState } from '../../src/platform/kv/memory.ts';

const cells = [{ date: '2026-12-10', boxTypeId: 2, coefficient: 0, allowUnload: true }];

/** A portal-like source that answers alternately from a shared session and from one user's unshared session. */
class AlternatingSource implements FeedSource {
  readonly kind = 'portal' as const;
  private n = 0;
  async step() {
    const shared = this.n++ % 2 === 0;
    const reading: SourceReading = {
      source: 'portal',
      fetchedAt: Date.now(),
      periodMs: 1_000,
      ...(shared ? {} : { userIds: [42] }),
      warehouses: new Map([[507, { name: 'Коледино', cells }]]),
    };
    return { reading, nextInMs: 20 };
  }
  status(): SourceStatus {
    return { state: 'ok', reason: null, sellers: 2, lastSuccessAt: Date.now() };
  }
  reset() {}
}

describe('SlotFeed onReading', () => {
  let feed: SlotFeed | undefined;
  afterEach(async () => {
    await feed?.stop();
  });

  it('is called with shared readings only, after they are published', async () => {
    const recorded: SourceReading[] = [];
    const published: WarehouseSlots[] = [];
    feed = new SlotFeed({
      shared: createMemorySharedState(),
      sources: [new AlternatingSource()],
      logger: pino({ level: 'silent' }),
      instanceId: 'hook-test',
      onReading: (reading) => recorded.push(reading),
    });
    feed.onWarehouseUpdate((slots) => published.push(slots));
    await feed.start();
    feed.watch([507]);
    await vi.waitFor(() => {
      expect(published.filter((p) => p.userId === 42).length).toBeGreaterThanOrEqual(2);
      expect(recorded.length).toBeGreaterThanOrEqual(2);
    });
    expect(recorded.every((r) => r.userIds === undefined)).toBe(true);
    // Each shared reading was published before the history saw it.
    for (const reading of recorded) expect(published.some((p) => p.userId === undefined && p.fetchedAt === reading.fetchedAt)).toBe(true);
  });
});
