// The shared slot feed. One leader at a time (a lease) keeps the coefficients of every watched warehouse fresh by
// spending, in turn, the WB budgets of all sellers who allow it: with S sellers the picture refreshes every 10 s / S.
// Everyone else reads: in-process cache (L1), then shared cache (L2), then waits for the leader's next update, so any
// number of readers of a warehouse costs one upstream call. Updates are published per warehouse on the bus.
import { EventEmitter } from 'node:events';
import { isoDateOfWb } from '@slotpilot/shared';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { SharedState, Unsubscribe } from '../platform/kv/types.ts';
import { OFFICIAL_ENDPOINTS } from '../wb/endpoints.ts';
import { WbDisabledError, WbRateLimitedError, WbUnauthorizedError } from '../wb/errors.ts';
import type { WbApiCredential, WbOfficialClient } from '../wb/official-client.ts';
import type { AcceptanceCoefficient } from '../wb/official-schemas.ts';
import { type FeedSourceState, type FeedStatus, INITIAL_STATUS } from './feed-status.ts';
import { cellsSignature, type SlotCell, type WarehouseSlots } from './warehouse-slots.ts';

export interface FeedCredentialSource {
  /** Decrypted API tokens the feed may spend, one per seller account. */
  list(): Promise<Array<WbApiCredential & { credentialId: string }>>;
  /** WB answered 401 for this credential. */
  rejected(credentialId: string, reason: string): Promise<void>;
}

export interface SlotFeedOptions {
  shared: SharedState;
  official: WbOfficialClient;
  credentials: FeedCredentialSource;
  logger: Logger;
  /** Unique per process: the lease owner. */
  instanceId: string;
  leaseTtlMs?: number;
  /** How long a warehouse stays watched after the last reader or task asked for it. */
  interestTtlMs?: number;
  /** How long a fetched picture stays in the shared cache. */
  sharedTtlMs?: number;
  /** How long an instance trusts its in-process copy without a bus update. */
  localTtlMs?: number;
}

export interface FeedCounters {
  l1Hits: number;
  l1Misses: number;
  l2Hits: number;
  l2Misses: number;
  upstreamCalls: number;
  upstreamFailures: number;
  updatesPublished: number;
}

interface UpdateMessage {
  slots: WarehouseSlots;
  changed: boolean;
}

const CHANNEL_UPDATED = 'feed:updated';
const CHANNEL_INTEREST = 'feed:interest';
const CHANNEL_INTEREST_REQUEST = 'feed:interest-request';
const LEASE = 'feed:leader';
const STATUS_KEY = 'feed:status';
const COEFFICIENTS_REFILL_MS = OFFICIAL_ENDPOINTS.coefficients.refillMs;

export class SlotFeed {
  readonly counters: FeedCounters = {
    l1Hits: 0,
    l1Misses: 0,
    l2Hits: 0,
    l2Misses: 0,
    upstreamCalls: 0,
    upstreamFailures: 0,
    updatesPublished: 0,
  };
  private readonly events = new EventEmitter();
  private readonly l1: LRUCache<number, WarehouseSlots>;
  private readonly l2Reads = new Map<number, Promise<WarehouseSlots | undefined>>();
  private readonly arrivals = new Map<number, Promise<WarehouseSlots | undefined>>();
  private readonly localInterest = new Map<number, number>();
  private readonly lastUpdate = new Map<number, number>();
  private readonly unsubscribes: Unsubscribe[] = [];
  private interestTimer: NodeJS.Timeout | undefined;
  private stopped = true;
  private loop: Promise<void> | undefined;
  private wakeLeader: (() => void) | undefined;
  private cachedStatus: { value: FeedStatus; at: number } | undefined;

  // Leader-only state.
  private leading = false;
  private readonly leaderInterest = new Map<number, number>();
  private readonly lastFetched = new Map<number, { at: number; signature: string; name: string }>();
  private sellers: { list: Array<WbApiCredential & { credentialId: string }>; at: number } | undefined;
  private nextSeller = 0;
  private lastCallAt = 0;
  private consecutiveFailures = 0;
  private status: FeedStatus = { ...INITIAL_STATUS };

