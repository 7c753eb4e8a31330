// The per-day materialisation of openings (issue 18: "materialised per day if needed"). At the sandbox scenario's change
// rate a warehouse and box type make ~1,500 history rows a day, so a 30-day figure computed from the raw rows costs a
// window pass over ~45,000 of them. Instead, once a Moscow day is two days old (its openings have had a day to close),
// one SQL statement folds every warehouse's openings of that day into one row per (warehouse, box type, threshold):
// counts by Moscow hour and by days ahead, and the seconds each opening lasted. The insight query reads those rows and
// computes only the last two days from the raw history.
import type { MikroORM } from '@mikro-orm/postgresql';
import { addDays, WB_HORIZON_DAYS } from '@slotpilot/shared';
import type { Logger } from 'pino';
import { moscowDay, moscowMidnight } from './history-recorder.ts';
import { dayOpeningsCtes } from './openings-sql.ts';

export interface InsightDaysOptions {
  orm: MikroORM;
  logger: Logger;
  clock?: () => number;
  /** How far back a catch-up goes (the longest insight window, 30 days, and a day of slack). */
  backDays?: number;
  /**
   * How long after its day an opening's end is looked for (default 2 days): one still open then is counted, and
   * counted as open, but not timed. A longer horizon reads more rows per fold.
   */
  endHorizonDays?: number;
}

/** Days younger than this are read live from the raw history: today and yesterday. */
export const LIVE_DAYS = 2;
const DAY_MS = 86_400_000;
const HOURS = Array.from({ length: 24 }, (_, h) => h);
const AHEAD = Array.from({ length: WB_HORIZON_DAYS }, (_, d) => d);

export class InsightDays {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<string[]> | undefined;

  constructor(private readonly options: InsightDaysOptions) {}

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }

  /** Fold one Moscow day's openings (once: a day already done is left as it is). */
  async materialise(day: string): Promise<boolean> {
    const since = moscowMidnight(day);
    const until = since + DAY_MS;
    const rowsUntil = Math.min(this.now(), until + (this.options.endHorizonDays ?? 2) * DAY_MS);
    const em = this.options.orm.em.fork();
    return em.transactional(async (tx) => {
      const conn = tx.getConnection();
      const claimed = await conn.execute<Array<{ day: string }>>(
        'insert into slot_insight_days_done (day) values (?::date) on conflict do nothing returning day',
        [day],
        'all',
        tx.getTransactionContext(),
      );
      if (claimed.length === 0) return false;
      await conn.execute(
        `with ${dayOpeningsCtes()}
         insert into slot_insight_days (warehouse_id, box_type_id, day, threshold, openings, open_ended, durations, by_hour, by_ahead)
         select warehouse_id, box_type_id, ?::date, threshold, count(*)::int, (count(*) filter (where ended is null))::int,
                coalesce(array_agg(extract(epoch from ended - started)::int order by started) filter (where ended is not null), '{}'),
                array[${HOURS.map((h) => `(count(*) filter (where extract(hour from started at time zone 'Europe/Moscow') = ${h}))::int`).join(', ')}],
                array[${AHEAD.map((d) => `(count(*) filter (where date - ?::date = ${d}))::int`).join(', ')}]
         from openings group by warehouse_id, box_type_id, threshold`,
        [new Date(since).toISOString(), new Date(until).toISOString(), new Date(rowsUntil).toISOString(), day, ...AHEAD.map(() => day)],
        'run',
        tx.getTransactionContext(),
      );
      return true;
    });
  }

  /** Materialise every day from `backDays` ago to two days ago that is not done yet. */
  catchUp(): Promise<string[]> {
    this.running ??= (async () => {
      const done: string[] = [];
      try {
        const today = moscowDay(this.now());
        for (let back = this.options.backDays ?? 31; back >= LIVE_DAYS; back--) {
          const day = addDays(today, -back);
          if (await this.materialise(day)) done.push(day);
        }
        if (done.length) this.options.logger.info({ event: 'insights.days_materialised', days: done }, 'slot insight days folded');
        return done;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  start(everyMs = 3_600_000): void {
    const run = () =>
      void this.catchUp().catch((err: unknown) =>
        this.options.logger.warn({ event: 'insights.days_failed', err }, 'could not fold slot insight days; retried within the hour'),
      );
    run();
    this.timer = setInterval(run, everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
