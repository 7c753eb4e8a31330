// The lease protocol in SQL. An instance holds its tasks through their `lease_owner` while its one row in
// `monitor_instances` is live (renewed by heartbeat); when that lapses its tasks are free for the others to claim.
// Claims take rows with SKIP LOCKED and give a task a new lease epoch whenever its owner changes (fencing).
import type { MikroORM } from '@mikro-orm/postgresql';
import type { RedistributionCriteria, SupplyCriteria, TaskMode } from '@slotpilot/shared';
import { isDeadPredecessor, processAlive } from './instance-leases.ts';
import type { MonitorSnapshot } from './machine.ts';

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

/** A task (aliased `t`) whose owner, if any, has no live lease. */
const UNHELD = `(t.lease_owner is null or not exists (
  select 1 from monitor_instances i where i.id = t.lease_owner and i.lease_until > now()))`;

export class LeaseManager {
  private readonly ttl: string;

  constructor(private readonly options: { orm: MikroORM; instanceId: string; leaseTtlMs: number; claimBatch: number }) {
    this.ttl = `${Math.round(options.leaseTtlMs)} milliseconds`;
  }

  private conn() {
    return this.options.orm.em.fork().getConnection();
  }

  /** Extend this instance's live lease; false when it has lapsed (or never existed): call `register` then. */
  async renew(): Promise<boolean> {
    const renewed = await this.conn().execute<{ id: string }[]>(
      'update monitor_instances set lease_until = now() + ?::interval where id = ? and lease_until > now() returning id',
      [this.ttl, this.options.instanceId],
    );
    return renewed.length === 1;
  }

  /**
   * (Re)start this instance's lease; ends the lease of a predecessor whose process is gone (a restart, a crash: its
   * tasks are taken over at once, not when its lease lapses) and forgets rows of instances long gone that own nothing.
   * Returns the ids of the predecessors it ended.
   */
  async register(): Promise<string[]> {
    const conn = this.conn();
    const me = this.options.instanceId;
    await conn.execute(
      `insert into monitor_instances (id, lease_until) values (?, now() + ?::interval)
       on conflict (id) do update set lease_until = excluded.lease_until`,
      [me, this.ttl],
    );
    const others = await conn.execute<{ id: string }[]>('select id from monitor_instances where id <> ? and lease_until > now()', [me]);
    const dead = others.map((r) => r.id).filter((id) => isDeadPredecessor(id, me, processAlive));
    if (dead.length) {
      await conn.execute(`update monitor_instances set lease_until = now() where id in (${dead.map(() => '?').join(', ')})`, dead);
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

  /** One batch of tasks nobody holds (never leased, released, or owned by an instance whose lease lapsed), now ours. */
  async claimBatch(limit = this.options.claimBatch): Promise<TaskRow[]> {
    return this.claim(
      `id in (select t.id from monitoring_tasks t
              where t.state <> 'done' and ${UNHELD}
              order by t.updated_at limit ? for update skip locked)`,
      [limit],
    );
  }

  /** Take one task here if no live instance holds it (or this one already does). */
  async claimOne(taskId: string): Promise<TaskRow | undefined> {
    const [row] = await this.claim(
      `id in (select t.id from monitoring_tasks t
              where t.id = ? and t.state <> 'done' and (t.lease_owner = ? or ${UNHELD}) for update)`,
      [taskId, this.options.instanceId],
    );
    return row;
  }

  private async claim(where: string, params: unknown[]): Promise<TaskRow[]> {
    const me = this.options.instanceId;
    const rows = await this.conn().execute<ClaimedRow[]>(
      // A new owner gets a new epoch; re-claiming what this instance already holds keeps its epoch (and its writes).
      `update monitoring_tasks
       set lease_epoch = case when lease_owner is distinct from ? then lease_epoch + 1 else lease_epoch end, lease_owner = ?
       where ${where}
       returning id, user_id, kind, mode, criteria, snapshot, lease_epoch`,
      [me, me, ...params],
    );
    return rows.map(toRow);
  }

  /** Let every task go and end this instance's lease (a graceful stop). */
  async releaseAll(): Promise<void> {
    const conn = this.conn();
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