  constructor(private readonly options: SlotFeedOptions) {
    this.l1 = new LRUCache({ max: 10_000, ttl: options.localTtlMs ?? 5_000 });
    this.events.setMaxListeners(0);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  async start(): Promise<void> {
    const { bus } = this.options.shared;
    this.stopped = false;
    this.unsubscribes.push(
      await bus.subscribe(CHANNEL_UPDATED, (message) => this.onUpdate(message as UpdateMessage)),
      await bus.subscribe(CHANNEL_INTEREST, (message) => this.onInterest(message as { ids: number[]; until: number })),
      await bus.subscribe(CHANNEL_INTEREST_REQUEST, () => void this.announceInterest()),
    );
    // Re-announce what this instance watches, so a new leader learns it within seconds of taking over.
    this.interestTimer = setInterval(() => void this.announceInterest(), 5_000);
    this.interestTimer.unref();
    this.loop = this.leaderLoop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.interestTimer);
    this.wakeLeader?.();
    await this.loop;
    if (this.leading) await this.options.shared.leases.release(LEASE, this.options.instanceId).catch(() => undefined);
    this.leading = false;
    await Promise.allSettled(this.unsubscribes.splice(0).map((off) => off()));
  }

  /** Keep these warehouses fresh for a while (tasks renew it while they run; the calendar when it is opened). */
  watch(warehouseIds: readonly number[], ttlMs = this.options.interestTtlMs ?? 10 * 60_000): void {
    const until = Date.now() + ttlMs;
    const renewed = warehouseIds.filter((id) => (this.localInterest.get(id) ?? 0) < until - ttlMs / 2);
    for (const id of warehouseIds) this.localInterest.set(id, Math.max(this.localInterest.get(id) ?? 0, until));
    if (renewed.length) void this.options.shared.bus.publish(CHANNEL_INTEREST, { ids: renewed, until }).catch(() => undefined);
  }

  /** Called on every update of a warehouse (from any instance's leader). */
  onWarehouseUpdate(listener: (slots: WarehouseSlots, changed: boolean) => void): () => void {
    this.events.on('update', listener);
    return () => this.events.off('update', listener);
  }

  /** The in-process copy of a warehouse's picture, if there is a recent one: synchronous, for hot loops. */
  peek(warehouseId: number): WarehouseSlots | undefined {
    return this.l1.get(warehouseId);
  }

  /** The latest known picture of a warehouse, without waiting for WB. */
  async get(warehouseId: number): Promise<WarehouseSlots | undefined> {
    const local = this.l1.get(warehouseId);
    if (local) {
      this.counters.l1Hits++;
      return local;
    }
    this.counters.l1Misses++;
    let pending = this.l2Reads.get(warehouseId);
    if (!pending) {
      pending = this.options.shared.cache
        .get(slotsKey(warehouseId))
        .then((raw) => {
          if (!raw) {
            this.counters.l2Misses++;
            return undefined;
          }
          this.counters.l2Hits++;
          const slots = JSON.parse(raw) as WarehouseSlots;
          this.l1.set(warehouseId, slots);
          return slots;
        })
        .finally(() => this.l2Reads.delete(warehouseId));
      this.l2Reads.set(warehouseId, pending);
    }
    return pending;
  }

  /**
   * Pictures of these warehouses, watching them from now on. Unknown ones are waited for (up to `waitMs`) until the
   * leader's next update; all readers waiting for a warehouse share that one update.
   */
  async read(warehouseIds: readonly number[], { waitMs = 5_000 } = {}): Promise<Map<number, WarehouseSlots>> {
    this.watch(warehouseIds);
    const found = await Promise.all(
      warehouseIds.map(async (id) => [id, (await this.get(id)) ?? (await this.nextArrival(id, waitMs))] as const),
    );
    return new Map(found.filter((entry): entry is readonly [number, WarehouseSlots] => entry[1] !== undefined));
  }

  /** The source's state as the leader last saw it (any instance may ask). */
  async sourceStatus(): Promise<FeedStatus> {
    if (this.leading) return this.status;
    if (this.cachedStatus && Date.now() - this.cachedStatus.at < 1_000) return this.cachedStatus.value;
    const raw = await this.options.shared.cache.get(STATUS_KEY);
    const value: FeedStatus = raw ? (JSON.parse(raw) as FeedStatus) : { ...INITIAL_STATUS, updatedAt: Date.now() };
    this.cachedStatus = { value, at: Date.now() };
    return value;
  }

  private nextArrival(warehouseId: number, waitMs: number): Promise<WarehouseSlots | undefined> {
    let pending = this.arrivals.get(warehouseId);
    if (!pending) {
      pending = new Promise<WarehouseSlots | undefined>((resolve) => {
        const timer = setTimeout(() => done(undefined), waitMs);
        const done = (slots: WarehouseSlots | undefined) => {
          clearTimeout(timer);
          this.events.off('update', listener);
          this.arrivals.delete(warehouseId);
          resolve(slots);
        };
        const listener = (slots: WarehouseSlots) => {
          if (slots.warehouseId === warehouseId) done(slots);
        };
        this.events.on('update', listener);
      });
      this.arrivals.set(warehouseId, pending);
    }
    return pending;
  }

