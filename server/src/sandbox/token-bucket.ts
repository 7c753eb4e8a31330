// WB's limiter, as WB describes it: per seller account and method, a bucket of `burst` tokens, one token back every
// `refillMs`, starting full. This is the thing being simulated, so it works in whole tokens and exact milliseconds:
// a fractional bucket would drift from WB's integer X-Ratelimit-Remaining.
import { OFFICIAL_ENDPOINTS, type OfficialEndpoint } from '../wb/endpoints.ts';

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

/** One bucket per (seller sid, endpoint), created full on first use, limits from the shared endpoint table. */
export class SellerRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly clock: () => number,
    private readonly limits: Record<OfficialEndpoint, BucketLimit> = OFFICIAL_ENDPOINTS,
  ) {}

  take(sid: string, endpoint: OfficialEndpoint): TakeResult {
    return this.bucket(sid, endpoint).take(this.clock());
  }

  remaining(sid: string, endpoint: OfficialEndpoint): number {
    return this.bucket(sid, endpoint).remaining(this.clock());
  }

  clear(): void {
    this.buckets.clear();
  }

  private bucket(sid: string, endpoint: OfficialEndpoint): TokenBucket {
    const key = `${sid}\u0000${endpoint}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.limits[endpoint], this.clock());
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}

/** WB's headers carry whole seconds; round waits up so a client that obeys them never comes back early. */
export const toHeaderSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
