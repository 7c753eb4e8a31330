// WB's limiter, as WB describes it: per seller account and method, a bucket of `burst` tokens, one token back every
// `refillMs`, starting full. This is the thing being simulated, so it works in whole tokens and exact milliseconds:
// a fractional bucket would drift from WB's integer X-Ratelimit-Remaining.
import { OFFICIAL_ENDPOINTS, type OfficialEndpoint, PORTAL_SANDBOX_LIMITS, type PortalCall } from '../wb/endpoints.ts';

export interface BucketLimit {
  burst: number;
  refillMs: number;
}

export type TakeResult =
  | { ok: true; remaining: number }
  | {
      ok: false;
      /** Milliseconds until one token is back (> 0). */
      retryMs: number;
      /** Milliseconds until the bucket is full again. */
      resetMs: number;
      limit: number;
    };

export class TokenBucket {
  private tokens: number;
  /** When the partial token now accruing started; only meaningful while the bucket is not full. */
  private accruingSince: number;

  constructor(
    readonly limit: BucketLimit,
    now: number,
  ) {
    if (!(Number.isInteger(limit.burst) && limit.burst > 0 && limit.refillMs > 0)) throw new Error('invalid bucket limit');
    this.tokens = limit.burst;
    this.accruingSince = now;
  }

  /** Spend one token if there is one. */
  take(now: number): TakeResult {
    this.refill(now);
    if (this.tokens > 0) {
      // Leaving "full" starts the clock for the first token to come back.
      if (this.tokens === this.limit.burst) this.accruingSince = now;
      this.tokens -= 1;
      return { ok: true, remaining: this.tokens };
    }
    const retryMs = this.accruingSince + this.limit.refillMs - now;
    return { ok: false, retryMs, resetMs: retryMs + (this.limit.burst - 1) * this.limit.refillMs, limit: this.limit.burst };
  }

  /** Tokens available now, without spending one. */
  remaining(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  private refill(now: number): void {
    if (this.tokens >= this.limit.burst) return;
    // A clock that steps back (a test, NTP) must not mint tokens or make the wait negative.
    const elapsed = Math.max(0, now - this.accruingSince);
    const earned = Math.floor(elapsed / this.limit.refillMs);
    if (earned === 0) return;
    this.tokens = Math.min(this.limit.burst, this.tokens + earned);
    this.accruingSince += earned * this.limit.refillMs;
  }
}

/** One bucket per (seller sid, endpoint), created full on first use. The official API's limits come from the shared
 * endpoint table; the portal's limiter is the same class over PORTAL_SANDBOX_LIMITS (`portalLimit`). */
export class SellerRateLimiter<Name extends string> {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly clock: () => number,
    private readonly limitOf: (name: Name) => BucketLimit,
  ) {}

  take(sid: string, endpoint: Name): TakeResult {
    return this.bucket(sid, endpoint).take(this.clock());
  }

  remaining(sid: string, endpoint: Name): number {
    return this.bucket(sid, endpoint).remaining(this.clock());
  }

  clear(): void {
    this.buckets.clear();
  }

  private bucket(sid: string, endpoint: Name): TokenBucket {
    const key = `${sid}\u0000${endpoint}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.limitOf(endpoint), this.clock());
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}

/** An official endpoint's limit, from the shared table. */
export const officialLimit = (endpoint: OfficialEndpoint): BucketLimit => OFFICIAL_ENDPOINTS[endpoint];

/** The sandbox's guess at a portal call's limit: its own entry in PORTAL_SANDBOX_LIMITS, else the default. */
export const portalLimit = (call: PortalCall): BucketLimit => PORTAL_SANDBOX_LIMITS[call] ?? PORTAL_SANDBOX_LIMITS.default;

/** WB's headers carry whole seconds; round waits up so a client that obeys them never comes back early. */
export const toHeaderSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