  /** Seconds since WB last answered for each warehouse this instance has heard about (for /metrics). */
  freshness(now = Date.now()): Array<{ warehouseId: number; ageSeconds: number }> {
    return [...this.lastUpdate].map(([warehouseId, at]) => ({ warehouseId, ageSeconds: (now - at) / 1000 }));
  }

  private onUpdate(message: UpdateMessage): void {
    this.lastUpdate.set(message.slots.warehouseId, message.slots.fetchedAt);
    this.l1.set(message.slots.warehouseId, message.slots);
    this.events.emit('update', message.slots, message.changed);
  }

  private onInterest({ ids, until }: { ids: number[]; until: number }): void {
    if (!this.leading) return;
    let fresh = false;
    for (const id of ids) {
      if (!this.leaderInterest.has(id)) fresh = true;
      this.leaderInterest.set(id, Math.max(this.leaderInterest.get(id) ?? 0, until));
    }
    if (fresh) this.wakeLeader?.();
  }

  private async announceInterest(): Promise<void> {
    const now = Date.now();
    const byUntil = new Map<number, number[]>();
    for (const [id, until] of this.localInterest) {
      if (until <= now) this.localInterest.delete(id);
      else byUntil.set(until, [...(byUntil.get(until) ?? []), id]);
    }
    await Promise.all(
      [...byUntil].map(([until, ids]) => this.options.shared.bus.publish(CHANNEL_INTEREST, { ids, until }).catch(() => undefined)),
    );
  }

