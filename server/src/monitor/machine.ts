// One monitoring task as a state machine (ARCHITECTURE.md, "The actor"). A pure definition: what a task watches and how
// it books differ between supply and redistribution, so both arrive as injected actors (`probe`, `act`); time and
// randomness arrive through a `MonitorEnvironment`, so the same definition runs on the wall clock and in tests.
import type { FoundSlot, TaskMode, TaskOutcome, TaskState } from '@slotpilot/shared';
import {
  type ActorRefFrom,
  assign,
  type DoneActorEvent,
  type ErrorActorEvent,
  type EventObject,
  fromPromise,
  type Snapshot,
  setup,
} from 'xstate';
import { fullJitterDelay } from './backoff.ts';

// ---------------------------------------------------------------------------------------------------------------------
// Types the host and the injected actors share with the machine

/** The cheapest cell a probe saw, matching or not: shown to the seller as "best so far". */
export interface BestSeen {
  warehouseId: number;
  date: string;
  coefficient: number;
}

export interface MonitorInput {
  taskId: string;
  mode: TaskMode;
  /** Notify mode only: after an alert, keep watching for other slots instead of finishing. */
  keepWatching: boolean;
  pollIntervalMs: number;
}

/** Everything here is plain JSON: it is persisted with the snapshot and restored into a new process. */
export interface MonitorContext {
  taskId: string;
  mode: TaskMode;
  keepWatching: boolean;
  pollIntervalMs: number;
  /** Absolute deadlines (epoch ms), not durations: XState does not persist timers, so they are re-armed from these. */
  nextPollAt: number | null;
  backoffUntil: number | null;
  /** Backoffs in a row since the last successful probe: the exponent of the backoff window. */
  backoffAttempt: number;
  /**
   * Act failures in a row since the last act that reached its end (booked, notified): the exponent of the act's own
   * backoff. Not reset by a successful probe, else a failing act would retry every second forever (issue 15).
   * Absent in snapshots written before it existed (read as 0).
   */
  actAttempt?: number;
  lastCheckAt: number | null;
  bestSeen: BestSeen | null;
  found: FoundSlot | null;
  /**
   * When `found` was matched (epoch ms), for "найден 12 с назад" on the slot-found sheet; null with `found`.
   * Absent in snapshots written before it existed (read as null).
   */
  foundAt?: number | null;
  /** `slotKey()` of slots already alerted (notify + keepWatching), oldest first, at most `NOTIFIED_KEYS_CAP`. */
  notified: string[];
  reason: string | null;
  actionUrl: string | null;
  /** PAUSE or CANCEL received while booking: applied once the act settles, because WB may already be booking. */
  pendingCommand: MonitorCommand | null;
  outcome: TaskOutcome | null;
}

export type MonitorCommand = 'PAUSE' | 'CANCEL';

export type MonitorEvent =
  | { type: 'START' }
  | { type: 'RESUME' }
  | { type: 'PAUSE' }
  | { type: 'CANCEL' }
  /** A new picture of a source this task watches arrived: probe now instead of at the next interval. */
  | { type: 'FEED_UPDATED' }
  /** Sent by the host right after restoring a snapshot: re-enters the current state so its timers are armed again. */
  | { type: 'REARM' };

export interface ProbeInput {
  taskId: string;
  /** Slots already alerted: the probe skips them, so keep-watching tasks alert each slot once. */
  notified: string[];
}

export type ProbeResult =
  | { type: 'match'; slot: FoundSlot; best: BestSeen | null; closed?: string[] }
  /**
   * `stale`: no fresh picture of any of the task's warehouses — the task looked at nothing, so it was not checked (its
   * `lastCheckAt` and best-so-far stay as they were: a blind task must not look healthy, finding 10).
   * `closed`: alerted cells (slot keys) a fresh picture shows closed: forgotten, so a reopening is announced again.
   */
  | { type: 'none'; best: BestSeen | null; stale?: boolean; closed?: string[] }
  /** The task's dates are all in the past. */
  | { type: 'expired' };

/** What `probe` and `act` reject with. Anything else they throw counts as `{ kind: 'transient', reason: 'unexpected' }`. */
export interface ProbeFailure {
  kind: 'transient' | 'rate_limited' | 'fatal' | 'needs_action';
  reason: string;
  /** WB's `X-Ratelimit-Retry`: the backoff never ends before it. */
  retryAfterMs?: number;
  /**
   * Our own limiter held the call back (nothing reached WB): the act waits out `retryAfterMs` and its backoff does not
   * grow, since nothing failed at WB.
   */
  local?: boolean;
  /** Where the seller can do what only they can (captcha, new session). */
  actionUrl?: string;
}

