import { describe, expect, it } from 'vitest';
import { ledgerRows } from './ledger-rows.ts';

const e = (id: number, reason: string, delta: number, balanceAfter: number, bucket: 'trial' | 'paid' = 'trial') => ({
  id,
  at: `2026-12-02T10:0${id}:00Z`,
  bucket,
  delta,
  balanceAfter,
  reason,
});

describe('ledger rows', () => {
  it("folds a booking's reservation and its commit or release into one row", () => {
    // Newest first, as the API answers.
    const rows = ledgerRows([
      e(5, 'release', 1, 1),
      e(4, 'reserve', -1, 0),
      e(3, 'commit', 0, 1),
      e(2, 'reserve', -1, 1),
      e(1, 'trial_grant', 2, 2),
    ]);
    expect(rows.map((r) => [r.kind, r.delta, r.balanceAfter])).toEqual([
      ['booking-returned', 0, 1],
      ['booking-spent', -1, 1],
      ['trial_grant', 2, 2],
    ]);
  });

  it('keeps a booking still in progress as one pending row, and other reasons as they are', () => {
    const rows = ledgerRows([e(3, 'reserve', -1, 4, 'paid'), e(2, 'purchase', 5, 5, 'paid')]);
    expect(rows.map((r) => r.kind)).toEqual(['booking-pending', 'purchase']);
  });
});
