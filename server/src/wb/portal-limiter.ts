// Keeps every seller account gentle on the seller portal, across all server instances (issue 13, part 4).
//
// The portal's limits are unpublished and a seller's account is at stake, so we stay far below anything a browser does:
//  - never two portal calls of one seller account (sid = x-supplier-id) at once: a lease `portal-busy:<sid>` held for
//    the call (renewed before each request inside it, TTL = the request's timeout + 1 s), waited for up to maxWaitMs;
//  - spacing per (seller, call): the coefficients report once per PORTAL_READ_INTERVAL_MS, acceptance costs once per
//    10 s, the wb-seller-lk mint once per 30 s, any other call once per 2 s (a fixed window with points = 1, as in
//    seller-rate-limiter.ts);
//  - cool-downs shared by instances: 429 → max(Retry-After, 60 s), doubling per consecutive 429 up to 30 min;
//    403 → 30 min; a captcha on plan/add or transfer/order → 10 min for those two calls. During one, calls fail at once
//    with a local rate-limited error and WB is not touched.
import { randomUUID } from 'node:crypto';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { SharedState } from '../platform/kv/types.ts';
import { PORTAL_CALLS, PORTAL_CAPTCHA_CALLS, type PortalCall } from './endpoints.ts';
import { WbRateLimitedError, WbTransientError } from './errors.ts';

export const DEFAULT_PORTAL_READ_INTERVAL_MS = 60_000;

export interface PortalCooldowns {
  /** The least a 429 pauses a seller, whatever Retry-After says. */
  rateLimitedMinMs: number;
  rateLimitedMaxMs: number;
  forbiddenMs: number;
  captchaMs: number;
}

export const PORTAL_COOLDOWNS: PortalCooldowns = {
  rateLimitedMinMs: 60_000,
  rateLimitedMaxMs: 30 * 60_000,
  forbiddenMs: 30 * 60_000,
  captchaMs: 10 * 60_000,
};

/** The spacing of one call per seller account (ms). Whole seconds: the shared fixed window counts in seconds. */
export function portalSpacingMs(call: PortalCall, readIntervalMs: number): number {
  switch (call) {
    case 'coefficientsReport':
      // One second of margin: the window opens when the turn is taken, the request leaves a few ms later (the busy
      // lease, an lk mint), so without it two reads could reach WB a hair under the promised interval apart.
      return readIntervalMs + 1_000;
    case 'acceptanceCosts':
      return 10_000;
    case 'authToken':
      return 30_000;
    default:
      return 2_000;
  }
}

/** How long a 429 pauses a seller: max(Retry-After, the minimum), doubled per consecutive 429 before it, capped. */
export function rateLimitedCooldownMs(retryAfterMs: number, previous429s: number, cooldowns: PortalCooldowns = PORTAL_COOLDOWNS): number {
  const base = Math.max(retryAfterMs, cooldowns.rateLimitedMinMs);
  return Math.min(cooldowns.rateLimitedMaxMs, base * 2 ** Math.min(previous429s, 20));
}

export type PortalPenalty = { kind: 'rate_limited'; retryAfterMs: number } | { kind: 'forbidden' } | { kind: 'captcha'; call: PortalCall };

export interface PortalLimiterObserver {
  /** A call refused without touching WB: its spacing was spent, the seller was busy too long, or cooling down. */
  onRefused(call: PortalCall, reason: 'spacing' | 'busy' | 'cooldown'): void;
  onWait(call: PortalCall, seconds: number): void;
}

export interface PortalLimiterOptions {
  /** PORTAL_READ_INTERVAL_MS: at most one coefficients report per seller account per this interval. */
  readIntervalMs?: number;
  /** Spacing overrides per call (tests); whole seconds. */
  spacingMs?: Partial<Record<PortalCall, number>>;
  cooldowns?: Partial<PortalCooldowns>;
  /** How often a caller waiting for a seller busy on another instance looks again. */
  leasePollMs?: number;
  observer?: PortalLimiterObserver;
}

/** What a call holds while it runs: the seller's busy lease, and the means to spend more requests inside it. */
export interface PortalSlot {
  /**
   * Before each HTTP request in this slot: renews the busy lease for a request of `timeoutMs`. A call other than the one
   * the slot was taken for (the wb-seller-lk mint) also passes its own cool-down and spacing, within the wait left.
   */
  beforeRequest(call: PortalCall, timeoutMs: number): Promise<void>;
  /** WB pushed back: pause this seller on every instance. Returns the pause in ms. */
  penalise(penalty: PortalPenalty): Promise<number>;
}

interface CooldownRecord {
  /** Every call of the seller waits until then (429, 403). */
  until?: number;
  /** plan/add and transfer/order wait until then (a captcha). */
  captchaUntil?: number;
  /** Consecutive 429s so far (reset by a call that meets none). */
  streak: number;
}

