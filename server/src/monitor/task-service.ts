// What the API and the bot do with tasks: create (validated against WB and the user's keys and credits), list, read,
// and command. A user only ever sees and touches their own tasks.
import type { MikroORM } from '@mikro-orm/postgresql';
import {
  addDays,
  type CreateRedistributionTaskInput,
  type CreateSupplyTaskInput,
  DomainError,
  moscowToday,
  type RedistributionCriteria,
  type SupplyCriteria,
  type TaskSource,
  type TaskView,
} from '@slotpilot/shared';
import type { Logger } from 'pino';
import type { CredentialService } from '../accounts/credential-service.ts';
import { creditsLeft } from '../accounts/credit-ledger.ts';
import { BookingResult } from '../db/entities/booking-result.ts';
import { MonitoringTask } from '../db/entities/monitoring-task.ts';
import { RedistributionOrder } from '../db/entities/redistribution-order.ts';
import { sourceGap } from '../feed/feed-status.ts';
import type { SlotFeed } from '../feed/slot-feed.ts';
import type { WarehouseDirectory } from '../feed/warehouse-directory.ts';
import { WbPortalError, WbUnauthorizedError } from '../wb/errors.ts';
import type { WbPortalClient } from '../wb/portal-client.ts';
import type { ActorHost, TaskCommand } from './actor-host.ts';
import { describeSnapshot, type MonitorDescription } from './machine.ts';
import { upcastSnapshot } from './snapshot-versions.ts';
import type { TransitionLog } from './transition-log.ts';

export const MAX_ACTIVE_TASKS = 50;
/** How far ahead a task may watch: WB shows 14 days, but sellers plan further and wait for the dates to appear. */
export const MAX_DAYS_AHEAD = 90;

/** What a task's view is made of: an entity, or a row read without the ORM. */
type TaskRecord = Pick<MonitoringTask, 'id' | 'kind' | 'mode' | 'state' | 'outcome' | 'criteria' | 'snapshot'> & {
  /** A Date from an entity, or the ISO text the list query formats itself. */
  createdAt: Date | string;
  updatedAt: Date | string;
};

/** A timestamptz column as the ISO 8601 text `Date.prototype.toISOString` gives (UTC, milliseconds, `Z`). */
const ISO_UTC = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const iso = (at: Date | string) => (typeof at === 'string' ? at : at.toISOString());

interface TaskListRow {
  id: string;
  kind: MonitoringTask['kind'];
  mode: MonitoringTask['mode'];
  state: MonitoringTask['state'];
  outcome: MonitoringTask['outcome'];
  criteria: MonitoringTask['criteria'];
  snapshot: MonitoringTask['snapshot'];
  /** Leased by this instance (so, nearly always, running here). */
  ours: boolean | null;
  created_at: string;
  updated_at: string;
}

export interface TaskServiceDeps {
  orm: MikroORM;
  host: ActorHost;
  credentials: CredentialService;
  warehouses: WarehouseDirectory;
  portal: WbPortalClient;
  feed: SlotFeed;
  logger: Logger;
}

export class TaskService {
  constructor(private readonly deps: TaskServiceDeps) {}

  async create(userId: number, input: CreateSupplyTaskInput | CreateRedistributionTaskInput): Promise<{ id: string }> {
    const em = this.deps.orm.em.fork();
    const active = await em.count(MonitoringTask, { user: userId, state: { $ne: 'done' } });
    if (active >= MAX_ACTIVE_TASKS) throw new DomainError('TASK_LIMIT', { max: MAX_ACTIVE_TASKS });

    let criteria: SupplyCriteria | RedistributionCriteria;
    let mode: 'notify' | 'autobook';
    if (input.kind === 'supply') {
      ({ criteria, mode } = await this.validateSupply(userId, input));
    } else {
      const { kind: _kind, ...rest } = input;
      criteria = rest;
      mode = 'autobook';
      await this.requirePortalSession(userId);
      await this.requireCredit(userId);
    }

    const preorderId = input.kind === 'supply' && mode === 'autobook' ? ((criteria as SupplyCriteria).preorderId ?? null) : null;
    if (preorderId && (await em.count(MonitoringTask, { preorderId, state: { $ne: 'done' } })) > 0) {
      throw new DomainError('PREORDER_TASK_EXISTS', { id: preorderId });
    }
    const task = em.create(MonitoringTask, {
      user: userId,
      kind: input.kind,
      mode,
      criteria: criteria as unknown as Record<string, unknown>,
      preorderId,
      state: 'idle',
      leaseEpoch: 0,
      // Claimed by this instance at once, so the creator's instance runs it without waiting for a claim cycle.
      leaseOwner: this.deps.host.instanceId,
    });
    try {
      await em.flush();
    } catch (error) {
      // Two creates raced past the check: the partial unique index keeps one live task per preorder.
      if (preorderId && violates(error, 'monitoring_tasks_live_preorder_unique')) {
        throw new DomainError('PREORDER_TASK_EXISTS', { id: preorderId });
      }
      throw error;
    }
    await this.deps.host.adopt({ id: task.id, userId, kind: input.kind, mode, criteria, snapshot: null, epoch: 0 });
    this.deps.logger.info({ event: 'task.created', taskId: task.id, userId, kind: input.kind, mode }, 'task created');
    return { id: task.id };
  }

