import { describe, expect, it } from 'vitest';
import { parseTaskDraft, type TaskDraft } from './task-draft.ts';

const draft: TaskDraft = {
  warehouseIds: [507, 117501],
  boxTypeId: 5,
  maxCoefficient: 2,
  mode: 'autobook',
  keepWatching: false,
  preorderId: '40000001',
  selection: { start: '2026-12-01', end: '2026-12-05', skipped: ['2026-12-03'] },
};

describe('the new-task draft', () => {
  it('comes back exactly as saved', () => {
    expect(parseTaskDraft(JSON.stringify(draft))).toEqual(draft);
    const blank = { ...draft, preorderId: '', selection: { start: null, end: null, skipped: [] } };
    expect(parseTaskDraft(JSON.stringify(blank))).toEqual(blank);
  });

  it('is dropped when it is not one (nothing, junk, an older shape, hand-edited values)', () => {
    expect(parseTaskDraft(null)).toBeNull();
    expect(parseTaskDraft('{')).toBeNull();
    expect(parseTaskDraft('[]')).toBeNull();
    expect(parseTaskDraft(JSON.stringify({ ...draft, boxTypeId: 3 }))).toBeNull();
    expect(parseTaskDraft(JSON.stringify({ ...draft, warehouseIds: [-1] }))).toBeNull();
    expect(parseTaskDraft(JSON.stringify({ ...draft, preorderId: 'abc' }))).toBeNull();
    expect(parseTaskDraft(JSON.stringify({ ...draft, selection: { start: '2026-02-30', end: null, skipped: [] } }))).toBeNull();
    expect(parseTaskDraft(JSON.stringify({ ...draft, maxCoefficient: 99 }))).toBeNull();
  });
});