export interface ActInput {
  taskId: string;
  slot: FoundSlot;
  mode: TaskMode;
}

export type ActResult =
  | { type: 'booked' }
  | { type: 'notified' }
  /** Someone else took the slot first. */
  | { type: 'gone' }
  | { type: 'needs-action'; reason: string; actionUrl: string | null }
  | { type: 'failed'; reason: string }
  | { type: 'no-credits' };

/** Where the machine reads time and randomness. Tests pass a simulated clock and a fixed random source. */
export interface MonitorEnvironment {
  /** Epoch milliseconds, on the same clock the actor's timers run on. */
  now(): number;
  /** A number in [0, 1). */
  random(): number;
}

/** The persisted snapshot (`actor.getPersistedSnapshot()`), as stored and as given back to `createActor`. */
export type MonitorSnapshot = Snapshot<undefined> & {
  value: MonitorStateValue;
  context: MonitorContext;
  /** The in-flight probe or act, if any: XState runs it again on restore. */
  children: Record<string, unknown>;
  historyValue?: unknown;
};

export type MonitorStateValue = 'idle' | { polling: 'probing' | 'waiting' } | 'backing-off' | 'booking' | 'done';

export const NOTIFIED_KEYS_CAP = 200;

/** The act's backoff: the first failure waits up to ~5 s, doubling per failure in a row, at most 5 minutes. */
export const ACT_BACKOFF_BASE_MS = 5_000;
export const ACT_BACKOFF_CAP_MS = 5 * 60_000;
export const ACT_BACKOFF_FLOOR_MS = 1_000;

/** The key a probe and the machine agree on for "this slot was already alerted". */
export function slotKey(slot: Pick<FoundSlot, 'warehouseId' | 'date'>): string {
  return `${slot.warehouseId}:${slot.date}`;
}

// ---------------------------------------------------------------------------------------------------------------------
// Reading what the invoked actors reported. Named implementations are typed with the machine's own events, but XState
// hands them the invoke's done/error event; these check the event type at run time before reading its payload, and
// treat a malformed payload as the safe case rather than trusting an injected implementation blindly.