  /**
   * Plain rows, not entities: the list is read-only and fetched on every visit, and hydrating its entities (JSON columns
   * copied for change tracking) cost more than the query itself. For the tasks this instance runs, the criteria and
   * state come from the actor host (already parsed), so their JSON columns are not even read; timestamps arrive as the
   * ISO text the API sends (issue 8's API benchmark).
   */
  async list(userId: number): Promise<TaskView[]> {
    const conn = this.deps.orm.em.getConnection();
    const me = this.deps.host.instanceId;
    const rows = await conn.execute<TaskListRow[]>(
      `select id, kind, mode, state, outcome, lease_owner = ? as ours,
              case when lease_owner = ? then null else criteria end as criteria,
              case when lease_owner = ? then null else snapshot end as snapshot,
              ${ISO_UTC('created_at')} as created_at, ${ISO_UTC('updated_at')} as updated_at
       from monitoring_tasks where user_id = ? order by monitoring_tasks.created_at desc limit 200`,
      [me, me, me, userId],
    );
    // Leased here but not running here (just released or being stopped): read what was left out.
    const missing = rows.filter((row) => row.ours && !this.deps.host.runs(row.id)).map((row) => row.id);
    if (missing.length) {
      const stored = await conn.execute<Array<Pick<TaskListRow, 'id' | 'criteria' | 'snapshot'>>>(
        `select id, criteria, snapshot from monitoring_tasks where id in (${missing.map(() => '?').join(', ')})`,
        missing,
      );
      const byId = new Map(stored.map((r) => [r.id, r]));
      for (const row of rows) {
        const found = byId.get(row.id);
        if (found) Object.assign(row, { criteria: found.criteria, snapshot: found.snapshot, ours: false });
      }
    }
    const views = rows.map((row) =>
      this.view(userId, {
        id: row.id,
        kind: row.kind,
        mode: row.mode,
        state: row.state,
        outcome: row.outcome,
        criteria: (row.ours ? this.deps.host.criteriaOf(row.id) : undefined) ?? row.criteria,
        snapshot: row.snapshot,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      }),
    );
    return this.explainGaps(userId, views);
  }

  async get(userId: number, id: string): Promise<TaskView & { bookings: unknown[] }> {
    const em = this.deps.orm.em.fork();
    const row = await em.findOne(MonitoringTask, { id, user: userId });
    if (!row) throw new DomainError('NOT_FOUND');
    const bookings =
      row.kind === 'supply'
        ? (await em.find(BookingResult, { task: id }, { orderBy: { createdAt: 'desc' } })).map((b) => ({
            id: b.id,
            warehouseId: b.warehouseId,
            date: b.date,
            status: b.status,
            supplyId: b.supplyId ?? null,
            error: b.error ?? null,
          }))
        : (await em.find(RedistributionOrder, { task: id }, { orderBy: { createdAt: 'desc' } })).map((o) => ({
            id: o.id,
            units: o.units,
            status: o.status,
            requestId: o.wbRequestId ?? null,
            error: o.error ?? null,
          }));
    const [view] = await this.explainGaps(userId, [this.view(userId, row)]);
    return { ...view!, bookings };
  }