/** How long a 429 streak is remembered after its pause ends: a 429 soon after counts as consecutive. */
const STREAK_MEMORY_MS = 6 * 60 * 60_000;
const CAPTCHA_CALLS: ReadonlySet<PortalCall> = new Set(PORTAL_CAPTCHA_CALLS);

export class PortalLimiter {
  private readonly spacing: Record<PortalCall, { limiter: RateLimiterAbstract; ms: number }>;
  private readonly cooldowns: PortalCooldowns;
  /** This instance's name on the busy leases. In-process callers queue locally first, so one owner name suffices. */
  private readonly owner = `portal-limiter:${randomUUID()}`;
  private readonly queues = new Map<string, SellerQueue>();
  readonly readIntervalMs: number;

  constructor(
    private readonly shared: SharedState,
    private readonly options: PortalLimiterOptions = {},
  ) {
    this.readIntervalMs = options.readIntervalMs ?? DEFAULT_PORTAL_READ_INTERVAL_MS;
    this.cooldowns = { ...PORTAL_COOLDOWNS, ...options.cooldowns };
    this.spacing = Object.fromEntries(
      (Object.keys(PORTAL_CALLS) as PortalCall[]).map((call) => {
        const ms = options.spacingMs?.[call] ?? portalSpacingMs(call, this.readIntervalMs);
        const durationS = Math.max(1, Math.ceil(ms / 1000));
        return [
          call,
          { ms: durationS * 1000, limiter: shared.createRateLimiter({ keyPrefix: `portal-limit:${call}`, points: 1, durationS }) },
        ];
      }),
    ) as Record<PortalCall, { limiter: RateLimiterAbstract; ms: number }>;
  }

  /** Until when (epoch ms) every portal call of this seller is paused, or undefined. For status displays. */
  async coolingDown(sid: string): Promise<number | undefined> {
    const record = await this.readRecord(sid);
    return record?.until !== undefined && record.until > Date.now() ? record.until : undefined;
  }

  /**
   * Run `work` as one portal call of `call` for seller `sid`: cool-down checked, spacing spent, the seller's busy lease
   * held for its duration. Fails with WbRateLimitedError('local') without calling WB when any of them says no in time.
   */
  async run<T>(
    sid: string,
    call: PortalCall,
    options: { maxWaitMs: number; timeoutMs: number },
    work: (slot: PortalSlot) => Promise<T>,
  ): Promise<T> {
    const started = Date.now();
    const deadline = started + Math.max(0, options.maxWaitMs);
    const record = await this.failIfCooling(sid, call);
    await this.takeSpacing(sid, call, deadline);
    const queue = this.queueFor(sid);
    try {
      await queue.enter(deadline, () => {
        this.options.observer?.onRefused(call, 'busy');
        return new WbRateLimitedError(call, 1_000, 'local');
      });
    } catch (busy) {
      await this.refundSpacing(sid, call);
      if (queue.idle) this.queues.delete(sid);
      throw busy;
    }
    let penalised = false;
    try {
      try {
        await this.acquireLease(sid, call, options.timeoutMs, deadline);
      } catch (busy) {
        await this.refundSpacing(sid, call);
        throw busy;
      }
      this.options.observer?.onWait(call, (Date.now() - started) / 1000);
      const slot: PortalSlot = {
        beforeRequest: async (requestCall, timeoutMs) => {
          if (requestCall !== call) {
            await this.failIfCooling(sid, requestCall);
            await this.takeSpacing(sid, requestCall, deadline);
          }
          // Renewing also re-takes a lease that lapsed during a long call: still ours unless someone took it meanwhile.
          if (!(await this.shared.leases.acquire(leaseName(sid), this.owner, timeoutMs + 1_000))) {
            throw new WbTransientError(requestCall, 'lost the seller lease during the call');
          }
        },
        penalise: async (penalty) => {
          penalised = true;
          return this.penalise(sid, penalty);
        },
      };
      const result = await work(slot);
      if (!penalised && record && record.streak > 0) await this.resetStreak(sid);
      return result;
    } catch (error) {
      if (!penalised && record && record.streak > 0 && !(error instanceof WbRateLimitedError)) await this.resetStreak(sid);
      throw error;
    } finally {
      await this.shared.leases.release(leaseName(sid), this.owner).catch(() => undefined);
      queue.leave();
      if (queue.idle) this.queues.delete(sid);
    }
  }

  private async penalise(sid: string, penalty: PortalPenalty): Promise<number> {
    const now = Date.now();
    const record = (await this.readRecord(sid)) ?? { streak: 0 };
    let ms: number;
    if (penalty.kind === 'rate_limited') {
      ms = rateLimitedCooldownMs(penalty.retryAfterMs, record.streak, this.cooldowns);
      record.streak += 1;
      record.until = Math.max(record.until ?? 0, now + ms);
    } else if (penalty.kind === 'forbidden') {
      ms = this.cooldowns.forbiddenMs;
      record.until = Math.max(record.until ?? 0, now + ms);
    } else {
      ms = this.cooldowns.captchaMs;
      // A captcha where none is expected (a read) means WB's antibot is wary of this account: pause everything.
      if (CAPTCHA_CALLS.has(penalty.call)) record.captchaUntil = Math.max(record.captchaUntil ?? 0, now + ms);
      else record.until = Math.max(record.until ?? 0, now + ms);
    }
    await this.writeRecord(sid, record);
    return ms;
  }

