// Redistribution tasks: poll the seller's transfer quotas through the portal on the task's own timer (they are not in
// the shared slot feed) and order the transfer the moment stock and both quotas allow it.
import { RedistributionCriteria } from '@slotpilot/shared';
import type { Redistribution } from '../redistribution.ts';
import { type KindTask, type TaskIdentity, type TaskKind, UnreadableCriteriaError } from '../task-kind.ts';

export const REDISTRIBUTION_POLL_MS = 5_000;

export class RedistributionKind implements TaskKind<'redistribution'> {
  readonly name = 'redistribution';

  constructor(private readonly options: { redistribution: Redistribution; pollIntervalMs?: number | undefined }) {}

  open(identity: TaskIdentity, stored: unknown): KindTask {
    const parsed = RedistributionCriteria.safeParse(stored);
    if (!parsed.success) throw new UnreadableCriteriaError(this.name, parsed.error.message);
    const { redistribution } = this.options;
    const task = { taskId: identity.taskId, userId: identity.userId, criteria: parsed.data, epoch: identity.epoch };
    return {
      feedWatch: null,
      keepWatching: false,
      pollIntervalMs: this.options.pollIntervalMs ?? REDISTRIBUTION_POLL_MS,
      wouldWake: () => false,
      // Stock and limits (coalesced per seller account, so often fewer); the act: both again and the order.
      wbCallsPerProbe: 2,
      wbCallsPerAct: 3,
      probe: () => redistribution.probe(task),
      act: (_input, settleOnly) => redistribution.act(task, { settleOnly }),
      lastCheckAt: (description) => description.lastCheckAt,
    };
  }

  async sweep({ olderThanMs }: { olderThanMs: number }): Promise<void> {
    await this.options.redistribution.sweep({ olderThanMs });
  }
}
