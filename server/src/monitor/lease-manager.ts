// The lease protocol in SQL. An instance holds its tasks through their `lease_owner` while its one row in
// `monitor_instances` is live (renewed by heartbeat); when that lapses its tasks are free for the others to claim.
// Claims take rows with SKIP LOCKED and give a task a new lease epoch whenever its owner changes (fencing).
import type { MikroORM } from '@mikro-orm/postgresql';
import type { RedistributionCriteria, SupplyCriteria, TaskMode } from '@slotpilot/shared';
import { boundQuery } from '../platform/db/bound-query.ts';
import { defaultBootDir, endBoot, isDeadPredecessor, newBootId, processAlive, recordBoot } from './instance-leases.ts';
import type { MonitorSnapshot } from './machine.ts';
import { toStored } from './snapshot-versions.ts';

export type TaskKindName = 'supply' | 'redistribution';

export interface TaskRow {
  id: string;
  userId: number;
  kind: TaskKindName;
  mode: TaskMode;
  criteria: SupplyCriteria | RedistributionCriteria;
  snapshot: MonitorSnapshot | null;
  /** The lease epoch this instance claimed the task under: every write for the task carries it (fencing). */
  epoch: number;
}

/** A task row as the claims return it. */
interface ClaimedRow {
  id: string;
  user_id: string;
  kind: TaskKindName;
  mode: TaskMode;
  criteria: TaskRow['criteria'];
  snapshot: MonitorSnapshot | null;
  lease_epoch: number;
}

/**
 * Claimable tasks (aliased `t`): nobody's, or an owner whose row is gone, or an owner in `lapsed` — the lapsed instance
 * rows this claim holds locked (see `claim`).
 */
const UNHELD = `(t.lease_owner is null or t.lease_owner in (select id from lapsed)
  or not exists (select 1 from monitor_instances i where i.id = t.lease_owner))`;

/** Slack above the even share: a share of it, and at least this many tasks (small fleets, rounding). */
const FAIR_SHARE_SLACK = 0.05;
const FAIR_SHARE_MIN_SLACK = 2;

export interface FairShare {
  even: number;
  slack: number;
  starved: boolean;
  live: number;
  active: number;
  /** Unfinished tasks no live instance holds: free, or left by a lapsed instance. */
  unheld: number;
}

export interface LeaseManagerOptions {
  orm: MikroORM;
  instanceId: string;
  leaseTtlMs: number;
  claimBatch: number;
  /** Where boot ids of process starts on this filesystem are recorded (default: the temporary directory). */
  bootDir?: string | undefined;
  /** Test seam: runs while a renewal holds its instance row locked, after its liveness check, before its write. */
  onRenewalLocked?: (() => Promise<void>) | undefined;
}

export class LeaseManager {
  private readonly ttl: string;
  readonly bootId = newBootId();
  private recorded: ReadonlySet<string> = new Set();
  /** Until when (local clock) this instance surely holds its lease: measured from before the renewal was sent. */
  private localDeadline = 0;

  constructor(private readonly options: LeaseManagerOptions) {
    this.ttl = `${Math.round(options.leaseTtlMs)} milliseconds`;
  }

  /** Record this process start on the filesystem (and learn the earlier ones: predecessor detection). */
  async init(): Promise<void> {
    this.recorded = await recordBoot(this.options.bootDir ?? defaultBootDir(), this.bootId);
  }

  /** This host stopped: its boot id is no longer one of this process's live ones. */
  close(): void {
    endBoot(this.bootId);
  }

  /** How long the lease surely lasts from now (local clock; 0 when it may have lapsed). */
  remainingMs(): number {
    return Math.max(0, this.localDeadline - Date.now());
  }

  private conn() {
    return this.options.orm.em.fork().getConnection();
  }

  /**
   * Extend this instance's live lease; false when it has lapsed (or never existed): call `register` then.
   * Serialised with claims on the instance row: the row is locked first and liveness judged after (by the clock at
   * that moment, not the transaction's start), so a renewal that began before `lease_until` but was held up cannot
   * commit after another instance claimed our tasks — the claim holds the lapsed row locked until it commits.
   */
  async renew(held: number): Promise<boolean> {
    const sentAt = Date.now();
    const renewed = await this.options.orm.em.fork().transactional(async (em) => {
      const conn = em.getConnection();
      const tx = em.getTransactionContext();
      const [row] = await conn.execute<{ id: string }[]>(
        'select id from monitor_instances where id = ? for update',
        [this.options.instanceId],
        'all',
        tx,
      );
      if (!row) return false;
      const [live] = await conn.execute<{ live: boolean }[]>(
        'select lease_until > clock_timestamp() as live from monitor_instances where id = ?',
        [this.options.instanceId],
        'all',
        tx,
      );
      if (!live?.live) return false;
      await this.options.onRenewalLocked?.();
      await conn.execute(
        'update monitor_instances set lease_until = clock_timestamp() + ?::interval, held = ? where id = ?',
        [this.ttl, held, this.options.instanceId],
        'all',
        tx,
      );
      return true;
    });
    if (renewed) this.localDeadline = sentAt + this.options.leaseTtlMs;
    return renewed;
  }

