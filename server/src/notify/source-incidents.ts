// "WB disabled the coefficients method" is a state of the shared feed, not of any task: its users hear about it once
// per incident. The delivery leader watches the feed's status; when it turns `disabled`, an incident opens and every
// user with a running supply task gets one `source_disabled` message (dedupe key: incident + user). The incident closes
// only after the source has stayed healthy for a while, so a flapping source is still one incident. Its state is kept
// in shared state, so a new leader continues the same incident instead of opening another.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { FeedStatus } from '../feed/feed-status.ts';
import type { SharedState } from '../platform/kv/types.ts';
import { enqueueNotification } from './outbox.ts';

export interface SourceIncidentsOptions {
  orm: MikroORM;
  shared: SharedState;
  /** The feed's source status (any instance may read it). */
  status: () => Promise<FeedStatus>;
  /** Only the delivery leader watches. */
  isLeader: () => boolean;
  logger: Logger;
  /** Namespaces the incident key (per bot, like the delivery lease). */
  keyPrefix: string;
  intervalMs?: number;
  /** How long the source must stay healthy before an incident is over. */
  quietMs?: number;
  /** Called after the watcher wrote messages, so delivery can start at once. */
  onEnqueued?: () => void;
}

interface Incident {
  id: number;
  since: number;
  reason: string | null;
  /** When the source was last seen healthy again, while the incident is still open. */
  healthySince?: number;
}

const INCIDENT_TTL_MS = 30 * 24 * 60 * 60_000;

export class SourceIncidents {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly options: SourceIncidentsOptions) {}

  start(): void {
    this.timer = setInterval(
      () =>
        void this.check().catch((err: unknown) =>
          this.options.logger.warn({ event: 'notify.incident_check_failed', err }, 'source incident check failed'),
        ),
      this.options.intervalMs ?? 5_000,
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running.catch(() => undefined);
  }

  /** One look at the feed's status, after any look already under way (looks never overlap). */
  check(): Promise<void> {
    const next = this.running.catch(() => undefined).then(() => this.look());
    this.running = next;
    return next;
  }

  private async look(): Promise<void> {
    if (!this.options.isLeader()) return;
    const { cache } = this.options.shared;
    const key = `${this.options.keyPrefix}source-incident`;
    const status = await this.options.status();
    const raw = await cache.get(key);
    const open: Incident | undefined = raw ? (JSON.parse(raw) as Incident) : undefined;
    const now = Date.now();

    if (status.state === 'disabled') {
      if (open) {
        if (open.healthySince !== undefined) await cache.set(key, JSON.stringify({ ...open, healthySince: undefined }), INCIDENT_TTL_MS);
        return;
      }
      const incident: Incident = { id: now, since: now, reason: status.reason };
      await cache.set(key, JSON.stringify(incident), INCIDENT_TTL_MS);
      const users = await this.notifyAffected(incident);
      this.options.logger.warn(
        { event: 'notify.source_disabled', incidentId: incident.id, reason: status.reason, users },
        'WB disabled the coefficients source: users with running tasks are told once',
      );
      return;
    }
    if (!open) return;
    if (open.healthySince === undefined) await cache.set(key, JSON.stringify({ ...open, healthySince: now }), INCIDENT_TTL_MS);
    else if (now - open.healthySince >= (this.options.quietMs ?? 10 * 60_000)) {
      await cache.delete(key);
      this.options.logger.info({ event: 'notify.source_incident_closed', incidentId: open.id }, 'the coefficients source is back');
    }
  }

  private async notifyAffected(incident: Incident): Promise<number> {
    const em = this.options.orm.em.fork();
    const rows = await em.getConnection().execute<Array<{ user_id: string }>>(
      `select distinct t.user_id from monitoring_tasks t join users u on u.id = t.user_id
         where t.kind = 'supply' and t.state <> 'done' and u.active`,
    );
    if (!rows.length) return 0;
    await em.transactional(async (tx) => {
      for (const row of rows) {
        await enqueueNotification(tx, {
          userId: Number(row.user_id),
          kind: 'source_disabled',
          payload: { incidentId: incident.id, since: new Date(incident.since).toISOString(), reason: incident.reason },
          dedupeKey: `source_disabled:${incident.id}:${row.user_id}`,
        });
      }
    });
    this.options.onEnqueued?.();
    return rows.length;
  }
}
