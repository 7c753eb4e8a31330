// The XState actors of the tasks this instance hosts: start, restore, park, stop.
//
// An actor at rest (waiting for its next poll, backing off, paused: nothing invoked) is parked: its persisted snapshot
// and one timer for its next deadline stay, the XState actor is stopped, and it is restored from that snapshot the
// moment anything concerns it (a feed match, the deadline, a command). A live actor costs ~8 kB of heap, a parked one
// a few hundred bytes, and 10,000 tasks spend nearly all their time at rest (issue 8: RSS and GC pauses).
import type { Logger } from 'pino';
import { type Actor, createActor, fromPromise } from 'xstate';
import type { TaskRow } from './lease-manager.ts';
import {
  type ActInput,
  type ActResult,
  describeSnapshot,
  type MonitorSnapshot,
  monitorMachine,
  type ProbeInput,
  type ProbeResult,
  persistedSnapshotOf,
} from './machine.ts';
import type { KindTask } from './task-kind.ts';

/** An actor whose next deadline is nearer than this stays running instead of being parked. */
const PARK_MIN_AHEAD_MS = 50;
/**
 * A task taken over with its deadline already past wakes at a random moment within its own poll interval (at most
 * this long) rather than at once: 10,000 tasks of a dead instance would otherwise all start an actor, probe and write
 * in the same seconds, on the thread that is still claiming the rest of them (a recovery profile: a fifth of the CPU in
 * GC; with 3 s, the scale-out bench's survivors still claimed a 15,000-task takeover 5–7 s after the lease lapsed).
 * Nothing is missed meanwhile: detection reads parked tasks in the 1 Hz pass, and a match wakes a task at once; a
 * supply task's own poll only refreshes the "best so far" the seller sees.
 */
const OVERDUE_WAKE_SPREAD_MAX_MS = 30_000;

export interface Hosted {
  row: TaskRow;
  /** The kind's behaviour for this task. */
  task: KindTask;
  /** The running actor; undefined while the task is parked. */
  actor: Actor<typeof monitorMachine> | undefined;
  unsubscribe: (() => void) | undefined;
  /** While parked: the actor's persisted snapshot (its whole state) and the timer for its next deadline. */
  parked: MonitorSnapshot | undefined;
  wakeTimer: NodeJS.Timeout | undefined;
  parkScheduled: boolean;
  /** The event behind the latest snapshot, for the transition log. */
  lastEvent: string;
  lastKey: string;
  lastBest: string;
  /** The alerted cells as last written: durable context, written when they change even without a change of state. */
  lastNotified: readonly string[];
  seq: number;
  /** Snapshot writes of one task happen in order. */
  writes: Promise<void>;
  /** State changes queued or being retried and not yet written. */
  unwritten: number;
  stopping: boolean;
}

export interface ActorRuntimeOptions {
  logger: Logger;
  probe(input: ProbeInput): Promise<ProbeResult>;
  act(input: ActInput): Promise<ActResult>;
  /** Every snapshot of a running actor (after parking was considered). */
  onSnapshot(hosted: Hosted, snapshot: MonitorSnapshot, event: string): void;
}

export class ActorRuntime {
  readonly hosted = new Map<string, Hosted>();
  private readonly machine;

  constructor(private readonly options: ActorRuntimeOptions) {
    this.machine = monitorMachine.provide({
      actors: {
        probe: fromPromise<ProbeResult, ProbeInput>(({ input }) => options.probe(input)),
        act: fromPromise<ActResult, ActInput>(({ input }) => options.act(input)),
      },
    });
  }

  get(taskId: string): Hosted | undefined {
    return this.hosted.get(taskId);
  }

  /** Whether `hosted` is still the live hosting of its task (not stopped, not replaced by a later claim). */
  isCurrent(hosted: Hosted): boolean {
    return !hosted.stopping && this.hosted.get(hosted.row.id) === hosted;
  }

  /** Host a claimed task: parked straight from its row when it is at rest (taking over 10,000 tasks creates no actor). */
  add(row: TaskRow, task: KindTask, fresh: boolean): Hosted {
    const stored = row.snapshot;
    const hosted: Hosted = {
      row,
      task,
      actor: undefined,
      unsubscribe: undefined,
      parked: undefined,
      wakeTimer: undefined,
      parkScheduled: false,
      lastEvent: fresh ? 'START' : 'RESTORE',
      // A new task starts in `idle`, with no outcome.
      lastKey: stored ? changeKey(stored) : 'idle||',
      lastBest: '',
      lastNotified: stored?.context.notified ?? [],
      seq: 0,
      writes: Promise.resolve(),
      unwritten: 0,
      stopping: false,
    };
    this.hosted.set(row.id, hosted);
    if (!fresh && stored && atRest(stored)) this.park(hosted, stored, Math.min(task.pollIntervalMs, OVERDUE_WAKE_SPREAD_MAX_MS));
    else this.startActor(hosted, fresh ? undefined : (stored ?? undefined), fresh ? 'START' : 'REARM');
    return hosted;
  }

