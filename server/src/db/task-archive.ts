// Finished tasks leave the hot table (issue 15, finding 9). A task done more than TASK_ARCHIVE_DAYS ago moves, with its
// final snapshot, from `monitoring_tasks` to `monitoring_tasks_archive`, at most BATCH rows per transaction, so the
// claim, the per-user caps and the task list scan live tasks and recent endings only, however long the service runs.
//
// Moved, not deleted: the seller's history (bookings and transfer orders, which stay where they are) links to the task
// page, and the snapshot is what tells how the task ended. A task whose booking or transfer operation is still pending,
// or still holds a credit reservation, is left alone until the sweeper has settled it: the sweeper reads the task row.
//
// One instance archives at a time (a lease in shared state, taken before each pass); each batch also locks its rows
// with SKIP LOCKED, so a second archiver for a moment, or a task being written, is never a conflict.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { TaskView } from '@slotpilot/shared';
import type { Logger } from 'pino';
import type { Leases } from '../platform/kv/types.ts';
import { ArchivedTask } from './entities/archived-task.ts';
import { BookingResult } from './entities/booking-result.ts';
import { RedistributionOrder } from './entities/redistribution-order.ts';

/** Rows moved per transaction: short locks, a small WAL burst, and a pass that can stop between batches. */
export const ARCHIVE_BATCH = 1_000;
/** At most this many batches per pass: a first pass over years of history is spread over several hours. */
const MAX_BATCHES_PER_PASS = 50;
const LEASE_NAME = 'task-archive';
const HOUR_MS = 3_600_000;

export interface TaskArchiveOptions {
  orm: MikroORM;
  leases: Leases;
  instanceId: string;
  logger: Logger;
  /** Tasks finished longer ago than this are archived (TASK_ARCHIVE_DAYS). */
  afterDays: number;
  /** How often the leader looks (default hourly). */
  everyMs?: number;
  batchSize?: number;
}

export interface ArchivePass {
  archived: number;
  batches: number;
}

export class TaskArchive {
  private timer: NodeJS.Timeout | undefined;
  private firstTick: NodeJS.Timeout | undefined;
  private running: Promise<ArchivePass> | undefined;
  private stopped = false;
  /** Tasks moved since start, for /metrics. */
  archivedTotal = 0;

  constructor(private readonly options: TaskArchiveOptions) {}

  /**
   * Move one batch: finished tasks older than the cut-off, oldest ending first, with no pending operation and no held
   * reservation. One statement, so one transaction: a task is in exactly one of the two tables at any moment.
   */
  async archiveBatch(): Promise<number> {
    const conn = this.options.orm.em.fork().getConnection();
    const rows = await conn.execute<Array<{ id: string }>>(
      `with picked as (
         select t.id from monitoring_tasks t
         where t.state = 'done' and t.finished_at < now() - make_interval(days => ?)
           and not exists (select 1 from booking_results b
                           where b.task_id = t.id and (b.status = 'pending' or b.reservation is not null))
           and not exists (select 1 from redistribution_orders o
                           where o.task_id = t.id and (o.status = 'pending' or o.reservation is not null))
         order by t.finished_at
         limit ?
         for update of t skip locked
       ), moved as (
         -- By primary key: a join with the CTE was planned as a hash join over every finished row (38 ms of 91 ms a
         -- batch at 90,000 done rows); the array makes it 1,000 index look-ups.
         delete from monitoring_tasks t where t.id = any (array(select id from picked)) and t.state = 'done'
         returning t.id, t.user_id, t.kind, t.mode, t.criteria, t.outcome, t.preorder_id, t.snapshot,
                   t.created_at, t.updated_at, t.finished_at
       )
       insert into monitoring_tasks_archive
         (id, user_id, kind, mode, criteria, outcome, preorder_id, snapshot, created_at, updated_at, finished_at, archived_at)
       select id, user_id, kind, mode, criteria, outcome, preorder_id, snapshot, created_at, updated_at, finished_at, now()
       from moved
       returning id`,
      [this.options.afterDays, this.options.batchSize ?? ARCHIVE_BATCH],
    );
    return rows.length;
  }

