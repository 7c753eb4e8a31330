// Every task ending is reported. The engine writes an outbox row when an act ends a task (booked, slot found, a
// booking that failed or needs the seller); endings it does not write one for (the dates passed, a probe's fatal or
// needs-action failure, a redistribution without a portal session) are found here: the delivery leader looks, every
// half minute, for tasks that finished recently as expired, failed or needs-action with no message about their end, and
// writes one `task_ended` row each (dedupe key per task, so two looks or two leaders write it once).
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';

export interface TaskEndingsOptions {
  orm: MikroORM;
  isLeader: () => boolean;
  logger: Logger;
  intervalMs?: number;
  /** Endings older than this are history, not news (and keep the query on recent rows). */
  lookBackMs?: number;
  onEnqueued?: () => void;
}

/** Outbox kinds that already tell the seller how a task ended. */
const ENDING_KINDS = ['task_failed', 'needs_action', 'task_ended', 'booked', 'slot_found', 'redistribution_done'];

export class TaskEndings {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: TaskEndingsOptions) {}

  start(): void {
    this.timer = setInterval(() => {
      if (!this.options.isLeader()) return;
      this.running = this.check().catch((err: unknown) =>
        this.options.logger.warn({ event: 'notify.task_endings_failed', err }, 'task endings check failed'),
      );
    }, this.options.intervalMs ?? 30_000);
  }

  /** Stops looking; a look under way gets a few seconds (a query stuck on a dead database must not hold the stop up). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.running.catch(() => undefined),
      new Promise((resolve) => {
        timer = setTimeout(resolve, 3_000);
      }),
    ]);
    clearTimeout(timer);
  }

  /** One look; returns how many endings were written. */
  async check(): Promise<number> {
    const lookBackMs = this.options.lookBackMs ?? 24 * 60 * 60_000;
    // The first warehouse of a supply task (or the source of a transfer) names the alert; the reason and the action
    // link are the actor's, from its persisted snapshot.
    const rows = await this.options.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ id: string }>>(
        `insert into outbox (user_id, kind, payload, dedupe_key, attempts, next_attempt_at, created_at)
       select t.user_id, 'task_ended',
              jsonb_strip_nulls(jsonb_build_object(
                'taskId', t.id::text,
                'outcome', t.outcome,
                'reason', case when t.outcome = 'expired' then 'expired'
                               else coalesce(t.snapshot->'context'->>'reason', 'unknown') end,
                'actionUrl', t.snapshot->'context'->>'actionUrl',
                'warehouseId', case when t.kind = 'supply' then (t.criteria->'warehouseIds'->>0)::int
                                    else (t.criteria->>'srcWarehouseId')::int end)),
              'task_ended:' || t.id::text, 0, now(), now()
       from monitoring_tasks t
       where t.state = 'done' and t.outcome in ('expired', 'failed', 'needs-action')
         and coalesce(t.finished_at, t.updated_at) > now() - ?::interval
         and not exists (
           select 1 from outbox o
           where o.user_id = t.user_id and o.kind = any(?::text[]) and o.payload->>'taskId' = t.id::text)
       on conflict (dedupe_key) do nothing
       returning id`,
        [`${lookBackMs} milliseconds`, `{${ENDING_KINDS.join(',')}}`],
      );
    if (rows.length) {
      this.options.logger.info({ event: 'notify.task_endings', count: rows.length }, 'task endings reported');
      this.options.onEnqueued?.();
    }
    return rows.length;
  }
}