  private async leaderLoop(): Promise<void> {
    const leaseTtl = this.options.leaseTtlMs ?? 6_000;
    while (!this.stopped) {
      let waitMs = 1_000;
      try {
        const leading = await this.options.shared.leases.acquire(LEASE, this.options.instanceId, leaseTtl);
        if (leading && !this.leading) {
          this.options.logger.info({ event: 'feed.leader', instanceId: this.options.instanceId }, 'leading the slot feed');
          this.leaderInterest.clear();
          this.lastFetched.clear();
          for (const [id, until] of this.localInterest) this.leaderInterest.set(id, until);
          await this.options.shared.bus.publish(CHANNEL_INTEREST_REQUEST, {});
        }
        this.leading = leading;
        if (leading) waitMs = await this.leaderStep();
      } catch (error) {
        this.options.logger.warn({ event: 'feed.loop_error', err: error }, 'slot feed step failed');
      }
      // Renew the lease at least every second, whatever the step asked for.
      await this.sleep(Math.min(Math.max(waitMs, 10), 1_000));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeLeader = done;
    });
  }

  /** One step of the leader: maybe one upstream call. Returns how long to wait before the next step. */
  private async leaderStep(): Promise<number> {
    const now = Date.now();
    for (const [id, until] of this.leaderInterest) if (until <= now) this.leaderInterest.delete(id);
    const watched = [...this.leaderInterest.keys()].sort((a, b) => a - b);
    const sellers = await this.sellerList();
    if (sellers.length === 0) {
      await this.setStatus('degraded', 'no_credentials', watched.length);
      return 2_000;
    }
    if (watched.length === 0) {
      // Nothing to watch is not a problem of the source: keep the last verdict once it has answered, else "idle".
      if (this.status.lastSuccessAt === null || this.status.reason === 'no_credentials' || this.status.reason === 'no_leader') {
        await this.setStatus('ok', 'idle', 0);
      }
      return 1_000;
    }
    // Spread the sellers' calls evenly: with S sellers, one call every refill / S. Every call asks for all watched
    // warehouses, so a newly watched one rides along with the next call; jumping the queue would spend a budget the
    // rotation needs and leave a gap of a whole refill for everyone else.
    const spacing = COEFFICIENTS_REFILL_MS / sellers.length;
    const dueAt = this.lastCallAt + spacing;
    if (now < dueAt) return dueAt - now;

    let soonestFree = Number.POSITIVE_INFINITY;
    let wbThrottled = false;
    for (let attempt = 0; attempt < sellers.length; attempt++) {
      const index = (this.nextSeller + attempt) % sellers.length;
      const seller = sellers[index]!;
      // Pace from when the call starts, so WB's answer time does not stretch the rotation.
      const callStartedAt = Date.now();
      try {
        const items = await this.options.official.coefficients(seller, watched, { maxLimiterWaitMs: 0, attempts: 1, timeoutMs: 8_000 });
        this.counters.upstreamCalls++;
        this.nextSeller = (index + 1) % sellers.length;
        this.lastCallAt = callStartedAt;
        this.consecutiveFailures = 0;
        const fetchedAt = Date.now();
        await this.publish(watched, items, fetchedAt);
        await this.setStatus('ok', null, watched.length, fetchedAt);
        return spacing;
      } catch (error) {
        if (error instanceof WbRateLimitedError) {
          soonestFree = Math.min(soonestFree, error.retryAfterMs);
          wbThrottled ||= error.source === 'wb';
          continue;
        }
        if (error instanceof WbUnauthorizedError) {
          this.sellers = undefined;
          await this.options.credentials.rejected(seller.credentialId, 'WB rejected the token (HTTP 401) while refreshing coefficients');
          continue;
        }
        this.counters.upstreamFailures++;
        this.lastCallAt = Date.now();
        if (error instanceof WbDisabledError) {
          await this.setStatus('disabled', 'wb_disabled', watched.length);
          return 5_000;
        }
        this.consecutiveFailures++;
        this.options.logger.warn({ event: 'feed.upstream_failed', sid: seller.sid, err: error }, 'coefficient refresh failed');
        if (this.consecutiveFailures >= 3) await this.setStatus('degraded', 'upstream_failing', watched.length);
        return spacing;
      }
    }
    // Every budget is spent right now: wait for the first to free up.
    const stale = this.status.lastSuccessAt === null || Date.now() - this.status.lastSuccessAt > 3 * spacing;
    if (wbThrottled || stale) await this.setStatus('rate-limited', wbThrottled ? 'wb_throttled' : 'all_budgets_spent', watched.length);
    return Number.isFinite(soonestFree) ? soonestFree : spacing;
  }

  private async sellerList() {
    if (!this.sellers || Date.now() - this.sellers.at > 15_000) {
      this.sellers = { list: await this.options.credentials.list(), at: Date.now() };
    }
    return this.sellers.list;
  }

  private async publish(watched: readonly number[], items: readonly AcceptanceCoefficient[], fetchedAt: number): Promise<void> {
    const byWarehouse = new Map<number, { name: string; cells: SlotCell[] }>();
    for (const item of items) {
      if (item.boxTypeID === undefined) continue;
      const entry = byWarehouse.get(item.warehouseID) ?? { name: item.warehouseName, cells: [] };
      entry.cells.push({
        date: isoDateOfWb(item.date),
        boxTypeId: item.boxTypeID,
        coefficient: item.coefficient,
        allowUnload: item.allowUnload,
      });
      byWarehouse.set(item.warehouseID, entry);
    }
    const ttl = this.options.sharedTtlMs ?? 15 * 60_000;
    await Promise.all(
      watched.map(async (warehouseId) => {
        const entry = byWarehouse.get(warehouseId);
        const cells = (entry?.cells ?? []).sort((a, b) => a.date.localeCompare(b.date) || a.boxTypeId - b.boxTypeId);
        const previous = this.lastFetched.get(warehouseId);
        const signature = cellsSignature(cells);
        const slots: WarehouseSlots = { warehouseId, warehouseName: entry?.name ?? previous?.name ?? '', fetchedAt, cells };
        this.lastFetched.set(warehouseId, { at: fetchedAt, signature, name: slots.warehouseName });
        await this.options.shared.cache.set(slotsKey(warehouseId), JSON.stringify(slots), ttl);
        await this.options.shared.bus.publish(CHANNEL_UPDATED, {
          slots,
          changed: previous?.signature !== signature,
        } satisfies UpdateMessage);
        this.counters.updatesPublished++;
      }),
    );
  }

  private async setStatus(state: FeedSourceState, reason: string | null, watchedWarehouses: number, successAt?: number): Promise<void> {
    const previous = this.status;
    const sellers = this.sellers?.list.length ?? 0;
    this.status = {
      state,
      reason,
      sellers,
      watchedWarehouses,
      lastSuccessAt: successAt ?? previous.lastSuccessAt,
      updatedAt: Date.now(),
    };
    if (previous.state !== state || previous.reason !== reason) {
      this.options.logger.info({ event: 'feed.status', state, reason, sellers }, `slot feed source is ${state}`);
    }
    await this.options.shared.cache.set(STATUS_KEY, JSON.stringify(this.status), 60_000).catch(() => undefined);
  }
}

const slotsKey = (warehouseId: number) => `feed:wh:${warehouseId}`;
