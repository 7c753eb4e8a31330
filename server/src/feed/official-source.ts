// The official coefficients method as a feed source: one call per turn, rotating through the API budgets of every
// seller who allowed it, so with S sellers it refreshes every 10 s / S. Since 2026-08-15 WB answers "temporarily
// disabled": the client's long breaker then keeps it closed for 5 → 30 min between single re-probes, and this source
// reports `disabled` while the portal source carries the feed.
import { isoDateOfWb } from '@slotpilot/shared';
import type { Logger } from 'pino';
import { OFFICIAL_ENDPOINTS } from '../wb/endpoints.ts';
import { WbDisabledError, WbRateLimitedError, WbUnauthorizedError } from '../wb/errors.ts';
import type { WbApiCredential, WbOfficialClient } from '../wb/official-client.ts';
import type { FeedSource, SourceReading, SourceStep } from './feed-source.ts';
import type { FeedSourceState, SourceStatus } from './feed-status.ts';
import type { SlotCell } from './warehouse-slots.ts';

export interface FeedCredentialSource {
  /** Decrypted API tokens the feed may spend, one per seller account. */
  list(): Promise<Array<WbApiCredential & { credentialId: string }>>;
  /** WB answered 401 for this credential. */
  rejected(credentialId: string, reason: string): Promise<void>;
}

const REFILL_MS = OFFICIAL_ENDPOINTS.coefficients.refillMs;
/** While WB keeps the method disabled, look again this often (the breaker decides whether a real call is made). */
const DISABLED_RECHECK_MS = 5_000;

export class OfficialSource implements FeedSource {
  readonly kind = 'official' as const;
  private sellers: { list: Array<WbApiCredential & { credentialId: string }>; at: number } | undefined;
  private nextSeller = 0;
  private lastCallAt = 0;
  private consecutiveFailures = 0;
  private current: SourceStatus = { state: 'degraded', reason: 'no_leader', sellers: 0, lastSuccessAt: null };

  constructor(private readonly deps: { official: WbOfficialClient; credentials: FeedCredentialSource; logger: Logger }) {}

  status(): SourceStatus {
    return this.current;
  }

  reset(): void {
    this.sellers = undefined;
    this.lastCallAt = 0;
  }

  async step(watched: readonly number[]): Promise<SourceStep> {
    const sellers = await this.sellerList();
    if (sellers.length === 0) {
      this.set('degraded', 'no_credentials');
      return { nextInMs: 2_000 };
    }
    if (watched.length === 0) {
      if (this.current.lastSuccessAt === null || this.current.reason === 'no_credentials' || this.current.reason === 'no_leader') {
        this.set('ok', 'idle');
      }
      return { nextInMs: 1_000 };
    }
    // Spread the sellers' calls evenly: with S sellers, one call every refill / S. Every call asks for all watched
    // warehouses, so a newly watched one rides along with the next call.
    const spacing = REFILL_MS / sellers.length;
    const now = Date.now();
    const dueAt = this.lastCallAt + spacing;
    if (now < dueAt) return { nextInMs: dueAt - now };

    let soonestFree = Number.POSITIVE_INFINITY;
    let wbThrottled = false;
    for (let attempt = 0; attempt < sellers.length; attempt++) {
      const index = (this.nextSeller + attempt) % sellers.length;
      const seller = sellers[index]!;
      const callStartedAt = Date.now();
      try {
        const items = await this.deps.official.coefficients(seller, watched, { maxLimiterWaitMs: 0, attempts: 1, timeoutMs: 8_000 });
        this.nextSeller = (index + 1) % sellers.length;
        this.lastCallAt = callStartedAt;
        this.consecutiveFailures = 0;
        const fetchedAt = Date.now();
        this.set('ok', null, fetchedAt);
        return { reading: toReading(items, fetchedAt, spacing), nextInMs: spacing };
      } catch (error) {
        if (error instanceof WbRateLimitedError) {
          soonestFree = Math.min(soonestFree, error.retryAfterMs);
          wbThrottled ||= error.source === 'wb';
          continue;
        }
        if (error instanceof WbUnauthorizedError) {
          this.sellers = undefined;
          await this.deps.credentials.rejected(seller.credentialId, 'WB rejected the token (HTTP 401) while refreshing coefficients');
          continue;
        }
        this.lastCallAt = Date.now();
        if (error instanceof WbDisabledError) {
          this.set('disabled', 'wb_disabled');
          return { nextInMs: DISABLED_RECHECK_MS };
        }
        this.consecutiveFailures++;
        this.deps.logger.warn(
          { event: 'feed.upstream_failed', source: 'official', sid: seller.sid, err: error },
          'coefficient refresh failed',
        );
        if (this.consecutiveFailures >= 3) this.set('degraded', 'upstream_failing');
        return { nextInMs: spacing };
      }
    }
    // Every budget is spent right now: wait for the first to free up.
    const stale = this.current.lastSuccessAt === null || Date.now() - this.current.lastSuccessAt > 3 * spacing;
    if (wbThrottled || stale) this.set('rate-limited', wbThrottled ? 'wb_throttled' : 'all_budgets_spent');
    return { nextInMs: Number.isFinite(soonestFree) ? soonestFree : spacing };
  }

  private set(state: FeedSourceState, reason: string | null, successAt?: number): void {
    this.current = {
      state,
      reason,
      sellers: this.sellers?.list.length ?? 0,
      lastSuccessAt: successAt ?? this.current.lastSuccessAt,
    };
  }

  private async sellerList() {
    if (!this.sellers || Date.now() - this.sellers.at > 15_000) {
      this.sellers = { list: await this.deps.credentials.list(), at: Date.now() };
    }
    return this.sellers.list;
  }
}

function toReading(
  items: ReadonlyArray<{
    warehouseID: number;
    warehouseName: string;
    date: string;
    boxTypeID?: number | undefined;
    coefficient: number;
    allowUnload: boolean;
  }>,
  fetchedAt: number,
  periodMs: number,
): SourceReading {
  const warehouses = new Map<number, { name: string; cells: SlotCell[] }>();
  for (const item of items) {
    if (item.boxTypeID === undefined) continue;
    const entry = warehouses.get(item.warehouseID) ?? { name: item.warehouseName, cells: [] };
    entry.cells.push({
      date: isoDateOfWb(item.date),
      boxTypeId: item.boxTypeID,
      coefficient: item.coefficient,
      allowUnload: item.allowUnload,
    });
    warehouses.set(item.warehouseID, entry);
  }
  return { source: 'official', fetchedAt, periodMs, warehouses };
}
