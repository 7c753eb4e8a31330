// Turns bus messages into an async iterable for SSE subscriptions, ending when the client goes away.
import type { Bus, Unsubscribe } from '../platform/kv/types.ts';

/** Yielded when messages may have been lost (the bus connection dropped and is back): the consumer resyncs. */
export const BUS_GAP: unique symbol = Symbol('bus-gap');

export interface BusStream<T> extends AsyncIterable<T | typeof BUS_GAP> {
  /** Resolves once the subscription is active (rejects when the bus cannot be reached). */
  ready: Promise<Unsubscribe>;
  /** End the stream and drop the subscription; safe to call more than once, before or during iteration. */
  close(): Promise<void>;
}

export function busStream<T>(
  bus: Bus,
  channel: string,
  keep: (message: T) => boolean,
  ...signals: Array<AbortSignal | undefined>
): BusStream<T> {
  const queue: Array<T | typeof BUS_GAP> = [];
  let wake: (() => void) | undefined;
  let closed = false;
  const push = (item: T | typeof BUS_GAP) => {
    // One pending gap is enough: the consumer resyncs everything once.
    if (item === BUS_GAP && queue.includes(BUS_GAP)) return;
    queue.push(item);
    wake?.();
  };
  const ready = bus.subscribe(
    channel,
    (message) => {
      if (keep(message as T)) push(message as T);
    },
    { onGap: () => push(BUS_GAP) },
  );
  // Unsubscribing is tied to the stream's end, not to iteration: a client that leaves before the consumer starts
  // iterating (e.g. during a resync) must not leave a subscription behind (issue 14).
  let released: Promise<void> | undefined;
  const release = () => {
    released ??= ready.then(
      (unsubscribe) => unsubscribe(),
      () => undefined,
    );
    return released;
  };
  const close = () => {
    closed = true;
    for (const signal of signals) signal?.removeEventListener('abort', abort);
    wake?.();
    return release();
  };
  function abort() {
    void close();
  }
  for (const signal of signals) {
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
  }
  return {
    ready,
    close,
    async *[Symbol.asyncIterator](): AsyncGenerator<T | typeof BUS_GAP> {
      await ready;
      try {
        while (!closed) {
          if (queue.length > 0) {
            yield queue.shift() as T | typeof BUS_GAP;
            continue;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
      } finally {
        await close();
      }
    },
  };
}
