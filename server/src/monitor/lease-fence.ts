// Fencing tokens for the act's writes (issue 15): a task's lease epoch is bumped whenever another instance claims it,
// and every transaction that records or starts a side effect for the task first checks (and share-locks) the epoch it
// was claimed under. An instance that lost the task — its renewal committed after another instance claimed — then
// cannot reserve a credit, count a plan/add or start a transfer for it; the new owner reconciles instead.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ProbeFailure } from './machine.ts';

/** The task an act runs for and the epoch its instance holds; absent for the sweeper (it works on finished tasks). */
export interface LeaseFence {
  taskId: string;
  epoch?: number | undefined;
}

/** Thrown inside the act's transactions when the task moved to another instance: nothing of the transaction commits. */
export const LEASE_LOST: ProbeFailure = { kind: 'transient', reason: 'the task moved to another instance (lease epoch changed)' };

/** In the caller's transaction: the task still belongs to `fence.epoch` (share-locked until the transaction ends). */
export async function checkFence(em: EntityManager, fence: LeaseFence): Promise<void> {
  if (fence.epoch === undefined) return;
  const rows = await em
    .getConnection()
    .execute<unknown[]>(
      'select 1 from monitoring_tasks where id = ? and lease_epoch = ? for share',
      [fence.taskId, fence.epoch],
      'all',
      em.getTransactionContext(),
    );
  if (rows.length === 0) throw LEASE_LOST;
}
