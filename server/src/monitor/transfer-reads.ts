// Coalesced portal reads for redistribution tasks (issue 15, finding 9): one transfer-limits read per seller account and
// one stock read per (seller account, article) per interval, shared by every task that watches them, instead of each
// task reading for itself every 5 s. A read in flight is shared too; a failed one is not kept.
import type { WbPortalClient } from '../wb/portal-client.ts';
import type { TransferQuota, TransferStock } from '../wb/portal-schemas.ts';

/** How long one read answers for every task of the account: the redistribution tasks' own poll interval. */
export const TRANSFER_READ_INTERVAL_MS = 5_000;
/** Past this many remembered reads, expired ones are dropped (sellers come and go). */
const PRUNE_ABOVE = 1_000;

interface Shared<T> {
  at: number;
  value: Promise<T>;
}

export class TransferReads {
  private readonly limitsBy = new Map<string, Shared<TransferQuota[]>>();
  private readonly stockBy = new Map<string, Shared<TransferStock>>();

  constructor(
    private readonly portal: Pick<WbPortalClient, 'transferLimits' | 'transferStock'>,
    private readonly intervalMs = TRANSFER_READ_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The account's transfer quotas by warehouse. */
  limits(credentialId: string, session: string): Promise<TransferQuota[]> {
    return this.shared(this.limitsBy, credentialId, () => this.portal.transferLimits(session));
  }

  /** The account's stock of one article by warehouse and size. */
  stock(credentialId: string, session: string, nmId: number): Promise<TransferStock> {
    return this.shared(this.stockBy, `${credentialId}:${nmId}`, () => this.portal.transferStock(session, [nmId]));
  }

  private shared<T>(entries: Map<string, Shared<T>>, key: string, read: () => Promise<T>): Promise<T> {
    const now = this.now();
    const entry = entries.get(key);
    if (entry && now - entry.at < this.intervalMs) return entry.value;
    if (entries.size > PRUNE_ABOVE) {
      for (const [k, e] of entries) if (now - e.at >= this.intervalMs) entries.delete(k);
    }
    const value = read();
    entries.set(key, { at: now, value });
    value.catch(() => {
      if (entries.get(key)?.value === value) entries.delete(key);
    });
    return value;
  }
}
