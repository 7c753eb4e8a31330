import type { RateLimiterAbstract } from 'rate-limiter-flexible';
// The small interfaces the rest of the server uses for shared state. Redis backs them when REDIS_URL is set;
// memory backs them in embedded (single-instance) mode. Both pass the same contract tests.

/** String values with a time to live. */
export interface KeyValueCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
}

export type Unsubscribe = () => Promise<void>;

export interface SubscribeOptions {
  /**
   * Called when messages on the channel may have been lost: the connection to the bus dropped and the subscription is
   * active again. Streams resync from the source of truth then.
   */
  onGap?: () => void;
}

/** Fire-and-forget pub/sub between instances; messages are JSON values. */
export interface PublishOptions {
  /**
   * Nobody listening, nothing sent: after a publish no instance received, further ones are skipped until an instance
   * announces a subscription to the channel (or a short re-check time passes). For change feeds a listener resyncs
   * anyway, never for messages that must arrive.
   */
  ifHeard?: boolean;
}

export interface Bus {
  publish(channel: string, message: unknown, options?: PublishOptions): Promise<void>;
  /** Resolves once the subscription is active, so a publish after it is received. */
  subscribe(channel: string, handler: (message: unknown) => void, options?: SubscribeOptions): Promise<Unsubscribe>;
}

/** Named, expiring locks: at most one owner at a time; the owner keeps it by renewing before `ttlMs` runs out. */
export interface Leases {
  /** Take the lease if it is free or already ours (then its expiry is extended). True when `owner` holds it now. */
  acquire(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Give the lease up if `owner` holds it; no-op otherwise. */
  release(name: string, owner: string): Promise<void>;
  holder(name: string): Promise<string | undefined>;
}

/** A fixed-window limiter shared by every instance (rate-limiter-flexible: Redis in production, memory in embedded mode). */
export interface RateLimiterOptions {
  keyPrefix: string;
  points: number;
  durationS: number;
  /**
   * When the store is unreachable, count in this instance's memory instead of refusing (for limits that protect us,
   * such as the API's per-user limit; WB's buckets fail closed).
   */
  localFallback?: boolean;
}

export interface SharedState {
  readonly mode: 'redis' | 'memory';
  readonly cache: KeyValueCache;
  readonly bus: Bus;
  readonly leases: Leases;
  createRateLimiter(options: RateLimiterOptions): RateLimiterAbstract;
  /** Throws when the backing store cannot be reached right now (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
