// What `insights.warehouse` and `insights.cell` answer: per-user rate limited (on top of the API's own limit: these
// are the heaviest reads), cached in the shared cache for a few minutes (the figures move slowly and every seller of a
// warehouse asks the same question), and coalesced in-process so a burst of equal questions costs one query.

import type { MikroORM } from '@mikro-orm/postgresql';
import {
  addDays,
  type CellInsights,
  type CellInsightsInput,
  DomainError,
  type WarehouseInsights,
  type WarehouseInsightsInput,
  WB_HORIZON_DAYS,
} from '@slotpilot/shared';
import type { Logger } from 'pino';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { KeyValueCache } from '../platform/kv/types.ts';
import { moscowDay } from './history-recorder.ts';
import { InsightQueries } from './insight-queries.ts';

export interface InsightsServiceOptions {
  orm: MikroORM;
  cache: KeyValueCache;
  /** Keyed by user id; see server.ts (60 a minute). */
  rateLimiter: RateLimiterAbstract;
  retentionDays: number;
  logger: Logger;
  clock?: () => number;
  /** How long an answer is served from the cache. */
  ttlMs?: number;
}

export class InsightsService {
  private readonly queries: InsightQueries;
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(private readonly options: InsightsServiceOptions) {
    this.queries = new InsightQueries(options.orm);
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }

  async warehouse(userId: number, input: WarehouseInsightsInput): Promise<WarehouseInsights> {
    await this.spend(userId);
    const key = `insights:wh:${input.warehouseId}:${input.boxTypeId}:${input.days}`;
    return JSON.parse(await this.cached(key, () => this.queries.warehouse(input, this.now()))) as WarehouseInsights;
  }

  async cell(userId: number, input: CellInsightsInput): Promise<CellInsights> {
    const today = moscowDay(this.now());
    const earliest = addDays(today, -this.options.retentionDays);
    const latest = addDays(today, WB_HORIZON_DAYS - 1);
    if (input.date < earliest || input.date > latest) {
      throw new DomainError('INSIGHTS_DATE_OUT_OF_RANGE', { days: this.options.retentionDays });
    }
    await this.spend(userId);
    const key = `insights:cell:${input.warehouseId}:${input.boxTypeId}:${input.date}`;
    return JSON.parse(await this.cached(key, () => this.queries.cell(input, this.now()))) as CellInsights;
  }

  private async spend(userId: number): Promise<void> {
    try {
      await this.options.rateLimiter.consume(String(userId));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw new DomainError('INSIGHTS_RATE_LIMITED', { seconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) });
    }
  }

  /** The cached JSON answer, or one computation shared by every caller of this instance asking meanwhile. */
  private async cached(key: string, compute: () => Promise<object>): Promise<string> {
    const hit = await this.options.cache.get(key);
    if (hit) return hit;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = (async () => {
        const started = performance.now();
        const json = JSON.stringify(await compute());
        const ms = performance.now() - started;
        if (ms > 1_000)
          this.options.logger.warn({ event: 'insights.slow_query', key, ms: Math.round(ms) }, 'a slot insight query was slow');
        await this.options.cache.set(key, json, this.options.ttlMs ?? 180_000);
        return json;
      })().finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }
}
