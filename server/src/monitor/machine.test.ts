// The monitor machine on a simulated clock, with probe and act stand-ins the tests settle by hand. No real timers.
import type { FoundSlot, TaskOutcome } from '@slotpilot/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Actor, createActor, fromPromise, SimulatedClock } from 'xstate';
import {
  type ActInput,
  type ActResult,
  type BestSeen,
  createMonitorMachine,
  describeSnapshot,
  type MonitorInput,
  type MonitorMachine,
  type MonitorSnapshot,
  monitorMachine,
  NOTIFIED_KEYS_CAP,
  type ProbeFailure,
  type ProbeInput,
  type ProbeResult,
  persistedSnapshotOf,
  slotKey,
} from './machine.ts';
import { MACHINE_STATES } from './machine-introspection.ts';

const T0 = 1_700_000_000_000;
const POLL_MS = 1000;
const SLOT: FoundSlot = { warehouseId: 507, date: '2026-03-02', coefficient: 0 };
const OTHER_SLOT: FoundSlot = { warehouseId: 117986, date: '2026-03-03', coefficient: 1 };
const BEST = { warehouseId: 507, date: '2026-03-05', coefficient: 3 };

const transient: ProbeFailure = { kind: 'transient', reason: 'wb_5xx' };
const fatal: ProbeFailure = { kind: 'fatal', reason: 'credential_revoked' };
const needsAction: ProbeFailure = { kind: 'needs_action', reason: 'captcha', actionUrl: 'https://seller.wildberries.ru/captcha' };
const rateLimited = (retryAfterMs: number): ProbeFailure => ({ kind: 'rate_limited', reason: 'wb_429', retryAfterMs });

/** A promise actor whose calls stay pending until the test resolves or rejects them. */
function controllable<TInput, TOutput>() {
  const calls: Array<{ input: TInput; resolve: (value: TOutput) => void; reject: (error: unknown) => void }> = [];
  const logic = fromPromise<TOutput, TInput>(
    ({ input }) => new Promise<TOutput>((resolve, reject) => calls.push({ input, resolve, reject })),
  );
  return {
    logic,
    calls,
    last() {
      const call = calls.at(-1);
      if (!call) throw new Error('not called yet');
      return call;
    },
  };
}

/** Lets promise callbacks (the actors' results) reach the machine. Not a timer: it only drains pending jobs. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const liveActors: Array<Actor<MonitorMachine>> = [];
afterEach(() => {
  for (const actor of liveActors.splice(0)) actor.stop();
});

function harness({ input = {}, random = 0.5 }: { input?: Partial<MonitorInput>; random?: number } = {}) {
  const clock = new SimulatedClock();
  clock.set(T0);
  const env = { random, now: () => clock.now() };
  const probe = controllable<ProbeInput, ProbeResult>();
  const act = controllable<ActInput, ActResult>();
  // A fresh build per process, as the host does: snapshots must work across builds of the definition.
  const build = () =>
    createMonitorMachine({ now: env.now, random: () => env.random }).provide({ actors: { probe: probe.logic, act: act.logic } });
  const fullInput: MonitorInput = { taskId: 'task-1', mode: 'notify', keepWatching: false, pollIntervalMs: POLL_MS, ...input };
  let actor = createActor(build(), { input: fullInput, clock });
  liveActors.push(actor);
  actor.start();

  const h = {
    clock,
    env,
    probe,
    act,
    get actor() {
      return actor;
    },
    snapshot: () => actor.getSnapshot(),
    context: () => actor.getSnapshot().context,
    value: () => actor.getSnapshot().value,
    send(type: 'START' | 'RESUME' | 'PAUSE' | 'CANCEL' | 'FEED_UPDATED' | 'REARM') {
      actor.send({ type });
    },
    async probeResolves(result: ProbeResult) {
      probe.last().resolve(result);
      await settle();
    },
    async probeRejects(error: unknown) {
      probe.last().reject(error);
      await settle();
    },
    async actResolves(result: ActResult) {
      act.last().resolve(result);
      await settle();
    },
    async actRejects(error: unknown) {
      act.last().reject(error);
      await settle();
    },
    /** START, then a probe that finds nothing: the actor waits for its next poll. */
    async toWaiting(best: BestSeen | null = BEST) {
      h.send('START');
      await h.probeResolves({ type: 'none', best });
    },
    async toBooking(slot: FoundSlot = SLOT) {
      h.send('START');
      await h.probeResolves({ type: 'match', slot, best: slot });
    },
    async toBackingOff(failure: unknown = transient) {
      h.send('START');
      await h.probeRejects(failure);
    },
    /**
     * What the host does after a crash or a lease takeover: persist, JSON round-trip (as Postgres jsonb would), stop,
     * build a new actor from the snapshot on the same clock, start it and (normally) send REARM.
     */
    async restore({ rearm = true }: { rearm?: boolean } = {}) {
      const persisted = JSON.parse(JSON.stringify(persistedSnapshotOf(actor))) as MonitorSnapshot;
      actor.stop();
      actor = createActor(build(), { snapshot: persisted, input: fullInput, clock });
      liveActors.push(actor);
      actor.start();
      if (rearm) actor.send({ type: 'REARM' });
      await settle();
      return persisted;
    },
  };
  return h;
}

type Harness = ReturnType<typeof harness>;

function expectDone(h: Harness, outcome: TaskOutcome) {
  expect(h.value()).toBe('done');
  expect(h.snapshot().status).toBe('done');
  expect(h.context().outcome).toBe(outcome);
}

