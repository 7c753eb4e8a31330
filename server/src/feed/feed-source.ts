// One source of the slot feed, stepped by the feed's leader: each step makes at most one upstream call.
import type { FeedSourceKind, SourceStatus } from './feed-status.ts';
import type { SlotCell } from './warehouse-slots.ts';

export interface SourceReading {
  source: FeedSourceKind;
  fetchedAt: number;
  /** How often this source refreshes at its current pace: how long its pictures stay actionable follows from it. */
  periodMs: number;
  /** Absent: every seller's tasks may use it. Present: only these users' (a session its owner did not share). */
  userIds?: readonly number[];
  /** Every warehouse the answer covered (the portal report covers all of them). */
  warehouses: ReadonlyMap<number, { name: string; cells: SlotCell[] }>;
}

export interface SourceStep {
  reading?: SourceReading;
  /** When to step again. */
  nextInMs: number;
}

export interface FeedSource {
  readonly kind: FeedSourceKind;
  /** One step for the currently watched warehouses (sorted ids). */
  step(watched: readonly number[]): Promise<SourceStep>;
  status(): SourceStatus;
  /** This instance just became the leader: start the rotation afresh. */
  reset(): void;
}