const PROBE_RESULT_TYPES = new Set(['match', 'none', 'expired']);
const ACT_RESULT_TYPES = new Set(['booked', 'notified', 'gone', 'needs-action', 'failed', 'no-credits']);
const FAILURE_KINDS = new Set(['transient', 'rate_limited', 'fatal', 'needs_action']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function probeResultOf(event: EventObject): ProbeResult | null {
  if (event.type !== 'xstate.done.actor.probe') return null;
  const output: unknown = (event as DoneActorEvent<unknown, 'probe'>).output;
  if (!isRecord(output) || typeof output.type !== 'string' || !PROBE_RESULT_TYPES.has(output.type)) return null;
  if (output.type === 'match' && !isRecord(output.slot)) return null;
  return output as ProbeResult;
}

function actResultOf(event: EventObject): ActResult | null {
  if (event.type !== 'xstate.done.actor.act') return null;
  const output: unknown = (event as DoneActorEvent<unknown, 'act'>).output;
  if (!isRecord(output) || typeof output.type !== 'string' || !ACT_RESULT_TYPES.has(output.type)) return null;
  return output as ActResult;
}

/** The failure an invoked probe or act rejected with, normalised: unknown shapes count as transient. */
export function toProbeFailure(error: unknown): ProbeFailure {
  if (!isRecord(error) || typeof error.kind !== 'string' || !FAILURE_KINDS.has(error.kind)) {
    return { kind: 'transient', reason: 'unexpected' };
  }
  const failure: ProbeFailure = {
    kind: error.kind as ProbeFailure['kind'],
    reason: typeof error.reason === 'string' && error.reason !== '' ? error.reason : error.kind,
  };
  if (typeof error.retryAfterMs === 'number' && Number.isFinite(error.retryAfterMs) && error.retryAfterMs > 0) {
    failure.retryAfterMs = error.retryAfterMs;
  }
  if (typeof error.actionUrl === 'string') failure.actionUrl = error.actionUrl;
  if (error.local === true && failure.retryAfterMs !== undefined) failure.local = true;
  return failure;
}

function failureOf(event: EventObject): ProbeFailure {
  const error: unknown = event.type.startsWith('xstate.error.actor.') ? (event as ErrorActorEvent).error : undefined;
  return toProbeFailure(error);
}

// ---------------------------------------------------------------------------------------------------------------------
// Invoke inputs (named, so the config below carries no logic of its own)

function probeInputOf({ context }: { context: MonitorContext }): ProbeInput {
  return { taskId: context.taskId, notified: context.notified };
}

function actInputOf({ context }: { context: MonitorContext }): ActInput {
  // `booking` is only entered after `rememberFound`, and `found` is persisted with it, so this cannot be null.
  if (context.found === null) throw new Error(`monitor ${context.taskId}: booking without a found slot`);
  return { taskId: context.taskId, slot: context.found, mode: context.mode };
}

/** A task's context before anything happened (also the stand-in for a task whose stored snapshot is unreadable). */
export function initialContext({ input }: { input: MonitorInput }): MonitorContext {
  return {
    taskId: input.taskId,
    mode: input.mode,
    keepWatching: input.keepWatching,
    pollIntervalMs: input.pollIntervalMs,
    nextPollAt: null,
    backoffUntil: null,
    backoffAttempt: 0,
    actAttempt: 0,
    lastCheckAt: null,
    bestSeen: null,
    found: null,
    foundAt: null,
    notified: [],
    reason: null,
    actionUrl: null,
    pendingCommand: null,
    outcome: null,
  };
}

/** Placeholders until the host provides the real actors: a forgotten `provide` ends the task visibly, never hangs it. */
function notProvided(name: 'probe' | 'act'): ProbeFailure {
  return { kind: 'fatal', reason: `${name}_not_provided` };
}

const REAL_ENVIRONMENT: MonitorEnvironment = { now: () => Date.now(), random: () => Math.random() };

// ---------------------------------------------------------------------------------------------------------------------
// The machine

/**
 * Builds the machine on an environment. Production uses `monitorMachine` (the wall clock and `Math.random`); tests
 * build one on a `SimulatedClock`. Every build has the same states and names, so snapshots move freely between them.
 * Inject the per-kind actors with `.provide({ actors: { probe, act } })`.
 */
export function createMonitorMachine(env: MonitorEnvironment = REAL_ENVIRONMENT) {
  const msUntil = (deadline: number | null): number => (deadline === null ? 0 : Math.max(0, deadline - env.now()));

  return setup({
    types: {
      context: {} as MonitorContext,
      events: {} as MonitorEvent,
      input: {} as MonitorInput,
    },
    actors: {
      probe: fromPromise<ProbeResult, ProbeInput>(async () => {
        throw notProvided('probe');
      }),
      act: fromPromise<ActResult, ActInput>(async () => {
        throw notProvided('act');
      }),
    },
    guards: {
      probeMatched: ({ event }) => probeResultOf(event)?.type === 'match',
      probeExpired: ({ event }) => probeResultOf(event)?.type === 'expired',
      failureIsFatal: ({ event }) => failureOf(event).kind === 'fatal',
      failureNeedsAction: ({ event }) => failureOf(event).kind === 'needs_action',
      actBooked: ({ event }) => actResultOf(event)?.type === 'booked',
      actNeedsAction: ({ event }) => actResultOf(event)?.type === 'needs-action',
      actFailed: ({ event }) => actResultOf(event)?.type === 'failed',
      actUnrecognised: ({ event }) => actResultOf(event) === null,
      actNoCredits: ({ event }) => actResultOf(event)?.type === 'no-credits',
      actNotified: ({ event }) => actResultOf(event)?.type === 'notified',
      notifiedAndFinished: ({ context, event }) => actResultOf(event)?.type === 'notified' && !context.keepWatching,
      cancelPending: ({ context }) => context.pendingCommand === 'CANCEL',
      pausePending: ({ context }) => context.pendingCommand === 'PAUSE',
    },
    actions: {
      clearReason: assign({ reason: null, actionUrl: null }),
      /** Any successful probe: the source answered, so the failure streak is over. */
      recordCheck: assign(({ context, event }) => {
        const result = probeResultOf(event);
        const blind = result?.type === 'none' && result.stale === true;
        const closed = result && result.type !== 'expired' ? (result.closed ?? []) : [];
        return {
          lastCheckAt: blind ? context.lastCheckAt : env.now(),
          bestSeen: result && result.type !== 'expired' && !blind ? (result.best ?? null) : context.bestSeen,
          notified: closed.length > 0 ? context.notified.filter((key) => !closed.includes(key)) : context.notified,
          backoffAttempt: 0,
          reason: null,
          actionUrl: null,
        };
      }),
      rememberFound: assign(({ context, event }) => {
        const result = probeResultOf(event);
        return result?.type === 'match'
          ? { found: result.slot, foundAt: env.now() }
          : { found: context.found, foundAt: context.foundAt ?? null };
      }),
      /**
       * One poll interval from now, give or take 20 % (centred, so the average interval is unchanged): thousands of actors
       * started or restored in the same second would otherwise keep waking in the same second, a burst of probes every
       * interval (issue 8's scale benchmark); a fresh draw each time spreads them out within a cycle or two.
       */
      scheduleNextPoll: assign({
        nextPollAt: ({ context }) => env.now() + Math.round(context.pollIntervalMs * (0.8 + 0.4 * env.random())),
      }),
      /**
       * Run on the transition into `backing-off`, not on its entry: REARM re-enters the state after a restore and must
       * keep the stored deadline rather than draw a new one.
       */
      startBackoff: assign(({ context, event }) => {
        const failure = failureOf(event);
        const waitMs = Math.max(failure.retryAfterMs ?? 0, fullJitterDelay(context.backoffAttempt, env.random));
        return {
          backoffUntil: env.now() + waitMs,
          backoffAttempt: context.backoffAttempt + 1,
          reason: failure.reason,
          actionUrl: null,
        };
      }),
      /**
       * An act failed transiently: its own, slower backoff (full jitter over a window that doubles per failure in a row,
       * from ACT_BACKOFF_BASE_MS up to ACT_BACKOFF_CAP_MS), never shorter than WB's retry-after.
       */
      startActBackoff: assign(({ context, event }) => {
        const failure = failureOf(event);
        const attempt = context.actAttempt ?? 0;
        if (failure.local && failure.retryAfterMs !== undefined) {
          // Our own pacing of the seller's calls: wait its turn (spread a little), no failure to count.
          const waitMs = failure.retryAfterMs + Math.round(ACT_BACKOFF_FLOOR_MS * env.random());
          return { backoffUntil: env.now() + waitMs, reason: failure.reason, actionUrl: null };
        }
        const jitter = fullJitterDelay(attempt, env.random, { baseMs: ACT_BACKOFF_BASE_MS, capMs: ACT_BACKOFF_CAP_MS });
        // At least a floor: full jitter may draw ~0, and an act retried at once costs WB calls, not just a probe.
        const waitMs = Math.max(failure.retryAfterMs ?? 0, ACT_BACKOFF_FLOOR_MS, jitter);
        return {
          backoffUntil: env.now() + waitMs,
          actAttempt: attempt + 1,
          reason: failure.reason,
          actionUrl: null,
        };
      }),
      resetActAttempt: assign({ actAttempt: 0 }),
      recordFailure: assign(({ event }) => {
        const failure = failureOf(event);
        return { reason: failure.reason, actionUrl: failure.actionUrl ?? null };
      }),
      recordActProblem: assign(({ event }) => {
        const result = actResultOf(event);
        if (result?.type === 'needs-action') return { reason: result.reason, actionUrl: result.actionUrl ?? null };
        if (result?.type === 'failed') return { reason: result.reason, actionUrl: null };
        return { reason: 'unexpected_act_result', actionUrl: null };
      }),
      /** An act that leaves the task running: the slot is no longer being booked; an alerted one is not re-sent. */
      settleAct: assign(({ context, event }) => {
        const result = actResultOf(event);
        const slot = context.found;
        return {
          found: null,
          foundAt: null,
          notified:
            result?.type === 'notified' && slot !== null
              ? [...context.notified.filter((key) => key !== slotKey(slot)), slotKey(slot)].slice(-NOTIFIED_KEYS_CAP)
              : context.notified,
          reason: result?.type === 'no-credits' ? 'no_credits' : context.reason,
        };
      }),
      forgetFound: assign({ found: null, foundAt: null }),
      deferPause: assign({
        // CANCEL is the stronger wish: a later PAUSE does not weaken it.
        pendingCommand: ({ context }) => (context.pendingCommand === 'CANCEL' ? 'CANCEL' : 'PAUSE'),
      }),
      deferCancel: assign({ pendingCommand: 'CANCEL' }),
      /** RESUME while a PAUSE waits for the act: the seller changed their mind before it took effect. */
      withdrawPause: assign({
        pendingCommand: ({ context }) => (context.pendingCommand === 'PAUSE' ? null : context.pendingCommand),
      }),
      clearPendingCommand: assign({ pendingCommand: null }),
      finish: assign((_, params: { outcome: TaskOutcome }) => ({ outcome: params.outcome })),
    },
    delays: {
      untilNextPoll: ({ context }) => msUntil(context.nextPollAt),
      untilBackoffEnds: ({ context }) => msUntil(context.backoffUntil),
    },
  }).createMachine({
    id: 'monitor',
    initial: 'idle',
    context: initialContext,
    states: {
      idle: {
        description: 'Created or paused; no timers, nothing in flight.',
        on: {
          START: { target: 'polling', actions: 'clearReason' },
          RESUME: { target: 'polling', actions: 'clearReason' },
          CANCEL: { target: 'done', actions: { type: 'finish', params: { outcome: 'cancelled' } } },
        },
      },
      polling: {
        description: 'Probes the source at once, then every poll interval or on FEED_UPDATED.',
        initial: 'probing',
        on: {
          PAUSE: { target: 'idle', actions: 'clearReason' },
          CANCEL: { target: 'done', actions: { type: 'finish', params: { outcome: 'cancelled' } } },
        },
        states: {
          probing: {
            // No REARM here: an in-flight probe is started again by XState itself on restore.
            invoke: {
              id: 'probe',
              src: 'probe',
              input: probeInputOf,
              onDone: [
                { guard: 'probeMatched', target: '#monitor.booking', actions: ['recordCheck', 'rememberFound'] },
                {
                  guard: 'probeExpired',
                  target: '#monitor.done',
                  actions: ['recordCheck', { type: 'finish', params: { outcome: 'expired' } }],
                },
                // `none`, or a result this machine does not recognise: look again later rather than act on it.
                { target: 'waiting', actions: ['recordCheck', 'scheduleNextPoll'] },
              ],
              onError: [
                {
                  guard: 'failureIsFatal',
                  target: '#monitor.done',
                  actions: ['recordFailure', { type: 'finish', params: { outcome: 'failed' } }],
                },
                {
                  guard: 'failureNeedsAction',
                  target: '#monitor.done',
                  actions: ['recordFailure', { type: 'finish', params: { outcome: 'needs-action' } }],
                },
                { target: '#monitor.backing-off', actions: 'startBackoff' },
              ],
            },
          },
          waiting: {
            description: 'Until nextPollAt.',
            after: { untilNextPoll: { target: 'probing' } },
            on: {
              FEED_UPDATED: { target: 'probing' },
              REARM: { target: 'waiting', reenter: true },
            },
          },
        },
      },
      'backing-off': {
        description: 'After a transient or rate-limit failure, until backoffUntil (full jitter, at least WB’s retry-after).',
        after: { untilBackoffEnds: { target: 'polling' } },
        on: {
          REARM: { target: 'backing-off', reenter: true },
          // Ignored on purpose: a fresh picture does not make WB's limit or a failing source recover sooner.
          FEED_UPDATED: {},
          PAUSE: { target: 'idle', actions: 'clearReason' },
          CANCEL: { target: 'done', actions: { type: 'finish', params: { outcome: 'cancelled' } } },
        },
      },
      booking: {
        description: 'The act: book the slot, place the transfer, or send the alert. Never interrupted.',
        exit: 'clearPendingCommand',
        on: {
          PAUSE: { actions: 'deferPause' },
          CANCEL: { actions: 'deferCancel' },
          RESUME: { actions: 'withdrawPause' },
        },
        invoke: {
          id: 'act',
          src: 'act',
          input: actInputOf,
          onDone: [
            // Final results first: they stand whatever the seller asked meanwhile (a booking cannot be undone here).
            { guard: 'actBooked', target: 'done', actions: ['resetActAttempt', { type: 'finish', params: { outcome: 'booked' } }] },
            {
              guard: 'actNeedsAction',
              target: 'done',
              actions: ['recordActProblem', { type: 'finish', params: { outcome: 'needs-action' } }],
            },
            {
              guard: 'actFailed',
              target: 'done',
              actions: ['recordActProblem', { type: 'finish', params: { outcome: 'failed' } }],
            },
            {
              guard: 'notifiedAndFinished',
              target: 'done',
              actions: { type: 'finish', params: { outcome: 'notified' } },
            },
            // Unknown result: the act may have done something, so never loop back into booking on a guess.
            {
              guard: 'actUnrecognised',
              target: 'done',
              actions: ['recordActProblem', { type: 'finish', params: { outcome: 'failed' } }],
            },
            // The task goes on (gone, no-credits, notified while keeping watch): a deferred command takes effect now.
            {
              guard: 'cancelPending',
              target: 'done',
              actions: ['settleAct', { type: 'finish', params: { outcome: 'cancelled' } }],
            },
            { guard: 'pausePending', target: 'idle', actions: 'settleAct' },
            { guard: 'actNoCredits', target: 'idle', actions: 'settleAct' },
            { guard: 'actNotified', target: 'polling', actions: ['settleAct', 'resetActAttempt'] },
            { target: 'polling', actions: 'settleAct' },
          ],
          onError: [
            {
              guard: 'failureIsFatal',
              target: 'done',
              actions: ['recordFailure', { type: 'finish', params: { outcome: 'failed' } }],
            },
            {
              guard: 'failureNeedsAction',
              target: 'done',
              actions: ['recordFailure', { type: 'finish', params: { outcome: 'needs-action' } }],
            },
            {
              guard: 'cancelPending',
              target: 'done',
              actions: ['forgetFound', 'recordFailure', { type: 'finish', params: { outcome: 'cancelled' } }],
            },
            { guard: 'pausePending', target: 'idle', actions: ['forgetFound', 'recordFailure'] },
            { target: 'backing-off', actions: ['forgetFound', 'startActBackoff'] },
          ],
        },
      },
      done: {
        // A top-level final state, so the actor's status becomes 'done' (XState completes a machine only on a final
        // child of the root); how it ended is `context.outcome`, set by the `finish` action on the way in.
        description: 'Finished: booked, notified, cancelled, expired, failed or needs-action (context.outcome).',
        type: 'final',
      },
    },
  });
}

export const monitorMachine = createMonitorMachine();
export type MonitorMachine = typeof monitorMachine;
export type MonitorActor = ActorRefFrom<MonitorMachine>;

/** The persisted snapshot of a running monitor, typed (XState types it as `Snapshot<unknown>`). */
export function persistedSnapshotOf(actor: MonitorActor): MonitorSnapshot {
  return actor.getPersistedSnapshot() as MonitorSnapshot;
}

// ---------------------------------------------------------------------------------------------------------------------
// Reading a snapshot, for the API and the inspector

export interface MonitorDescription {
  state: TaskState;
  outcome: TaskOutcome | null;
  /** When the task will next do something on its own: the next poll or the end of a backoff; null when it will not. */
  nextStepAt: number | null;
  reason: string | null;
  bestSeen: BestSeen | null;
  found: FoundSlot | null;
  /** When `found` was matched (epoch ms); null without one, or for a snapshot written before this was recorded. */
  foundAt: number | null;
  lastCheckAt: number | null;
  /** Where the seller can act, when the task needs them (a captcha, a re-login). */
  actionUrl: string | null;
}

const TASK_STATE_NAMES: ReadonlySet<string> = new Set<TaskState>(['idle', 'polling', 'backing-off', 'booking', 'done']);

/** Works on a live snapshot and on a persisted one read back from the database. */
export function describeSnapshot(snapshot: { value: MonitorStateValue; context: MonitorContext }): MonitorDescription {
  const { value, context } = snapshot;
  const top = typeof value === 'string' ? value : isRecord(value) ? Object.keys(value)[0] : undefined;
  if (top === undefined || !TASK_STATE_NAMES.has(top) || !isRecord(context)) {
    // A snapshot this machine cannot read (corrupted, or another version's state): the host quarantines such a task as
    // failed when it claims it, so that is what every reader shows meanwhile — never an exception that takes a list,
    // /metrics or a shutdown down with it (issue 15).
    return {
      state: 'done',
      outcome: 'failed',
      nextStepAt: null,
      reason: 'incompatible-snapshot',
      bestSeen: null,
      found: null,
      foundAt: null,
      lastCheckAt: null,
      actionUrl: null,
    };
  }
  const state = top as TaskState;
  let nextStepAt: number | null = null;
  if (typeof value === 'object' && value.polling === 'waiting') nextStepAt = context.nextPollAt;
  else if (state === 'backing-off') nextStepAt = context.backoffUntil;
  return {
    state,
    outcome: state === 'done' ? context.outcome : null,
    nextStepAt,
    reason: context.reason,
    bestSeen: context.bestSeen,
    found: context.found,
    foundAt: context.found ? (context.foundAt ?? null) : null,
    lastCheckAt: context.lastCheckAt,
    actionUrl: context.actionUrl ?? null,
  };
}
