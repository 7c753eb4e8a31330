import { describe, expect, it } from 'vitest';
import { forgetBest, rememberBest } from './best-memory.ts';
import { chooseDateUrl, type FoundTaskLike, foundPrimary, keepWatchingChoice } from './slot-found.ts';

const notified: FoundTaskLike = { kind: 'supply', mode: 'notify', state: 'done', outcome: 'notified', actionUrl: null, criteria: {} };

describe('slot-found sheet choices', () => {
  it("opens WB: the task's action link first, then its preorder's date page; booked tasks only look", () => {
    expect(foundPrimary({ ...notified, outcome: 'needs-action', actionUrl: 'https://seller.wildberries.ru/x' })).toEqual({
      kind: 'open-wb',
      url: 'https://seller.wildberries.ru/x',
    });
    expect(foundPrimary({ ...notified, mode: 'autobook', criteria: { preorderId: '42' } })).toEqual({
      kind: 'open-wb',
      url: chooseDateUrl('42'),
    });
    // A notify task that names a preorder (optional at create) opens that preorder's date page too.
    expect(foundPrimary({ ...notified, criteria: { preorderId: '77' } })).toEqual({ kind: 'open-wb', url: chooseDateUrl('77') });
    expect(foundPrimary({ ...notified, outcome: 'booked' })).toEqual({ kind: 'booked' });
    expect(foundPrimary(notified)).toEqual({ kind: 'no-preorder' });
    expect(chooseDateUrl('42')).toBe('https://seller.wildberries.ru/supplies-management/new-supply/choose-date?supplyID=42');
  });

  it('keeps watching only for notify tasks: a running one already does, a finished one starts again', () => {
    expect(keepWatchingChoice({ ...notified, state: 'polling', outcome: null })).toBe('running');
    expect(keepWatchingChoice(notified)).toBe('restart');
    expect(keepWatchingChoice({ ...notified, mode: 'autobook' })).toBe('none');
  });
});

describe('best cell memory', () => {
  it('returns the last best cell once the API has none, and nothing while it has one', () => {
    const cell = { coefficient: 1, warehouseId: 507, date: '2026-12-05' };
    forgetBest('t1');
    expect(rememberBest('t1', null, 1)).toBeNull();
    expect(rememberBest('t1', cell, 1_000)).toBeNull();
    expect(rememberBest('t1', null, 2_000)).toEqual({ cell, seenAt: 1_000 });
  });
});
