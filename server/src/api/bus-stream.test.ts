import { describe, expect, it } from 'vitest';
import { createMemorySharedState } from '../platform/kv/memory.ts';
import type { Bus, SubscribeOptions } from '../platform/kv/types.ts';
import { BUS_GAP, busStream } from './bus-stream.ts';

/** A memory bus that counts live subscriptions and can report a gap, as Redis does after a reconnect. */
function countingBus() {
  const inner = createMemorySharedState().bus;
  let live = 0;
  const gaps = new Set<() => void>();
  const bus: Bus = {
    publish: (channel, message) => inner.publish(channel, message),
    async subscribe(channel, handler, options?: SubscribeOptions) {
      const unsubscribe = await inner.subscribe(channel, handler);
      live++;
      if (options?.onGap) gaps.add(options.onGap);
      return async () => {
        live--;
        if (options?.onGap) gaps.delete(options.onGap);
        await unsubscribe();
      };
    },
  };
  const gap = () => {
    for (const listener of [...gaps]) listener();
  };
  return { bus, live: () => live, gap };
}

describe('busStream', () => {
  it('drops its subscription when the client leaves before iterating (e.g. during a resync)', async () => {
    const { bus, live } = countingBus();
    const client = new AbortController();
    const stream = busStream(bus, 'c', () => true, client.signal);
    await stream.ready;
    expect(live()).toBe(1);
    client.abort();
    await stream.close();
    expect(live()).toBe(0);
  });

  it('drops it when iteration ends, and once only', async () => {
    const { bus, live } = countingBus();
    const client = new AbortController();
    const stream = busStream<{ n: number }>(bus, 'c', () => true, client.signal);
    await stream.ready;
    const seen: unknown[] = [];
    const done = (async () => {
      for await (const item of stream) {
        seen.push(item);
        client.abort();
      }
    })();
    await bus.publish('c', { n: 1 });
    await done;
    await stream.close();
    expect(seen).toEqual([{ n: 1 }]);
    expect(live()).toBe(0);
  });

  it('yields one gap marker when messages may have been lost', async () => {
    const { bus, gap } = countingBus();
    const client = new AbortController();
    const stream = busStream(bus, 'c', () => true, client.signal);
    await stream.ready;
    gap();
    gap();
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe(BUS_GAP);
    client.abort();
    expect((await iterator.next()).done).toBe(true);
  });
});
