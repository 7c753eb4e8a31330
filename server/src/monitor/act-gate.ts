// What stands between a task's machine and WB: the probe and the act run only for a task still hosted here, within the
// task's budget of WB calls, and an act only once its state is written and the lease surely outlasts its WB call.
import type { Logger } from 'pino';
import type { Metrics } from '../platform/metrics.ts';
import type { ActorRuntime } from './actor-runtime.ts';
import { CallBudget } from './call-budget.ts';
import { LEASE_LOST } from './lease-fence.ts';
import type { LeaseManager } from './lease-manager.ts';
import type { ActInput, ActResult, ProbeFailure, ProbeInput, ProbeResult } from './machine.ts';
import type { SnapshotStore } from './snapshot-store.ts';
import { ACT_CALL_TIMEOUT_MS } from './supply-act.ts';

/** How long an act waits for its task's state to be written before it gives up this turn (transient). */
const ACT_WRITE_WAIT_MS = 10_000;
/**
 * Lease left before an act may start: the act's limiter wait (3 s) and WB call deadline (`ACT_CALL_TIMEOUT_MS`) and a
 * second of margin; capped at a share of the lease, so short leases (tests) still act right after a renewal.
 */
const ACT_LEASE_ROOM_MS = 3_000 + ACT_CALL_TIMEOUT_MS + 1_000;
const ACT_LEASE_ROOM_SHARE = 0.6;
/** How long an act waits for the renewal it asked for. */
const ACT_RENEW_WAIT_MS = 2_000;

const LEASE_TOO_SHORT: ProbeFailure = { kind: 'transient', reason: 'the lease ends too soon for a WB call' };
const MOVING: ProbeFailure = { kind: 'transient', reason: 'the task is moving to another instance' };
const UNWRITTEN: ProbeFailure = { kind: 'transient', reason: 'the task state could not be written yet' };

export interface ActGateOptions {
  runtime: ActorRuntime;
  store: SnapshotStore;
  leases: LeaseManager;
  leaseTtlMs: number;
  logger: Logger;
  metrics?: Metrics | undefined;
  /** Renew the lease now (one heartbeat); resolves when it ran or `maxMs` passed. */
  renewNow(maxMs: number): Promise<void>;
}

export class ActGate {
  readonly budget = new CallBudget();

  constructor(private readonly options: ActGateOptions) {}

  probe(input: ProbeInput): Promise<ProbeResult> {
    return this.logFailure('probe', input.taskId, this.gatedProbe(input));
  }

  async act(input: ActInput): Promise<ActResult> {
    const result = await this.logFailure('act', input.taskId, this.gatedAct(input));
    const kind = this.options.runtime.get(input.taskId)?.row.kind ?? 'supply';
    this.options.metrics?.bookings.inc({ kind, outcome: result.type });
    return result;
  }

  private async gatedProbe(input: ProbeInput): Promise<ProbeResult> {
    const hosted = this.options.runtime.get(input.taskId);
    if (!hosted) throw MOVING;
    await this.budget.spend(input.taskId, hosted.task.wbCallsPerProbe);
    return hosted.task.probe(input.notified);
  }

  private async gatedAct(input: ActInput): Promise<ActResult> {
    const { runtime, store } = this.options;
    const hosted = runtime.get(input.taskId);
    if (!hosted) throw MOVING;
    // Nothing reaches WB before `booking` (and any command deferred in it) is written: an act whose state PostgreSQL
    // refuses to store would be invisible to a restart or to the instance that takes the task over.
    await new Promise((resolve) => setImmediate(resolve));
    if (!(await store.written(hosted, ACT_WRITE_WAIT_MS))) throw UNWRITTEN;
    // The write found the task claimed by another instance (and let it go): nothing reaches WB from here.
    if (runtime.get(input.taskId) !== hosted) throw LEASE_LOST;
    await this.leaseRoom();
    // An act started with a PAUSE or CANCEL already deferred is one restored after a crash or a lease move: the seller
    // asked to stop before it finished, so it only settles what the earlier run may have started (reconciled with WB)
    // and starts nothing new; the deferred command then takes effect.
    const settleOnly = hosted.actor?.getSnapshot().context.pendingCommand != null;
    await this.budget.spend(input.taskId, hosted.task.wbCallsPerAct);
    return hosted.task.act(input, settleOnly);
  }

  /**
   * An act starts only while this instance's lease surely lasts through its WB call (the limiter's wait, the call's
   * deadline and a margin): else another instance could claim the task and act too while ours is still on the wire.
   * A lease too short for it is renewed first (one heartbeat); one that still is not long enough fails this turn.
   */
  private async leaseRoom(): Promise<void> {
    const { leases } = this.options;
    const room = Math.min(ACT_LEASE_ROOM_MS, Math.round(this.options.leaseTtlMs * ACT_LEASE_ROOM_SHARE));
    if (leases.remainingMs() >= room) return;
    await this.options.renewNow(ACT_RENEW_WAIT_MS);
    if (leases.remainingMs() < room) throw LEASE_TOO_SHORT;
  }

  /** Expected failures arrive as ProbeFailure objects; anything else is a bug worth a log line with its stack. */
  private async logFailure<T>(step: 'probe' | 'act', taskId: string, work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      if (error instanceof Error)
        this.options.logger.error({ event: `actor.${step}_crashed`, taskId, err: error }, `${step} failed unexpectedly`);
      else this.options.logger.warn({ event: `actor.${step}_failed`, taskId, failure: error }, `${step} failed`);
      throw error;
    }
  }
}
