// The shared slot feed, as every instance reads it. One leader at a time (feed-leader.ts) keeps the coefficients of
// every watched warehouse fresh from whichever sources are alive (feed-source.ts): WB's official method, rotating
// through sellers' API budgets, and the seller portal's report, rotating through sellers' portal sessions. Readers use
// the in-process copy (L1), then the shared cache (L2), then wait for the leader's next update, so any number of
// readers of a warehouse costs nothing upstream. A picture from a session its owner did not share is that owner's only.
import { EventEmitter } from 'node:events';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { SharedState, Unsubscribe } from '../platform/kv/types.ts';
import {
  CHANNEL_INTEREST,
  CHANNEL_INTEREST_REQUEST,
  CHANNEL_UPDATED,
  FeedLeader,
  type PictureRefresh,
  STATUS_KEY,
  slotsKey,
  type UpdateMessage,
} from './feed-leader.ts';
import type { FeedSource, SourceReading } from './feed-source.ts';
import { type FeedSourceKind, type FeedStatus, INITIAL_STATUS } from './feed-status.ts';
import type { WarehouseSlots } from './warehouse-slots.ts';

export type { FeedCredentialSource } from './official-source.ts';

export interface SlotFeedOptions {
  shared: SharedState;
  sources: readonly FeedSource[];
  logger: Logger;
  /** Unique per process: the lease owner. */
  instanceId: string;
  leaseTtlMs?: number;
  /** How long a warehouse stays watched after the last reader or task asked for it. */
  interestTtlMs?: number;
  /** How long a fetched picture stays in the shared cache. */
  sharedTtlMs?: number;
  /** How long an instance trusts its in-process copy without a bus update before it looks in the shared cache. */
  localTtlMs?: number;
  /**
   * Called by the leader after it published a shared reading (the slot history records it, issue 18). Never called for
   * a reading of a session its owner did not share: that seller's data must not reach anyone else's figures.
   */
  onReading?: (reading: SourceReading) => void;
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

/** Where a task's or a calendar's data comes from right now. */
export interface SourceOfData {
  kind: FeedSourceKind | 'none';
  /** When the freshest picture behind it was fetched (ms since epoch), or null when there is none. */
  updatedAt: number | null;
}

const NO_PICTURES: readonly WarehouseSlots[] = [];

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
  /** Shared pictures by warehouse. Kept long: consumers judge a picture by its own `freshUntil`. */
  private readonly l1: LRUCache<number, WarehouseSlots>;
  /** Private pictures: warehouse → user → picture. Bounded by the users with unshared sessions and watched warehouses. */
  private readonly privateL1 = new Map<number, Map<number, WarehouseSlots>>();
  private readonly l2Reads = new Map<string, Promise<WarehouseSlots | undefined>>();
  private readonly arrivals = new Map<number, Promise<WarehouseSlots | undefined>>();
  private readonly localInterest = new Map<number, number>();
  private readonly lastUpdate = new Map<number, number>();
  private readonly unsubscribes: Unsubscribe[] = [];
  private interestTimer: NodeJS.Timeout | undefined;
  private cachedStatus: { value: FeedStatus; at: number } | undefined;
  private readonly leader: FeedLeader;

  constructor(private readonly options: SlotFeedOptions) {
    this.l1 = new LRUCache({ max: 10_000, ttl: options.sharedTtlMs ?? 15 * 60_000 });
    this.events.setMaxListeners(0);
    this.leader = new FeedLeader({
      shared: options.shared,
      sources: options.sources,
      logger: options.logger,
      instanceId: options.instanceId,
      ...(options.leaseTtlMs !== undefined && { leaseTtlMs: options.leaseTtlMs }),
      ...(options.sharedTtlMs !== undefined && { sharedTtlMs: options.sharedTtlMs }),
      ...(options.onReading && { onReading: options.onReading }),
      localInterest: () => this.localInterest.entries(),
      counters: this.counters,
    });
  }

  get isLeader(): boolean {
    return this.leader.isLeading;
  }

