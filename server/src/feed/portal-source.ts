// The seller portal's acceptance-coefficients report as a feed source (all warehouses in one call). Sellers' portal
// sessions are read in turn, each seller account at most once per PORTAL_READ_INTERVAL_MS (the per-seller portal
// limiter, shared by every instance, enforces it too): S sharing accounts refresh the shared picture every
// interval / S. An account whose owners did not share it is read only while they have running supply tasks, and its
// pictures reach only their own tasks.
import { addDays, moscowToday, WB_HORIZON_DAYS } from '@slotpilot/shared';
import type { Logger } from 'pino';
import { WbError, WbNeedsSellerActionError, WbRateLimitedError, WbUnauthorizedError } from '../wb/errors.ts';
import type { WbPortalClient } from '../wb/portal-client.ts';
import type { FeedSource, SourceReading, SourceStep } from './feed-source.ts';
import type { FeedSourceState, SourceStatus } from './feed-status.ts';
import { freshFor, type SlotCell } from './warehouse-slots.ts';

/** A valid portal session the feed may read with. */
export interface PortalFeedSession {
  credentialId: string;
  userId: number;
  /** The seller account (x-supplier-id): the key of the portal limiter. */
  sid: string;
  session: string;
  /** The owner allowed its readings to serve every seller's tasks. */
  share: boolean;
}

export interface PortalSessionSource {
  /** Sharing sessions, and non-sharing ones whose owners have running supply tasks. */
  list(): Promise<PortalFeedSession[]>;
  /** WB refused this session (expired or revoked): mark the key invalid and tell its owner. */
  rejected(credentialId: string, reason: string): Promise<void>;
}

/** One seller account the source reads with: one session of it, and whose tasks see the result. */
interface Account {
  sid: string;
  credentialId: string;
  session: string;
  share: boolean;
  /** Owners of the account's sessions (several users may have added the same cabinet). */
  userIds: number[];
}

export class PortalSource implements FeedSource {
  readonly kind = 'portal' as const;
  private accounts: { list: Account[]; at: number } | undefined;
  private nextShared = 0;
  private lastSharedCallAt = 0;
  private readonly privateReadAt = new Map<string, number>();
  private consecutiveFailures = 0;
  private current: SourceStatus = { state: 'degraded', reason: 'no_leader', sellers: 0, lastSuccessAt: null };

  constructor(private readonly deps: { portal: WbPortalClient; sessions: PortalSessionSource; intervalMs: number; logger: Logger }) {}

  status(): SourceStatus {
    return this.current;
  }

  reset(): void {
    this.accounts = undefined;
    this.lastSharedCallAt = 0;
    this.privateReadAt.clear();
  }

