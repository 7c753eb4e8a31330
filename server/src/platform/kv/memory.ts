// In-memory stand-ins for embedded mode: one process, nothing to install.
import { LRUCache } from 'lru-cache';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Bus, KeyValueCache, Leases, RateLimiterOptions, SharedState, Unsubscribe } from './types.ts';

export class MemoryCache implements KeyValueCache {
  // Bounded so a runaway key space cannot eat the heap; the least recently used key goes first.
  private readonly lru = new LRUCache<string, string>({ max: 100_000 });

  async get(key: string) {
    return this.lru.get(key);
  }
  async set(key: string, value: string, ttlMs: number) {
    this.lru.set(key, value, { ttl: ttlMs });
  }
  async delete(key: string) {
    this.lru.delete(key);
  }
}

export class MemoryBus implements Bus {
  private readonly handlers = new Map<string, Set<(message: unknown) => void>>();

  // `ifHeard` needs nothing here: a channel without handlers costs nothing.
  async publish(channel: string, message: unknown) {
    // Serialise like Redis would: subscribers get a copy, never the publisher's object.
    const payload = JSON.stringify(message);
    for (const handler of this.handlers.get(channel) ?? []) queueMicrotask(() => handler(JSON.parse(payload)));
  }

  async subscribe(channel: string, handler: (message: unknown) => void): Promise<Unsubscribe> {
    const set = this.handlers.get(channel) ?? new Set();
    set.add(handler);
    this.handlers.set(channel, set);
    return async () => {
      set.delete(handler);
      if (set.size === 0) this.handlers.delete(channel);
    };
  }
}

export class MemoryLeases implements Leases {
  private readonly held = new Map<string, { owner: string; until: number }>();

  async acquire(name: string, owner: string, ttlMs: number) {
    const current = this.held.get(name);
    if (current && current.owner !== owner && current.until > Date.now()) return false;
    this.held.set(name, { owner, until: Date.now() + ttlMs });
    return true;
  }
  async release(name: string, owner: string) {
    if (this.held.get(name)?.owner === owner) this.held.delete(name);
  }
  async holder(name: string) {
    const current = this.held.get(name);
    return current && current.until > Date.now() ? current.owner : undefined;
  }
}

export function createMemorySharedState(): SharedState {
  return {
    mode: 'memory',
    cache: new MemoryCache(),
    bus: new MemoryBus(),
    leases: new MemoryLeases(),
    createRateLimiter: ({ keyPrefix, points, durationS }: RateLimiterOptions) =>
      new RateLimiterMemory({ keyPrefix, points, duration: durationS }),
    ping: async () => {},
    close: async () => {},
  };
}