  async command(userId: number, id: string, command: TaskCommand): Promise<TaskView> {
    const em = this.deps.orm.em.fork();
    const row = await em.findOne(MonitoringTask, { id, user: userId });
    if (!row) throw new DomainError('NOT_FOUND');
    if (row.state === 'done') throw new DomainError('TASK_FINISHED');
    if (command === 'RESUME' && row.mode === 'autobook') await this.requireCredit(userId);
    const result = await this.deps.host.command(id, command);
    if (result === 'no-answer') throw new DomainError('TASK_BUSY');
    const fresh = await this.deps.orm.em.fork().findOneOrFail(MonitoringTask, id);
    const [view] = await this.explainGaps(userId, [this.view(userId, fresh)]);
    return view!;
  }

  /** The task's recent transitions (event, from → to, time, summary), for its owner. */
  async timeline(userId: number, id: string, transitions: TransitionLog) {
    const owned = await this.deps.orm.em.fork().count(MonitoringTask, { id, user: userId });
    if (!owned) throw new DomainError('NOT_FOUND');
    return transitions.of(id).map(({ instanceId: _instance, userId: _user, ...record }) => record);
  }

  /** The user's bookings and transfer orders, newest first. */
  async history(userId: number) {
    const em = this.deps.orm.em.fork();
    const [bookings, transfers] = await Promise.all([
      em.find(BookingResult, { user: userId }, { orderBy: { createdAt: 'desc' }, limit: 200 }),
      em.find(RedistributionOrder, { user: userId }, { orderBy: { createdAt: 'desc' }, limit: 200 }),
    ]);
    return {
      bookings: bookings.map((b) => ({
        id: b.id,
        taskId: b.task.id,
        warehouseId: b.warehouseId,
        date: b.date,
        boxTypeId: b.boxTypeId,
        coefficient: b.coefficient ?? null,
        status: b.status,
        preorderId: b.preorderId ?? null,
        supplyId: b.supplyId ?? null,
        error: b.error ?? null,
        createdAt: b.createdAt.toISOString(),
      })),
      transfers: transfers.map((o) => ({
        id: o.id,
        taskId: o.task.id,
        nmId: o.nmId,
        srcWarehouseId: o.srcWarehouseId,
        dstWarehouseId: o.dstWarehouseId,
        units: o.units,
        status: o.status,
        requestId: o.wbRequestId ?? null,
        error: o.error ?? null,
        createdAt: o.createdAt.toISOString(),
      })),
    };
  }

  /** WB's transfer quotas (and this article's stock, when asked) through the user's portal session. */
  async redistributionLimits(userId: number, nmIds: number[]) {
    const session = await this.requirePortalSession(userId);
    try {
      const [quotas, stock] = await Promise.all([
        this.deps.portal.transferLimits(session),
        nmIds.length ? this.deps.portal.transferStock(session, nmIds) : Promise.resolve([]),
      ]);
      return { quotas, stock };
    } catch (error) {
      if (error instanceof WbUnauthorizedError) throw new DomainError('KEY_SESSION_REJECTED');
      throw new DomainError('WB_UNAVAILABLE');
    }
  }

  /**
   * Complete each running supply task's source with the state of the source behind it (so a seller reads "WB limited our
   * requests" rather than a silent wait) and, for a task with no fresh picture, why: WB's official method off and no
   * portal session of theirs, or the sources failing. One status read per call, one count only when some task has none.
   */
  private async explainGaps(userId: number, views: TaskView[]): Promise<TaskView[]> {
    if (!views.some((v) => v.source)) return views;
    const status = await this.deps.feed.sourceStatus();
    const reason = views.some((v) => v.source?.kind === 'none')
      ? sourceGap(status, await this.deps.credentials.hasValidPortalSession(userId))
      : null;
    return views.map((v) => {
      if (!v.source) return v;
      const { kind } = v.source;
      return kind === 'none'
        ? { ...v, source: { ...v.source, state: status.state, reason } }
        : { ...v, source: { ...v.source, state: status.sources[kind].state } };
    });
  }

