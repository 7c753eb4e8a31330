// A budget of WB calls per task per minute (issue 15): whatever its backoff and retries do, one task never spends more
// than this on the seller's account. Per instance (a task runs on one instance at a time; after a move the new owner
// starts a fresh minute, at most one extra budget). rate-limiter-flexible is already how the WB gateway limits calls.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { ProbeFailure } from './machine.ts';

/** WB calls one task may make in a minute: a redistribution task polling every 5 s with two reads uses 24, its act 3 more. */
export const WB_CALLS_PER_TASK_PER_MINUTE = 40;

export class CallBudget {
  private readonly limiter: RateLimiterMemory;

  constructor(pointsPerMinute = WB_CALLS_PER_TASK_PER_MINUTE) {
    this.limiter = new RateLimiterMemory({ points: pointsPerMinute, duration: 60 });
  }

  /**
   * Spend `calls` of the task's budget, or fail as rate-limited by ourselves (nothing reached WB) until enough of the
   * minute has passed: the machine's backoff waits that out and does not grow.
   */
  async spend(taskId: string, calls: number): Promise<void> {
    if (calls <= 0) return;
    try {
      await this.limiter.consume(taskId, calls);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw {
        kind: 'rate_limited',
        reason: 'the task spent its WB calls for this minute',
        retryAfterMs: Math.max(1_000, rejection.msBeforeNext),
        local: true,
      } satisfies ProbeFailure;
    }
  }

  /** A task that left this instance: its count goes. */
  forget(taskId: string): void {
    void this.limiter.delete(taskId);
  }
}
