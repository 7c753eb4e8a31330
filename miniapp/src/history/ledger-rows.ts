// The credit ledger as a seller reads it: one row per booking, not two. The server records a booking's credit as a
// reservation (−1) and then its commit (0, spent) or release (+1, returned); this folds each pair into one row. Pure.

export interface LedgerEntryLike {
  id: string | number;
  at: string;
  bucket: 'trial' | 'paid';
  delta: number;
  balanceAfter: number;
  reason: string;
}

export interface LedgerRow {
  id: string;
  at: string;
  bucket: 'trial' | 'paid';
  /** The net change of the balance this row stands for. */
  delta: number;
  balanceAfter: number;
  /** A ledger reason, or the folded booking outcome: 'booking-spent', 'booking-returned', 'booking-pending'. */
  kind: string;
}

/** `entries` newest first, as the API sends them; rows newest first too. */
export function ledgerRows(entries: readonly LedgerEntryLike[]): LedgerRow[] {
  const oldestFirst = [...entries].reverse();
  const rows: LedgerRow[] = [];
  // Reservations not yet settled, per bucket, oldest first (the ledger settles them in order).
  const open = new Map<string, LedgerRow[]>();
  for (const e of oldestFirst) {
    if (e.reason === 'reserve') {
      const row: LedgerRow = {
        id: String(e.id),
        at: e.at,
        bucket: e.bucket,
        delta: e.delta,
        balanceAfter: e.balanceAfter,
        kind: 'booking-pending',
      };
      rows.push(row);
      open.set(e.bucket, [...(open.get(e.bucket) ?? []), row]);
      continue;
    }
    if (e.reason === 'commit' || e.reason === 'release') {
      const [row, ...rest] = open.get(e.bucket) ?? [];
      if (row) {
        open.set(e.bucket, rest);
        row.kind = e.reason === 'commit' ? 'booking-spent' : 'booking-returned';
        row.delta += e.delta;
        row.balanceAfter = e.balanceAfter;
        row.at = e.at;
        continue;
      }
    }
    rows.push({ id: String(e.id), at: e.at, bucket: e.bucket, delta: e.delta, balanceAfter: e.balanceAfter, kind: e.reason });
  }
  return rows.reverse();
}