  async step(watched: readonly number[]): Promise<SourceStep> {
    const accounts = await this.accountList();
    if (accounts.length === 0) {
      this.set('degraded', 'no_sessions');
      return { nextInMs: 5_000 };
    }
    if (watched.length === 0) {
      if (this.current.lastSuccessAt === null) this.set('ok', 'idle');
      return { nextInMs: 1_000 };
    }
    const now = Date.now();
    const interval = this.deps.intervalMs;
    const shared = accounts.filter((a) => a.share);
    const spacing = shared.length ? interval / shared.length : Number.POSITIVE_INFINITY;
    const sharedDueAt = this.lastSharedCallAt + spacing;
    const privateDue = accounts.filter((a) => !a.share && (this.privateReadAt.get(a.sid) ?? 0) + interval <= now);
    const nextPrivateAt = Math.min(
      ...accounts.filter((a) => !a.share).map((a) => (this.privateReadAt.get(a.sid) ?? 0) + interval),
      Number.POSITIVE_INFINITY,
    );

    let soonestFree = Number.POSITIVE_INFINITY;
    let wbThrottled = false;
    // The shared rotation first (it serves everyone), then any private account whose minute is up.
    const candidates: Array<{ account: Account; shared: boolean; index: number }> = [];
    if (now >= sharedDueAt) {
      for (let i = 0; i < shared.length; i++) {
        const index = (this.nextShared + i) % shared.length;
        candidates.push({ account: shared[index]!, shared: true, index });
      }
    }
    for (const account of privateDue) candidates.push({ account, shared: false, index: -1 });

    for (const { account, shared: isShared, index } of candidates) {
      const startedAt = Date.now();
      try {
        const cells = await this.deps.portal.coefficientsReport(
          account.session,
          { dateFrom: moscowToday(), dateTo: addDays(moscowToday(), WB_HORIZON_DAYS - 1) },
          { maxLimiterWaitMs: 0 },
        );
        const fetchedAt = Date.now();
        if (isShared) {
          this.lastSharedCallAt = startedAt;
          this.nextShared = (index + 1) % shared.length;
        } else {
          this.privateReadAt.set(account.sid, startedAt);
        }
        this.consecutiveFailures = 0;
        this.set('ok', null, fetchedAt);
        const reading: SourceReading = {
          source: 'portal',
          fetchedAt,
          periodMs: isShared ? spacing : interval,
          ...(isShared ? {} : { userIds: account.userIds }),
          warehouses: byWarehouse(cells),
        };
        return {
          reading,
          nextInMs: this.nextIn(shared.length ? this.lastSharedCallAt + spacing : Number.POSITIVE_INFINITY, nextPrivateAt),
        };
      } catch (error) {
        if (error instanceof WbRateLimitedError) {
          // Not this account's turn at WB yet (another instance read it, or WB asked us to cool down).
          soonestFree = Math.min(soonestFree, error.retryAfterMs);
          wbThrottled ||= error.source === 'wb';
          if (!isShared) this.privateReadAt.set(account.sid, Date.now() - interval + Math.min(error.retryAfterMs, interval));
          continue;
        }
        if (error instanceof WbUnauthorizedError || (error instanceof WbNeedsSellerActionError && error.reason === 'login')) {
          this.accounts = undefined;
          await this.deps.sessions.rejected(account.credentialId, 'WB no longer accepts this portal session (signed out or expired)');
          continue;
        }
        this.consecutiveFailures++;
        if (isShared) this.lastSharedCallAt = Date.now();
        else this.privateReadAt.set(account.sid, Date.now());
        this.deps.logger.warn(
          { event: 'feed.upstream_failed', source: 'portal', sid: account.sid, err: error instanceof WbError ? error.message : error },
          'portal coefficient report failed',
        );
        // Failing is worth saying at once when there is nothing to fall back on: no success yet, or pictures too old to act on.
        const last = this.current.lastSuccessAt;
        if (this.consecutiveFailures >= 3 || last === null || Date.now() - last > freshFor(Math.min(spacing, interval))) {
          this.set('degraded', 'upstream_failing');
        }
        return { nextInMs: this.nextIn(Date.now() + Math.min(spacing, interval), nextPrivateAt) };
      }
    }
    if (candidates.length > 0) {
      const stale = this.current.lastSuccessAt === null || Date.now() - this.current.lastSuccessAt > 3 * Math.min(spacing, interval);
      if (wbThrottled || stale) this.set('rate-limited', wbThrottled ? 'wb_throttled' : 'all_budgets_spent');
      if (now >= sharedDueAt && shared.length) this.lastSharedCallAt = Date.now() - spacing + Math.min(soonestFree, spacing);
    }
    return {
      nextInMs: this.nextIn(shared.length ? this.lastSharedCallAt + spacing : Number.POSITIVE_INFINITY, nextPrivateAt, soonestFree),
    };
  }

  private nextIn(sharedAt: number, privateAt: number, freeInMs = Number.POSITIVE_INFINITY): number {
    const now = Date.now();
    const next = Math.min(sharedAt - now, privateAt - now, freeInMs);
    return Number.isFinite(next) ? Math.max(50, next) : 1_000;
  }

  private set(state: FeedSourceState, reason: string | null, successAt?: number): void {
    this.current = { state, reason, sellers: this.accounts?.list.length ?? 0, lastSuccessAt: successAt ?? this.current.lastSuccessAt };
  }

  private async accountList(): Promise<Account[]> {
    // Looked up every 5 s: a seller who starts a task with an unshared session is read within seconds.
    if (!this.accounts || Date.now() - this.accounts.at > 5_000) {
      const bySid = new Map<string, Account>();
      for (const s of await this.deps.sessions.list()) {
        const account = bySid.get(s.sid);
        if (!account) {
          bySid.set(s.sid, { sid: s.sid, credentialId: s.credentialId, session: s.session, share: s.share, userIds: [s.userId] });
          continue;
        }
        if (!account.userIds.includes(s.userId)) account.userIds.push(s.userId);
        // One sharing session makes the account's readings everyone's; read with that one.
        if (s.share && !account.share) Object.assign(account, { credentialId: s.credentialId, session: s.session, share: true });
      }
      this.accounts = { list: [...bySid.values()], at: Date.now() };
    }
    return this.accounts.list;
  }
}

function byWarehouse(
  cells: ReadonlyArray<{
    warehouseId: number;
    warehouseName: string;
    date: string;
    boxTypeId: number;
    coefficient: number;
    allowUnload: boolean;
  }>,
): Map<number, { name: string; cells: SlotCell[] }> {
  const warehouses = new Map<number, { name: string; cells: SlotCell[] }>();
  for (const cell of cells) {
    const entry = warehouses.get(cell.warehouseId) ?? { name: cell.warehouseName, cells: [] };
    entry.cells.push({ date: cell.date, boxTypeId: cell.boxTypeId, coefficient: cell.coefficient, allowUnload: cell.allowUnload });
    warehouses.set(cell.warehouseId, entry);
  }
  return warehouses;
}
