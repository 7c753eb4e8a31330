import { describe, expect, it } from 'vitest';
import { CallBudget } from './call-budget.ts';

describe('CallBudget', () => {
  it('lets a task spend its calls for the minute, then refuses as a local rate limit with the wait; others are unaffected', async () => {
    const budget = new CallBudget(5);
    await budget.spend('a', 2);
    await budget.spend('a', 3);
    const refusal = await budget.spend('a', 1).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(refusal).toMatchObject({ kind: 'rate_limited', local: true });
    expect((refusal as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(1_000);
    expect((refusal as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(60_000);
    await budget.spend('b', 5);
    await budget.spend('a', 0);
  });

  it('forgets a task that left this instance', async () => {
    const budget = new CallBudget(2);
    await budget.spend('a', 2);
    budget.forget('a');
    await new Promise((resolve) => setImmediate(resolve));
    await budget.spend('a', 2);
  });
});
