import { describe, expect, it } from 'vitest';
import { isDeadPredecessor, newInstanceId } from './instance-leases.ts';

describe('isDeadPredecessor', () => {
  const self = newInstanceId('box-1', 4242, 'aaaaaa');
  const alive = (pids: number[]) => (pid: number) => pids.includes(pid);

  it('recognises an earlier process on this host that is gone', () => {
    expect(isDeadPredecessor(newInstanceId('box-1', 100, 'bbbbbb'), self, alive([4242]))).toBe(true);
  });

  it('recognises an earlier incarnation with our own pid (a restarted container is pid 1 again)', () => {
    expect(isDeadPredecessor(newInstanceId('box-1', 4242, 'cccccc'), self, alive([4242]))).toBe(true);
  });

  it('leaves alone a live process on this host, any instance on another host, itself and ids it cannot read', () => {
    expect(isDeadPredecessor(newInstanceId('box-1', 100, 'bbbbbb'), self, alive([100, 4242]))).toBe(false);
    expect(isDeadPredecessor(newInstanceId('box-2', 100, 'bbbbbb'), self, alive([4242]))).toBe(false);
    expect(isDeadPredecessor(self, self, alive([]))).toBe(false);
    expect(isDeadPredecessor('other-instance', self, alive([]))).toBe(false);
  });

  it('reads host names that contain colons', () => {
    expect(isDeadPredecessor(newInstanceId('fe80::1', 100, 'bbbbbb'), newInstanceId('fe80::1', 7, 'x'), alive([7]))).toBe(true);
  });
});
