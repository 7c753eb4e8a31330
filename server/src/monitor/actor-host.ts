// Runs the actors of the tasks this instance owns, composed from one part per job: the lease protocol (`LeaseManager`),
// the actors and their parking (`ActorRuntime`), fenced persistence and publishing (`SnapshotStore`), detection against
// the slot feed (`FeedDetection`), commands (`CommandRouter`), and what differs per kind of task (`TaskKind` drivers in
// `task-kinds/`). This file holds the heartbeat that ties them together and the act's gates.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { SlotFeed } from '../feed/slot-feed.ts';
import type { SharedState, Unsubscribe } from '../platform/kv/types.ts';
import type { Metrics } from '../platform/metrics.ts';
import { ActGate } from './act-gate.ts';
import { ActorRuntime, type Hosted, persistedOf, snapshotOf } from './actor-runtime.ts';
import { CommandRouter } from './command-router.ts';
import { FairShare } from './fair-share.ts';
import { FeedDetection } from './feed-detection.ts';
import { LeaseManager, type TaskRow } from './lease-manager.ts';
import { describeSnapshot, type MonitorDescription } from './machine.ts';
import { OperationSweeper } from './operation-sweeper.ts';
import type { Redistribution } from './redistribution.ts';
import { SnapshotStore } from './snapshot-store.ts';
import { upcastSnapshot } from './snapshot-versions.ts';
import { type SupplyAct, SWEEP_AFTER_MS } from './supply-act.ts';
import type { SupplyProbe } from './supply-probe.ts';
import { CHANNEL_TASK_TRANSITION, CHANNEL_TASKS_RELEASED, type TaskCommand } from './task-bus.ts';
import type { TaskKind } from './task-kind.ts';
import { RedistributionKind } from './task-kinds/redistribution.ts';
import { SupplyKind } from './task-kinds/supply.ts';
import type { TransitionLog, TransitionRecord } from './transition-log.ts';

export type { TaskRow } from './lease-manager.ts';
export { CHANNEL_TASK_CHANGED, CHANNEL_TASK_TRANSITION, type TaskChange, type TaskCommand } from './task-bus.ts';

export interface ActorHostOptions {
  orm: MikroORM;
  shared: SharedState;
  feed: SlotFeed;
  supplyProbe: SupplyProbe;
  supplyAct: SupplyAct;
  redistribution: Redistribution;
  transitions: TransitionLog;
  metrics?: Metrics;
  logger: Logger;
  instanceId: string;
  leaseTtlMs?: number;
  heartbeatMs?: number;
  claimBatch?: number;
  /** The supply actors' own housekeeping probe timer (default 2 min; see `SUPPLY_HOUSEKEEPING_MS`). */
  pollIntervalMs?: number;
  /** How often every waiting supply task is evaluated against the feed (the 1 Hz of the design). */
  evaluateEveryMs?: number;
  redistributionPollMs?: number;
  /** How often pending operations of finished or paused tasks are reconciled with WB (default 30 s). */
  sweepEveryMs?: number;
  /** How old a pending operation must be before the sweeper looks at it (default SWEEP_AFTER_MS). */
  sweepAfterMs?: number;
  /** Where process starts are recorded for predecessor detection (default: a folder in the temporary directory). */
  bootDir?: string;
}

const SWEEP_EVERY_MS = 30_000;
/** How long a command waits for its write before answering (the write goes on being retried). */
const COMMAND_WRITE_WAIT_MS = 5_000;
/** Past another instance's lease end before looking: its clock (Postgres's `now()`) is the same, the timer is not exact. */
const LAPSE_MARGIN_MS = 100;
/** Tasks handed back per statement on a graceful stop. */
const RELEASE_BATCH = 1_000;
/** A rebalance still under way (surplus to hand over, unheld tasks to claim) goes on this soon, not a heartbeat later… */
const REBALANCE_AGAIN_MS = 1_000;
/** …for this many rounds in a row at most: tasks that stay unclaimable cost a heartbeat's queries, not one a second. */
const MAX_QUICK_ROUNDS = 30;
export class ActorHost {
  private readonly kinds: ReadonlyMap<string, TaskKind>;
  private readonly leases: LeaseManager;
  private readonly runtime: ActorRuntime;
  private readonly store: SnapshotStore;
  private readonly detection: FeedDetection;
  private readonly commands: CommandRouter;
  private readonly gate: ActGate;
  private readonly fairShare: FairShare;
  private readonly unsubscribes: Array<Unsubscribe | (() => void)> = [];
  private readonly sweeper: OperationSweeper;
  private timer: NodeJS.Timeout | undefined;
  private evaluator: NodeJS.Timeout | undefined;
  private lapseTimer: NodeJS.Timeout | undefined;
  private rebalanceTimer: NodeJS.Timeout | undefined;
  private quickRounds = 0;
  private cycle: Promise<void> = Promise.resolve();
  private stopped = true;

