// Delivers the outbox to Telegram. One instance leads (a lease in shared state); rows are still claimed with
// `FOR UPDATE SKIP LOCKED` and a visibility timeout, so even two leaders for a moment never send a row twice.
// Pacing: at most one message per user in flight (so one user's messages keep their order), and the API client
// given here is throttled (about 30 messages/s overall, 1/s per chat). 429s are waited out (the client's auto-retry,
// then `retry_after` here), 5xx and network failures back off exponentially, and a message is given up after a
// bounded number of attempts with the reason logged. A user who blocked the bot is marked inactive.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Language } from '@slotpilot/shared';
import { type Api, GrammyError, HttpError } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Logger } from 'pino';
import { User } from '../db/entities/user.ts';
import type { SharedState } from '../platform/kv/types.ts';

export interface OutboxNotification {
  id: number;
  userId: number;
  kind: string;
  payload: Record<string, unknown>;
  /** Including the one being made now. */
  attempts: number;
  createdAt: Date;
  /**
   * Alerts of the same kind for the same user and place that were waiting too (slot alerts: the cell — warehouse, date,
   * box type; transfer limits: the route): they go out as this one message, which names every task they concern.
   */
  coalesced?: Array<{ id: number; payload: Record<string, unknown> }>;
}

export interface RenderedNotification {
  text: string;
  replyMarkup?: InlineKeyboardMarkup;
}

/** Turns an outbox row into a message in the user's language; `undefined` for a row it cannot render. */
export type NotificationRenderer = (notification: OutboxNotification, language: Language) => Promise<RenderedNotification | undefined>;

export interface OutboxDeliveryOptions {
  orm: MikroORM;
  shared: SharedState;
  /** A Bot API client with throttling installed (and auto-retry for short 429 waits). */
  api: Api;
  render: NotificationRenderer;
  logger: Logger;
  instanceId: string;
  /** The leader lease's name; one delivery leader per bot. */
  leaseName: string;
  /** Attempts before a message is given up (the first send included). */
  maxAttempts?: number;
  /** First retry delay after a 5xx or network failure; doubles per attempt, with jitter. */
  retryBaseMs?: number;
  retryCapMs?: number;
  /** Messages in flight at once (each for a different user). */
  maxInFlight?: number;
  /** How long a claimed row stays invisible to other claimers before it counts as abandoned (a crashed sender). */
  claimTtlMs?: number;
  /** How often an idle leader looks for due rows. */
  idleMs?: number;
  leaseTtlMs?: number;
  /** On stop, how long sends already under way may take before they are cut off. */
  stopGraceMs?: number;
}

interface ClaimedRow {
  id: string;
  user_id: string;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  created_at: Date;
}

type Failure =
  | { type: 'unreachable'; reason: string }
  | { type: 'permanent'; reason: string }
  | { type: 'retry'; reason: string; afterMs?: number };

export class OutboxDelivery {
  /** Counters for tests and operators. */
  readonly stats = { sent: 0, retried: 0, failed: 0, blocked: 0 };
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly inFlightUsers = new Set<number>();
  private readonly abort = new AbortController();
  private stopping = false;
  private leading = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastLoopError: string | undefined;

