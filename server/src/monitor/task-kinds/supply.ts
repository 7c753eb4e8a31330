// Supply tasks: watch the shared slot feed for a cell at or under the seller's coefficient, then alert (notify) or book
// the preorder's date (autobook).
import { SupplyCriteria } from '@slotpilot/shared';
import type { SlotFeed } from '../../feed/slot-feed.ts';
import type { SupplyAct } from '../supply-act.ts';
import type { SupplyProbe } from '../supply-probe.ts';
import { type KindTask, type TaskIdentity, type TaskKind, UnreadableCriteriaError } from '../task-kind.ts';

/**
 * The supply actors' own probe timer. Detection runs every second in the host's pass, and so does expiry at the day's
 * turn; this probe only refreshes the "best so far" the seller sees. Each one restores a parked actor, so at 10,000
 * tasks a 30 s timer cost 333 actor restores a second (issue 8's API tail).
 */
export const SUPPLY_HOUSEKEEPING_MS = 120_000;

/** WB calls one supply act may make, at most: the cell's cost check, up to three plan/add, a supply look-up. */
const SUPPLY_ACT_WB_CALLS = 5;

export interface SupplyKindOptions {
  feed: SlotFeed;
  supplyProbe: SupplyProbe;
  supplyAct: SupplyAct;
  pollIntervalMs?: number | undefined;
}

export class SupplyKind implements TaskKind<'supply'> {
  readonly name = 'supply';

  constructor(private readonly options: SupplyKindOptions) {}

  open(identity: TaskIdentity, stored: unknown): KindTask {
    const parsed = SupplyCriteria.safeParse(stored);
    if (!parsed.success) throw new UnreadableCriteriaError(this.name, parsed.error.message);
    const criteria = parsed.data;
    const { feed, supplyProbe, supplyAct } = this.options;
    const { taskId, userId } = identity;
    // A task (re)claimed here may have a pending operation another instance left: look it up again.
    supplyAct.adopted(taskId);
    /**
     * Cells the probe passes over: those already alerted, and those the act found closed lately although the feed's
     * picture still shows them open (else the task would match them again at once, in a loop, until it refreshes).
     */
    const skipped = (notified: readonly string[]): readonly string[] => {
      const refuted = supplyAct.refuted(taskId);
      return refuted.length === 0 ? notified : [...notified, ...refuted];
    };
    const task = { taskId, userId, criteria, epoch: identity.epoch };
    return {
      feedWatch: { warehouseIds: criteria.warehouseIds, boxTypeId: criteria.boxTypeId, maxCoefficient: criteria.maxCoefficient },
      keepWatching: criteria.keepWatching === true,
      pollIntervalMs: this.options.pollIntervalMs ?? SUPPLY_HOUSEKEEPING_MS,
      // `notified` is the machine's alerted cells; the closed-cell test looks at those only (not at refuted ones).
      wouldWake: (notified, today, now) => supplyProbe.wouldWake(criteria, skipped(notified), userId, today, now, notified),
      wbCallsPerProbe: 0,
      wbCallsPerAct: SUPPLY_ACT_WB_CALLS,
      probe: async (notified) => {
        // Autobook books the preorder's own warehouse; the other warehouses are for notify mode.
        const result = await supplyProbe.run(criteria, skipped(notified), userId, notified);
        if (identity.mode !== 'autobook' || result.type === 'expired') return result;
        // A booking operation left pending (a transient or hanging plan/add, a crash) is reconciled with WB now,
        // whatever the feed shows: the act asks WB about it first and settles its credit.
        const pending = await supplyAct.pendingSlot(task);
        return pending ? { type: 'match', slot: pending, best: result.best } : result;
      },
      act: (input, settleOnly) => {
        if (input.mode === 'notify') return settleOnly ? Promise.resolve({ type: 'gone' }) : supplyAct.notify(task, input.slot);
        return supplyAct.book(task, input.slot, { settleOnly });
      },
      // A waiting task was last checked by the latest detection pass, if a fresh picture of one of its warehouses was
      // there to check it against; its own (housekeeping) probe is rarer.
      lastCheckAt: (description, passAt) => {
        if (description.state !== 'polling' || passAt <= (description.lastCheckAt ?? 0)) return description.lastCheckAt;
        const checked = criteria.warehouseIds.some((id) => (feed.peek(id, userId)?.freshUntil ?? 0) > passAt);
        return checked ? passAt : description.lastCheckAt;
      },
    };
  }

  async sweep({ olderThanMs }: { olderThanMs: number }): Promise<void> {
    await this.options.supplyAct.sweep({ olderThanMs });
  }
}