  async start(): Promise<void> {
    const { bus } = this.options.shared;
    this.unsubscribes.push(
      await bus.subscribe(CHANNEL_UPDATED, (message) => this.onUpdate(message as UpdateMessage)),
      await bus.subscribe(CHANNEL_INTEREST, (message) => {
        const { ids, until } = message as { ids: number[]; until: number };
        this.leader.addInterest(ids, until);
      }),
      await bus.subscribe(CHANNEL_INTEREST_REQUEST, () => void this.announceInterest()),
    );
    // Re-announce what this instance watches, so a new leader learns it within seconds of taking over.
    this.interestTimer = setInterval(() => void this.announceInterest(), 5_000);
    this.interestTimer.unref();
    this.leader.start();
  }

  async stop(): Promise<void> {
    clearInterval(this.interestTimer);
    await this.leader.stop();
    await Promise.allSettled(this.unsubscribes.splice(0).map((off) => off()));
  }

  /** Keep these warehouses fresh for a while (tasks renew it while they run; the calendar when it is opened). */
  watch(warehouseIds: readonly number[], ttlMs = this.options.interestTtlMs ?? 10 * 60_000): void {
    const until = Date.now() + ttlMs;
    const renewed = warehouseIds.filter((id) => (this.localInterest.get(id) ?? 0) < until - ttlMs / 2);
    for (const id of warehouseIds) this.localInterest.set(id, Math.max(this.localInterest.get(id) ?? 0, until));
    if (renewed.length) void this.options.shared.bus.publish(CHANNEL_INTEREST, { ids: renewed, until }).catch(() => undefined);
  }

  /** Called on every update of a warehouse (from any instance's leader), shared or one user's own. */
  onWarehouseUpdate(listener: (slots: WarehouseSlots, changed: boolean) => void): () => void {
    this.events.on('update', listener);
    return () => this.events.off('update', listener);
  }

  /**
   * The in-process picture of a warehouse a user's tasks may use: the shared one, or the user's own (from a session
   * they did not share) when that is newer. Synchronous and allocation-free, for hot loops.
   */
  peek(warehouseId: number, userId?: number): WarehouseSlots | undefined {
    const shared = this.l1.get(warehouseId);
    if (userId === undefined) return shared;
    const own = this.privateL1.get(warehouseId)?.get(userId);
    if (!own) return shared;
    return !shared || own.fetchedAt > shared.fetchedAt ? own : shared;
  }

  /** Every in-process picture of a warehouse (shared and private): what a whole group of tasks may be matched on. */
  pictures(warehouseId: number): readonly WarehouseSlots[] {
    const shared = this.l1.get(warehouseId);
    const own = this.privateL1.get(warehouseId);
    if (!own?.size) return shared ? [shared] : NO_PICTURES;
    return shared ? [shared, ...own.values()] : [...own.values()];
  }

  /** Where the data for these warehouses comes from for this user: the freshest picture, if any is still actionable. */
  sourceOf(warehouseIds: readonly number[], userId: number | undefined, now = Date.now()): SourceOfData {
    let freshest: WarehouseSlots | undefined;
    let latest: number | null = null;
    for (const id of warehouseIds) {
      const slots = this.peek(id, userId);
      if (!slots) continue;
      latest = Math.max(latest ?? 0, slots.fetchedAt);
      if (slots.freshUntil > now && (!freshest || slots.fetchedAt > freshest.fetchedAt)) freshest = slots;
    }
    return freshest ? { kind: freshest.source, updatedAt: freshest.fetchedAt } : { kind: 'none', updatedAt: latest };
  }

  /** The latest known picture of a warehouse for a user (or everyone), without waiting for WB. */
  async get(warehouseId: number, userId?: number): Promise<WarehouseSlots | undefined> {
    const local = this.peek(warehouseId, userId);
    if (local && Date.now() - local.fetchedAt < (this.options.localTtlMs ?? 5_000)) {
      this.counters.l1Hits++;
      return local;
    }
    this.counters.l1Misses++;
    // Older than an update would be: a bus message may have been missed, so look in the shared cache too.
    const [shared, own] = await Promise.all([
      this.readShared(warehouseId, undefined),
      userId === undefined ? undefined : this.readShared(warehouseId, userId),
    ]);
    const best = [local, shared, own].reduce<WarehouseSlots | undefined>(
      (a, b) => (!b ? a : !a || b.fetchedAt > a.fetchedAt ? b : a),
      undefined,
    );
    return best;
  }