describe('idle', () => {
  it('starts idle with its context built from the input', () => {
    const h = harness({ input: { mode: 'autobook', keepWatching: false, pollIntervalMs: 2500 } });
    expect(h.value()).toBe('idle');
    expect(h.snapshot().status).toBe('active');
    expect(h.context()).toEqual({
      taskId: 'task-1',
      mode: 'autobook',
      keepWatching: false,
      pollIntervalMs: 2500,
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
    });
    expect(h.probe.calls).toHaveLength(0);
  });

  it.each(['START', 'RESUME'] as const)('%s → polling, probing at once', (event) => {
    const h = harness();
    h.send(event);
    expect(h.value()).toEqual({ polling: 'probing' });
    expect(h.probe.calls.map((call) => call.input)).toEqual([{ taskId: 'task-1', notified: [] }]);
  });

  it('CANCEL → done.cancelled', () => {
    const h = harness();
    h.send('CANCEL');
    expectDone(h, 'cancelled');
  });

  it.each(['PAUSE', 'FEED_UPDATED', 'REARM'] as const)('ignores %s', async (event) => {
    const h = harness();
    h.send(event);
    h.clock.increment(10 * POLL_MS);
    await settle();
    expect(h.value()).toBe('idle');
    expect(h.probe.calls).toHaveLength(0);
  });
});

describe('polling.probing', () => {
  it('match → booking: remembers the slot and the check, and acts on the slot', async () => {
    const h = harness();
    h.send('START');
    h.clock.increment(40);
    await h.probeResolves({ type: 'match', slot: SLOT, best: SLOT });
    expect(h.value()).toBe('booking');
    expect(h.context()).toMatchObject({ found: SLOT, bestSeen: SLOT, lastCheckAt: T0 + 40, backoffAttempt: 0 });
    expect(h.act.calls.map((call) => call.input)).toEqual([{ taskId: 'task-1', slot: SLOT, mode: 'notify' }]);
  });

  it('passes the task mode to the act', async () => {
    const h = harness({ input: { mode: 'autobook' } });
    await h.toBooking();
    expect(h.act.last().input.mode).toBe('autobook');
  });

  it('none → waiting: remembers the best cell and schedules the next poll one interval from now', async () => {
    const h = harness();
    h.send('START');
    h.clock.increment(25);
    await h.probeResolves({ type: 'none', best: BEST });
    expect(h.value()).toEqual({ polling: 'waiting' });
    expect(h.context()).toMatchObject({ bestSeen: BEST, lastCheckAt: T0 + 25, nextPollAt: T0 + 25 + POLL_MS, found: null });
  });

  it('draws each next poll within ±20 % of the interval, so actors started together do not stay in step', async () => {
    for (const [random, factor] of [
      [0, 0.8],
      [0.99, 1.196],
    ] as const) {
      const h = harness({ random });
      await h.toWaiting(BEST);
      expect(h.context().nextPollAt).toBe(h.context().lastCheckAt! + Math.round(POLL_MS * factor));
    }
  });

  it('none with nothing visible clears the best cell', async () => {
    const h = harness();
    await h.toWaiting(BEST);
    h.clock.increment(POLL_MS);
    await h.probeResolves({ type: 'none', best: null });
    expect(h.context().bestSeen).toBeNull();
  });

  it('a blind probe (no fresh picture: stale) is no check: lastCheckAt and the best cell stay as they were', async () => {
    const h = harness();
    await h.toWaiting(BEST);
    const checkedAt = h.context().lastCheckAt;
    h.clock.increment(POLL_MS * 2);
    await h.probeResolves({ type: 'none', best: null, stale: true });
    expect(h.value()).toEqual({ polling: 'waiting' });
    expect(h.context()).toMatchObject({ lastCheckAt: checkedAt, bestSeen: BEST });
  });

  it('alerted cells the probe saw closed are forgotten, so their reopening is announced again (keep-watching)', async () => {
    const h = harness({ input: { keepWatching: true } });
    await h.toBooking(SLOT);
    await h.actResolves({ type: 'notified' });
    const key = `${SLOT.warehouseId}:${SLOT.date}`;
    expect(h.context().notified).toEqual([key]);
    h.clock.increment(POLL_MS * 2);
    await h.probeResolves({ type: 'none', best: BEST, closed: [key] });
    expect(h.context().notified).toEqual([]);
  });

  it('expired → done.expired', async () => {
    const h = harness();
    h.send('START');
    await h.probeResolves({ type: 'expired' });
    expectDone(h, 'expired');
    expect(h.context().lastCheckAt).toBe(T0);
  });

  it('a result it does not recognise counts as "nothing yet"', async () => {
    const h = harness();
    h.send('START');
    h.probe.last().resolve({ type: 'maybe' } as unknown as ProbeResult);
    await settle();
    expect(h.value()).toEqual({ polling: 'waiting' });
  });

  it('fatal failure → done.failed with the reason', async () => {
    const h = harness();
    h.send('START');
    await h.probeRejects(fatal);
    expectDone(h, 'failed');
    expect(h.context().reason).toBe('credential_revoked');
  });

  it('needs_action failure → done.needs-action with the reason and the link', async () => {
    const h = harness();
    h.send('START');
    await h.probeRejects(needsAction);
    expectDone(h, 'needs-action');
    expect(h.context()).toMatchObject({ reason: 'captcha', actionUrl: 'https://seller.wildberries.ru/captcha' });
  });

  it('transient failure → backing-off for a full-jitter wait', async () => {
    const h = harness({ random: 0.25 });
    h.send('START');
    h.clock.increment(10);
    await h.probeRejects(transient);
    expect(h.value()).toBe('backing-off');
    // attempt 0: random * min(60 s, 1 s * 2^0)
    expect(h.context()).toMatchObject({ backoffUntil: T0 + 10 + 250, backoffAttempt: 1, reason: 'wb_5xx' });
  });

  it('rate_limited failure → backing-off, never shorter than WB’s retry-after', async () => {
    const h = harness({ random: 0.5 });
    h.send('START');
    await h.probeRejects(rateLimited(7000));
    expect(h.value()).toBe('backing-off');
    expect(h.context()).toMatchObject({ backoffUntil: T0 + 7000, backoffAttempt: 1, reason: 'wb_429' });
  });

  it('a retry-after shorter than the jitter leaves the jitter', async () => {
    const h = harness({ random: 0.5 });
    h.send('START');
    await h.probeRejects(rateLimited(100));
    expect(h.context().backoffUntil).toBe(T0 + 500);
  });

  it.each([
    ['an Error', new Error('socket hang up')],
    ['a string', 'boom'],
    ['undefined', undefined],
    ['an object of unknown kind', { kind: 'meltdown', reason: 'x' }],
  ])('a rejection with %s counts as transient, reason "unexpected"', async (_, error) => {
    const h = harness();
    h.send('START');
    await h.probeRejects(error);
    expect(h.value()).toBe('backing-off');
    expect(h.context().reason).toBe('unexpected');
  });

  it('reads a thrown Error that carries a failure kind (the host’s typed errors)', async () => {
    const h = harness({ random: 0.5 });
    h.send('START');
    await h.probeRejects(Object.assign(new Error('429'), { kind: 'rate_limited', reason: 'wb_429', retryAfterMs: 3000 }));
    expect(h.context()).toMatchObject({ reason: 'wb_429', backoffUntil: T0 + 3000 });
  });

  it('PAUSE → idle; the probe’s late answer is dropped', async () => {
    const h = harness();
    h.send('START');
    h.send('PAUSE');
    expect(h.value()).toBe('idle');
    await h.probeResolves({ type: 'match', slot: SLOT, best: SLOT });
    expect(h.value()).toBe('idle');
    expect(h.act.calls).toHaveLength(0);
  });

  it('CANCEL → done.cancelled', () => {
    const h = harness();
    h.send('START');
    h.send('CANCEL');
    expectDone(h, 'cancelled');
  });

  it.each(['FEED_UPDATED', 'REARM', 'START', 'RESUME'] as const)('%s does not start a second probe', (event) => {
    const h = harness();
    h.send('START');
    h.send(event);
    expect(h.value()).toEqual({ polling: 'probing' });
    expect(h.probe.calls).toHaveLength(1);
  });

  it('without injected actors the task fails visibly instead of hanging', async () => {
    const actor = createActor(monitorMachine, {
      input: { taskId: 'task-x', mode: 'notify', keepWatching: false, pollIntervalMs: POLL_MS },
    });
    liveActors.push(actor);
    actor.start();
    actor.send({ type: 'START' });
    await settle();
    expect(actor.getSnapshot().value).toBe('done');
    expect(actor.getSnapshot().context).toMatchObject({ outcome: 'failed', reason: 'probe_not_provided' });
  });
});