  /** Batches until one comes back short (nothing more is due) or the pass has moved its share. */
  pass(): Promise<ArchivePass> {
    this.running ??= (async () => {
      const size = this.options.batchSize ?? ARCHIVE_BATCH;
      const result: ArchivePass = { archived: 0, batches: 0 };
      try {
        while (!this.stopped && result.batches < MAX_BATCHES_PER_PASS) {
          const moved = await this.archiveBatch();
          result.batches += 1;
          result.archived += moved;
          this.archivedTotal += moved;
          if (moved < size) break;
        }
        if (result.archived) {
          this.options.logger.info(
            { event: 'tasks.archived', count: result.archived, batches: result.batches, afterDays: this.options.afterDays },
            'finished tasks archived',
          );
        }
        return result;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /**
   * A pass if this instance holds (or takes) the archive lease; null when another instance does, or a pass is under
   * way. The lease is held across passes (each renews it), so the same instance keeps the job while it lives; a dead
   * leader's lease lapses after two periods and another instance takes over.
   */
  async runIfLeader(): Promise<ArchivePass | null> {
    if (this.stopped || this.running) return null;
    const everyMs = this.options.everyMs ?? HOUR_MS;
    if (!(await this.options.leases.acquire(LEASE_NAME, this.options.instanceId, everyMs * 2 + 60_000))) return null;
    return this.pass();
  }

  /** Every `everyMs` (and once a minute after start), the instance holding the archive lease runs a pass. */
  start(): void {
    const everyMs = this.options.everyMs ?? HOUR_MS;
    const tick = () =>
      void this.runIfLeader().catch((err: unknown) =>
        this.options.logger.warn({ event: 'tasks.archive_failed', err }, 'archiving finished tasks failed; retried next period'),
      );
    this.timer = setInterval(tick, everyMs);
    this.timer.unref();
    // Not at once: the first minute of a start belongs to claiming tasks and filling the feed.
    this.firstTick = setTimeout(tick, Math.min(everyMs, 60_000));
    this.firstTick.unref();
  }

  /** Stops between batches; a batch under way (one statement) finishes, bounded to a few seconds. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.firstTick);
    const running = this.running;
    if (running) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        running.catch(() => undefined),
        new Promise((resolve) => {
          timer = setTimeout(resolve, 3_000);
        }),
      ]);
      clearTimeout(timer);
    }
    await this.options.leases.release(LEASE_NAME, this.options.instanceId).catch(() => undefined);
  }
}

/**
 * The task page of an archived task, the same shape `tasks.get` gives for a task in the hot table: the view made by
 * `view` (TaskService.view, from the final snapshot) and the task's bookings or transfer orders. Null when this user
 * has no such archived task.
 */
export async function archivedTaskDetail(
  orm: MikroORM,
  userId: number,
  id: string,
  view: (row: ArchivedTaskRecord) => TaskView,
): Promise<(TaskView & { bookings: ArchivedTaskOperation[] }) | null> {
  const em = orm.em.fork();
  const row = await em.findOne(ArchivedTask, { id, user: userId });
  if (!row) return null;
  const bookings: ArchivedTaskOperation[] =
    row.kind === 'supply'
      ? (await em.find(BookingResult, { task: id, user: userId }, { orderBy: { createdAt: 'desc' } })).map((b) => ({
          id: b.id,
          warehouseId: b.warehouseId,
          date: b.date,
          status: b.status,
          supplyId: b.supplyId ?? null,
          error: b.error ?? null,
        }))
      : (await em.find(RedistributionOrder, { task: id, user: userId }, { orderBy: { createdAt: 'desc' } })).map((o) => ({
          id: o.id,
          units: o.units,
          status: o.status,
          requestId: o.wbRequestId ?? null,
          error: o.error ?? null,
        }));
  const described = view({
    id: row.id,
    kind: row.kind,
    mode: row.mode,
    state: 'done',
    outcome: row.outcome ?? null,
    criteria: row.criteria,
    snapshot: row.snapshot ?? null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  });
  return { ...described, bookings };
}

/** Whether this user has an archived task with this id (finished long ago: nothing to command, no recent timeline). */
export async function isArchivedTask(orm: MikroORM, userId: number, id: string): Promise<boolean> {
  return (await orm.em.fork().count(ArchivedTask, { id, user: userId })) > 0;
}

/** What TaskService.view reads of a task, as an archived row provides it. */
export interface ArchivedTaskRecord {
  id: string;
  kind: ArchivedTask['kind'];
  mode: ArchivedTask['mode'];
  state: 'done';
  outcome: ArchivedTask['outcome'] | null;
  criteria: Record<string, unknown>;
  snapshot: Record<string, unknown> | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A booking or a transfer order as the task page lists it (the same fields as `tasks.get`). */
export type ArchivedTaskOperation =
  | { id: string; warehouseId: number; date: string; status: BookingResult['status']; supplyId: string | null; error: string | null }
  | { id: string; units: number; status: RedistributionOrder['status']; requestId: string | null; error: string | null };