  constructor(private readonly options: OutboxDeliveryOptions) {}

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Look for due messages now (e.g. right after writing one) instead of at the next idle tick. */
  nudge(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    // Let sends under way finish and be marked, so the next instance does not repeat them; cut off the rest.
    const pending = [...this.inFlight.values()];
    if (pending.length) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled(pending),
        new Promise((resolve) => {
          timer = setTimeout(resolve, this.options.stopGraceMs ?? 3_000);
        }),
      ]);
      clearTimeout(timer);
      this.abort.abort();
      await Promise.allSettled([...this.inFlight.values()]);
    }
    if (this.leading) await this.options.shared.leases.release(this.options.leaseName, this.options.instanceId).catch(() => undefined);
    this.leading = false;
  }

  private async run(): Promise<void> {
    const maxInFlight = this.options.maxInFlight ?? 30;
    while (!this.stopping) {
      let claimed = 0;
      try {
        this.leading = await this.options.shared.leases.acquire(
          this.options.leaseName,
          this.options.instanceId,
          this.options.leaseTtlMs ?? 10_000,
        );
        if (this.leading && this.inFlight.size < maxInFlight) {
          const rows = await this.claim(maxInFlight - this.inFlight.size);
          claimed = rows.length;
          await this.dispatch(rows);
        }
        this.lastLoopError = undefined;
      } catch (error) {
        // Database or Redis away: say it once, keep trying.
        const message = (error as Error).message;
        if (message !== this.lastLoopError)
          this.options.logger.warn({ event: 'notify.loop_failed', err: error }, 'outbox delivery step failed; retrying');
        this.lastLoopError = message;
      }
      if (claimed === 0 && !this.stopping) await this.sleep(this.options.idleMs ?? 1_000);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  /**
   * Claim due rows: the oldest due row of each user not already in flight, oldest first. The claim pushes the row's
   * next attempt past the visibility timeout and counts the attempt, in the same statement that locks it.
   */
  private async claim(limit: number): Promise<OutboxNotification[]> {
    const claimTtlMs = this.options.claimTtlMs ?? 120_000;
    const busy = [...this.inFlightUsers].join(',');
    const rows = await this.options.orm.em
      .fork()
      .getConnection()
      .execute<ClaimedRow[]>(
        `update outbox set attempts = attempts + 1, next_attempt_at = now() + ?::interval
         where id in (
           select id from outbox
           where id in (
             select distinct on (user_id) id from outbox
             where sent_at is null and failed_at is null and next_attempt_at <= now()
               and user_id <> all(string_to_array(?, ',')::bigint[])
             order by user_id, id
           )
           and sent_at is null and failed_at is null and next_attempt_at <= now()
           order by id
           limit ?
           for update skip locked
         )
         returning id, user_id, kind, payload, attempts, created_at`,
        [`${claimTtlMs} milliseconds`, busy, limit],
      );
    return rows
      .map((row) => ({
        id: Number(row.id),
        userId: Number(row.user_id),
        kind: row.kind,
        payload: row.payload,
        attempts: row.attempts,
        createdAt: new Date(row.created_at),
      }))
      .sort((a, b) => a.id - b.id);
  }

  private async dispatch(rows: OutboxNotification[]): Promise<void> {
    if (!rows.length) return;
    const users = await this.options.orm.em.fork().find(User, { id: { $in: [...new Set(rows.map((r) => r.userId))] } });
    const byId = new Map(users.map((u) => [u.id, u]));
    for (const row of rows) {
      this.inFlightUsers.add(row.userId);
      const work = this.deliver(row, byId.get(row.userId))
        .catch((err: unknown) =>
          this.options.logger.error({ event: 'notify.deliver_crashed', outboxId: row.id, err }, 'outbox delivery crashed'),
        )
        .finally(() => {
          this.inFlight.delete(row.id);
          this.inFlightUsers.delete(row.userId);
          this.wake?.();
        });
      this.inFlight.set(row.id, work);
    }
  }

  private async deliver(row: OutboxNotification, user: User | undefined): Promise<void> {
    const { logger } = this.options;
    if (!user?.active) return this.giveUp(row, 'the user is inactive (blocked the bot or never started it)', 'info');
    const place = placeOf(row);
    if (place) {
      // The same opening announced to this user moments ago for another of their tasks: they know; one alert is enough.
      if (await this.recentlyAnnounced(row, place)) {
        await this.execute(
          "update outbox set sent_at = now(), last_error = 'coalesced: the same opening was just announced' where id = ? and sent_at is null",
          [row.id],
        );
        logger.info({ event: 'notify.coalesced', outboxId: row.id, userId: row.userId, kind: row.kind }, 'alert folded into one just sent');
        return;
      }
      row.coalesced = await this.samePlace(row, place);
    }
    const message = await this.options.render(row, user.language);
    if (!message) return this.giveUp(row, `cannot render an outbox message of kind ${row.kind}`, 'error');
    try {
      await this.options.api.sendMessage(
        row.userId,
        message.text,
        {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(message.replyMarkup ? { reply_markup: message.replyMarkup } : {}),
        },
        // grammY types its signal as the abort-controller polyfill's; it only calls addEventListener on it.
        this.abort.signal as unknown as Parameters<Api['sendMessage']>[3],
      );
    } catch (error) {
      if (this.abort.signal.aborted) return this.release(row);
      return this.failed(row, classify(error));
    }
    await this.execute('update outbox set sent_at = now(), last_error = null where id = ? and sent_at is null', [row.id]);
    const folded = (row.coalesced ?? []).map((c) => c.id);
    if (folded.length)
      await this.execute(
        'update outbox set sent_at = now(), last_error = ? where id = any(?::bigint[]) and sent_at is null and failed_at is null',
        [`coalesced into ${row.id}`, `{${folded.join(',')}}`],
      );
    this.stats.sent++;
    logger.info(
      { event: 'notify.sent', outboxId: row.id, userId: row.userId, kind: row.kind, attempts: row.attempts },
      'notification sent',
    );
  }

  /** Other unsent alerts of this kind, user and place (the oldest first, at most 20). */
  private async samePlace(row: OutboxNotification, place: Place): Promise<Array<{ id: number; payload: Record<string, unknown> }>> {
    const rows = await this.options.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ id: string; payload: Record<string, unknown> }>>(
        `select id, payload from outbox o
         where user_id = ? and kind = ? and id <> ? and sent_at is null and failed_at is null and ${place.match}
         order by id limit 20`,
        [row.userId, row.kind, row.id, ...place.values],
      );
    return rows.map((r) => ({ id: Number(r.id), payload: r.payload }));
  }

  /**
   * Whether this user was told about this opening of the place moments ago: the latest alert for it (within a couple
   * of minutes) did not cover this row's task yet. Had it covered the task, this row is the engine asking again after
   * it saw the place close: a reopening, which is news (one message per user, place and opening).
   */
  private async recentlyAnnounced(row: OutboxNotification, place: Place): Promise<boolean> {
    const [found] = await this.options.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ id: string }>>(
        `with latest as (
           select id, sent_at from outbox o
           where user_id = ? and kind = ? and id <> ? and sent_at > now() - ?::interval and last_error is null and ${place.match}
           order by sent_at desc, id desc
           limit 1)
         select latest.id from latest
         where not exists (
           select 1 from outbox o
           where o.user_id = ? and o.kind = ? and o.id <> ? and o.sent_at >= latest.sent_at
             and o.payload->>'taskId' = ? and ${place.match})`,
        [
          row.userId,
          row.kind,
          row.id,
          `${RECENTLY_ANNOUNCED_MS} milliseconds`,
          ...place.values,
          row.userId,
          row.kind,
          row.id,
          String(row.payload.taskId ?? ''),
          ...place.values,
        ],
      );
    return found !== undefined;
  }

  private async failed(row: OutboxNotification, failure: Failure): Promise<void> {
    const { logger } = this.options;
    if (failure.type === 'unreachable') {
      this.stats.blocked++;
      await this.options.orm.em.fork().nativeUpdate(User, { id: row.userId }, { active: false });
      logger.info({ event: 'notify.user_unreachable', userId: row.userId, reason: failure.reason }, 'user unreachable; marked inactive');
      return this.giveUp(row, failure.reason, 'info');
    }
    // 12 attempts from 2 s doubling (capped at 15 min) ride out about half an hour of Telegram trouble.
    const maxAttempts = this.options.maxAttempts ?? 12;
    if (failure.type === 'permanent' || row.attempts >= maxAttempts) return this.giveUp(row, failure.reason, 'warn');
    const base = this.options.retryBaseMs ?? 2_000;
    const backoff = Math.min(this.options.retryCapMs ?? 15 * 60_000, base * 2 ** (row.attempts - 1));
    // Equal jitter: never sooner than half the backoff, so retries cannot bunch up at once.
    const delayMs = Math.max(failure.afterMs ?? 0, Math.round(backoff / 2 + (Math.random() * backoff) / 2));
    this.stats.retried++;
    await this.execute('update outbox set next_attempt_at = now() + ?::interval, last_error = ? where id = ? and sent_at is null', [
      `${delayMs} milliseconds`,
      failure.reason.slice(0, 1_000),
      row.id,
    ]);
    logger.info(
      {
        event: 'notify.retry',
        outboxId: row.id,
        userId: row.userId,
        kind: row.kind,
        attempts: row.attempts,
        delayMs,
        reason: failure.reason,
      },
      'notification will be retried',
    );
  }

  private async giveUp(row: OutboxNotification, reason: string, level: 'info' | 'warn' | 'error'): Promise<void> {
    this.stats.failed++;
    await this.execute('update outbox set failed_at = now(), last_error = ? where id = ? and sent_at is null', [
      reason.slice(0, 1_000),
      row.id,
    ]);
    this.options.logger[level](
      { event: 'notify.gave_up', outboxId: row.id, userId: row.userId, kind: row.kind, attempts: row.attempts, reason },
      'notification given up',
    );
  }

  /** Stopped mid-send before Telegram answered: hand the row back at once (this attempt does not count). */
  private async release(row: OutboxNotification): Promise<void> {
    await this.execute('update outbox set next_attempt_at = now(), attempts = attempts - 1 where id = ? and sent_at is null', [row.id]);
  }

  private async execute(sql: string, params: unknown[]): Promise<void> {
    await this.options.orm.em.fork().getConnection().execute(sql, params);
  }
}

