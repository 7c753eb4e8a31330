// Keeps every seller account inside WB's per-endpoint buckets, across all server instances.
//
// WB's buckets are token buckets (capacity `burst`, one token per `refillMs`). We spend at most one call per `refillMs`
// per (seller, endpoint): a window opens at each granted call and nothing else is granted until it closes. That never
// exceeds WB's bucket whatever the timing (at steady state the bucket stays full), gives the same sustained rate, and is
// exactly what rate-limiter-flexible's fixed window does with points = 1. The burst is left as headroom for the seller's
// other tools sharing the account.
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { SharedState } from '../platform/kv/types.ts';
import { OFFICIAL_ENDPOINTS, type OfficialEndpoint } from './endpoints.ts';
import { WbRateLimitedError, WbTransientError } from './errors.ts';

export interface LimiterStats {
  granted: number;
  refused: number;
  waitedMs: number;
  blockedByWb: number;
}

export interface LimiterObserver {
  onWait(endpoint: OfficialEndpoint, seconds: number): void;
  onRefused(endpoint: OfficialEndpoint): void;
}

export class SellerRateLimiter {
  private readonly limiters: Record<OfficialEndpoint, RateLimiterAbstract>;
  readonly stats: LimiterStats = { granted: 0, refused: 0, waitedMs: 0, blockedByWb: 0 };

  constructor(
    shared: SharedState,
    private readonly observer?: LimiterObserver,
  ) {
    this.limiters = Object.fromEntries(
      Object.entries(OFFICIAL_ENDPOINTS).map(([name, spec]) => [
        name,
        shared.createRateLimiter({ keyPrefix: `wb-limit:${name}`, points: 1, durationS: spec.refillMs / 1000 }),
      ]),
    ) as Record<OfficialEndpoint, RateLimiterAbstract>;
  }

  /** Take the next call for (seller, endpoint) if it is free now. Resolves 0 when granted, else the ms until it frees. */
  async tryTake(sid: string, endpoint: OfficialEndpoint): Promise<number> {
    try {
      await this.limiters[endpoint].consume(sid, 1);
      this.stats.granted++;
      return 0;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        this.stats.refused++;
        this.observer?.onRefused(endpoint);
        return Math.max(1, rejection.msBeforeNext);
      }
      throw new WbTransientError(endpoint, 'the shared rate limiter is unavailable', { cause: rejection });
    }
  }

  /** Wait for the next call for (seller, endpoint), up to `maxWaitMs`; then give up with a rate-limited error. */
  async take(sid: string, endpoint: OfficialEndpoint, maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    const started = Date.now();
    for (;;) {
      const waitMs = await this.tryTake(sid, endpoint);
      if (waitMs === 0) {
        this.stats.waitedMs += Date.now() - started;
        this.observer?.onWait(endpoint, (Date.now() - started) / 1000);
        return;
      }
      const elapsed = Date.now() - started;
      if (elapsed + waitMs > maxWaitMs) throw new WbRateLimitedError(endpoint, waitMs, 'local');
      await sleep(waitMs, signal);
    }
  }

  /** WB answered 429: hold the bucket closed for as long as WB asked, on every instance. */
  async blockFor(sid: string, endpoint: OfficialEndpoint, ms: number): Promise<void> {
    this.stats.blockedByWb++;
    await this.limiters[endpoint].block(sid, Math.max(1, Math.ceil(ms / 1000)));
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
