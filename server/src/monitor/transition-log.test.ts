import { describe, expect, it } from 'vitest';
import { TransitionLog, type TransitionRecord } from './transition-log.ts';

const record = (taskId: string, at: number): TransitionRecord => ({
  taskId,
  userId: 1,
  at,
  event: 'START',
  from: 'idle',
  to: 'polling',
  summary: '—',
  instanceId: 'i',
});

describe('TransitionLog', () => {
  it('keeps the newest records of each task, up to its capacity', () => {
    const log = new TransitionLog({ capacity: 3 });
    for (let at = 1; at <= 5; at++) log.add(record('a', at));
    expect(log.of('a').map((r) => r.at)).toEqual([3, 4, 5]);
  });

  it('keeps at most maxTasks tasks, forgetting the one whose last change is oldest', () => {
    const log = new TransitionLog({ capacity: 10, maxTasks: 2 });
    log.add(record('a', 1));
    log.add(record('b', 2));
    log.add(record('a', 3)); // a changed last: b is now the oldest
    log.add(record('c', 4));
    expect(log.of('b')).toEqual([]);
    expect(log.of('a').map((r) => r.at)).toEqual([1, 3]);
    expect(log.of('c').map((r) => r.at)).toEqual([4]);
    expect(log.size()).toEqual({ tasks: 2, records: 3 });
  });

  it('stays bounded under many tasks (every instance hears every task on the bus)', () => {
    const log = new TransitionLog({ capacity: 5, maxTasks: 100 });
    for (let i = 0; i < 10_000; i++) log.add(record(`t${i % 1_000}`, i));
    // Each of the last 100 tasks came back after being forgotten: one record each.
    expect(log.size()).toEqual({ tasks: 100, records: 100 });
  });
});