  /**
   * (Re)start this instance's lease; ends the lease of a predecessor whose process is gone (a restart, a crash: its
   * tasks are taken over at once, not when its lease lapses) and forgets rows of instances long gone that own nothing.
   * Returns the ids of the predecessors it ended.
   */
  async register(held: number): Promise<string[]> {
    const conn = this.conn();
    const me = this.options.instanceId;
    const sentAt = Date.now();
    await conn.execute(
      `insert into monitor_instances (id, lease_until, boot_id, pid, held) values (?, clock_timestamp() + ?::interval, ?, ?, ?)
       on conflict (id) do update set lease_until = excluded.lease_until, held = excluded.held`,
      [me, this.ttl, this.bootId, process.pid, held],
    );
    this.localDeadline = sentAt + this.options.leaseTtlMs;
    const others = await conn.execute<{ id: string; boot_id: string | null; pid: number | null }[]>(
      'select id, boot_id, pid from monitor_instances where id <> ? and lease_until > clock_timestamp()',
      [me],
    );
    const self = { bootId: this.bootId, pid: process.pid };
    const dead = others
      .filter((r) => isDeadPredecessor({ bootId: r.boot_id, pid: r.pid }, self, this.recorded, processAlive))
      .map((r) => r.id);
    if (dead.length) {
      await conn.execute(
        `update monitor_instances set lease_until = clock_timestamp() where id in (${dead.map(() => '?').join(', ')})`,
        dead,
      );
    }
    // Every process start adds a row.
    await conn.execute(
      `delete from monitor_instances i where i.lease_until < now() - interval '1 hour'
       and not exists (select 1 from monitoring_tasks t where t.lease_owner = i.id)`,
    );
    return dead;
  }

  /** Ids of the unfinished tasks this instance still owns. */
  async owned(): Promise<Set<string>> {
    const rows = await this.conn().execute<{ id: string }[]>(`select id from monitoring_tasks where lease_owner = ? and state <> 'done'`, [
      this.options.instanceId,
    ]);
    return new Set(rows.map((r) => r.id));
  }

  /**
   * One batch of tasks nobody holds, now ours: free ones (never leased, or released) first, then those of instances
   * whose lease lapsed. Two index-friendly steps (the partial index of free live rows; the owner index for the named
   * lapsed owners) instead of one OR that walked every live row (docs/scaling.md: ~100 ms a claim at 100,000 live tasks).
   */
  async claimBatch(limit = this.options.claimBatch): Promise<TaskRow[]> {
    const free = await this.claim(
      `id = any(array(select t.id from monitoring_tasks t
              where t.state <> 'done' and t.lease_owner is null
              order by t.updated_at limit ? for update skip locked))`,
      [limit],
      [],
    );
    if (free.length >= limit) return free;
    // The lapsed owners named in the query itself, so the planner walks their index entries only.
    const lapsed = await this.conn().execute<{ id: string }[]>(
      'select id from monitor_instances where id <> ? and lease_until <= clock_timestamp()',
      [this.options.instanceId],
    );
    if (lapsed.length === 0) return free;
    const ids = lapsed.map((r) => r.id);
    const orphaned = await this.claim(
      `id = any(array(select t.id from monitoring_tasks t
              where t.state <> 'done' and t.lease_owner in (${ids.map(() => '?').join(', ')})
                and t.lease_owner in (select id from lapsed)
              order by t.updated_at limit ? for update skip locked))`,
      [...ids, limit - free.length],
      ids,
    );
    return [...free, ...orphaned];
  }

  /** Take one task here if no live instance holds it (or this one already does). */
  async claimOne(taskId: string): Promise<TaskRow | undefined> {
    const [row] = await this.claim(
      `id = any(array(select t.id from monitoring_tasks t
              where t.id = ? and t.state <> 'done' and (t.lease_owner = ? or ${UNHELD}) for update))`,
      [taskId, this.options.instanceId],
    );
    return row;
  }