  view(userId: number, row: TaskRecord): TaskView {
    const live = this.deps.host.describe(row.id);
    const description = live ?? storedDescription(row.snapshot);
    const state = description?.state ?? row.state;
    let source: TaskSource | null = null;
    if (row.kind === 'supply' && state !== 'done') {
      const of = this.deps.feed.sourceOf((row.criteria as unknown as SupplyCriteria).warehouseIds, userId);
      source = { kind: of.kind, updatedAt: of.updatedAt, state: 'ok', reason: null };
    }
    return {
      id: row.id,
      kind: row.kind,
      mode: row.mode,
      state: description?.state ?? row.state,
      outcome: description?.outcome ?? row.outcome ?? null,
      criteria: row.criteria as unknown as SupplyCriteria,
      lastCheckAt: description?.lastCheckAt ?? null,
      bestSeen: description?.bestSeen ?? null,
      nextStepAt: description?.nextStepAt ?? null,
      reason: description?.reason ?? null,
      found: description?.found ?? null,
      foundAt: description?.foundAt ?? null,
      actionUrl: description?.actionUrl ?? null,
      source,
      createdAt: iso(row.createdAt),
      updatedAt: iso(row.updatedAt),
    };
  }

  private async validateSupply(
    userId: number,
    input: CreateSupplyTaskInput,
  ): Promise<{ criteria: SupplyCriteria; mode: 'notify' | 'autobook' }> {
    const today = moscowToday();
    if (input.dateFrom < today) throw new DomainError('DATE_IN_PAST', { today });
    if (input.dateTo > addDays(today, MAX_DAYS_AHEAD)) throw new DomainError('RANGE_TOO_LONG', { days: MAX_DAYS_AHEAD });
    const known = await this.deps.warehouses.byId();
    const unknown = input.warehouseIds.find((id) => !known.has(id));
    if (unknown !== undefined) throw new DomainError('UNKNOWN_WAREHOUSE', { id: unknown });
    const { kind: _kind, mode, ...criteria } = input;
    const skipDates = [...new Set(criteria.skipDates)].filter((d) => d >= input.dateFrom && d <= input.dateTo).sort();
    // A notify task only keeps its preorder for the slot-found sheet's link to WB's date page: WB itself checks it there,
    // so it is not looked up here (a notify task must not need a portal session).
    if (mode === 'notify') return { criteria: { ...criteria, skipDates }, mode };

    if (!input.preorderId) throw new DomainError('PREORDER_REQUIRED');
    const session = await this.requirePortalSession(userId);
    let details: Awaited<ReturnType<WbPortalClient['supplyDetails']>>;
    try {
      details = await this.deps.portal.supplyDetails(session, { preorderId: input.preorderId });
    } catch (error) {
      if (error instanceof WbPortalError && error.kind === 'not_found')
        throw new DomainError('PREORDER_NOT_FOUND', { id: input.preorderId });
      if (error instanceof WbUnauthorizedError) throw new DomainError('KEY_SESSION_REJECTED');
      throw new DomainError('WB_UNAVAILABLE');
    }
    if (details.supplyId && details.deliveryDate)
      throw new DomainError('PREORDER_ALREADY_PLANNED', { id: input.preorderId, date: details.deliveryDate });
    if (!input.warehouseIds.includes(details.warehouseId)) {
      throw new DomainError('PREORDER_WAREHOUSE_MISMATCH', { id: input.preorderId, warehouse: details.warehouseId });
    }
    await this.requireCredit(userId);
    // A preorder belongs to one warehouse, so an auto-booking task watches exactly that one.
    return { criteria: { ...criteria, skipDates, warehouseIds: [details.warehouseId], keepWatching: false }, mode };
  }

  private async requirePortalSession(userId: number): Promise<string> {
    const session = (await this.deps.credentials.portalSessions(userId))[0];
    if (!session) throw new DomainError('NO_PORTAL_SESSION');
    return session.session;
  }

  private async requireCredit(userId: number): Promise<void> {
    if ((await creditsLeft(this.deps.orm.em.fork(), userId)) < 1) throw new DomainError('NO_CREDITS');
  }
}

/**
 * A stored snapshot's description, if this machine can read it: one it cannot (waiting for its owner to quarantine it)
 * shows the row's own state instead of failing the whole list.
 */
function storedDescription(snapshot: Record<string, unknown> | null | undefined): MonitorDescription | undefined {
  if (!snapshot) return undefined;
  const upcast = upcastSnapshot(snapshot);
  return upcast.ok ? describeSnapshot(upcast.snapshot) : undefined;
}

/** Whether `error` (or one of its causes) is a violation of the named constraint or unique index. */
function violates(error: unknown, constraint: string): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    if ((current as { constraint?: unknown }).constraint === constraint) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
