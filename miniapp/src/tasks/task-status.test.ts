import { describe, expect, it } from 'vitest';
import { appendTimeline, mergeTaskChange, type TaskChangeFields } from './task-changes.ts';
import { nextStep, reasonPhrase, type TaskLike, taskBadge } from './task-status.ts';

const base: TaskLike = {
  kind: 'supply',
  mode: 'autobook',
  state: 'polling',
  outcome: null,
  lastCheckAt: 1_000,
  nextStepAt: 5_000,
  reason: null,
  found: null,
};

describe('task status wording', () => {
  it('badges every state and outcome', () => {
    expect(taskBadge({ state: 'polling', outcome: null })).toEqual({ key: 'task.state.polling', tone: 'active' });
    expect(taskBadge({ state: 'backing-off', outcome: null }).tone).toBe('warning');
    expect(taskBadge({ state: 'done', outcome: 'booked' })).toEqual({ key: 'task.outcome.booked', tone: 'success' });
    expect(taskBadge({ state: 'done', outcome: 'needs-action' }).tone).toBe('danger');
  });

  it('says "Booking" only for auto-booking: a notify task in that step is sending its alert', () => {
    expect(taskBadge({ state: 'booking', outcome: null, mode: 'notify' }).key).toBe('task.state.notifying');
    expect(taskBadge({ state: 'booking', outcome: null, mode: 'autobook' }).key).toBe('task.state.booking');
  });

  it("counts down only to a real next step: a backoff, never the watching task's housekeeping timer", () => {
    expect(nextStep({ ...base, state: 'backing-off', nextStepAt: 9_000 }, 1_000)).toEqual({
      key: 'task.next.backoff',
      vars: { seconds: 8 },
    });
    expect(nextStep({ ...base, state: 'backing-off', nextStepAt: 41_000, reason: 'WB answered 429' }, 1_000)).toEqual({
      key: 'task.next.limited',
      vars: { seconds: 40 },
    });
    expect(nextStep({ ...base, state: 'backing-off', nextStepAt: null, reason: 'official method disabled' }, 0)).toEqual({
      key: 'task.next.disabled-soon',
    });
    expect(nextStep({ ...base, nextStepAt: 128_000 }, 0)).toEqual({ key: 'task.next.watching' });
    expect(nextStep(base, 6_000)).toEqual({ key: 'task.next.watching' });
    expect(nextStep({ ...base, state: 'idle', lastCheckAt: null }, 0)).toEqual({ key: 'task.next.starting' });
    expect(nextStep({ ...base, state: 'idle' }, 0)).toEqual({ key: 'task.next.paused' });
    expect(nextStep({ ...base, state: 'done', outcome: 'booked' }, 0)).toBeNull();
  });

  it('explains the reasons it knows and stays quiet about the rest', () => {
    expect(reasonPhrase('no_credits')).toEqual({ key: 'task.reason.no-credits' });
    expect(reasonPhrase('WB answered 429 Too Many Requests')).toEqual({ key: 'task.reason.rate-limited' });
    expect(reasonPhrase('the slot was taken before we could book it')).toEqual({ key: 'task.reason.gone' });
    expect(reasonPhrase('captcha_required')).toEqual({ key: 'task.reason.captcha' });
    expect(reasonPhrase('preorder_already_planned')).toEqual({ key: 'task.reason.planned' });
    expect(reasonPhrase('portal_login_required')).toEqual({ key: 'task.reason.login' });
    expect(reasonPhrase('something new')).toBeNull();
    expect(reasonPhrase(null)).toBeNull();
  });
});

describe('live changes', () => {
  const change: TaskChangeFields = {
    taskId: 't1',
    state: 'done',
    outcome: 'booked',
    lastCheckAt: 7_000,
    nextStepAt: null,
    reason: null,
    found: { warehouseId: 507, date: '2026-11-25', coefficient: 0 },
    bestSeen: { warehouseId: 507, date: '2026-11-25', coefficient: 0 },
  };

  it('merges a change into the task it belongs to and leaves others alone', () => {
    const task = { ...base, id: 't1', bestSeen: null, title: 'kept' };
    expect(mergeTaskChange(task, change)).toMatchObject({ id: 't1', state: 'done', outcome: 'booked', title: 'kept', lastCheckAt: 7_000 });
    const other = { ...task, id: 't2' };
    expect(mergeTaskChange(other, change)).toBe(other);
  });

  it('keeps the last check time when a change does not carry one', () => {
    const task = { ...base, id: 't1', bestSeen: null };
    expect(mergeTaskChange(task, { ...change, lastCheckAt: null }).lastCheckAt).toBe(1_000);
  });

  it('adds timeline steps only for new states', () => {
    const polling = { ...change, state: 'polling' as const, outcome: null };
    let timeline = appendTimeline([], polling, 1);
    timeline = appendTimeline(timeline, { ...polling, bestSeen: null }, 2);
    timeline = appendTimeline(timeline, change, 3);
    expect(timeline.map((e) => [e.at, e.state, e.outcome])).toEqual([
      [1, 'polling', null],
      [3, 'done', 'booked'],
    ]);
  });
});