  /**
   * `lapsedAmong`: which lapsed owners the claim may lock (an empty list: none, for free rows); all of them when absent.
   * The lapsed owners' rows are share-locked for the claim's duration (a renewal, which locks its row for update, waits,
   * then finds its lease lapsed); one being renewed right now is skipped: its renewal wins. A share lock, so the
   * survivors of a dead instance claim its tasks side by side (the task rows themselves are taken SKIP LOCKED) instead
   * of all but one finding its row locked and waiting for their next heartbeat. A new owner gets a new epoch;
   * re-claiming what this instance already holds keeps its epoch (and its writes).
   */
  private async claim(where: string, params: unknown[], lapsedAmong?: readonly string[]): Promise<TaskRow[]> {
    const me = this.options.instanceId;
    const among = lapsedAmong === undefined ? '' : `and id in (${lapsedAmong.length > 0 ? lapsedAmong.map(() => '?').join(', ') : 'null'})`;
    const rows = await this.conn().execute<ClaimedRow[]>(
      `with lapsed as (
         select id from monitor_instances where id <> ? and lease_until <= clock_timestamp() ${among} for share skip locked)
       update monitoring_tasks
       set lease_epoch = case when lease_owner is distinct from ? then lease_epoch + 1 else lease_epoch end, lease_owner = ?
       where ${where}
       returning id, user_id, kind, mode, criteria, snapshot, lease_epoch`,
      [me, ...(lapsedAmong ?? []), me, me, ...params],
    );
    return rows.map(toRow);
  }

  /**
   * This instance's fair share of the unfinished tasks (issue 19): `even` = ceil(tasks / live instances); claims go up
   * to `even + slack`, so they spread over the instances instead of the first to look taking everything. `starved`:
   * some live instance holds fewer than `even - slack` (a newly started one) — the others then shed down to `even`.
   */
  async fairShare(held: number): Promise<FairShare> {
    // O(instances): each instance's count as of its latest renewal (ours: `held`, now), plus the free live tasks (their
    // own partial index) and those of lapsed instances (by owner).
    const conn = this.conn();
    const me = this.options.instanceId;
    const instances = await conn.execute<{ id: string; held: number; live: boolean }[]>(
      'select id, held, lease_until > clock_timestamp() as live from monitor_instances',
    );
    const lapsed = instances.filter((i) => !i.live).map((i) => i.id);
    const [counts] = await conn.execute<{ free: string; orphaned: string }[]>(
      `select (select count(*) from monitoring_tasks where state <> 'done' and lease_owner is null) as free,
              (select count(*) from monitoring_tasks where state <> 'done'
                 and lease_owner in (${lapsed.length > 0 ? lapsed.map(() => '?').join(', ') : 'null'})) as orphaned`,
      lapsed,
    );
    const others = instances.filter((i) => i.live && i.id !== me);
    const live = others.length + 1;
    const active = held + others.reduce((sum, i) => sum + Number(i.held), 0) + Number(counts?.free ?? 0) + Number(counts?.orphaned ?? 0);
    const even = Math.ceil(active / live);
    const slack = Math.max(FAIR_SHARE_MIN_SLACK, Math.ceil(even * FAIR_SHARE_SLACK));
    const starved = others.some((i) => Number(i.held) < even - slack);
    return { even, slack, starved, live, active, unheld: Number(counts?.free ?? 0) + Number(counts?.orphaned ?? 0) };
  }

  /**
   * Give tasks up (their latest snapshots written with them), for another instance to claim: fenced by owner and epoch.
   * Returns the ids released.
   */
  async release(tasks: ReadonlyArray<{ id: string; epoch: number; snapshot: MonitorSnapshot }>): Promise<string[]> {
    if (tasks.length === 0) return [];
    // Bound, not inlined: the document is megabytes at a 2,000-task hand-over (platform/db/bound-query.ts).
    const rows = await boundQuery<{ id: string }>(
      this.options.orm,
      `update monitoring_tasks t set snapshot = v.snapshot, lease_owner = null
       from (select * from jsonb_to_recordset($1::jsonb) as x(id uuid, epoch int, snapshot jsonb)) v
       where t.id = v.id and t.lease_owner = $2 and t.lease_epoch = v.epoch and t.state <> 'done'
       returning t.id`,
      [
        JSON.stringify(tasks.map((task) => ({ id: task.id, epoch: task.epoch, snapshot: toStored(task.snapshot) }))),
        this.options.instanceId,
      ],
    );
    return rows.map((r) => r.id);
  }

  /** Let every task go and end this instance's lease (a graceful stop). */
  async releaseAll(): Promise<void> {
    const conn = this.conn();
    this.localDeadline = 0;
    await conn.execute('update monitoring_tasks set lease_owner = null where lease_owner = ?', [this.options.instanceId]);
    await conn.execute('delete from monitor_instances where id = ?', [this.options.instanceId]);
  }

  /** When the earliest other lease with unfinished tasks in it ends (epoch ms), if any. */
  async nextLapseAt(): Promise<number | undefined> {
    const [next] = await this.conn().execute<{ at: string | null }[]>(
      `select extract(epoch from min(i.lease_until)) * 1000 as at from monitor_instances i
       where i.id <> ? and exists (select 1 from monitoring_tasks t where t.lease_owner = i.id and t.state <> 'done')`,
      [this.options.instanceId],
    );
    return next?.at ? Number(next.at) : undefined;
  }
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