  private async resetStreak(sid: string): Promise<void> {
    const record = await this.readRecord(sid);
    if (!record || record.streak === 0) return;
    record.streak = 0;
    await this.writeRecord(sid, record);
  }

  /** Throws while the seller (or, for the captcha calls, their booking) is paused; else the record read, if any. */
  private async failIfCooling(sid: string, call: PortalCall): Promise<CooldownRecord | undefined> {
    const record = await this.readRecord(sid);
    if (!record) return undefined;
    const now = Date.now();
    const until = Math.max(record.until ?? 0, CAPTCHA_CALLS.has(call) ? (record.captchaUntil ?? 0) : 0);
    if (until > now) {
      this.options.observer?.onRefused(call, 'cooldown');
      throw new WbRateLimitedError(call, until - now, 'local');
    }
    return record;
  }

  private async takeSpacing(sid: string, call: PortalCall, deadline: number): Promise<void> {
    const { limiter } = this.spacing[call];
    for (;;) {
      let waitMs: number;
      try {
        await limiter.consume(sid, 1);
        return;
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) {
          throw new WbTransientError(call, 'the shared rate limiter is unavailable', { cause: rejection });
        }
        waitMs = Math.max(1, rejection.msBeforeNext);
      }
      if (Date.now() + waitMs > deadline) {
        this.options.observer?.onRefused(call, 'spacing');
        throw new WbRateLimitedError(call, waitMs, 'local');
      }
      await sleep(waitMs);
    }
  }

  /** The seller was busy and WB was not called: give the spaced call back, so a caller with no patience loses no turn. */
  private async refundSpacing(sid: string, call: PortalCall): Promise<void> {
    await this.spacing[call].limiter.reward(sid, 1).catch(() => undefined);
  }

  private async acquireLease(sid: string, call: PortalCall, timeoutMs: number, deadline: number): Promise<void> {
    const pollMs = this.options.leasePollMs ?? 50;
    for (;;) {
      if (await this.shared.leases.acquire(leaseName(sid), this.owner, timeoutMs + 1_000)) return;
      if (Date.now() + pollMs > deadline) {
        this.options.observer?.onRefused(call, 'busy');
        throw new WbRateLimitedError(call, pollMs, 'local');
      }
      // Jitter, so two instances waiting for the same seller do not poll in lockstep.
      await sleep(pollMs / 2 + Math.random() * pollMs);
    }
  }

  private queueFor(sid: string): SellerQueue {
    let queue = this.queues.get(sid);
    if (!queue) {
      queue = new SellerQueue();
      this.queues.set(sid, queue);
    }
    return queue;
  }

  private async readRecord(sid: string): Promise<CooldownRecord | undefined> {
    const raw = await this.shared.cache.get(cooldownKey(sid));
    if (!raw) return undefined;
    try {
      const value = JSON.parse(raw) as Partial<CooldownRecord>;
      return {
        ...(typeof value.until === 'number' ? { until: value.until } : {}),
        ...(typeof value.captchaUntil === 'number' ? { captchaUntil: value.captchaUntil } : {}),
        streak: typeof value.streak === 'number' ? value.streak : 0,
      };
    } catch {
      return undefined;
    }
  }

  private async writeRecord(sid: string, record: CooldownRecord): Promise<void> {
    const lastsUntil = Math.max(record.until ?? 0, record.captchaUntil ?? 0, Date.now());
    const ttlMs = lastsUntil - Date.now() + (record.streak > 0 ? STREAK_MEMORY_MS : 1_000);
    await this.shared.cache.set(cooldownKey(sid), JSON.stringify(record), ttlMs);
  }
}

const leaseName = (sid: string) => `portal-busy:${sid}`;
const cooldownKey = (sid: string) => `portal-cooldown:${sid}`;

/** In-process FIFO per seller: one caller at a time goes on to the shared lease, the rest wait here (bounded by their deadline). */
class SellerQueue {
  private busy = false;
  private readonly waiters: Array<{ resolve: () => void; timer: NodeJS.Timeout | undefined }> = [];

  get idle(): boolean {
    return !this.busy && this.waiters.length === 0;
  }

  enter(deadline: number, onTimeout: () => Error): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter: { resolve: () => void; timer: NodeJS.Timeout | undefined } = { resolve, timer: undefined };
      const waitMs = deadline - Date.now();
      if (waitMs <= 0) return reject(onTimeout());
      waiter.timer = setTimeout(() => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(onTimeout());
      }, waitMs);
      this.waiters.push(waiter);
    });
  }

  leave(): void {
    const next = this.waiters.shift();
    if (!next) {
      this.busy = false;
      return;
    }
    clearTimeout(next.timer);
    next.resolve();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
