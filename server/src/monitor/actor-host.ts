// Runs the actors of the tasks this instance owns. A task is owned through its `lease_owner` (claimed with SKIP LOCKED,
// released on stop) while the owner's one lease row in `monitor_instances` is live (renewed by heartbeat); when an
// instance's lease lapses its tasks are free for the others to claim. Every top-level state change is persisted as the
// actor's snapshot (fenced by `lease_owner`) and published on the bus; commands reach the owner over the bus.
//
// An actor at rest (waiting for its next poll, backing off, paused: nothing invoked) is parked: its persisted snapshot
// and one timer for its next deadline stay, the XState actor is stopped, and it is restored from that snapshot the
// moment anything concerns it (a feed match, the deadline, a command). A live actor costs ~8 kB of heap, a parked one
// a few hundred bytes, and 10,000 tasks spend nearly all their time at rest (issue 8: RSS and GC pauses).
import type { MikroORM } from '@mikro-orm/postgresql';
import { moscowToday, type RedistributionCriteria, type SupplyCriteria, type TaskMode } from '@slotpilot/shared';
import type { Logger } from 'pino';
import { type Actor, createActor, fromPromise } from 'xstate';
import type { SlotFeed } from '../feed/slot-feed.ts';
import { enqueueNotification } from '../notify/outbox.ts';
import type { SharedState, Unsubscribe } from '../platform/kv/types.ts';
import type { Metrics } from '../platform/metrics.ts';
import { fullJitterDelay } from './backoff.ts';
import { isDeadPredecessor, processAlive } from './instance-leases.ts';
import { LEASE_LOST } from './lease-fence.ts';
import {
  type ActInput,
  type ActResult,
  describeSnapshot,
  initialContext,
  type MonitorDescription,
  type MonitorSnapshot,
  monitorMachine,
  type ProbeFailure,
  type ProbeInput,
  type ProbeResult,
  persistedSnapshotOf,
} from './machine.ts';
import type { Redistribution } from './redistribution.ts';
import { INCOMPATIBLE_SNAPSHOT, toStored, upcastSnapshot } from './snapshot-versions.ts';
import { type SupplyAct, SWEEP_AFTER_MS } from './supply-act.ts';
import { cheapestBookable, type SupplyProbe } from './supply-probe.ts';
import type { TransitionLog, TransitionRecord } from './transition-log.ts';

export type TaskCommand = 'PAUSE' | 'RESUME' | 'CANCEL';

export interface TaskRow {
  id: string;
  userId: number;
  kind: 'supply' | 'redistribution';
  mode: TaskMode;
  criteria: SupplyCriteria | RedistributionCriteria;
  snapshot: MonitorSnapshot | null;
  /** The lease epoch this instance claimed the task under: every write for the task carries it (fencing). */
  epoch: number;
}

/** What the bus carries when a task changes; the API streams it to the task's owner. */
export interface TaskChange {
  taskId: string;
  userId: number;
  seq: number;
  description: ReturnType<typeof describeSnapshot>;
  at: number;
}

interface WatchGroup {
  warehouseId: number;
  boxTypeId: number;
  taskIds: Set<string>;
  /** The highest `maxCoefficient` of the group's tasks; null after one left, until the next pass recomputes it. */
  maxCoefficient: number | null;
}

const groupKey = (warehouseId: number, boxTypeId: number) => `${warehouseId}:${boxTypeId}`;

interface Hosted {
  row: TaskRow;
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
  seq: number;
  /** Snapshot writes of one task happen in order. */
  writes: Promise<void>;
  /** State changes queued or being retried and not yet written. */
  unwritten: number;
  stopping: boolean;
}

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
  /**
   * The supply actors' own probe timer (default 2 min). Detection runs every second in `evaluate`, and so does expiry at
   * the day's turn; this probe only refreshes the "best so far" the seller sees. Each one restores a parked actor, so
   * at 10,000 tasks a 30 s timer cost 333 actor restores a second (issue 8's API tail).
   */
  pollIntervalMs?: number;
  /** How often every waiting supply task is evaluated against the feed (the 1 Hz of the design). */
  evaluateEveryMs?: number;
  redistributionPollMs?: number;
  /** How often pending operations of finished or paused tasks are reconciled with WB (default 30 s). */
  sweepEveryMs?: number;
  /** How old a pending operation must be before the sweeper looks at it (default SWEEP_AFTER_MS). */
  sweepAfterMs?: number;
}

export const CHANNEL_TASK_CHANGED = 'tasks:changed';
export const CHANNEL_TASK_TRANSITION = 'tasks:transition';
const CHANNEL_TASK_COMMAND = 'tasks:command';
const CHANNEL_TASK_ACK = 'tasks:ack';
/** An instance stopping gracefully released its leases: claim them now rather than at the next heartbeat. */
const CHANNEL_TASKS_RELEASED = 'tasks:released';
/** A task (aliased `t`) whose owner, if any, has no live lease. */
const UNHELD = `(t.lease_owner is null or not exists (
  select 1 from monitor_instances i where i.id = t.lease_owner and i.lease_until > now()))`;
