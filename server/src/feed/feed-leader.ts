// The slot feed's leader side: holds the leader lease, steps each source on its own loop while it leads, publishes
// every reading's pictures (to everyone, or to the sellers whose unshared session it came from) and the sources' status.
// One instance at a time leads; every instance reads (slot-feed.ts).
import type { Logger } from 'pino';
import type { SharedState } from '../platform/kv/types.ts';
import type { FeedSource, SourceReading } from './feed-source.ts';
import {
  combineStatus,
  FEED_SOURCE_KINDS,
  type FeedSourceKind,
  type FeedStatus,
  INITIAL_STATUS,
  type SourceStatus,
} from './feed-status.ts';
import { cellsSignature, freshFor, type WarehouseSlots } from './warehouse-slots.ts';

/**
 * On `feed:updated`: a whole picture when its cells changed (or a new leader starts), else a refresh — the same cells
 * read again — without them. Every instance parses every message, and most readings change nothing: at 30 watched
 * warehouses a second the whole pictures were most of the bus's bytes and of each instance's young-generation garbage.
 */
export type UpdateMessage = { slots: WarehouseSlots; changed: boolean } | { refresh: PictureRefresh };

/** A newer reading of a picture whose cells are those of version `cellsAt`. */
export interface PictureRefresh {
  warehouseId: number;
  userId?: number;
  fetchedAt: number;
  freshUntil: number;
  source: WarehouseSlots['source'];
  cellsAt: number;
}

export const CHANNEL_UPDATED = 'feed:updated';
export const CHANNEL_INTEREST = 'feed:interest';
export const CHANNEL_INTEREST_REQUEST = 'feed:interest-request';
export const STATUS_KEY = 'feed:status';
const LEASE = 'feed:leader';

export const slotsKey = (warehouseId: number, userId?: number) =>
  userId === undefined ? `feed:wh:${warehouseId}` : `feed:wh:${warehouseId}:u:${userId}`;

export interface FeedLeaderOptions {
  shared: SharedState;
  sources: readonly FeedSource[];
  logger: Logger;
  instanceId: string;
  leaseTtlMs?: number;
  /** How long a published picture stays in the shared cache. */
  sharedTtlMs?: number;
  /** What this instance itself watches: a new leader starts from it before the others re-announce theirs. */
  localInterest: () => Iterable<[number, number]>;
  /** Calls and publications, counted with the reading side's cache counters. */
  counters: { upstreamCalls: number; upstreamFailures: number; updatesPublished: number };
  onReading?: (reading: SourceReading) => void;
}

export class FeedLeader {
  private leading = false;
  private stopped = true;
  private loops: Promise<void>[] = [];
  private readonly wakers = new Set<() => void>();
  /** Every warehouse any instance watches, until when. */
  private readonly interest = new Map<number, number>();
  /** Signature and name of the last published picture per (audience, warehouse), to tell changes from repeats. */
  private readonly lastPublished = new Map<string, { signature: string; name: string; cellsAt: number }>();
  /** The latest reading of each audience, so a newly watched warehouse is answered at once from it. */
  private readonly lastReadings = new Map<string, SourceReading>();
  private current: FeedStatus = { ...INITIAL_STATUS };

  constructor(private readonly options: FeedLeaderOptions) {}

  get isLeading(): boolean {
    return this.leading;
  }

  /** The sources' status as this leader sees it (meaningful only while it leads). */
  get status(): FeedStatus {
    return this.current;
  }

