// Detection against the shared slot feed. Every second, every waiting task that watches the feed is evaluated against
// the feed's in-process pictures in one synchronous pass (no actor events); only a task that matches is woken
// (FEED_UPDATED) and probes for real. This is what lets 10,000 tasks evaluate at 1 Hz on one core: XState's per-event
// cost is paid per match, not per task per second.
// Tasks are evaluated by (warehouse, box type) group: a group whose cheapest bookable cell is above all its tasks'
// thresholds cannot match, which settles the whole group at once (10,000 tasks: ~15 ms a pass → well under 1 ms).
// On the first pass of a Moscow day every task is looked at, so tasks whose dates just ran out finish at once.
import { moscowToday } from '@slotpilot/shared';
import type { SlotFeed } from '../feed/slot-feed.ts';
import type { ActorRuntime } from './actor-runtime.ts';
import { cheapestBookable } from './supply-probe.ts';
import type { FeedWatch } from './task-kind.ts';

interface WatchGroup {
  warehouseId: number;
  boxTypeId: number;
  taskIds: Set<string>;
  /** The highest `maxCoefficient` of the group's tasks; null after one left, until the next pass recomputes it. */
  maxCoefficient: number | null;
}

const groupKey = (warehouseId: number, boxTypeId: number) => `${warehouseId}:${boxTypeId}`;

export class FeedDetection {
  private readonly byWarehouse = new Map<number, Set<string>>();
  private readonly groups = new Map<string, WatchGroup>();
  private readonly watching = new Set<string>();
  private lastFullPassDay = '';
  /** When the last full pass ran (epoch ms; 0 before the first). */
  lastPassAt = 0;

  constructor(
    private readonly feed: SlotFeed,
    private readonly runtime: ActorRuntime,
  ) {}

  add(taskId: string, watch: FeedWatch): void {
    this.watching.add(taskId);
    for (const id of watch.warehouseIds) {
      const set = this.byWarehouse.get(id) ?? new Set();
      set.add(taskId);
      this.byWarehouse.set(id, set);
      const key = groupKey(id, watch.boxTypeId);
      let group = this.groups.get(key);
      if (!group) {
        group = { warehouseId: id, boxTypeId: watch.boxTypeId, taskIds: new Set(), maxCoefficient: watch.maxCoefficient };
        this.groups.set(key, group);
      }
      group.taskIds.add(taskId);
      if (group.maxCoefficient !== null && watch.maxCoefficient > group.maxCoefficient) group.maxCoefficient = watch.maxCoefficient;
    }
    this.feed.watch(watch.warehouseIds);
  }

  remove(taskId: string, watch: FeedWatch): void {
    this.watching.delete(taskId);
    for (const id of watch.warehouseIds) {
      const set = this.byWarehouse.get(id);
      set?.delete(taskId);
      if (set?.size === 0) this.byWarehouse.delete(id);
      const key = groupKey(id, watch.boxTypeId);
      const group = this.groups.get(key);
      if (!group) continue;
      group.taskIds.delete(taskId);
      if (group.taskIds.size === 0) this.groups.delete(key);
      // The threshold that left may have been the highest: recomputed on the next pass.
      else group.maxCoefficient = null;
    }
  }

  /** Every warehouse some hosted task watches (the feed is told again each heartbeat). */
  warehouses(): number[] {
    return [...this.byWarehouse.keys()];
  }

  /** The feed changed a warehouse's picture: evaluate its tasks now rather than at the next pass. */
  warehouseChanged(warehouseId: number): void {
    const today = moscowToday();
    const now = Date.now();
    for (const taskId of this.byWarehouse.get(warehouseId) ?? []) this.wakeOnMatch(taskId, today, now);
  }

  /** The 1 Hz pass. */
  pass(): void {
    const today = moscowToday();
    const now = Date.now();
    this.lastPassAt = now;
    if (today !== this.lastFullPassDay) {
      this.lastFullPassDay = today;
      for (const taskId of this.watching) this.wakeOnMatch(taskId, today, now);
      return;
    }
    for (const group of this.groups.values()) {
      // The shared picture and any seller's own: a group can match only if one of them has a cell cheap enough.
      let cheapest = Number.POSITIVE_INFINITY;
      for (const slots of this.feed.pictures(group.warehouseId)) {
        if (slots.freshUntil > now) cheapest = Math.min(cheapest, cheapestBookable(slots, group.boxTypeId));
      }
      if (cheapest === Number.POSITIVE_INFINITY) continue;
      if (group.maxCoefficient === null) group.maxCoefficient = this.maxThreshold(group.taskIds);
      if (cheapest > group.maxCoefficient) continue;
      for (const taskId of group.taskIds) this.wakeOnMatch(taskId, today, now);
    }
  }

  private maxThreshold(taskIds: Iterable<string>): number {
    let max = Number.NEGATIVE_INFINITY;
    for (const id of taskIds) {
      const watch = this.runtime.get(id)?.task.feedWatch;
      if (watch && watch.maxCoefficient > max) max = watch.maxCoefficient;
    }
    return max;
  }

  /** Allocation-free for the common case (a waiting task with nothing to act on): it runs 10,000 times a second. */
  private wakeOnMatch(taskId: string, today: string, now: number): void {
    const hosted = this.runtime.get(taskId);
    if (!hosted) return;
    const snapshot = hosted.parked ?? hosted.actor?.getSnapshot();
    if (!snapshot) return;
    const value = snapshot.value as unknown;
    if (typeof value !== 'object' || value === null || (value as { polling?: string }).polling !== 'waiting') return;
    if (hosted.task.wouldWake(snapshot.context.notified, today, now)) this.runtime.running(hosted).send({ type: 'FEED_UPDATED' });
  }
}
