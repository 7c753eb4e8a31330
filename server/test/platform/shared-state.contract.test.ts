// One contract, two implementations: what the memory stand-ins promise, Redis keeps too (against a real redis-server).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createMemorySharedState } from '../../src/platform/kv/memory.ts';
import { createRedisSharedState } from '../../src/platform/kv/redis.ts';
import type { SharedState } from '../../src/platform/kv/types.ts';

const implementations: Array<[string, () => Promise<SharedState>]> = [
  ['memory', async () => createMemorySharedState()],
  [
    'redis',
    () => createRedisSharedState({ url: inject('redisUrl'), logger: pino({ level: 'silent' }), keyPrefix: `test:${randomUUID()}:` }),
  ],
];

describe.each(implementations)('shared state: %s', (_name, create) => {
  let state: SharedState;
  beforeAll(async () => {
    state = await create();
  });
  afterAll(async () => {
    await state.close();
  });

  describe('cache', () => {
    it('returns what was set until it expires', async () => {
      await state.cache.set('coef:507', '{"c":0}', 60_000);
      expect(await state.cache.get('coef:507')).toBe('{"c":0}');
      await state.cache.set('short', 'x', 30);
      await vi.waitFor(async () => expect(await state.cache.get('short')).toBeUndefined(), { timeout: 2_000, interval: 10 });
    });

    it('answers undefined for unknown keys and forgets deleted ones', async () => {
      expect(await state.cache.get('never-set')).toBeUndefined();
      await state.cache.set('gone', 'x', 60_000);
      await state.cache.delete('gone');
      expect(await state.cache.get('gone')).toBeUndefined();
    });
  });

  describe('bus', () => {
    it('delivers JSON messages to every subscriber of a channel, and only to them', async () => {
      const a: unknown[] = [];
      const b: unknown[] = [];
      const other: unknown[] = [];
      const offA = await state.bus.subscribe('feed', (m) => a.push(m));
      const offB = await state.bus.subscribe('feed', (m) => b.push(m));
      const offOther = await state.bus.subscribe('other', (m) => other.push(m));
      const message = { warehouseId: 507, at: '2026-11-22' };
      await state.bus.publish('feed', message);
      await vi.waitFor(() => expect([a, b]).toEqual([[message], [message]]));
      expect(a[0]).not.toBe(message);
      expect(other).toEqual([]);
      await Promise.all([offA(), offB(), offOther()]);
    });

    it('stops delivering after unsubscribe', async () => {
      const got: unknown[] = [];
      const off = await state.bus.subscribe('topic', (m) => got.push(m));
      await state.bus.publish('topic', 1);
      await vi.waitFor(() => expect(got).toEqual([1]));
      await off();
      await state.bus.publish('topic', 2);
      // Round-trip a marker on a fresh subscription: once it arrives, message 2 would have arrived too.
      const marker: unknown[] = [];
      const offMarker = await state.bus.subscribe('topic', (m) => marker.push(m));
      await state.bus.publish('topic', 3);
      await vi.waitFor(() => expect(marker).toEqual([3]));
      expect(got).toEqual([1]);
      await offMarker();
    });
  });

  describe('leases', () => {
    it('has at most one holder; the holder renews, others wait', async () => {
      expect(await state.leases.acquire('feed-leader', 'i1', 60_000)).toBe(true);
      expect(await state.leases.acquire('feed-leader', 'i2', 60_000)).toBe(false);
      expect(await state.leases.acquire('feed-leader', 'i1', 60_000)).toBe(true);
      expect(await state.leases.holder('feed-leader')).toBe('i1');
    });

    it('is free again after release, and only the holder can release it', async () => {
      await state.leases.acquire('l2', 'i1', 60_000);
      await state.leases.release('l2', 'i2');
      expect(await state.leases.holder('l2')).toBe('i1');
      await state.leases.release('l2', 'i1');
      expect(await state.leases.holder('l2')).toBeUndefined();
      expect(await state.leases.acquire('l2', 'i2', 60_000)).toBe(true);
    });

    it('can be taken over once the holder stops renewing', async () => {
      await state.leases.acquire('l3', 'crashed', 40);
      await vi.waitFor(async () => expect(await state.leases.acquire('l3', 'successor', 60_000)).toBe(true), {
        timeout: 2_000,
        interval: 10,
      });
      expect(await state.leases.holder('l3')).toBe('successor');
    });

    it('lets exactly one of many concurrent claimants win', async () => {
      const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => state.leases.acquire('contested', `i${i}`, 60_000)));
      expect(wins.filter(Boolean)).toHaveLength(1);
    });
  });

  it('answers ping while healthy', async () => {
    await expect(state.ping()).resolves.toBeUndefined();
  });
});

describe('bus on Redis: publishing only while someone listens (ifHeard)', () => {
  it('skips a channel nobody listens on, and resumes at once when another instance subscribes to it', async () => {
    const keyPrefix = `test:${randomUUID()}:`;
    const connect = () => createRedisSharedState({ url: inject('redisUrl'), logger: pino({ level: 'silent' }), keyPrefix });
    const [publisher, listener] = [await connect(), await connect()];
    // What reaches Redis, seen by a MONITOR connection (not a subscriber, so it changes no publish's receiver count).
    const monitor = await new Redis(inject('redisUrl')).monitor();
    const sent: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[0]?.toLowerCase() === 'publish' && args[1] === `${keyPrefix}changes`) sent.push(String(args[2]));
    });
    try {
      for (const n of [1, 2, 3]) await publisher.bus.publish('changes', n, { ifHeard: true });
      const got: unknown[] = [];
      await listener.bus.subscribe('changes', (m) => got.push(m));
      // Well within the 2 s re-check: only the listener's announcement can have resumed the publisher.
      await vi.waitFor(
        async () => {
          await publisher.bus.publish('changes', 'after', { ifHeard: true });
          expect(got).toContain('after');
        },
        { timeout: 1_000, interval: 20 },
      );
      expect(sent[0]).toBe('1');
      expect(sent).not.toContain('2');
      expect(sent).not.toContain('3');
    } finally {
      monitor.disconnect();
      await Promise.all([publisher.close(), listener.close()]);
    }
  });
});