  start(): void {
    this.stopped = false;
    this.loops = [this.leaderLoop(), ...this.options.sources.map((source) => this.sourceLoop(source))];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.wakers) wake();
    await Promise.all(this.loops);
    if (this.leading) await this.options.shared.leases.release(LEASE, this.options.instanceId).catch(() => undefined);
    this.leading = false;
  }

  /** An instance announced warehouses it watches. A new one is answered at once from the latest readings. */
  addInterest(ids: readonly number[], until: number): void {
    if (!this.leading) return;
    const fresh: number[] = [];
    for (const id of ids) {
      if (!this.interest.has(id)) fresh.push(id);
      this.interest.set(id, Math.max(this.interest.get(id) ?? 0, until));
    }
    if (fresh.length === 0) return;
    void this.publishFromLatest(fresh).catch((err: unknown) =>
      this.options.logger.warn({ event: 'feed.publish_failed', err }, 'could not publish a newly watched warehouse'),
    );
    for (const wake of this.wakers) wake();
  }

  /** Holds (or waits for) the leader lease; the sources step only while this instance leads. */
  private async leaderLoop(): Promise<void> {
    const leaseTtl = this.options.leaseTtlMs ?? 6_000;
    while (!this.stopped) {
      try {
        const leading = await this.options.shared.leases.acquire(LEASE, this.options.instanceId, leaseTtl);
        if (leading && !this.leading) {
          this.options.logger.info({ event: 'feed.leader', instanceId: this.options.instanceId }, 'leading the slot feed');
          this.interest.clear();
          this.lastPublished.clear();
          this.lastReadings.clear();
          for (const source of this.options.sources) source.reset();
          for (const [id, until] of this.options.localInterest()) this.interest.set(id, until);
          await this.options.shared.bus.publish(CHANNEL_INTEREST_REQUEST, {});
        }
        this.leading = leading;
        if (leading) await this.refreshStatus();
      } catch (error) {
        this.options.logger.warn({ event: 'feed.loop_error', err: error }, 'slot feed lease step failed');
      }
      await this.sleep(Math.min(1_000, leaseTtl / 3));
    }
  }

  /** One source's own pace: a slow answer of one source never delays the other or the lease. */
  private async sourceLoop(source: FeedSource): Promise<void> {
    while (!this.stopped) {
      let waitMs = 1_000;
      if (this.leading) {
        try {
          const { reading, nextInMs } = await source.step(this.watchedNow());
          waitMs = nextInMs;
          if (reading) {
            this.options.counters.upstreamCalls++;
            await this.publish(reading);
            if (!reading.userIds) this.options.onReading?.(reading);
          }
          await this.refreshStatus();
        } catch (error) {
          this.options.counters.upstreamFailures++;
          this.options.logger.warn({ event: 'feed.source_error', source: source.kind, err: error }, 'slot feed source step failed');
        }
      }
      // Step again at least every second: the lease may have moved, or new warehouses may be watched.
      await this.sleep(Math.min(Math.max(waitMs, 10), 1_000));
    }
  }

  private watchedNow(): number[] {
    const now = Date.now();
    for (const [id, until] of this.interest) if (until <= now) this.interest.delete(id);
    return [...this.interest.keys()].sort((a, b) => a - b);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  private async publishFromLatest(warehouseIds: readonly number[]): Promise<void> {
    const now = Date.now();
    for (const reading of this.lastReadings.values()) {
      if (reading.fetchedAt + freshFor(reading.periodMs) <= now) continue;
      await this.publish(
        reading,
        warehouseIds.filter((id) => reading.warehouses.has(id)),
      );
    }
  }

  /** Publish a reading's pictures of the watched warehouses (or of `only`), to everyone or to its users only. */
  private async publish(reading: SourceReading, only?: readonly number[]): Promise<void> {
    const audiences: ReadonlyArray<number | undefined> = reading.userIds ?? [undefined];
    if (!only) for (const userId of audiences) this.lastReadings.set(`${reading.source}:${userId ?? '*'}`, reading);
    const targets = only ?? this.watchedNow();
    const ttl = this.options.sharedTtlMs ?? 15 * 60_000;
    const freshUntil = reading.fetchedAt + freshFor(reading.periodMs);
    await Promise.all(
      audiences.flatMap((userId) =>
        targets.map(async (warehouseId) => {
          const entry = reading.warehouses.get(warehouseId);
          const cells = [...(entry?.cells ?? [])].sort((a, b) => a.date.localeCompare(b.date) || a.boxTypeId - b.boxTypeId);
          const key = slotsKey(warehouseId, userId);
          const previous = this.lastPublished.get(key);
          const signature = cellsSignature(cells);
          const name = entry?.name ?? previous?.name ?? '';
          const same = previous !== undefined && previous.signature === signature && previous.name === name;
          const cellsAt = same ? previous.cellsAt : reading.fetchedAt;
          const slots: WarehouseSlots = {
            warehouseId,
            warehouseName: name,
            fetchedAt: reading.fetchedAt,
            source: reading.source,
            freshUntil,
            ...(userId === undefined ? {} : { userId }),
            cellsAt,
            cells,
          };
          this.lastPublished.set(key, { signature, name, cellsAt });
          await this.options.shared.cache.set(key, JSON.stringify(slots), ttl);
          const message: UpdateMessage = same
            ? {
                refresh: {
                  warehouseId,
                  ...(userId === undefined ? {} : { userId }),
                  fetchedAt: reading.fetchedAt,
                  freshUntil,
                  source: reading.source,
                  cellsAt,
                },
              }
            : { slots, changed: previous?.signature !== signature };
          await this.options.shared.bus.publish(CHANNEL_UPDATED, message);
          this.options.counters.updatesPublished++;
        }),
      ),
    );
  }

  private async refreshStatus(): Promise<void> {
    const sources = Object.fromEntries(
      FEED_SOURCE_KINDS.map((kind) => [kind, this.options.sources.find((s) => s.kind === kind)?.status() ?? ABSENT]),
    ) as Record<FeedSourceKind, SourceStatus>;
    const previous = this.current;
    this.current = combineStatus(sources, this.interest.size, Date.now());
    for (const kind of FEED_SOURCE_KINDS) {
      const before = previous.sources[kind];
      const after = sources[kind];
      if (before.state !== after.state || before.reason !== after.reason) {
        this.options.logger.info(
          { event: 'feed.status', source: kind, state: after.state, reason: after.reason, sellers: after.sellers },
          `slot feed source ${kind} is ${after.state}`,
        );
      }
    }
    await this.options.shared.cache.set(STATUS_KEY, JSON.stringify(this.current), 60_000).catch(() => undefined);
  }
}

const ABSENT: SourceStatus = { state: 'disabled', reason: 'not_configured', sellers: 0, lastSuccessAt: null };
