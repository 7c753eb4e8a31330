// What differs between kinds of monitoring task, behind one interface: the host, the runtime and the store know a task
// only as an identity, a machine and a `KindTask`; a third kind of task is one new file in `task-kinds/`.
import type { TaskMode } from '@slotpilot/shared';
import type { ActInput, ActResult, MonitorDescription, ProbeResult } from './machine.ts';

/** Who the task is and under which lease epoch this instance holds it (every side-effecting write carries it). */
export interface TaskIdentity {
  taskId: string;
  userId: number;
  mode: TaskMode;
  epoch: number;
}

/** The feed cells a task watches: the 1 Hz detection pass groups tasks by (warehouse, box type) and threshold. */
export interface FeedWatch {
  warehouseIds: readonly number[];
  boxTypeId: number;
  maxCoefficient: number;
}

/** One hosted task's kind-specific behaviour, bound to its parsed criteria. */
export interface KindTask {
  /** Null for a kind that does not read the shared slot feed (it polls on its own timer). */
  readonly feedWatch: FeedWatch | null;
  /** Notify mode: the machine keeps watching after an alert instead of finishing. */
  readonly keepWatching: boolean;
  /** The machine's own probe timer for this task. */
  readonly pollIntervalMs: number;
  /** Wake test of the detection pass: would probing now find something? Called 10,000 times a second: no allocation. */
  wouldWake(notified: readonly string[], today: string, now: number): boolean;
  probe(notified: readonly string[]): Promise<ProbeResult>;
  /** At most how many WB calls one probe and one act make: what the per-task budget (`CallBudget`) is charged. */
  readonly wbCallsPerProbe: number;
  readonly wbCallsPerAct: number;
  /** `settleOnly`: a PAUSE/CANCEL was deferred during the act; only reconcile what an earlier run may have started. */
  act(input: ActInput, settleOnly: boolean): Promise<ActResult>;
  /** When the task was last really checked, given the latest detection pass (feed kinds are checked by the pass). */
  lastCheckAt(description: MonitorDescription, passAt: number): number | null;
}

export interface TaskKind<Name extends string = string> {
  readonly name: Name;
  /** Bind a claimed task; throws when its stored criteria do not parse (the host quarantines that task). */
  open(task: TaskIdentity, criteria: unknown): KindTask;
  /** Reconcile operations no act will come back to (their task finished or is paused) with WB. */
  sweep(options: { olderThanMs: number }): Promise<void>;
}

/** A kind of task whose stored criteria fail their schema: not restorable, quarantined like a bad snapshot. */
export class UnreadableCriteriaError extends Error {
  constructor(kind: string, detail: string) {
    super(`the stored ${kind} criteria do not parse: ${detail}`);
    this.name = 'UnreadableCriteriaError';
  }
}