const SUPPLY_HOUSEKEEPING_MS = 120_000;
const SWEEP_EVERY_MS = 30_000;
/** How long an act waits for its task's state to be written before it gives up this turn (transient). */
const ACT_WRITE_WAIT_MS = 10_000;
/** How long a command waits for its write before answering (the write goes on being retried). */
const COMMAND_WRITE_WAIT_MS = 5_000;
/** Past another instance's lease end before looking: its clock (Postgres's `now()`) is the same, the timer is not exact. */
const LAPSE_MARGIN_MS = 100;
/** An actor whose next deadline is nearer than this stays running instead of being parked. */
const PARK_MIN_AHEAD_MS = 50;

export class ActorHost {
  private readonly hosted = new Map<string, Hosted>();
  private readonly byWarehouse = new Map<number, Set<string>>();
  /** Supply tasks by (warehouse, box type), with the highest threshold among them: the 1 Hz pass skips a whole group
   * whose cheapest bookable cell is above every threshold in it — nearly always — with one lookup. */
  private readonly groups = new Map<string, WatchGroup>();
  private lastFullPassDay = '';
  /** When the last 1 Hz pass ran (epoch ms; 0 before the first). */
  private lastPassAt = 0;
  private nextSweepAt = 0;
  private sweeping: Promise<void> | undefined;
  private readonly waitingAcks = new Map<string, (ok: boolean) => void>();
  private readonly unsubscribes: Array<Unsubscribe | (() => void)> = [];
  private timer: NodeJS.Timeout | undefined;
  private evaluator: NodeJS.Timeout | undefined;
  private lapseTimer: NodeJS.Timeout | undefined;
  private cycle: Promise<void> = Promise.resolve();
  private stopped = true;
  private readonly machine;
  private readonly leaseTtlMs: number;

  constructor(private readonly options: ActorHostOptions) {
    this.leaseTtlMs = options.leaseTtlMs ?? 15_000;
    this.machine = monitorMachine.provide({
      actors: {
        probe: fromPromise<ProbeResult, ProbeInput>(({ input }) => this.logFailure('probe', input.taskId, this.probe(input))),
        act: fromPromise<ActResult, ActInput>(async ({ input }) => {
          const result = await this.logFailure('act', input.taskId, this.act(input));
          const kind = this.hosted.get(input.taskId)?.row.kind ?? 'supply';
          this.options.metrics?.bookings.inc({ kind, outcome: result.type });
          return result;
        }),
      },
    });
  }

  get instanceId(): string {
    return this.options.instanceId;
  }

  /** Whether this instance runs the task now. */
  runs(taskId: string): boolean {
    return this.hosted.has(taskId);
  }

  /** The criteria of a task this instance runs (parsed once, when it was claimed). */
  criteriaOf(taskId: string): TaskRow['criteria'] | undefined {
    return this.hosted.get(taskId)?.row.criteria;
  }

  /** Task ids this instance runs now. */
  owned(): string[] {
    return [...this.hosted.keys()];
  }