  /** Stop the task's actor and forget it here (its row is the caller's business). */
  remove(hosted: Hosted): void {
    hosted.stopping = true;
    clearTimeout(hosted.wakeTimer);
    hosted.unsubscribe?.();
    hosted.actor?.stop();
    if (this.hosted.get(hosted.row.id) === hosted) this.hosted.delete(hosted.row.id);
  }

  /** The task's running actor, restored from its parked snapshot if it was parked. */
  running(hosted: Hosted): Actor<typeof monitorMachine> {
    if (hosted.actor) return hosted.actor;
    const snapshot = hosted.parked;
    clearTimeout(hosted.wakeTimer);
    hosted.parked = undefined;
    hosted.wakeTimer = undefined;
    // REARM re-enters the parked state, so its timer is armed from the stored deadline, as after any restore.
    return this.startActor(hosted, snapshot, 'REARM');
  }

  /** Run the task's XState actor (restored from `snapshot` when given) and hand it its first event. */
  private startActor(hosted: Hosted, snapshot: MonitorSnapshot | undefined, first: 'START' | 'REARM'): Actor<typeof monitorMachine> {
    const { row, task } = hosted;
    const input = { taskId: row.id, mode: row.mode, keepWatching: task.keepWatching, pollIntervalMs: task.pollIntervalMs };
    const actor = createActor(this.machine, {
      input,
      ...(snapshot ? { snapshot: snapshot as never } : {}),
      inspect: (inspection) => {
        if (inspection.type === '@xstate.event' && inspection.actorRef === actor) hosted.lastEvent = inspection.event.type;
      },
    });
    hosted.actor = actor;
    const subscription = actor.subscribe({
      next: (next) => {
        if (hosted.stopping) return;
        const typed = next as MonitorSnapshot;
        if (atRest(typed)) this.parkWhenSettled(hosted);
        this.options.onSnapshot(hosted, typed, hosted.lastEvent);
      },
      error: (err) => this.options.logger.error({ event: 'actor.error', taskId: row.id, err }, 'actor crashed'),
    });
    hosted.unsubscribe = () => subscription.unsubscribe();
    actor.start();
    actor.send({ type: first });
    return actor;
  }

  /**
   * Stop the actor and keep its persisted snapshot, with a timer for its next deadline (none while paused); a deadline
   * already past fires within `overdueSpreadMs`, at random (restored tasks), or at once.
   */
  private park(hosted: Hosted, snapshot: MonitorSnapshot, overdueSpreadMs = 0): void {
    if (hosted.actor) {
      hosted.unsubscribe?.();
      hosted.actor.stop();
      hosted.actor = undefined;
      hosted.unsubscribe = undefined;
    }
    hosted.parked = snapshot;
    const deadline = describeSnapshot(snapshot).nextStepAt;
    if (deadline !== null) {
      hosted.wakeTimer = setTimeout(
        () => {
          if (this.hosted.get(hosted.row.id) === hosted && hosted.parked) this.running(hosted);
        },
        deadline > Date.now() ? deadline - Date.now() : Math.random() * overdueSpreadMs,
      );
      hosted.wakeTimer.unref();
    }
  }

  /** Park the actor once the event that brought it to rest is fully processed (never from inside its own callbacks). */
  private parkWhenSettled(hosted: Hosted): void {
    if (hosted.parkScheduled) return;
    hosted.parkScheduled = true;
    setImmediate(() => {
      hosted.parkScheduled = false;
      const { actor } = hosted;
      if (!actor || !this.isCurrent(hosted)) return;
      const persisted = persistedSnapshotOf(actor);
      if (!atRest(persisted)) return;
      // A deadline about to fire (a restored poll that is due) is left to the actor's own timer: parking it would
      // only wake it again at once.
      const deadline = describeSnapshot(persisted).nextStepAt;
      if (deadline !== null && deadline - Date.now() < PARK_MIN_AHEAD_MS) return;
      this.park(hosted, persisted);
    });
  }
}

/** What counts as a change worth writing: the top-level state, the outcome and a command deferred while booking. */
export function changeKey(snapshot: Pick<MonitorSnapshot, 'value' | 'context'>): string {
  const description = describeSnapshot(snapshot);
  return `${description.state}|${description.outcome ?? ''}|${snapshot.context.pendingCommand ?? ''}`;
}

/** The task's state now: the running actor's snapshot, or the parked one. */
export function snapshotOf(hosted: Hosted): Pick<MonitorSnapshot, 'value' | 'context'> {
  return hosted.actor ? (hosted.actor.getSnapshot() as unknown as MonitorSnapshot) : (hosted.parked as MonitorSnapshot);
}

/** What is written to the task's row. */
export function persistedOf(hosted: Hosted): MonitorSnapshot {
  return hosted.actor ? persistedSnapshotOf(hosted.actor) : (hosted.parked as MonitorSnapshot);
}

/** Nothing in flight and not finished: the actor only waits (for a deadline, an update or a command). */
export function atRest(snapshot: { status: string; value: unknown; children: Record<string, unknown> }): boolean {
  if (snapshot.status !== 'active' || snapshot.value === 'done' || snapshot.value === 'booking') return false;
  for (const _ in snapshot.children) return false;
  return true;
}