  private readShared(warehouseId: number, userId: number | undefined): Promise<WarehouseSlots | undefined> {
    const key = slotsKey(warehouseId, userId);
    let pending = this.l2Reads.get(key);
    if (!pending) {
      pending = this.options.shared.cache
        .get(key)
        .then((raw) => {
          if (!raw) {
            this.counters.l2Misses++;
            return undefined;
          }
          this.counters.l2Hits++;
          const slots = JSON.parse(raw) as WarehouseSlots;
          this.remember(slots);
          return slots;
        })
        .finally(() => this.l2Reads.delete(key));
      this.l2Reads.set(key, pending);
    }
    return pending;
  }

  /**
   * Pictures of these warehouses for a user, watching them from now on. Unknown ones are waited for (up to `waitMs`)
   * until the leader's next update; all readers waiting for a warehouse share that one update.
   */
  async read(
    warehouseIds: readonly number[],
    { waitMs = 5_000, userId }: { waitMs?: number; userId?: number } = {},
  ): Promise<Map<number, WarehouseSlots>> {
    this.watch(warehouseIds);
    const found = await Promise.all(
      warehouseIds.map(async (id) => [id, (await this.get(id, userId)) ?? (await this.nextArrival(id, waitMs))] as const),
    );
    return new Map(found.filter((entry): entry is readonly [number, WarehouseSlots] => entry[1] !== undefined));
  }

  /** The sources' state as the leader last saw it (any instance may ask). */
  async sourceStatus(): Promise<FeedStatus> {
    if (this.leader.isLeading) return this.leader.status;
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
          if (slots.warehouseId === warehouseId && slots.userId === undefined) done(slots);
        };
        this.events.on('update', listener);
      });
      this.arrivals.set(warehouseId, pending);
    }
    return pending;
  }

  /** Seconds since a source last answered for each shared warehouse this instance has heard about (for /metrics). */
  freshness(now = Date.now()): Array<{ warehouseId: number; ageSeconds: number }> {
    return [...this.lastUpdate].map(([warehouseId, at]) => ({ warehouseId, ageSeconds: (now - at) / 1000 }));
  }

  private remember(slots: WarehouseSlots): void {
    if (slots.userId === undefined) {
      const current = this.l1.get(slots.warehouseId);
      if (!current || current.fetchedAt <= slots.fetchedAt) this.l1.set(slots.warehouseId, slots);
      return;
    }
    let byUser = this.privateL1.get(slots.warehouseId);
    if (!byUser) {
      byUser = new Map();
      this.privateL1.set(slots.warehouseId, byUser);
    }
    const current = byUser.get(slots.userId);
    if (!current || current.fetchedAt <= slots.fetchedAt) byUser.set(slots.userId, slots);
    // Forget users whose private pictures have long stopped coming (their tasks ended or the session went).
    const forgetBefore = Date.now() - (this.options.sharedTtlMs ?? 15 * 60_000);
    for (const [user, picture] of byUser) if (picture.fetchedAt < forgetBefore) byUser.delete(user);
  }

  private onUpdate(message: UpdateMessage): void {
    if ('refresh' in message) this.onRefresh(message.refresh);
    else this.accept(message.slots, message.changed);
  }

  private accept(slots: WarehouseSlots, changed: boolean): void {
    if (slots.userId === undefined) this.lastUpdate.set(slots.warehouseId, slots.fetchedAt);
    this.remember(slots);
    this.events.emit('update', slots, changed);
  }

  /**
   * The same cells read again: renew the picture of that version. A picture of another version (a whole message was
   * missed, or this instance just started) is replaced from the shared cache, which the leader writes whole each time.
   */
  private onRefresh(refresh: PictureRefresh): void {
    const current =
      refresh.userId === undefined ? this.l1.get(refresh.warehouseId) : this.privateL1.get(refresh.warehouseId)?.get(refresh.userId);
    if (current && current.fetchedAt >= refresh.fetchedAt) return;
    if (current?.cellsAt === refresh.cellsAt) {
      const { fetchedAt, freshUntil, source } = refresh;
      this.accept({ ...current, fetchedAt, freshUntil, source }, false);
      return;
    }
    void this.readShared(refresh.warehouseId, refresh.userId)
      .then((slots) => {
        if (slots && slots.fetchedAt >= refresh.fetchedAt) this.accept(slots, true);
      })
      .catch(() => undefined);
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
}
