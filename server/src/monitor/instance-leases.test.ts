import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { endBoot, isDeadPredecessor, newBootId, recordBoot } from './instance-leases.ts';

describe('isDeadPredecessor', () => {
  const self = { bootId: 'self-boot', pid: 1 };
  const alive = (pids: number[]) => (pid: number) => pids.includes(pid);
  const recorded = new Set(['earlier-boot']);

  it('recognises an earlier start recorded here whose process is gone, or whose pid is ours again (pid 1)', () => {
    expect(isDeadPredecessor({ bootId: 'earlier-boot', pid: 100 }, self, recorded, alive([1]))).toBe(true);
    expect(isDeadPredecessor({ bootId: 'earlier-boot', pid: 1 }, self, recorded, alive([1]))).toBe(true);
  });

  it('never trusts a pid alone: a sibling container with pid 1 and a boot id not recorded here is alive', () => {
    expect(isDeadPredecessor({ bootId: 'sibling-boot', pid: 1 }, self, recorded, alive([1]))).toBe(false);
    expect(isDeadPredecessor({ bootId: null, pid: 1 }, self, recorded, alive([1]))).toBe(false);
  });

  it('leaves alone a live process recorded here, itself, and rows without a pid', () => {
    expect(isDeadPredecessor({ bootId: 'earlier-boot', pid: 100 }, self, recorded, alive([1, 100]))).toBe(false);
    expect(isDeadPredecessor({ bootId: 'self-boot', pid: 1 }, self, new Set(['self-boot']), alive([]))).toBe(false);
    expect(isDeadPredecessor({ bootId: 'earlier-boot', pid: null }, self, recorded, alive([]))).toBe(false);
  });

  it('never takes over another host running in this same process (same pid)', () => {
    const other = newBootId();
    try {
      expect(isDeadPredecessor({ bootId: other, pid: 1 }, self, new Set([other]), alive([1]))).toBe(false);
    } finally {
      endBoot(other);
    }
  });
});

describe('recordBoot', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('returns the boot ids recorded by earlier starts, not its own', async () => {
    dir = await mkdtemp(join(tmpdir(), 'boots-'));
    const first = newBootId();
    const second = newBootId();
    expect(await recordBoot(dir, first)).toEqual(new Set());
    expect(await recordBoot(dir, second)).toEqual(new Set([first]));
    endBoot(first);
    endBoot(second);
  });
});
