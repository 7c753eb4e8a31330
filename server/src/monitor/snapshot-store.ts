// Fenced persistence of task snapshots: every change of durable state is written under the lease (owner and epoch),
// retried with a growing wait while PostgreSQL refuses it, then published on the bus; a snapshot that cannot be
// restored is quarantined.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { enqueueNotification } from '../notify/outbox.ts';
import { boundQuery } from '../platform/db/bound-query.ts';
import type { SharedState } from '../platform/kv/types.ts';
import type { Metrics } from '../platform/metrics.ts';
import { changeKey, type Hosted, persistedOf } from './actor-runtime.ts';
import { fullJitterDelay } from './backoff.ts';
import type { TaskRow } from './lease-manager.ts';
import { describeSnapshot, initialContext, type MonitorDescription, type MonitorSnapshot } from './machine.ts';
import { INCOMPATIBLE_SNAPSHOT, toStored } from './snapshot-versions.ts';
import { CHANNEL_TASK_CHANGED, CHANNEL_TASK_TRANSITION, type TaskChange } from './task-bus.ts';
import type { TransitionRecord } from './transition-log.ts';

export interface SnapshotStoreOptions {
  orm: MikroORM;
  shared: SharedState;
  metrics?: Metrics | undefined;
  logger: Logger;
  instanceId: string;
  /** Whether `hosted` still runs here (writes stop being retried once it does not). */
  isCurrent(hosted: Hosted): boolean;
  isStopped(): boolean;
  /** The task left this instance (another owns it) or finished: stop hosting it, without writing. */
  release(taskId: string): Promise<void>;
}

export class SnapshotStore {
  constructor(private readonly options: SnapshotStoreOptions) {}

  /** A snapshot of a running actor: a change of durable state is queued for writing; the rest is only published. */
  record(hosted: Hosted, snapshot: MonitorSnapshot, event: string): void {
    const description = describeSnapshot(snapshot);
    // A command deferred while booking is durable context: written like a change of state, so a crash or a lease move
    // during the act does not lose it.
    const key = changeKey(snapshot);
    const best = JSON.stringify(description.bestSeen);
    const { row } = hosted;
    const notifiedChanged = !sameKeys(hosted.lastNotified, snapshot.context.notified);
    if (notifiedChanged) hosted.lastNotified = snapshot.context.notified;
    if (key === hosted.lastKey) {
      // Not a state change: tell watchers only when the best coefficient moved; write only when the alerted cells
      // changed (a closed cell forgotten: a restart must not forget that its reopening is news).
      if (best !== hosted.lastBest) {
        hosted.lastBest = best;
        void this.publishChange(hosted, description);
      }
      if (notifiedChanged) this.write(hosted, description, undefined);
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
    this.write(hosted, description, record);
  }

  /** Queue the task's current snapshot for writing; then publish its transition (if it is one) and the change. */
  private write(hosted: Hosted, description: MonitorDescription, record: TransitionRecord | undefined): void {
    const { row } = hosted;
    const persisted = persistedOf(hosted);
    hosted.unwritten += 1;
    hosted.writes = hosted.writes
      .then(async () => {
        const stillOwner = await this.persistUntilWritten(hosted, persisted, description).finally(() => {
          hosted.unwritten -= 1;
        });
        if (!stillOwner) {
          await this.options.release(row.id);
          return;
        }
        if (!record) return;
        await this.options.shared.bus.publish(CHANNEL_TASK_TRANSITION, record);
        await this.publishChange(hosted, description);
        if (description.state === 'done') await this.options.release(row.id);
      })
      .catch((err: unknown) =>
        this.options.logger.error({ event: 'actor.persist_failed', taskId: row.id, err }, 'could not persist an actor'),
      );
  }

  /**
   * A change of durable state is written, retried with a growing wait while PostgreSQL refuses it (the task stays hosted
   * and leased meanwhile, and its acts wait: see `written`). Gives up only when the task leaves this instance or the
   * instance stops (whose final write tries once more).
   */
  private async persistUntilWritten(hosted: Hosted, snapshot: MonitorSnapshot, description: MonitorDescription): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.persist(hosted.row, snapshot, description);
      } catch (err) {
        if (this.options.isStopped() || !this.options.isCurrent(hosted)) throw err;
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
  async written(hosted: Hosted, maxMs: number): Promise<boolean> {
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

  async publishChange(hosted: Hosted, description: MonitorDescription): Promise<void> {
    hosted.seq += 1;
    const change: TaskChange = { taskId: hosted.row.id, userId: hosted.row.userId, seq: hosted.seq, description, at: Date.now() };
    // Only while someone listens (a Mini App's live task list): a listener resyncs from PostgreSQL when it starts.
    await this.options.shared.bus.publish(CHANNEL_TASK_CHANGED, change, { ifHeard: true }).catch(() => undefined);
  }

  /** Write the snapshot if we still hold the lease (fencing). False when another instance owns the task now. */
  async persist(row: TaskRow, snapshot: MonitorSnapshot, description: MonitorDescription): Promise<boolean> {
    const done = description.state === 'done';
    const rows = await boundQuery<{ id: string }>(
      this.options.orm,
      `update monitoring_tasks
       set snapshot = $1::jsonb, state = $2, outcome = $3, updated_at = now(),
           finished_at = case when $4::boolean then now() else null end,
           lease_owner = case when $4::boolean then null else lease_owner end
       where id = $5 and lease_owner = $6 and lease_epoch = $7 returning id`,
      [JSON.stringify(toStored(snapshot)), description.state, description.outcome, done, row.id, this.options.instanceId, row.epoch],
    );
    return rows.length === 1;
  }

  /**
   * A task whose stored snapshot (or criteria) this machine cannot restore: failed, reason `incompatible-snapshot`, the
   * seller told, admins alerted in the log, the original kept for inspection.
   */
  async quarantine(row: TaskRow, problem: string): Promise<void> {
    this.options.logger.error(
      { event: 'monitor.snapshot_quarantined', taskId: row.id, userId: row.userId, problem, alert: 'admins' },
      'a task snapshot cannot be restored: the task is failed and kept for inspection',
    );
    const original: unknown = row.snapshot;
    const context = initialContext({ input: { taskId: row.id, mode: row.mode, keepWatching: false, pollIntervalMs: 0 } });
    const snapshot = {
      ...toStored({
        status: 'done',
        value: 'done',
        children: {},
        output: undefined,
        error: undefined,
        context: { ...context, reason: INCOMPATIBLE_SNAPSHOT, outcome: 'failed' },
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
}

/** Same cells in the same order (a new array with the same keys is no change: restores and assigns copy them). */
function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function summarize(d: MonitorDescription): string {
  const parts: string[] = [];
  if (d.bestSeen) parts.push(`best x${d.bestSeen.coefficient} at ${d.bestSeen.warehouseId} on ${d.bestSeen.date}`);
  if (d.found) parts.push(`found x${d.found.coefficient} at ${d.found.warehouseId} on ${d.found.date}`);
  if (d.reason) parts.push(d.reason);
  return parts.join('; ') || '—';
}
