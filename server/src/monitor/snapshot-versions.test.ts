// Golden snapshots of every released machine version, restored into today's machine: a task stored by an older release
// must resume where it was (issue 15). The JSON below is what version 1 wrote to monitoring_tasks.snapshot, verbatim.

import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import { type ActInput, type ActResult, createMonitorMachine, type MonitorSnapshot } from './machine.ts';
import { MONITOR_SNAPSHOT_VERSION, toStored, upcastSnapshot } from './snapshot-versions.ts';

const T0 = 1_796_250_600_000;

const V1 = {
  idle: {
    status: 'active',
    value: 'idle',
    historyValue: {},
    context: {
      taskId: 'golden-1',
      mode: 'autobook',
      keepWatching: false,
      pollIntervalMs: 120000,
      nextPollAt: null,
      backoffUntil: null,
      backoffAttempt: 0,
      lastCheckAt: null,
      bestSeen: null,
      found: null,
      notified: [],
      reason: null,
      actionUrl: null,
      pendingCommand: null,
      outcome: null,
    },
    children: {},
  },
  waiting: {
    status: 'active',
    value: { polling: 'waiting' },
    historyValue: {},
    context: {
      taskId: 'golden-1',
      mode: 'autobook',
      keepWatching: false,
      pollIntervalMs: 120000,
      nextPollAt: 1796250745171,
      backoffUntil: null,
      backoffAttempt: 0,
      lastCheckAt: 1796250632520,
      bestSeen: { warehouseId: 507, date: '2026-12-05', coefficient: 3 },
      found: null,
      notified: [],
      reason: null,
      actionUrl: null,
      pendingCommand: null,
      outcome: null,
    },
    children: {},
  },
  booking: {
    status: 'active',
    value: 'booking',
    historyValue: {},
    context: {
      taskId: 'golden-1',
      mode: 'autobook',
      keepWatching: false,
      pollIntervalMs: 120000,
      nextPollAt: null,
      backoffUntil: null,
      backoffAttempt: 0,
      lastCheckAt: 1796250639266,
      bestSeen: { warehouseId: 507, date: '2026-12-05', coefficient: 0 },
      found: { warehouseId: 507, date: '2026-12-05', coefficient: 0 },
      notified: [],
      reason: null,
      actionUrl: null,
      pendingCommand: 'CANCEL',
      outcome: null,
    },
    children: {
      act: {
        snapshot: {
          status: 'active',
          input: { taskId: 'golden-1', slot: { warehouseId: 507, date: '2026-12-05', coefficient: 0 }, mode: 'autobook' },
        },
        src: 'act',
        syncSnapshot: false,
      },
    },
  },
  backingOff: {
    status: 'active',
    value: 'backing-off',
    historyValue: {},
    context: {
      taskId: 'golden-2',
      mode: 'notify',
      keepWatching: true,
      pollIntervalMs: 120000,
      nextPollAt: null,
      backoffUntil: 1796250699277,
      backoffAttempt: 1,
      lastCheckAt: null,
      bestSeen: null,
      found: null,
      notified: [],
      reason: 'wb_429',
      actionUrl: null,
      pendingCommand: null,
      outcome: null,
    },
    children: {},
  },
} as const;

/** Restore a stored snapshot the way the host does (upcast, then createActor, then REARM), on a simulated clock. */
function restore(stored: unknown, act: (input: ActInput) => Promise<ActResult> = () => new Promise(() => {})) {
  const upcast = upcastSnapshot(JSON.parse(JSON.stringify(stored)));
  if (!upcast.ok) throw new Error(upcast.problem);
  const clock = new SimulatedClock();
  clock.set(T0);
  const machine = createMonitorMachine({ now: () => clock.now(), random: () => 0.5 }).provide({
    actors: {
      probe: fromPromise(() => new Promise(() => {})),
      act: fromPromise<ActResult, ActInput>(({ input }) => act(input)),
    },
  });
  // The input is ignored when a snapshot is given (as in the host, which passes both).
  const input = { taskId: 'ignored', mode: 'notify' as const, keepWatching: false, pollIntervalMs: 1 };
  const actor = createActor(machine, { snapshot: upcast.snapshot as never, input, clock });
  actor.start();
  actor.send({ type: 'REARM' });
  return { actor, clock, from: upcast.from };
}

describe('snapshot versions', () => {
  it('version 1 snapshots restore in every state they were written in, with the fields version 2 added', async () => {
    const idle = restore(V1.idle);
    expect(idle.from).toBe(1);
    expect(idle.actor.getSnapshot().value).toBe('idle');
    expect(idle.actor.getSnapshot().context.actAttempt).toBe(0);

    const waiting = restore(V1.waiting);
    expect(waiting.actor.getSnapshot().value).toEqual({ polling: 'waiting' });
    // Its poll deadline was re-armed from the stored absolute time.
    waiting.clock.increment(1796250745171 - T0);
    expect(waiting.actor.getSnapshot().value).toEqual({ polling: 'probing' });

    const backingOff = restore(V1.backingOff);
    expect(backingOff.actor.getSnapshot().value).toBe('backing-off');
    backingOff.clock.increment(1796250699277 - T0);
    expect(backingOff.actor.getSnapshot().value).toEqual({ polling: 'probing' });

    // Booking: the act runs again with the same input, and the CANCEL deferred before the crash still applies.
    const inputs: ActInput[] = [];
    const booking = restore(V1.booking, async (input) => {
      inputs.push(input);
      return { type: 'gone' };
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(inputs).toEqual([{ taskId: 'golden-1', slot: { warehouseId: 507, date: '2026-12-05', coefficient: 0 }, mode: 'autobook' }]);
    expect(booking.actor.getSnapshot().value).toBe('done');
    expect(booking.actor.getSnapshot().context.outcome).toBe('cancelled');
  });

  it('what is stored carries the current version and reads back unchanged', () => {
    const { actor } = restore(V1.waiting);
    const stored = toStored(actor.getPersistedSnapshot() as MonitorSnapshot);
    expect(stored.machineVersion).toBe(MONITOR_SNAPSHOT_VERSION);
    const back = upcastSnapshot(JSON.parse(JSON.stringify(stored)));
    expect(back).toMatchObject({ ok: true, from: MONITOR_SNAPSHOT_VERSION });
    expect(back.ok && 'machineVersion' in back.snapshot).toBe(false);
  });

  it.each([
    ['a renamed state', { ...V1.idle, value: 'paused' }, /unknown state/],
    ['a renamed substate', { ...V1.waiting, value: { polling: 'sleeping' } }, /unknown state/],
    ['a newer version', { ...V1.idle, machineVersion: MONITOR_SNAPSHOT_VERSION + 1 }, /newer machine/],
    ['no context', { ...V1.idle, context: null }, /context/],
    ['a broken context', { ...V1.idle, context: { ...V1.idle.context, notified: 'x' } }, /notified/],
    ['booking without a slot', { ...V1.booking, context: { ...V1.booking.context, found: null } }, /found slot/],
    ['not an object', 'garbage', /not an object/],
  ])('refuses %s (the host quarantines the task)', (_name, stored, problem) => {
    const result = upcastSnapshot(stored);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatch(problem);
  });
});