/** An alert for a place this user heard about this recently, for another task, is folded into that one. */
const RECENTLY_ANNOUNCED_MS = 2 * 60_000;

/**
 * The payload fields that name the place an alert is about, per kind of alert that is coalesced: the first two must be
 * present. Constants (they are written into the SQL).
 */
const PLACE_FIELDS: Readonly<Record<string, readonly [string, string, ...string[]]>> = {
  slot_found: ['warehouseId', 'date', 'boxTypeId'],
  redistribution_quota_open: ['fromWarehouseId', 'toWarehouseId'],
};

/** Where an alert is: a condition on `o.payload` and its values (text, '' for a missing optional field). */
interface Place {
  match: string;
  values: string[];
}

function placeOf(row: OutboxNotification): Place | undefined {
  const fields = PLACE_FIELDS[row.kind];
  if (!fields) return undefined;
  const values = fields.map((field) => {
    const value = row.payload[field];
    return value === undefined || value === null ? '' : String(value);
  });
  if (!values[0] || !values[1]) return undefined;
  return { match: fields.map((field) => `coalesce(o.payload->>'${field}', '') = ?`).join(' and '), values };
}

function classify(error: unknown): Failure {
  if (error instanceof GrammyError) {
    const reason = `${error.error_code}: ${error.description}`;
    if (error.error_code === 403) return { type: 'unreachable', reason };
    if (error.error_code === 400 && /chat not found|user not found|PEER_ID_INVALID/i.test(error.description))
      return { type: 'unreachable', reason };
    if (error.error_code === 429) return { type: 'retry', reason, afterMs: (error.parameters.retry_after ?? 1) * 1_000 };
    if (error.error_code >= 500) return { type: 'retry', reason };
    return { type: 'permanent', reason };
  }
  if (error instanceof HttpError) return { type: 'retry', reason: error.message };
  return { type: 'retry', reason: error instanceof Error ? error.message : String(error) };
}