  /** How many of this instance's actors are in each top-level state (for /metrics). */
  countByState(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const hosted of this.hosted.values()) {
      const state = describeSnapshot(snapshotOf(hosted)).state;
      counts.set(state, (counts.get(state) ?? 0) + 1);
    }
    return counts;
  }

  /** Whether the task's XState actor is running now or parked at rest; undefined when this instance does not run it. */
  residencyOf(taskId: string): 'live' | 'parked' | undefined {
    const hosted = this.hosted.get(taskId);
    if (!hosted) return undefined;
    return hosted.parked ? 'parked' : 'live';
  }

  /** Running XState actors and parked ones (for /metrics). */
  residency(): { live: number; parked: number } {
    let parked = 0;
    for (const hosted of this.hosted.values()) if (hosted.parked) parked += 1;
    return { live: this.hosted.size - parked, parked };
  }

  async start(): Promise<void> {
    const { bus } = this.options.shared;
    this.stopped = false;
    this.unsubscribes.push(
      await bus.subscribe(
        CHANNEL_TASK_COMMAND,
        (m) => void this.onRemoteCommand(m as { taskId: string; command: TaskCommand; requestId: string }),
      ),
      await bus.subscribe(CHANNEL_TASK_ACK, (m) => {
        const { requestId, ok } = m as { requestId: string; ok: boolean };
        this.waitingAcks.get(requestId)?.(ok);
      }),
      await bus.subscribe(CHANNEL_TASK_TRANSITION, (m) => this.options.transitions.add(m as TransitionRecord)),
      await bus.subscribe(CHANNEL_TASKS_RELEASED, (m) => {
        if ((m as { by: string }).by !== this.options.instanceId) this.beat();
      }),
      this.options.feed.onWarehouseUpdate((slots, changed) => {
        if (changed) this.evaluate(this.byWarehouse.get(slots.warehouseId) ?? []);
      }),
    );
    await this.heartbeat();
    this.timer = setInterval(() => this.beat(), this.options.heartbeatMs ?? 5_000);
    this.evaluator = setInterval(() => this.evaluate(), this.options.evaluateEveryMs ?? 1_000);
  }

  /**
   * Every second, every waiting supply task is evaluated against the feed's in-process pictures in one synchronous
   * pass (no actor events); only a task that matches is woken (FEED_UPDATED) and probes for real. This is what lets
   * 10,000 tasks evaluate at 1 Hz on one core: XState's per-event cost is paid per match, not per task per second.
   * Tasks are evaluated by (warehouse, box type) group: a group whose cheapest bookable cell is above all its tasks'
   * thresholds cannot match, which settles the whole group at once (10,000 tasks: ~15 ms a pass → well under 1 ms).
   * On the first pass of a Moscow day every task is looked at, so tasks whose dates just ran out finish at once.
   */
  private evaluate(taskIds?: Iterable<string>): void {
    const today = moscowToday();
    const now = Date.now();
    if (taskIds) {
      for (const taskId of taskIds) {
        const hosted = this.hosted.get(taskId);
        if (hosted) this.wakeOnMatch(hosted, today, now);
      }
      return;
    }
    this.lastPassAt = now;
    if (today !== this.lastFullPassDay) {
      this.lastFullPassDay = today;
      for (const hosted of this.hosted.values()) this.wakeOnMatch(hosted, today, now);
      return;
    }
    for (const group of this.groups.values()) {
      // The shared picture and any seller's own: a group can match only if one of them has a cell cheap enough.
      let cheapest = Number.POSITIVE_INFINITY;
      for (const slots of this.options.feed.pictures(group.warehouseId)) {
        if (slots.freshUntil > now) cheapest = Math.min(cheapest, cheapestBookable(slots, group.boxTypeId));
      }
      if (cheapest === Number.POSITIVE_INFINITY) continue;
      if (group.maxCoefficient === null) group.maxCoefficient = this.maxThreshold(group.taskIds);
      if (cheapest > group.maxCoefficient) continue;
      for (const taskId of group.taskIds) {
        const hosted = this.hosted.get(taskId);
        if (hosted) this.wakeOnMatch(hosted, today, now);
      }
    }
  }

  private maxThreshold(taskIds: Iterable<string>): number {
    let max = Number.NEGATIVE_INFINITY;
    for (const id of taskIds) {
      const criteria = this.hosted.get(id)?.row.criteria as SupplyCriteria | undefined;
      if (criteria && criteria.maxCoefficient > max) max = criteria.maxCoefficient;
    }
    return max;
  }

  /** Allocation-free for the common case (a waiting task with nothing to act on): it runs 10,000 times a second. */
  private wakeOnMatch(hosted: Hosted, today: string, now: number): void {
    if (hosted.row.kind !== 'supply') return;
    const snapshot = hosted.parked ?? hosted.actor?.getSnapshot();
    if (!snapshot) return;
    const value = snapshot.value as unknown;
    if (typeof value !== 'object' || value === null || (value as { polling?: string }).polling !== 'waiting') return;
    if (
      this.options.supplyProbe.wouldWake(
        hosted.row.criteria as SupplyCriteria,
        this.skipped(hosted.row.id, snapshot.context.notified),
        hosted.row.userId,
        today,
        now,
      )
    ) {
      this.running(hosted).send({ type: 'FEED_UPDATED' });
    }
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
    await this.cycle.catch(() => undefined);
    // A sweep settles each operation in its own transaction: leaving one half-way loses nothing, so it gets 2 s at most.
    if (this.sweeping) await Promise.race([this.sweeping, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    const deadline = Date.now() + actGraceMs;
    while (Date.now() < deadline && [...this.hosted.values()].some((h) => describeSnapshot(snapshotOf(h)).state === 'booking')) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const ids = [...this.hosted.keys()];
    await Promise.all(ids.map((id) => this.unhost(id, { persist: true })));
    const conn = this.options.orm.em.fork().getConnection();
    await conn.execute('update monitoring_tasks set lease_owner = null where lease_owner = ?', [this.options.instanceId]);
    await conn.execute('delete from monitor_instances where id = ?', [this.options.instanceId]);
    await this.options.shared.bus.publish(CHANNEL_TASKS_RELEASED, { by: this.options.instanceId }).catch(() => undefined);
    for (const off of this.unsubscribes.splice(0)) await off();
  }

  /** A task just created (and claimed for this instance by the caller): start it. */
  async adopt(row: TaskRow): Promise<void> {
    this.host(row, true);
  }

  /** Apply a command wherever the task runs. Resolves when the owner has applied and persisted it. */
  async command(taskId: string, command: TaskCommand): Promise<'applied' | 'not-running' | 'no-answer'> {
    if (this.hosted.has(taskId)) {
      await this.applyLocally(taskId, command);
      return 'applied';
    }
    // Nobody holds a live lease: take the task here and apply it.
    if (await this.claimOne(taskId)) {
      await this.applyLocally(taskId, command);
      return 'applied';
    }
    const requestId = crypto.randomUUID();
    const answered = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 5_000);
      this.waitingAcks.set(requestId, (ok) => {
        clearTimeout(timer);
        resolve(ok);
      });
    });
    await this.options.shared.bus.publish(CHANNEL_TASK_COMMAND, { taskId, command, requestId });
    const ok = await answered.finally(() => this.waitingAcks.delete(requestId));
    return ok ? 'applied' : 'no-answer';
  }

  /** The live description of a task this instance runs, if it runs it. */
  describe(taskId: string): MonitorDescription | undefined {
    const hosted = this.hosted.get(taskId);
    if (!hosted) return undefined;
    const description = describeSnapshot(snapshotOf(hosted));
    // A waiting supply task was last checked by the latest detection pass, if a fresh picture of one of its warehouses
    // was there to check it against; its own (housekeeping) probe is rarer.
    const passAt = this.lastPassAt;
    if (hosted.row.kind !== 'supply' || description.state !== 'polling' || passAt <= (description.lastCheckAt ?? 0)) return description;
    const checked = (hosted.row.criteria as SupplyCriteria).warehouseIds.some(
      (id) => (this.options.feed.peek(id, hosted.row.userId)?.freshUntil ?? 0) > passAt,
    );
    return checked ? { ...description, lastCheckAt: passAt } : description;
  }

  private async onRemoteCommand({ taskId, command, requestId }: { taskId: string; command: TaskCommand; requestId: string }) {
    if (!this.hosted.has(taskId)) return;
    await this.applyLocally(taskId, command);
    await this.options.shared.bus.publish(CHANNEL_TASK_ACK, { requestId, ok: true });
  }

  private async applyLocally(taskId: string, command: TaskCommand): Promise<void> {
    const hosted = this.hosted.get(taskId);
    if (!hosted) return;
    this.running(hosted).send({ type: command });
    // The subscription queued the snapshot write; wait for it (and any before it), but not forever: while PostgreSQL
    // refuses it, it is retried in the background and the command stands in the live actor.
    await this.written(hosted, COMMAND_WRITE_WAIT_MS);
  }

  private async heartbeat(): Promise<void> {
    if (this.stopped) return;
    const em = this.options.orm.em.fork();
    const conn = em.getConnection();
    const me = this.options.instanceId;
    const ttl = `${Math.round(this.leaseTtlMs)} milliseconds`;

    // 1. Renew this instance's lease: one row, however many tasks it runs.
    const renewed = await conn.execute<{ id: string }[]>(
      'update monitor_instances set lease_until = now() + ?::interval where id = ? and lease_until > now() returning id',
      [ttl, me],
    );
    if (renewed.length === 0) {
      // The first beat, or the lease lapsed (a long pause) and others may have claimed some of our tasks: register
      // again first (nothing can be claimed from us after that), then stop whatever is no longer ours, without writing.
      await conn.execute(
        `insert into monitor_instances (id, lease_until) values (?, now() + ?::interval)
         on conflict (id) do update set lease_until = excluded.lease_until`,
        [me, ttl],
      );
      // A predecessor on this host whose process is gone (a restart, a crash) holds its tasks until its lease lapses:
      // end its lease now, so this start takes them over at once.
      const others = await conn.execute<{ id: string }[]>('select id from monitor_instances where id <> ? and lease_until > now()', [me]);
      const dead = others.map((r) => r.id).filter((id) => isDeadPredecessor(id, me, processAlive));
      if (dead.length) {
        await conn.execute(`update monitor_instances set lease_until = now() where id in (${dead.map(() => '?').join(', ')})`, dead);
        this.options.logger.info({ event: 'host.predecessor_gone', instances: dead }, 'taking over from a stopped instance');
      }
      // Rows of instances long gone that own nothing any more (every process start adds one).
      await conn.execute(
        `delete from monitor_instances i where i.lease_until < now() - interval '1 hour'
         and not exists (select 1 from monitoring_tasks t where t.lease_owner = i.id)`,
      );
      if (this.hosted.size > 0) {
        const ours = await conn.execute<{ id: string }[]>(`select id from monitoring_tasks where lease_owner = ? and state <> 'done'`, [
          me,
        ]);
        const stillOurs = new Set(ours.map((r) => r.id));
        for (const id of [...this.hosted.keys()]) if (!stillOurs.has(id)) await this.unhost(id, { persist: false });
      }
    }

    // 2. Claim tasks nobody holds (new, released, or left by a dead instance), batch after batch while there are more.
    for (let batch = 0; batch < 20 && !this.stopped; batch++) {
      const claimed = await this.claimBatch();
      for (const row of claimed) await this.hostSafely(toRow(row), row.snapshot === null);
      if (claimed.length < (this.options.claimBatch ?? 1_000)) break;
    }

    // 3. Reconcile operations no act will come back to (their task finished or is paused) with WB, now and then.
    // Off the heartbeat's chain: a sweep waits on WB and must never delay a lease renewal.
    if (Date.now() >= this.nextSweepAt && !this.sweeping) {
      this.nextSweepAt = Date.now() + (this.options.sweepEveryMs ?? SWEEP_EVERY_MS);
      this.sweeping = this.sweep().finally(() => {
        this.sweeping = undefined;
      });
    }

    // 4. Keep the feed watching every warehouse our supply tasks need.
    const warehouses = [...this.byWarehouse.keys()];
    if (warehouses.length) this.options.feed.watch(warehouses);

    // 5. Beat again the moment another instance's lease would lapse with tasks in it: if it died, its tasks are
    // claimed then, not up to a heartbeat later. A live instance renews first and the timer is set again.
    const [next] = await conn.execute<{ at: string | null }[]>(
      `select extract(epoch from min(i.lease_until)) * 1000 as at from monitor_instances i
       where i.id <> ? and exists (select 1 from monitoring_tasks t where t.lease_owner = i.id and t.state <> 'done')`,
      [me],
    );
    clearTimeout(this.lapseTimer);
    if (next?.at && !this.stopped) {
      this.lapseTimer = setTimeout(() => this.beat(), Math.max(0, Number(next.at) - Date.now()) + LAPSE_MARGIN_MS);
      this.lapseTimer.unref();
    }
  }

  /** One batch of tasks nobody holds (never leased, released, or owned by an instance whose lease lapsed), now ours. */
  private claimBatch(): Promise<ClaimedRow[]> {
    return this.claim(
      `id in (select t.id from monitoring_tasks t
              where t.state <> 'done' and ${UNHELD}
              order by t.updated_at limit ? for update skip locked)`,
      [this.options.claimBatch ?? 1_000],
    );
  }

  /** Take one task here if no live instance holds it. */
  private async claimOne(taskId: string): Promise<boolean> {
    const [row] = await this.claim(
      `id in (select t.id from monitoring_tasks t
              where t.id = ? and t.state <> 'done' and (t.lease_owner = ? or ${UNHELD}) for update)`,
      [taskId, this.options.instanceId],
    );
    if (!row) return false;
    if (!this.hosted.has(taskId)) return this.hostSafely(toRow(row), row.snapshot === null);
    return true;
  }

  private claim(where: string, params: unknown[]): Promise<ClaimedRow[]> {
    return this.options.orm.em
      .fork()
      .getConnection()
      .execute<ClaimedRow[]>(
        // A new owner gets a new epoch; re-claiming what this instance already holds keeps its epoch (and its writes).
        `update monitoring_tasks
         set lease_epoch = case when lease_owner is distinct from ? then lease_epoch + 1 else lease_epoch end, lease_owner = ?
         where ${where}
         returning id, user_id, kind, mode, criteria, snapshot, lease_epoch`,
        [this.options.instanceId, this.options.instanceId, ...params],
      );
  }

  /**
   * Host a claimed task; a stored snapshot this machine cannot restore (corrupted, a state it no longer has, a newer
   * version) quarantines that one task — failed, reason `incompatible-snapshot`, the seller told, admins alerted in the
   * log — and never stops the others. False when the task was quarantined.
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
    await this.quarantine(row, problem);
    return false;
  }

  private async quarantine(row: TaskRow, problem: string): Promise<void> {
    this.options.logger.error(
      { event: 'monitor.snapshot_quarantined', taskId: row.id, userId: row.userId, problem, alert: 'admins' },
      'a task snapshot cannot be restored: the task is failed and kept for inspection',
    );
    const original: unknown = row.snapshot;
    const snapshot = {
      ...toStored({
        status: 'done',
        value: 'done',
        children: {},
        output: undefined,
        error: undefined,
        context: {
          ...quarantinedContext(row),
          reason: INCOMPATIBLE_SNAPSHOT,
          outcome: 'failed',
        },
      } as MonitorSnapshot),
      quarantined: { problem, original },
    };
    await this.options.orm.em.fork().transactional(async (em) => {
      await em.getConnection().execute(
        `update monitoring_tasks set snapshot = ?::jsonb, state = 'done', outcome = 'failed', finished_at = now(),
           lease_owner = null, updated_at = now()
         where id = ? and lease_owner = ? and lease_epoch = ?`,
        [JSON.stringify(snapshot), row.id, this.options.instanceId, row.epoch],
        'all',
        em.getTransactionContext(),
      );
      await enqueueNotification(em, {
        userId: row.userId,
        kind: 'task_failed',
        payload: { taskId: row.id, reason: INCOMPATIBLE_SNAPSHOT, detail: problem },
        dedupeKey: `task_failed:${row.id}`,
      });
    });
  }

  private host(row: TaskRow, fresh: boolean): void {
    if (this.hosted.has(row.id)) return;
    const hosted: Hosted = {
      row,
      actor: undefined,
      unsubscribe: undefined,
      parked: undefined,
      wakeTimer: undefined,
      parkScheduled: false,
      lastEvent: fresh ? 'START' : 'RESTORE',
      lastKey: '',
      lastBest: '',
      seq: 0,
      writes: Promise.resolve(),
      unwritten: 0,
      stopping: false,
    };
    this.hosted.set(row.id, hosted);
    this.options.supplyAct.adopted(row.id);
    if (row.kind === 'supply') {
      const criteria = row.criteria as SupplyCriteria;
      for (const id of criteria.warehouseIds) {
        const set = this.byWarehouse.get(id) ?? new Set();
        set.add(row.id);
        this.byWarehouse.set(id, set);
        const key = groupKey(id, criteria.boxTypeId);
        let group = this.groups.get(key);
        if (!group) {
          group = { warehouseId: id, boxTypeId: criteria.boxTypeId, taskIds: new Set(), maxCoefficient: criteria.maxCoefficient };
          this.groups.set(key, group);
        }
        group.taskIds.add(row.id);
        if (group.maxCoefficient !== null && criteria.maxCoefficient > group.maxCoefficient) group.maxCoefficient = criteria.maxCoefficient;
      }
      this.options.feed.watch(criteria.warehouseIds);
    }
    const stored = row.snapshot;
    // A new task starts in `idle`, with no outcome.
    hosted.lastKey = stored ? `${stateKey(describeSnapshot(stored))}|${stored.context.pendingCommand ?? ''}` : 'idle||';
    // A task restored at rest is parked straight from its row: taking over 10,000 tasks creates no actor at all.
    if (!fresh && stored && atRest(stored)) this.park(hosted, stored);
    else this.startActor(hosted, fresh ? undefined : (stored ?? undefined), fresh ? 'START' : 'REARM');
  }

  /** Run the task's XState actor (restored from `snapshot` when given) and hand it its first event. */
  private startActor(hosted: Hosted, snapshot: MonitorSnapshot | undefined, first: 'START' | 'REARM'): Actor<typeof monitorMachine> {
    const { row } = hosted;
    const input = {
      taskId: row.id,
      mode: row.mode,
      keepWatching: row.kind === 'supply' && (row.criteria as SupplyCriteria).keepWatching === true,
      pollIntervalMs:
        row.kind === 'supply' ? (this.options.pollIntervalMs ?? SUPPLY_HOUSEKEEPING_MS) : (this.options.redistributionPollMs ?? 5_000),
    };
    const actor = createActor(this.machine, {
      input,
      ...(snapshot ? { snapshot: snapshot as never } : {}),
      inspect: (inspection) => {
        if (inspection.type === '@xstate.event' && inspection.actorRef === actor) hosted.lastEvent = inspection.event.type;
      },
    });
    hosted.actor = actor;
    const subscription = actor.subscribe({
      next: (next) => this.onSnapshot(hosted, next as MonitorSnapshot, hosted.lastEvent),
      error: (err) => this.options.logger.error({ event: 'actor.error', taskId: row.id, err }, 'actor crashed'),
    });
    hosted.unsubscribe = () => subscription.unsubscribe();
    actor.start();
    actor.send({ type: first });
    return actor;
  }

  /** The task's running actor, restored from its parked snapshot if it was parked. */
  private running(hosted: Hosted): Actor<typeof monitorMachine> {
    if (hosted.actor) return hosted.actor;
    const snapshot = hosted.parked;
    clearTimeout(hosted.wakeTimer);
    hosted.parked = undefined;
    hosted.wakeTimer = undefined;
    // REARM re-enters the parked state, so its timer is armed from the stored deadline, as after any restore.
    return this.startActor(hosted, snapshot, 'REARM');
  }

  /** Stop the actor and keep its persisted snapshot, with a timer for its next deadline (none while paused). */
  private park(hosted: Hosted, snapshot: MonitorSnapshot): void {
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
        Math.max(0, deadline - Date.now()),
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
      if (!actor || hosted.stopping || this.hosted.get(hosted.row.id) !== hosted) return;
      const persisted = persistedSnapshotOf(actor);
      if (!atRest(persisted)) return;
      // A deadline about to fire (a restored poll that is due) is left to the actor's own timer: parking it would
      // only wake it again at once.
      const deadline = describeSnapshot(persisted).nextStepAt;
      if (deadline !== null && deadline - Date.now() < PARK_MIN_AHEAD_MS) return;
      this.park(hosted, persisted);
    });
  }

  private onSnapshot(hosted: Hosted, snapshot: MonitorSnapshot, event: string): void {
    if (hosted.stopping) return;
    if (atRest(snapshot)) this.parkWhenSettled(hosted);
    const description = describeSnapshot(snapshot);
    // A command deferred while booking is durable context: written like a change of state, so a crash or a lease move
    // during the act does not lose it.
    const key = `${stateKey(description)}|${snapshot.context.pendingCommand ?? ''}`;
    const best = JSON.stringify(description.bestSeen);
    const { row } = hosted;
    if (key === hosted.lastKey) {
      // Not a state change: nothing to persist; tell watchers only when the best coefficient moved.
      if (best !== hosted.lastBest) {
        hosted.lastBest = best;
        void this.publishChange(hosted, description);
      }
      return;
    }
    const from = hosted.lastKey.split('|')[0] ?? '';
    hosted.lastKey = key;
    hosted.lastBest = best;
    const record: TransitionRecord = {
      taskId: row.id,
      userId: row.userId,
      at: Date.now(),
      event,
      from,
      to: description.outcome ? `${description.state}.${description.outcome}` : description.state,
      summary: summarize(description),
      instanceId: this.options.instanceId,
    };
    this.options.metrics?.transitions.inc({ from: from || 'none', to: description.state });
    const persisted = persistedOf(hosted);
    hosted.unwritten += 1;
    hosted.writes = hosted.writes
      .then(async () => {
        const stillOwner = await this.persistUntilWritten(hosted, persisted, description).finally(() => {
          hosted.unwritten -= 1;
        });
        if (!stillOwner) {
          await this.unhost(row.id, { persist: false });
          return;
        }
        await this.options.shared.bus.publish(CHANNEL_TASK_TRANSITION, record);
        await this.publishChange(hosted, description);
        if (description.state === 'done') await this.unhost(row.id, { persist: false });
      })
      .catch((err: unknown) =>
        this.options.logger.error({ event: 'actor.persist_failed', taskId: row.id, err }, 'could not persist an actor'),
      );
  }

  /**
   * A change of durable state is written, retried with a growing wait while PostgreSQL refuses it (the task stays hosted
   * and leased meanwhile, and its acts wait: see `act`). Gives up only when the task leaves this instance or the
   * instance stops (whose final write tries once more).
   */
  private async persistUntilWritten(hosted: Hosted, snapshot: MonitorSnapshot, description: MonitorDescription): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.persist(hosted.row, snapshot, description);
      } catch (err) {
        if (this.stopped || hosted.stopping || this.hosted.get(hosted.row.id) !== hosted) throw err;
        const waitMs = Math.max(100, fullJitterDelay(attempt, Math.random, { baseMs: 200, capMs: 5_000 }));
        this.options.logger.warn(
          { event: 'actor.persist_retry', taskId: hosted.row.id, attempt, waitMs, err },
          'could not write the task state: retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }

  /** Resolves once every state change of the task so far is written (or `maxMs` passed: false). */
  private async written(hosted: Hosted, maxMs: number): Promise<boolean> {
    if (hosted.unwritten === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), maxMs);
    });
    try {
      return await Promise.race([hosted.writes.then(() => hosted.unwritten === 0), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async publishChange(hosted: Hosted, description: ReturnType<typeof describeSnapshot>): Promise<void> {
    hosted.seq += 1;
    const change: TaskChange = { taskId: hosted.row.id, userId: hosted.row.userId, seq: hosted.seq, description, at: Date.now() };
    await this.options.shared.bus.publish(CHANNEL_TASK_CHANGED, change).catch(() => undefined);
  }

  /** Write the snapshot if we still hold the lease (fencing). False when another instance owns the task now. */
  private async persist(row: TaskRow, snapshot: MonitorSnapshot, description: ReturnType<typeof describeSnapshot>): Promise<boolean> {
    const done = description.state === 'done';
    const rows = await this.options.orm.em
      .fork()
      .getConnection()
      .execute<{ id: string }[]>(
        `update monitoring_tasks
         set snapshot = ?::jsonb, state = ?, outcome = ?, updated_at = now(),
             finished_at = case when ? then now() else null end,
             lease_owner = case when ? then null else lease_owner end
         where id = ? and lease_owner = ? and lease_epoch = ? returning id`,
        [
          JSON.stringify(toStored(snapshot)),
          description.state,
          description.outcome,
          done,
          done,
          row.id,
          this.options.instanceId,
          row.epoch,
        ],
      );
    return rows.length === 1;
  }

  private async unhost(taskId: string, { persist }: { persist: boolean }): Promise<void> {
    const hosted = this.hosted.get(taskId);
    if (!hosted) return;
    if (persist) {
      await hosted.writes.catch(() => undefined);
      await this.persist(hosted.row, persistedOf(hosted), describeSnapshot(snapshotOf(hosted))).catch(() => false);
    }
    hosted.stopping = true;
    clearTimeout(hosted.wakeTimer);
    hosted.unsubscribe?.();
    hosted.actor?.stop();
    this.hosted.delete(taskId);
    if (hosted.row.kind === 'supply') {
      const criteria = hosted.row.criteria as SupplyCriteria;
      for (const id of criteria.warehouseIds) {
        const set = this.byWarehouse.get(id);
        set?.delete(taskId);
        if (set?.size === 0) this.byWarehouse.delete(id);
        const key = groupKey(id, criteria.boxTypeId);
        const group = this.groups.get(key);
        if (!group) continue;
        group.taskIds.delete(taskId);
        if (group.taskIds.size === 0) this.groups.delete(key);
        // The threshold that left may have been the highest: recomputed on the next pass.
        else group.maxCoefficient = null;
      }
    }
  }

  /** One sweep of pending operations; a failure is logged and the next sweep tries again. */
  private async sweep(): Promise<void> {
    try {
      const olderThanMs = this.options.sweepAfterMs ?? SWEEP_AFTER_MS;
      await this.options.supplyAct.sweep({ olderThanMs });
      await this.options.redistribution.sweep({ olderThanMs });
    } catch (err) {
      this.options.logger.warn({ event: 'host.sweep_failed', err }, 'could not reconcile pending operations');
    }
  }

  /** Expected failures arrive as ProbeFailure objects; anything else is a bug worth a log line with its stack. */
  private async logFailure<T>(step: 'probe' | 'act', taskId: string, work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      if (error instanceof Error)
        this.options.logger.error({ event: `actor.${step}_crashed`, taskId, err: error }, `${step} failed unexpectedly`);
      else this.options.logger.warn({ event: `actor.${step}_failed`, taskId, failure: error }, `${step} failed`);
      throw error;
    }
  }

  private async probe(input: ProbeInput): Promise<ProbeResult> {
    const hosted = this.hosted.get(input.taskId);
    if (!hosted) throw { kind: 'transient', reason: 'the task is moving to another instance' };
    const { row } = hosted;
    if (row.kind === 'supply') {
      const criteria = row.criteria as SupplyCriteria;
      // Autobook books the preorder's own warehouse; the other warehouses are for notify mode.
      const result = await this.options.supplyProbe.run(criteria, this.skipped(row.id, input.notified), row.userId);
      if (row.mode !== 'autobook' || result.type === 'expired') return result;
      // A booking operation left pending (a transient or hanging plan/add, a crash) is reconciled with WB now,
      // whatever the feed shows: the act asks WB about it first and settles its credit.
      const pending = await this.options.supplyAct.pendingSlot({ taskId: row.id, userId: row.userId, criteria });
      return pending ? { type: 'match', slot: pending, best: result.best } : result;
    }
    return this.options.redistribution.probe({ taskId: row.id, userId: row.userId, criteria: row.criteria as RedistributionCriteria });
  }

  /**
   * Cells the probe passes over: those already alerted, and those the act found closed lately although the feed's
   * picture still shows them open (else the task would match them again at once, in a loop, until the picture refreshes).
   */
  private skipped(taskId: string, notified: readonly string[]): readonly string[] {
    const refuted = this.options.supplyAct.refuted(taskId);
    return refuted.length === 0 ? notified : [...notified, ...refuted];
  }

  private async act(input: ActInput): Promise<ActResult> {
    const hosted = this.hosted.get(input.taskId);
    if (!hosted) throw { kind: 'transient', reason: 'the task is moving to another instance' };
    // Nothing reaches WB before `booking` (and any command deferred in it) is written: an act whose state PostgreSQL
    // refuses to store would be invisible to a restart or to the instance that takes the task over.
    await new Promise((resolve) => setImmediate(resolve));
    if (!(await this.written(hosted, ACT_WRITE_WAIT_MS))) {
      throw { kind: 'transient', reason: 'the task state could not be written yet' } satisfies ProbeFailure;
    }
    // The write found the task claimed by another instance (and let it go): nothing reaches WB from here.
    if (this.hosted.get(input.taskId) !== hosted) throw LEASE_LOST;
    const { row } = hosted;
    // An act started with a PAUSE or CANCEL already deferred is one restored after a crash or a lease move: the seller
    // asked to stop before it finished, so it only settles what the earlier run may have started (reconciled with WB)
    // and starts nothing new; the deferred command then takes effect.
    const settleOnly = hosted.actor?.getSnapshot().context.pendingCommand != null;
    if (row.kind === 'redistribution') {
      const task = { taskId: row.id, userId: row.userId, criteria: row.criteria as RedistributionCriteria, epoch: row.epoch };
      return this.options.redistribution.act(task, { settleOnly });
    }
    const task = { taskId: row.id, userId: row.userId, criteria: row.criteria as SupplyCriteria, epoch: row.epoch };
    if (input.mode === 'notify') return settleOnly ? { type: 'gone' } : this.options.supplyAct.notify(task, input.slot);
    return this.options.supplyAct.book(task, input.slot, { settleOnly });
  }
}

/** A task row as the lease claims return it. */
interface ClaimedRow {
  id: string;
  user_id: string;
  kind: TaskRow['kind'];
  mode: TaskMode;
  criteria: TaskRow['criteria'];
  snapshot: MonitorSnapshot | null;
  lease_epoch: number;
}

function toRow(row: ClaimedRow): TaskRow {
  return {
    id: row.id,
    userId: Number(row.user_id),
    kind: row.kind,
    mode: row.mode,
    criteria: row.criteria,
    snapshot: row.snapshot,
    epoch: Number(row.lease_epoch),
  };
}

/** What counts as a change of state (persisted, logged as a transition): the top-level state and the outcome. */
function stateKey(description: MonitorDescription): string {
  return `${description.state}|${description.outcome ?? ''}`;
}

/** The task's state now: the running actor's snapshot, or the parked one. */
function snapshotOf(hosted: Hosted): Pick<MonitorSnapshot, 'value' | 'context'> {
  return hosted.actor ? (hosted.actor.getSnapshot() as unknown as MonitorSnapshot) : (hosted.parked as MonitorSnapshot);
}

/** What is written to the task's row. */
function persistedOf(hosted: Hosted): MonitorSnapshot {
  return hosted.actor ? persistedSnapshotOf(hosted.actor) : (hosted.parked as MonitorSnapshot);
}

/** Nothing in flight and not finished: the actor only waits (for a deadline, an update or a command). */
function atRest(snapshot: { status: string; value: unknown; children: Record<string, unknown> }): boolean {
  if (snapshot.status !== 'active' || snapshot.value === 'done' || snapshot.value === 'booking') return false;
  for (const _ in snapshot.children) return false;
  return true;
}

function summarize(d: ReturnType<typeof describeSnapshot>): string {
  const parts: string[] = [];
  if (d.bestSeen) parts.push(`best x${d.bestSeen.coefficient} at ${d.bestSeen.warehouseId} on ${d.bestSeen.date}`);
  if (d.found) parts.push(`found x${d.found.coefficient} at ${d.found.warehouseId} on ${d.found.date}`);
  if (d.reason) parts.push(d.reason);
  return parts.join('; ') || '—';
}

/** A whole context for a quarantined task's stand-in snapshot, from the task row (the stored one is unreadable). */
function quarantinedContext(row: TaskRow): MonitorSnapshot['context'] {
  return initialContext({ input: { taskId: row.id, mode: row.mode, keepWatching: false, pollIntervalMs: 0 } });
}