  constructor(private readonly options: ActorHostOptions) {
    const kinds: TaskKind[] = [
      new SupplyKind({
        feed: options.feed,
        supplyProbe: options.supplyProbe,
        supplyAct: options.supplyAct,
        pollIntervalMs: options.pollIntervalMs,
      }),
      new RedistributionKind({ redistribution: options.redistribution, pollIntervalMs: options.redistributionPollMs }),
    ];
    this.kinds = new Map(kinds.map((kind) => [kind.name, kind]));
    this.sweeper = new OperationSweeper({
      kinds,
      everyMs: options.sweepEveryMs ?? SWEEP_EVERY_MS,
      olderThanMs: options.sweepAfterMs ?? SWEEP_AFTER_MS,
      logger: options.logger,
    });
    this.leases = new LeaseManager({
      orm: options.orm,
      instanceId: options.instanceId,
      leaseTtlMs: options.leaseTtlMs ?? 15_000,
      claimBatch: options.claimBatch ?? 1_000,
      bootDir: options.bootDir,
    });
    this.runtime = new ActorRuntime({
      logger: options.logger,
      probe: (input) => this.gate.probe(input),
      act: (input) => this.gate.act(input),
      onSnapshot: (hosted, snapshot, event) => this.store.record(hosted, snapshot, event),
    });
    this.store = new SnapshotStore({
      orm: options.orm,
      shared: options.shared,
      metrics: options.metrics,
      logger: options.logger,
      instanceId: options.instanceId,
      isCurrent: (hosted) => this.runtime.isCurrent(hosted),
      isStopped: () => this.stopped,
      release: (taskId) => this.unhost(taskId, { persist: false }),
    });
    this.detection = new FeedDetection(options.feed, this.runtime);
    this.commands = new CommandRouter({
      shared: options.shared,
      runs: (taskId) => this.runs(taskId),
      claim: (taskId) => this.claimOne(taskId),
      apply: (taskId, command) => this.applyLocally(taskId, command),
    });
    this.gate = new ActGate({
      runtime: this.runtime,
      store: this.store,
      leases: this.leases,
      leaseTtlMs: options.leaseTtlMs ?? 15_000,
      logger: options.logger,
      metrics: options.metrics,
      renewNow: async (maxMs) => {
        this.beat();
        await Promise.race([this.cycle, new Promise((resolve) => setTimeout(resolve, maxMs).unref())]);
      },
    });
    this.fairShare = new FairShare({
      leases: this.leases,
      runtime: this.runtime,
      logger: options.logger,
      claimBatch: options.claimBatch ?? 1_000,
      isStopped: () => this.stopped,
      host: (row) => this.hostSafely(row, row.snapshot === null),
      forget: (hosted) => this.forget(hosted),
      claimOne: (taskId) => this.claimOne(taskId),
      announceReleased: () =>
        this.options.shared.bus.publish(CHANNEL_TASKS_RELEASED, { by: this.options.instanceId }).catch(() => undefined),
    });
  }

  get instanceId(): string {
    return this.options.instanceId;
  }

  /** Whether this instance runs the task now. */
  runs(taskId: string): boolean {
    return this.runtime.hosted.has(taskId);
  }

  /** The criteria of a task this instance runs (as claimed). */
  criteriaOf(taskId: string): TaskRow['criteria'] | undefined {
    return this.runtime.get(taskId)?.row.criteria;
  }

  /** Task ids this instance runs now. */
  owned(): string[] {
    return [...this.runtime.hosted.keys()];
  }

