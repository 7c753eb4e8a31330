import { describe, expect, it } from 'vitest';
import type { TransferQuota, TransferStock } from '../wb/portal-schemas.ts';
import { TransferReads } from './transfer-reads.ts';

/** A portal that answers at once and counts what it was asked (per call and session). */
function countingPortal() {
  const calls: string[] = [];
  let fail = false;
  return {
    calls,
    failNext() {
      fail = true;
    },
    async transferLimits(session: string): Promise<TransferQuota[]> {
      calls.push(`limits:${session}`);
      if (fail) {
        fail = false;
        throw new Error('portal down');
      }
      return [{ officeID: 507, officeName: 'Коледино', srcQuota: 5, dstQuota: 0 }];
    },
    async transferStock(session: string, nmIds: number[]): Promise<TransferStock> {
      calls.push(`stock:${session}:${nmIds.join(',')}`);
      return [];
    },
  };
}

describe('TransferReads', () => {
  it('one read per seller account (and article) per interval, shared by every task asking, in flight or done', async () => {
    const portal = countingPortal();
    let now = 0;
    const reads = new TransferReads(portal, 5_000, () => now);
    await Promise.all([reads.limits('acc-1', 's1'), reads.limits('acc-1', 's1'), reads.stock('acc-1', 's1', 11)]);
    await reads.limits('acc-1', 's1');
    await reads.stock('acc-1', 's1', 11);
    await reads.stock('acc-1', 's1', 12);
    await reads.limits('acc-2', 's2');
    expect(portal.calls).toEqual(['limits:s1', 'stock:s1:11', 'stock:s1:12', 'limits:s2']);
    now = 5_000;
    await reads.limits('acc-1', 's1');
    expect(portal.calls.at(-1)).toBe('limits:s1');
    expect(portal.calls).toHaveLength(5);
  });

  it('does not keep a failed read: the next task asks again', async () => {
    const portal = countingPortal();
    const reads = new TransferReads(portal, 5_000, () => 0);
    portal.failNext();
    await expect(reads.limits('acc-1', 's1')).rejects.toThrow('portal down');
    await expect(reads.limits('acc-1', 's1')).resolves.toHaveLength(1);
    expect(portal.calls).toEqual(['limits:s1', 'limits:s1']);
  });
});