describe('polling.waiting', () => {
  it('probes again exactly one interval later', async () => {
    const h = harness();
    await h.toWaiting();
    h.clock.increment(POLL_MS - 1);
    expect(h.probe.calls).toHaveLength(1);
    h.clock.increment(1);
    expect(h.value()).toEqual({ polling: 'probing' });
    expect(h.probe.calls).toHaveLength(2);
  });

  it('FEED_UPDATED wakes it before the interval, and the old timer no longer fires', async () => {
    const h = harness();
    await h.toWaiting();
    h.clock.increment(100);
    h.send('FEED_UPDATED');
    expect(h.value()).toEqual({ polling: 'probing' });
    expect(h.probe.calls).toHaveLength(2);
    await h.probeResolves({ type: 'none', best: BEST });
    expect(h.context().nextPollAt).toBe(T0 + 100 + POLL_MS);
    h.clock.increment(POLL_MS - 100); // the first wait's deadline
    expect(h.probe.calls).toHaveLength(2);
    h.clock.increment(100);
    expect(h.probe.calls).toHaveLength(3);
  });

  it('PAUSE → idle and stays there past the deadline; RESUME probes at once', async () => {
    const h = harness();
    await h.toWaiting();
    h.send('PAUSE');
    expect(h.value()).toBe('idle');
    h.clock.increment(5 * POLL_MS);
    expect(h.probe.calls).toHaveLength(1);
    h.send('RESUME');
    expect(h.value()).toEqual({ polling: 'probing' });
    expect(h.probe.calls).toHaveLength(2);
  });

  it('CANCEL → done.cancelled; the timer never fires', async () => {
    const h = harness();
    await h.toWaiting();
    h.send('CANCEL');
    expectDone(h, 'cancelled');
    h.clock.increment(5 * POLL_MS);
    expect(h.probe.calls).toHaveLength(1);
  });

  it('REARM re-arms from the stored deadline, not a fresh interval', async () => {
    const h = harness();
    await h.toWaiting();
    h.clock.increment(700);
    h.send('REARM');
    expect(h.value()).toEqual({ polling: 'waiting' });
    h.clock.increment(299);
    expect(h.probe.calls).toHaveLength(1);
    h.clock.increment(1);
    expect(h.probe.calls).toHaveLength(2);
  });

  it('a successful probe resets the backoff streak', async () => {
    const h = harness({ random: 0.5 });
    await h.toBackingOff();
    h.clock.increment(500);
    await h.probeRejects(transient);
    expect(h.context().backoffAttempt).toBe(2);
    h.clock.increment(1000);
    await h.probeResolves({ type: 'none', best: null });
    expect(h.context()).toMatchObject({ backoffAttempt: 0, reason: null });
    // The next failure starts from the first window again: 0.5 * 1 s.
    h.clock.increment(POLL_MS);
    await h.probeRejects(transient);
    expect(h.context().backoffUntil).toBe(h.clock.now() + 500);
    expect(h.context().backoffAttempt).toBe(1);
  });
});