  /** How many of this instance's actors are in each top-level state (for /metrics). */
  countByState(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const hosted of this.runtime.hosted.values()) {
      const state = describeSnapshot(snapshotOf(hosted)).state;
      counts.set(state, (counts.get(state) ?? 0) + 1);
    }
    return counts;
  }

  /** Whether the task's XState actor is running now or parked at rest; undefined when this instance does not run it. */
  residencyOf(taskId: string): 'live' | 'parked' | undefined {
    const hosted = this.runtime.get(taskId);
    if (!hosted) return undefined;
    return hosted.parked ? 'parked' : 'live';
  }

  /** Running XState actors and parked ones (for /metrics). */
  residency(): { live: number; parked: number } {
    let parked = 0;
    for (const hosted of this.runtime.hosted.values()) if (hosted.parked) parked += 1;
    return { live: this.runtime.hosted.size - parked, parked };
  }

  async start(): Promise<void> {
    const { bus } = this.options.shared;
    this.stopped = false;
    await this.leases.init();
    this.unsubscribes.push(
      ...(await this.commands.subscribe()),
      await bus.subscribe(CHANNEL_TASK_TRANSITION, (m) => this.options.transitions.add(m as TransitionRecord)),
      await bus.subscribe(CHANNEL_TASKS_RELEASED, (m) => {
        if ((m as { by: string }).by !== this.options.instanceId) this.beat();
      }),
      this.options.feed.onWarehouseUpdate((slots, changed) => {
        if (changed) this.detection.warehouseChanged(slots.warehouseId);
      }),
    );
    await this.heartbeat();
    this.timer = setInterval(() => this.beat(), this.options.heartbeatMs ?? 5_000);
    this.evaluator = setInterval(() => this.detection.pass(), this.options.evaluateEveryMs ?? 1_000);
  }

  /** One heartbeat after whatever is running now (never two at once). */
  private beat(): void {
    if (this.stopped) return;
    this.cycle = this.cycle
      .then(() => this.heartbeat())
      .catch((err: unknown) => this.options.logger.error({ event: 'host.heartbeat_failed', err }, 'lease heartbeat failed'));
  }

  /** Let in-flight acts finish (bounded), persist every actor, release every lease and tell the others to take over. */
  async stop({ actGraceMs = 5_000 } = {}): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.evaluator);
    clearTimeout(this.lapseTimer);
    clearTimeout(this.rebalanceTimer);
    await this.cycle.catch(() => undefined);
    await this.sweeper.stop();
    const deadline = Date.now() + actGraceMs;
    const booking = () => [...this.runtime.hosted.values()].some((h) => describeSnapshot(snapshotOf(h)).state === 'booking');
    while (Date.now() < deadline && booking()) await new Promise((resolve) => setTimeout(resolve, 50));
    await this.handBackAll();
    await this.leases.releaseAll();
    this.leases.close();
    await this.options.shared.bus.publish(CHANNEL_TASKS_RELEASED, { by: this.options.instanceId }).catch(() => undefined);
    for (const off of this.unsubscribes.splice(0)) await off();
  }

  /** A task just created (and claimed for this instance by the caller): start it. */
  async adopt(row: TaskRow): Promise<void> {
    this.host(row, true);
  }

  /** Apply a command wherever the task runs. Resolves when the owner has applied and persisted it. */
  command(taskId: string, command: TaskCommand): Promise<'applied' | 'not-running' | 'no-answer'> {
    return this.commands.command(taskId, command);
  }

  /** The live description of a task this instance runs, if it runs it. */
  describe(taskId: string): MonitorDescription | undefined {
    const hosted = this.runtime.get(taskId);
    if (!hosted) return undefined;
    const description = describeSnapshot(snapshotOf(hosted));
    const lastCheckAt = hosted.task.lastCheckAt(description, this.detection.lastPassAt);
    return lastCheckAt === description.lastCheckAt ? description : { ...description, lastCheckAt };
  }

  private async applyLocally(taskId: string, command: TaskCommand): Promise<void> {
    const hosted = this.runtime.get(taskId);
    if (!hosted) return;
    this.runtime.running(hosted).send({ type: command });
    // The subscription queued the snapshot write; wait for it (and any before it), but not forever: while PostgreSQL
    // refuses it, it is retried in the background and the command stands in the live actor.
    await this.store.written(hosted, COMMAND_WRITE_WAIT_MS);
  }

  private async heartbeat(): Promise<void> {
    if (this.stopped) return;
    // 1. Renew this instance's lease: one row, however many tasks it runs.
    if (!(await this.leases.renew(this.runtime.hosted.size))) {
      // The first beat, or the lease lapsed (a long pause) and others may have claimed some of our tasks: register
      // again first (nothing can be claimed from us after that), then stop whatever is no longer ours, without writing.
      const dead = await this.leases.register(this.runtime.hosted.size);
      if (dead.length) this.options.logger.info({ event: 'host.predecessor_gone', instances: dead }, 'taking over from a stopped instance');
      if (this.runtime.hosted.size > 0) {
        const stillOurs = await this.leases.owned();
        for (const id of this.owned()) if (!stillOurs.has(id)) await this.unhost(id, { persist: false });
      }
    }

    // 2. Claim tasks nobody holds (new, released, or left by a dead instance), up to this instance's fair share, batch
    // after batch while there are more; shed what is over the share so a newly started instance gets work. While that
    // is still under way, the next round comes in a second.
    const unsettled = await this.fairShare.balance();
    clearTimeout(this.rebalanceTimer);
    this.quickRounds = unsettled ? this.quickRounds + 1 : 0;
    if (unsettled && this.quickRounds <= MAX_QUICK_ROUNDS && !this.stopped) {
      this.rebalanceTimer = setTimeout(() => this.beat(), REBALANCE_AGAIN_MS);
      this.rebalanceTimer.unref();
    }

    // 3. Reconcile operations no act will come back to (their task finished or is paused) with WB, now and then.
    this.sweeper.maybeStart();

    // 4. Keep the feed watching every warehouse our tasks need.
    const warehouses = this.detection.warehouses();
    if (warehouses.length) this.options.feed.watch(warehouses);

    // 5. Beat again the moment another instance's lease would lapse with tasks in it: if it died, its tasks are
    // claimed then, not up to a heartbeat later. A live instance renews first and the timer is set again.
    const next = await this.leases.nextLapseAt();
    clearTimeout(this.lapseTimer);
    if (next !== undefined && !this.stopped) {
      this.lapseTimer = setTimeout(() => this.beat(), Math.max(0, next - Date.now()) + LAPSE_MARGIN_MS);
      this.lapseTimer.unref();
    }
  }

  /** Take one task here if no live instance holds it. */
  private async claimOne(taskId: string): Promise<boolean> {
    const row = await this.leases.claimOne(taskId);
    if (!row) return false;
    if (!this.runs(taskId)) return this.hostSafely(row, row.snapshot === null);
    return true;
  }

  /**
   * Host a claimed task; a stored snapshot (or criteria) this machine cannot restore — corrupted, a state it no longer
   * has, a newer version — quarantines that one task and never stops the others. False when it was quarantined.
   */
  private async hostSafely(row: TaskRow, fresh: boolean): Promise<boolean> {
    let problem: string | undefined;
    if (row.snapshot !== null) {
      const upcast = upcastSnapshot(row.snapshot);
      if (upcast.ok) row.snapshot = upcast.snapshot;
      else problem = upcast.problem;
    }
    if (problem === undefined) {
      try {
        this.host(row, fresh);
        return true;
      } catch (error) {
        problem = error instanceof Error ? error.message : 'restore failed';
        await this.unhost(row.id, { persist: false }).catch(() => undefined);
      }
    }
    await this.store.quarantine(row, problem);
    return false;
  }

  private host(row: TaskRow, fresh: boolean): void {
    if (this.runs(row.id)) return;
    const kind = this.kinds.get(row.kind);
    if (!kind) throw new Error(`unknown task kind ${row.kind}`);
    const task = kind.open({ taskId: row.id, userId: row.userId, mode: row.mode, epoch: row.epoch }, row.criteria);
    if (task.feedWatch) this.detection.add(row.id, task.feedWatch);
    this.runtime.add(row, task, fresh);
  }

  /**
   * Stop every actor and give every task back with its latest snapshot. A task with a state change still being written
   * is written on its own first (its state column too); the rest — their row already holds their state — go back in
   * bulk, 1,000 a statement: 10,000 single writes made a graceful stop outlast its 9 s grace and be killed, so the
   * others had to wait for the lease to lapse (issue 19's rolling restart).
   */
  private async handBackAll(): Promise<void> {
    const hosted = [...this.runtime.hosted.values()];
    await Promise.all(hosted.filter((h) => h.unwritten > 0).map((h) => this.unhost(h.row.id, { persist: true })));
    const rest = hosted.filter((h) => this.runtime.get(h.row.id) === h);
    for (let i = 0; i < rest.length; i += RELEASE_BATCH) {
      const batch = rest.slice(i, i + RELEASE_BATCH).map((h) => {
        const snapshot = persistedOf(h);
        this.forget(h);
        return { id: h.row.id, epoch: h.row.epoch, snapshot };
      });
      await this.leases
        .release(batch)
        .catch((err: unknown) => this.options.logger.warn({ event: 'host.release_failed', err }, 'could not hand tasks back'));
    }
  }

  private async unhost(taskId: string, { persist }: { persist: boolean }): Promise<void> {
    const hosted = this.runtime.get(taskId);
    if (!hosted) return;
    if (persist) {
      await hosted.writes.catch(() => undefined);
      await this.store.persist(hosted.row, persistedOf(hosted), describeSnapshot(snapshotOf(hosted))).catch(() => false);
    }
    this.forget(hosted);
  }

  /** Stop hosting the task here, without writing anything. */
  private forget(hosted: Hosted): void {
    this.runtime.remove(hosted);
    this.gate.budget.forget(hosted.row.id);
    if (hosted.task.feedWatch) this.detection.remove(hosted.row.id, hosted.task.feedWatch);
  }
}
