// Daily partitions of slot_history: made a week ahead (so a stalled job leaves days of slack, and the recorder never
// meets a missing one in normal running), and dropped whole once past the retention, which costs no vacuum and no
// long DELETE. Every instance runs it hourly: each step is idempotent and two instances racing are harmless.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';

export interface HistoryPartitionsOptions {
  orm: MikroORM;
  logger: Logger;
  retentionDays: number;
  /** Days of partitions kept ready ahead of today (UTC days). */
  aheadDays?: number;
  clock?: () => number;
}

const DAY_MS = 86_400_000;
const PARTITION = /^slot_history_p(\d{4})(\d{2})(\d{2})$/;
/** PostgreSQL: the table exists already (a racing instance made it), or its row type does. */
const ALREADY_THERE = new Set(['42P07', '23505']);

/** The UTC day of `ms` as YYYY-MM-DD. */
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const partitionName = (day: string) => `slot_history_p${day.replaceAll('-', '')}`;

export class HistoryPartitions {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: HistoryPartitionsOptions) {}

  private get clock() {
    return this.options.clock ?? Date.now;
  }

  /** Make sure a partition exists for every UTC day from `fromMs` to `toMs`. */
  async ensure(fromMs: number, toMs: number): Promise<string[]> {
    const made: string[] = [];
    const conn = this.options.orm.em.fork().getConnection();
    for (let day = Date.parse(`${utcDay(fromMs)}T00:00:00Z`); day <= toMs; day += DAY_MS) {
      const name = partitionName(utcDay(day));
      const from = new Date(day).toISOString();
      const to = new Date(day + DAY_MS).toISOString();
      try {
        const exists = await conn.execute<{ n: number }[]>('select 1 as n from pg_class where relname = ?', [name]);
        if (exists.length > 0) continue;
        await conn.execute(`create table if not exists "${name}" partition of "slot_history" for values from ('${from}') to ('${to}')`);
        made.push(name);
      } catch (error) {
        if (!ALREADY_THERE.has(String((error as { code?: unknown }).code))) throw error;
      }
    }
    if (made.length) this.options.logger.info({ event: 'history.partitions_created', partitions: made }, 'slot history partitions created');
    return made;
  }

  /** The partitions there are, oldest first, with the UTC day each holds. */
  async list(): Promise<Array<{ name: string; day: string }>> {
    const rows = await this.options.orm.em
      .fork()
      .getConnection()
      .execute<{ name: string }[]>(
        `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
         where p.relname = 'slot_history' order by c.relname`,
      );
    return rows.flatMap(({ name }) => {
      const m = PARTITION.exec(name);
      return m ? [{ name, day: `${m[1]}-${m[2]}-${m[3]}` }] : [];
    });
  }

  /** Drop every partition whose whole day lies before the retention, and the observation rows of those days. */
  async dropExpired(): Promise<string[]> {
    const cutoff = this.clock() - this.options.retentionDays * DAY_MS;
    const dropped: string[] = [];
    const conn = this.options.orm.em.fork().getConnection();
    for (const { name, day } of await this.list()) {
      if (Date.parse(`${day}T00:00:00Z`) + DAY_MS > cutoff) continue;
      await conn.execute(`drop table if exists "${name}"`);
      dropped.push(name);
    }
    await conn.execute('delete from slot_observation where day < ?::date', [utcDay(cutoff)]);
    if (dropped.length) this.options.logger.info({ event: 'history.partitions_dropped', partitions: dropped }, 'old slot history dropped');
    return dropped;
  }

  /** One maintenance pass: yesterday to `aheadDays` ahead exist, expired days are gone. */
  maintain(): Promise<void> {
    this.running ??= (async () => {
      try {
        const now = this.clock();
        await this.ensure(now - DAY_MS, now + (this.options.aheadDays ?? 7) * DAY_MS);
        await this.dropExpired();
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /**
   * Maintain now (so the recorder has today's partition before its first write), then every `everyMs`. A failure does
   * not stop the server: history is an extra, and the recorder makes a missing day's partition itself.
   */
  async start(everyMs = 3_600_000): Promise<void> {
    const run = () =>
      this.maintain().catch((err: unknown) =>
        this.options.logger.warn({ event: 'history.maintenance_failed', err }, 'slot history maintenance failed; retried within the hour'),
      );
    await run();
    this.timer = setInterval(() => void run(), everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