describe('backing-off', () => {
  it('goes back to polling at backoffUntil, not before, and probes', async () => {
    const h = harness({ random: 0.5 });
    await h.toBackingOff();
    h.clock.increment(499);
    expect(h.value()).toBe('backing-off');
    h.clock.increment(1);
    expect(h.value()).toEqual({ polling: 'probing' });
    expect(h.probe.calls).toHaveLength(2);
  });

  it('widens the window with each failure in a row, up to the cap', async () => {
    const h = harness({ random: 0.5 });
    h.send('START');
    const waits: number[] = [];
    for (let attempt = 0; attempt < 9; attempt += 1) {
      await h.probeRejects(transient);
      const wait = (h.context().backoffUntil ?? 0) - h.clock.now();
      waits.push(wait);
      h.clock.increment(wait);
    }
    expect(waits).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('ignores FEED_UPDATED: the deadline and the streak stay', async () => {
    const h = harness({ random: 0.5 });
    await h.toBackingOff();
    const before = h.context();
    h.send('FEED_UPDATED');
    expect(h.value()).toBe('backing-off');
    expect(h.context()).toEqual(before);
    h.clock.increment(499);
    expect(h.probe.calls).toHaveLength(1);
  });

  it('REARM keeps the stored deadline and attempt (nothing is drawn again)', async () => {
    const h = harness({ random: 0.5 });
    await h.toBackingOff();
    h.env.random = 0.99; // a re-draw would show up as a later deadline
    h.clock.increment(300);
    h.send('REARM');
    expect(h.context()).toMatchObject({ backoffUntil: T0 + 500, backoffAttempt: 1 });
    h.clock.increment(199);
    expect(h.value()).toBe('backing-off');
    h.clock.increment(1);
    expect(h.value()).toEqual({ polling: 'probing' });
  });

  it('PAUSE → idle; the backoff never fires', async () => {
    const h = harness();
    await h.toBackingOff();
    h.send('PAUSE');
    expect(h.value()).toBe('idle');
    expect(h.context().reason).toBeNull();
    h.clock.increment(60_000);
    expect(h.probe.calls).toHaveLength(1);
  });

  it('CANCEL → done.cancelled', async () => {
    const h = harness();
    await h.toBackingOff();
    h.send('CANCEL');
    expectDone(h, 'cancelled');
  });
});

describe('booking', () => {
  describe('results', () => {
    it('booked → done.booked', async () => {
      const h = harness({ input: { mode: 'autobook' } });
      await h.toBooking();
      await h.actResolves({ type: 'booked' });
      expectDone(h, 'booked');
      expect(h.context().found).toEqual(SLOT);
    });

    it('needs-action → done.needs-action with the reason and link', async () => {
      const h = harness({ input: { mode: 'autobook' } });
      await h.toBooking();
      await h.actResolves({ type: 'needs-action', reason: 'captcha', actionUrl: 'https://seller.wildberries.ru/x' });
      expectDone(h, 'needs-action');
      expect(h.context()).toMatchObject({ reason: 'captcha', actionUrl: 'https://seller.wildberries.ru/x' });
    });

    it('failed → done.failed with the reason', async () => {
      const h = harness({ input: { mode: 'autobook' } });
      await h.toBooking();
      await h.actResolves({ type: 'failed', reason: 'preorder_not_found' });
      expectDone(h, 'failed');
      expect(h.context().reason).toBe('preorder_not_found');
    });

    it('a result it does not recognise → done.failed, never another booking on a guess', async () => {
      const h = harness({ input: { mode: 'autobook' } });
      await h.toBooking();
      h.act.last().resolve({ type: 'probably-booked' } as unknown as ActResult);
      await settle();
      expectDone(h, 'failed');
      expect(h.context().reason).toBe('unexpected_act_result');
    });

    it('no-credits → idle with reason no_credits; RESUME polls again and clears it', async () => {
      const h = harness({ input: { mode: 'autobook' } });
      await h.toBooking();
      await h.actResolves({ type: 'no-credits' });
      expect(h.value()).toBe('idle');
      expect(h.context()).toMatchObject({ reason: 'no_credits', found: null });
      h.send('RESUME');
      expect(h.value()).toEqual({ polling: 'probing' });
      expect(h.context().reason).toBeNull();
    });

    it('notified → done.notified', async () => {
      const h = harness();
      await h.toBooking();
      await h.actResolves({ type: 'notified' });
      expectDone(h, 'notified');
    });

    it('notified while keeping watch → polling, with the slot remembered so the probe skips it', async () => {
      const h = harness({ input: { keepWatching: true } });
      await h.toBooking(SLOT);
      await h.actResolves({ type: 'notified' });
      expect(h.value()).toEqual({ polling: 'probing' });
      expect(h.context()).toMatchObject({ found: null, notified: ['507:2026-03-02'] });
      expect(h.probe.last().input).toEqual({ taskId: 'task-1', notified: ['507:2026-03-02'] });
      await h.probeResolves({ type: 'match', slot: OTHER_SLOT, best: SLOT });
      await h.actResolves({ type: 'notified' });
      expect(h.probe.last().input.notified).toEqual(['507:2026-03-02', '117986:2026-03-03']);
      expect(h.snapshot().status).toBe('active');
    });

    it(`keeps at most ${NOTIFIED_KEYS_CAP} alerted slots, dropping the oldest`, async () => {
      const h = harness({ input: { keepWatching: true } });
      h.send('START');
      const total = NOTIFIED_KEYS_CAP + 5;
      for (let day = 0; day < total; day += 1) {
        const slot = { warehouseId: 1000 + day, date: '2026-04-01', coefficient: 0 };
        await h.probeResolves({ type: 'match', slot, best: slot });
        await h.actResolves({ type: 'notified' });
      }
      const notified = h.context().notified;
      expect(notified).toHaveLength(NOTIFIED_KEYS_CAP);
      expect(notified[0]).toBe('1005:2026-04-01');
      expect(notified.at(-1)).toBe(`${1000 + total - 1}:2026-04-01`);
    });

    it('an alerted slot seen again is not listed twice', async () => {
      const h = harness({ input: { keepWatching: true } });
      await h.toBooking(SLOT);
      await h.actResolves({ type: 'notified' });
      await h.probeResolves({ type: 'match', slot: OTHER_SLOT, best: null });
      await h.actResolves({ type: 'notified' });
      await h.probeResolves({ type: 'match', slot: SLOT, best: null });
      await h.actResolves({ type: 'notified' });
      expect(h.context().notified).toEqual([slotKey(OTHER_SLOT), slotKey(SLOT)]);
    });

    it('gone → polling, probing again at once with the slot forgotten', async () => {
      const h = harness({ input: { mode: 'autobook' } });
      await h.toBooking();
      await h.actResolves({ type: 'gone' });
      expect(h.value()).toEqual({ polling: 'probing' });
      expect(h.context().found).toBeNull();
      expect(h.probe.calls).toHaveLength(2);
    });
  });

  describe('act failures', () => {
    it('fatal → done.failed', async () => {
      const h = harness({ input: { mode: 'autobook' } });
      await h.toBooking();
      await h.actRejects(fatal);
      expectDone(h, 'failed');
      expect(h.context().reason).toBe('credential_revoked');
    });

    it('needs_action → done.needs-action with the link', async () => {
      const h = harness({ input: { mode: 'autobook' } });
      await h.toBooking();
      await h.actRejects(needsAction);
      expectDone(h, 'needs-action');
      expect(h.context().actionUrl).toBe('https://seller.wildberries.ru/captcha');
    });

    it("transient → backing-off on the act's own, slower backoff, then polling again", async () => {
      const h = harness({ input: { mode: 'autobook' }, random: 0.5 });
      await h.toBooking();
      await h.actRejects(transient);
      expect(h.value()).toBe('backing-off');
      // attempt 0: 0.5 * min(5 min, 5 s * 2^0)
      expect(h.context()).toMatchObject({ found: null, reason: 'wb_5xx', actAttempt: 1, backoffUntil: T0 + 2500 });
      h.clock.increment(2500);
      expect(h.value()).toEqual({ polling: 'probing' });
    });

    it('act failures grow their backoff even though every probe between them succeeds (no hot loop against WB)', async () => {
      const h = harness({ input: { mode: 'autobook' }, random: 0.5 });
      const waits: number[] = [];
      for (let i = 0; i < 8; i++) {
        await h.toBooking();
        const before = h.clock.now();
        await h.actRejects(transient);
        expect(h.value()).toBe('backing-off');
        waits.push(h.context().backoffUntil! - before);
        h.clock.increment(h.context().backoffUntil! - h.clock.now());
      }
      // 0.5 * min(5 min, 5 s * 2^n): 2.5 s, 5 s, 10 s … capped at 150 s
      expect(waits).toEqual([2_500, 5_000, 10_000, 20_000, 40_000, 80_000, 150_000, 150_000]);
      expect(h.context().backoffAttempt).toBe(0);
    });

    it('our own limiter holding the act back: its turn is waited out, and the act backoff does not grow', async () => {
      const h = harness({ input: { mode: 'autobook' }, random: 0.5 });
      await h.toBooking();
      await h.actRejects({ kind: 'rate_limited', reason: 'local', retryAfterMs: 7_000, local: true });
      expect(h.value()).toBe('backing-off');
      expect(h.context()).toMatchObject({ actAttempt: 0, backoffUntil: h.clock.now() + 7_500 });
    });

    it('full jitter never draws an act retry sooner than the floor', async () => {
      const h = harness({ input: { mode: 'autobook' }, random: 0 });
      await h.toBooking();
      await h.actRejects(transient);
      expect(h.context().backoffUntil).toBe(h.clock.now() + 1_000);
    });

    it('rate_limited → backing-off for at least the retry-after', async () => {
      const h = harness({ input: { mode: 'autobook' } });
      await h.toBooking();
      await h.actRejects(rateLimited(20_000));
      expect(h.value()).toBe('backing-off');
      expect(h.context().backoffUntil).toBe(T0 + 20_000);
    });

    it('an unknown rejection counts as transient', async () => {
      const h = harness({ input: { mode: 'autobook' } });
      await h.toBooking();
      await h.actRejects(new TypeError('fetch failed'));
      expect(h.value()).toBe('backing-off');
      expect(h.context().reason).toBe('unexpected');
    });
  });

  describe('PAUSE and CANCEL are deferred until the act settles', () => {
    it.each(['PAUSE', 'CANCEL'] as const)('%s neither interrupts nor restarts the act; it is remembered', async (command) => {
      const h = harness({ input: { mode: 'autobook' } });
      await h.toBooking();
      h.send(command);
      expect(h.value()).toBe('booking');
      expect(h.context().pendingCommand).toBe(command);
      expect(h.act.calls).toHaveLength(1);
      expect(h.snapshot().children.act?.getSnapshot().status).toBe('active');
    });

    it.each(['FEED_UPDATED', 'REARM', 'START'] as const)('ignores %s', async (event) => {
      const h = harness({ input: { mode: 'autobook' } });
      await h.toBooking();
      h.send(event);
      expect(h.value()).toBe('booking');
      expect(h.act.calls).toHaveLength(1);
      expect(h.context().pendingCommand).toBeNull();
    });

    it('CANCEL outranks PAUSE whichever came first', async () => {
      const h = harness({ input: { mode: 'autobook' } });
      await h.toBooking();
      h.send('CANCEL');
      h.send('PAUSE');
      expect(h.context().pendingCommand).toBe('CANCEL');
      const g = harness({ input: { mode: 'autobook' } });
      await g.toBooking();
      g.send('PAUSE');
      g.send('CANCEL');
      expect(g.context().pendingCommand).toBe('CANCEL');
    });

    it('RESUME withdraws a pending PAUSE (not a CANCEL)', async () => {
      const h = harness({ input: { mode: 'autobook' } });
      await h.toBooking();
      h.send('PAUSE');
      h.send('RESUME');
      expect(h.context().pendingCommand).toBeNull();
      await h.actResolves({ type: 'gone' });
      expect(h.value()).toEqual({ polling: 'probing' });
      const g = harness({ input: { mode: 'autobook' } });
      await g.toBooking();
      g.send('CANCEL');
      g.send('RESUME');
      expect(g.context().pendingCommand).toBe('CANCEL');
    });

    it.each(['CANCEL', 'PAUSE'] as const)('booked wins over a pending %s', async (command) => {
      const h = harness({ input: { mode: 'autobook' } });
      await h.toBooking();
      h.send(command);
      await h.actResolves({ type: 'booked' });
      expectDone(h, 'booked');
      expect(h.context().pendingCommand).toBeNull();
    });

    it.each([
      ['needs-action', { type: 'needs-action', reason: 'captcha', actionUrl: null }, 'needs-action'],
      ['failed', { type: 'failed', reason: 'preorder_closed' }, 'failed'],
      ['notified (not keeping watch)', { type: 'notified' }, 'notified'],
    ] as const)('a final result (%s) stands over a pending CANCEL', async (_, result, outcome) => {
      const h = harness();
      await h.toBooking();
      h.send('CANCEL');
      await h.actResolves(result);
      expectDone(h, outcome);
    });

    it.each([
      ['gone', { type: 'gone' }],
      ['no-credits', { type: 'no-credits' }],
    ] as const)('%s, then the pending CANCEL → done.cancelled', async (_, result) => {
      const h = harness({ input: { mode: 'autobook' } });
      await h.toBooking();
      h.send('CANCEL');
      await h.actResolves(result);
      expectDone(h, 'cancelled');
      expect(h.context().pendingCommand).toBeNull();
    });

    it('gone, then the pending PAUSE → idle without probing', async () => {
      const h = harness({ input: { mode: 'autobook' } });
      await h.toBooking();
      h.send('PAUSE');
      await h.actResolves({ type: 'gone' });
      expect(h.value()).toBe('idle');
      expect(h.context()).toMatchObject({ found: null, pendingCommand: null });
      expect(h.probe.calls).toHaveLength(1);
    });

    it('no-credits with a pending PAUSE → idle, still saying why', async () => {
      const h = harness({ input: { mode: 'autobook' } });
      await h.toBooking();
      h.send('PAUSE');
      await h.actResolves({ type: 'no-credits' });
      expect(h.value()).toBe('idle');
      expect(h.context().reason).toBe('no_credits');
    });

    it('notified while keeping watch, then the pending CANCEL → done.cancelled, slot remembered', async () => {
      const h = harness({ input: { keepWatching: true } });
      await h.toBooking();
      h.send('CANCEL');
      await h.actResolves({ type: 'notified' });
      expectDone(h, 'cancelled');
      expect(h.context().notified).toEqual([slotKey(SLOT)]);
    });

    it('notified while keeping watch, then the pending PAUSE → idle, slot remembered for when it resumes', async () => {
      const h = harness({ input: { keepWatching: true } });
      await h.toBooking();
      h.send('PAUSE');
      await h.actResolves({ type: 'notified' });
      expect(h.value()).toBe('idle');
      expect(h.context().notified).toEqual([slotKey(SLOT)]);
      h.send('RESUME');
      expect(h.probe.last().input.notified).toEqual([slotKey(SLOT)]);
    });

    it('transient act failure, then the pending CANCEL → done.cancelled (no backoff)', async () => {
      const h = harness({ input: { mode: 'autobook' } });
      await h.toBooking();
      h.send('CANCEL');
      await h.actRejects(transient);
      expectDone(h, 'cancelled');
    });

    it('rate-limited act failure, then the pending PAUSE → idle (no backoff timer)', async () => {
      const h = harness({ input: { mode: 'autobook' } });
      await h.toBooking();
      h.send('PAUSE');
      await h.actRejects(rateLimited(5000));
      expect(h.value()).toBe('idle');
      h.clock.increment(60_000);
      expect(h.value()).toBe('idle');
      expect(h.probe.calls).toHaveLength(1);
    });

    it.each([
      ['fatal', fatal, 'failed'],
      ['needs_action', needsAction, 'needs-action'],
    ] as const)('a %s act failure stands over a pending CANCEL', async (_, failure, outcome) => {
      const h = harness({ input: { mode: 'autobook' } });
      await h.toBooking();
      h.send('CANCEL');
      await h.actRejects(failure);
      expectDone(h, outcome);
    });
  });
});

describe('done', () => {
  it.each(['START', 'RESUME', 'PAUSE', 'CANCEL', 'FEED_UPDATED', 'REARM'] as const)('stays done on %s', async (event) => {
    // XState's development build warns about every event sent to a finished actor: expected here, so kept quiet.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const h = harness({ input: { mode: 'autobook' } });
    await h.toBooking();
    await h.actResolves({ type: 'booked' });
    h.send(event);
    h.clock.increment(60_000);
    await settle();
    expectDone(h, 'booked');
    expect(h.probe.calls).toHaveLength(1);
    warn.mockRestore();
  });
});

describe('restore from a persisted snapshot', () => {
  it('the persisted snapshot is plain JSON', async () => {
    const h = harness();
    await h.toBooking();
    const persisted = persistedSnapshotOf(h.actor);
    expect(JSON.parse(JSON.stringify(persisted))).toEqual(persisted);
  });

  it('idle: stays idle with nothing armed, and starts normally', async () => {
    const h = harness();
    await h.restore();
    expect(h.value()).toBe('idle');
    h.clock.increment(10 * POLL_MS);
    expect(h.probe.calls).toHaveLength(0);
    h.send('START');
    expect(h.probe.calls).toHaveLength(1);
  });

  it('polling.waiting: fires at the original deadline (300 ms after a snapshot taken 700 ms into 1000)', async () => {
    const h = harness();
    await h.toWaiting();
    h.clock.increment(700);
    await h.restore();
    expect(h.value()).toEqual({ polling: 'waiting' });
    expect(h.context().nextPollAt).toBe(T0 + POLL_MS);
    h.clock.increment(299);
    expect(h.probe.calls).toHaveLength(1);
    h.clock.increment(1);
    expect(h.value()).toEqual({ polling: 'probing' });
    expect(h.probe.calls).toHaveLength(2);
    // and it goes on polling normally
    await h.probeResolves({ type: 'none', best: null });
    h.clock.increment(POLL_MS);
    expect(h.probe.calls).toHaveLength(3);
  });

  it('polling.waiting: a deadline that passed while no one owned the task fires at once', async () => {
    const h = harness();
    await h.toWaiting();
    h.clock.increment(700);
    const persisted = JSON.parse(JSON.stringify(persistedSnapshotOf(h.actor))) as MonitorSnapshot;
    h.actor.stop();
    h.clock.increment(30_000); // the process was down
    const actor = createActor(
      createMonitorMachine({ now: () => h.clock.now(), random: () => 0.5 }).provide({
        actors: { probe: h.probe.logic, act: h.act.logic },
      }),
      // XState's types want an input even when restoring; it is not used then.
      { snapshot: persisted, input: { taskId: 'task-1', mode: 'notify', keepWatching: false, pollIntervalMs: POLL_MS }, clock: h.clock },
    );
    liveActors.push(actor);
    actor.start();
    actor.send({ type: 'REARM' });
    h.clock.increment(0);
    expect(actor.getSnapshot().value).toEqual({ polling: 'probing' });
    expect(h.probe.calls).toHaveLength(2);
  });

  it('polling.waiting without REARM never wakes: XState does not persist delayed events (statelyai/xstate#5331)', async () => {
    const h = harness();
    await h.toWaiting();
    h.clock.increment(700);
    await h.restore({ rearm: false });
    h.clock.increment(10 * POLL_MS);
    expect(h.value()).toEqual({ polling: 'waiting' });
    expect(h.probe.calls).toHaveLength(1);
    // FEED_UPDATED still wakes it; REARM is what restores the timer.
    h.send('REARM');
    h.clock.increment(0);
    expect(h.probe.calls).toHaveLength(2);
  });

  it('polling.probing: the in-flight probe runs again with the same input, and its answer is used', async () => {
    const h = harness({ input: { keepWatching: true } });
    await h.toBooking();
    await h.actResolves({ type: 'notified' });
    expect(h.probe.calls).toHaveLength(2);
    const stale = h.probe.last();
    await h.restore();
    expect(h.value()).toEqual({ polling: 'probing' });
    expect(h.probe.calls).toHaveLength(3); // re-run by XState on restore, not by REARM
    expect(h.probe.last().input).toEqual(stale.input);
    stale.resolve({ type: 'match', slot: OTHER_SLOT, best: null }); // the dead process's answer is dropped
    await settle();
    expect(h.value()).toEqual({ polling: 'probing' });
    await h.probeResolves({ type: 'none', best: BEST });
    expect(h.value()).toEqual({ polling: 'waiting' });
    expect(h.context().bestSeen).toEqual(BEST);
  });

  it('backing-off: fires at the original backoffUntil without drawing a new wait', async () => {
    const h = harness({ random: 0.5 });
    await h.toBackingOff(rateLimited(4000));
    h.clock.increment(2500);
    h.env.random = 0.99;
    await h.restore();
    expect(h.value()).toBe('backing-off');
    expect(h.context()).toMatchObject({ backoffUntil: T0 + 4000, backoffAttempt: 1, reason: 'wb_429' });
    h.clock.increment(1499);
    expect(h.value()).toBe('backing-off');
    h.clock.increment(1);
    expect(h.value()).toEqual({ polling: 'probing' });
    expect(h.probe.calls).toHaveLength(2);
  });

  it('booking: the in-flight act runs again with the same input (the host makes acts idempotent)', async () => {
    const h = harness({ input: { mode: 'autobook' } });
    await h.toBooking();
    await h.restore();
    expect(h.value()).toBe('booking');
    expect(h.act.calls).toHaveLength(2);
    expect(h.act.calls[1]?.input).toEqual({ taskId: 'task-1', slot: SLOT, mode: 'autobook' });
    await h.actResolves({ type: 'booked' });
    expectDone(h, 'booked');
  });

  it('booking: a deferred CANCEL survives the restore and applies when the act settles', async () => {
    const h = harness({ input: { mode: 'autobook' } });
    await h.toBooking();
    h.send('CANCEL');
    await h.restore();
    expect(h.context().pendingCommand).toBe('CANCEL');
    await h.actResolves({ type: 'gone' });
    expectDone(h, 'cancelled');
  });

  const endings: Array<[TaskOutcome, (h: Harness) => Promise<void>]> = [
    [
      'booked',
      async (h) => {
        await h.toBooking();
        await h.actResolves({ type: 'booked' });
      },
    ],
    [
      'notified',
      async (h) => {
        await h.toBooking();
        await h.actResolves({ type: 'notified' });
      },
    ],
    ['cancelled', async (h) => h.send('CANCEL')],
    [
      'expired',
      async (h) => {
        h.send('START');
        await h.probeResolves({ type: 'expired' });
      },
    ],
    [
      'failed',
      async (h) => {
        h.send('START');
        await h.probeRejects(fatal);
      },
    ],
    [
      'needs-action',
      async (h) => {
        await h.toBooking();
        await h.actRejects(needsAction);
      },
    ],
  ];

  it.each(endings)('done (%s): stays done, nothing runs again', async (outcome, reach) => {
    // XState's development build warns about every event sent to a finished actor: expected here, so kept quiet.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const h = harness();
    await reach(h);
    expectDone(h, outcome);
    const probes = h.probe.calls.length;
    const acts = h.act.calls.length;
    await h.restore();
    expectDone(h, outcome);
    h.send('START');
    h.clock.increment(60_000);
    await settle();
    expectDone(h, outcome);
    expect([h.probe.calls.length, h.act.calls.length]).toEqual([probes, acts]);
    warn.mockRestore();
  });
});

describe('describeSnapshot', () => {
  it('reports the state, the next step and the outcome, from live and persisted snapshots', async () => {
    const h = harness({ random: 0.5 });
    expect(describeSnapshot(h.snapshot())).toEqual({
      state: 'idle',
      outcome: null,
      nextStepAt: null,
      reason: null,
      bestSeen: null,
      found: null,
      foundAt: null,
      lastCheckAt: null,
      actionUrl: null,
    });

    h.send('START');
    expect(describeSnapshot(h.snapshot())).toMatchObject({ state: 'polling', nextStepAt: null });

    await h.probeResolves({ type: 'none', best: BEST });
    expect(describeSnapshot(h.snapshot())).toMatchObject({
      state: 'polling',
      nextStepAt: T0 + POLL_MS,
      bestSeen: BEST,
      lastCheckAt: T0,
    });

    h.clock.increment(POLL_MS);
    await h.probeRejects(rateLimited(3000));
    const persisted = JSON.parse(JSON.stringify(persistedSnapshotOf(h.actor))) as MonitorSnapshot;
    expect(describeSnapshot(persisted)).toMatchObject({
      state: 'backing-off',
      nextStepAt: T0 + POLL_MS + 3000,
      reason: 'wb_429',
      outcome: null,
    });

    h.clock.increment(3000);
    await h.probeResolves({ type: 'match', slot: SLOT, best: SLOT });
    // The match's moment travels with the slot (the slot-found sheet's "найден N с назад"), persisted with it.
    const matchedAt = T0 + POLL_MS + 3000;
    expect(describeSnapshot(h.snapshot())).toMatchObject({
      state: 'booking',
      found: SLOT,
      foundAt: matchedAt,
      nextStepAt: null,
      reason: null,
    });

    await h.actResolves({ type: 'notified' });
    const done = JSON.parse(JSON.stringify(persistedSnapshotOf(h.actor))) as MonitorSnapshot;
    expect(describeSnapshot(done)).toMatchObject({ state: 'done', outcome: 'notified', nextStepAt: null, found: SLOT, foundAt: matchedAt });
    // A snapshot written before foundAt existed reads as "not known", never as a wrong time.
    const { foundAt: _old, ...legacy } = done.context;
    expect(describeSnapshot({ ...done, context: legacy })).toMatchObject({ found: SLOT, foundAt: null });
  });

  it('describes a state this machine does not have as the quarantine will end it, never throwing', () => {
    const snapshot = persistedSnapshotOf(
      createActor(monitorMachine, { input: { taskId: 't', mode: 'notify', keepWatching: false, pollIntervalMs: 1 } }),
    );
    for (const broken of [
      { ...snapshot, value: 'sleeping' as never },
      { ...snapshot, value: { waiting: 'x' } as never },
      { ...snapshot, value: null as never },
      { ...snapshot, context: undefined as never },
    ]) {
      expect(describeSnapshot(broken)).toMatchObject({ state: 'done', outcome: 'failed', reason: 'incompatible-snapshot' });
    }
  });
});

describe('MACHINE_STATES', () => {
  it('lists every state with its transitions, in a form the inspector can draw', () => {
    expect(MACHINE_STATES.map((state) => state.id)).toEqual([
      'monitor',
      'monitor.idle',
      'monitor.polling',
      'monitor.polling.probing',
      'monitor.polling.waiting',
      'monitor.backing-off',
      'monitor.booking',
      'monitor.done',
    ]);
    const byId = new Map(MACHINE_STATES.map((state) => [state.id, state]));
    expect(byId.get('monitor.done')?.type).toBe('final');
    expect(byId.get('monitor.polling')?.initial).toBe('monitor.polling.probing');
    expect(byId.get('monitor.polling.probing')?.invokes).toEqual(['probe']);
    expect(byId.get('monitor.booking')?.invokes).toEqual(['act']);
    expect(byId.get('monitor.polling.waiting')?.delays).toEqual(['untilNextPoll']);
    expect(byId.get('monitor.backing-off')?.delays).toEqual(['untilBackoffEnds']);
    expect(byId.get('monitor.polling.waiting')?.transitions).toContainEqual(
      expect.objectContaining({ trigger: 'after untilNextPoll', targets: ['monitor.polling.probing'] }),
    );
    expect(byId.get('monitor.booking')?.transitions).toContainEqual(
      expect.objectContaining({ trigger: 'done act', guard: 'actBooked', targets: ['monitor.done'], outcome: 'booked' }),
    );
    // Every outcome is reachable, and only via a transition into done.
    const outcomes = new Set(
      MACHINE_STATES.flatMap((state) => state.transitions)
        .filter((transition) => transition.outcome !== null)
        .map((transition) => {
          expect(transition.targets).toEqual(['monitor.done']);
          return transition.outcome;
        }),
    );
    expect([...outcomes].sort()).toEqual(['booked', 'cancelled', 'expired', 'failed', 'needs-action', 'notified']);
    expect(JSON.parse(JSON.stringify(MACHINE_STATES))).toEqual(MACHINE_STATES);
  });
});
