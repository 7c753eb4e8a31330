// Claims up to this instance's fair share of the tasks, and hands surplus over (issue 19): without it the first instance
// to look takes everything and a newly started one idles. The share itself is measured in `LeaseManager.fairShare`.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import { type ActorRuntime, type Hosted, persistedOf } from './actor-runtime.ts';
import type { LeaseManager, TaskRow } from './lease-manager.ts';

/** Claim batches per heartbeat, at most. */
const MAX_CLAIM_BATCHES = 20;
/**
 * Surplus tasks handed over per round, at most: a rebalance spreads over a few rounds (a second apart, see `balance`)
 * instead of one burst. At 500 a heartbeat, 30,000 tasks on 3 instances had not balanced after two minutes (issue 19).
 */
const MAX_SHED_PER_ROUND = 2_000;
/**
 * Claimed tasks hosted per turn of the event loop: hosting restores actors synchronously, and a 1,000-task batch in one
 * turn held the loop (API requests, the feed, renewals) for over 100 ms on every instance taking part in a rebalance.
 */
const HOSTED_PER_TURN = 100;

export interface FairShareOptions {
  leases: LeaseManager;
  runtime: ActorRuntime;
  logger: Logger;
  claimBatch: number;
  isStopped(): boolean;
  /** Host a claimed task (false: it was quarantined). */
  host(row: TaskRow): Promise<boolean>;
  /** Stop hosting a task here without writing. */
  forget(hosted: Hosted): void;
  /** Take one task back if it is still ours. */
  claimOne(taskId: string): Promise<boolean>;
  /** Tell the other instances tasks were released. */
  announceReleased(): Promise<void>;
}

export class FairShare {
  constructor(private readonly options: FairShareOptions) {}

  /**
   * Claim tasks nobody holds (new, released, or left by a dead instance) up to `even + slack`, batch after batch while
   * there are more; then shed what is over the share — down to the even share while another live instance is starved.
   * Returns whether another round soon would do more (surplus left to hand over, or unheld tasks left while there is
   * room): the caller runs one then instead of waiting a whole heartbeat.
   */
  async balance(): Promise<boolean> {
    const { leases, runtime } = this.options;
    const { even, slack, starved, unheld } = await leases.fairShare(runtime.hosted.size);
    const share = even + slack;
    // Pipelined: the next batch is being claimed in PostgreSQL while this one is hosted here (a dead instance's 15,000
    // tasks arrive in 15 batches; hosting and claiming one after the other took 8 s in the scale-out bench).
    let claimedNow = 0;
    const next = (held: number, batch: number) => {
      const room = share - held;
      if (room <= 0 || batch >= MAX_CLAIM_BATCHES || this.options.isStopped()) return undefined;
      const limit = Math.min(this.options.claimBatch, room);
      return leases.claimBatch(limit).then((rows) => ({ rows, limit }));
    };
    let pending = next(runtime.hosted.size, 0);
    const started = performance.now();
    let waitedMs = 0;
    for (let batch = 1; pending; batch++) {
      const asked = performance.now();
      const { rows, limit } = await pending;
      waitedMs += performance.now() - asked;
      claimedNow += rows.length;
      pending = rows.length < limit ? undefined : next(runtime.hosted.size + rows.length, batch);
      // One task that cannot be hosted (its quarantine write failed) does not strand the rest of the batch, or the
      // batch already being claimed.
      for (const [i, row] of rows.entries()) {
        if (i > 0 && i % HOSTED_PER_TURN === 0) await nextTurn();
        await this.options
          .host(row)
          .catch((err: unknown) =>
            this.options.logger.error({ event: 'host.claimed_not_hosted', taskId: row.id, err }, 'could not host a claimed task'),
          );
      }
    }
    if (claimedNow > 0) {
      // How a takeover went: time waiting for PostgreSQL's claims vs hosting (restoring) what they returned.
      const ms = Math.round(performance.now() - started);
      const claimWaitMs = Math.round(waitedMs);
      this.options.logger.info({ event: 'host.claimed', tasks: claimedNow, ms, claimWaitMs }, 'claimed tasks');
    }
    if (this.options.isStopped()) return false;
    const surplus = runtime.hosted.size - (starved ? even : share);
    // While tasks wait unheld (a dead instance's, or a hand-over in transit), a starved instance takes its share from
    // there, and the others' counts are as of before their claims: shedding now only put more in transit (a takeover
    // once ping-ponged 3,550 tasks between its two survivors, each counted as unowned until claimed again).
    const shedding = unheld > 0 ? 0 : Math.min(surplus, MAX_SHED_PER_ROUND);
    if (shedding > 0) await this.shed(shedding);
    return surplus > shedding || (claimedNow < unheld && runtime.hosted.size < share);
  }

  /**
   * Give up to `count` tasks to the other instances, each at a safe point: parked at rest (nothing invoked, no act in
   * flight) with every state change written. They stop here first (nothing can wake them meanwhile), then are released
   * with their latest snapshot; one the release did not take (it moved or finished meanwhile) is claimed back if still
   * ours. The others are told at once.
   */
  private async shed(count: number): Promise<void> {
    const leaving: Hosted[] = [];
    for (const hosted of this.options.runtime.hosted.values()) {
      if (leaving.length >= count) break;
      if (hosted.parked && hosted.unwritten === 0 && hosted.actor === undefined) leaving.push(hosted);
    }
    if (leaving.length === 0) return;
    for (const hosted of leaving) this.options.forget(hosted);
    const tasks = leaving.map((h) => ({ id: h.row.id, epoch: h.row.epoch, snapshot: persistedOf(h) }));
    let released: string[] = [];
    try {
      released = await this.options.leases.release(tasks);
    } catch (err) {
      this.options.logger.warn({ event: 'host.shed_failed', err }, 'could not hand surplus tasks over: keeping them');
    }
    const gone = new Set(released);
    for (const task of tasks) if (!gone.has(task.id)) await this.options.claimOne(task.id);
    if (released.length === 0) return;
    this.options.logger.info({ event: 'host.shed', tasks: released.length }, 'handed surplus tasks to other instances');
    await this.options.announceReleased();
  }
}
