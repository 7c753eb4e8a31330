// Turns bus messages into an async iterable for SSE subscriptions, ending when the client goes away.
import type { Bus } from '../platform/kv/types.ts';

export function busStream<T>(bus: Bus, channel: string, keep: (message: T) => boolean, ...signals: Array<AbortSignal | undefined>) {
  const queue: T[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  const ready = bus.subscribe(channel, (message) => {
    if (!keep(message as T)) return;
    queue.push(message as T);
    wake?.();
  });
  const close = () => {
    closed = true;
    wake?.();
  };
  for (const signal of signals) {
    if (signal?.aborted) closed = true;
    signal?.addEventListener('abort', close, { once: true });
  }
  return {
    ready,
    async *[Symbol.asyncIterator](): AsyncGenerator<T> {
      const unsubscribe = await ready;
      try {
        while (!closed) {
          const next = queue.shift();
          if (next !== undefined) {
            yield next;
            continue;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
      } finally {
        await unsubscribe();
      }
    },
  };
}
