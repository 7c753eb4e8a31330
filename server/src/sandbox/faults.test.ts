import { describe, expect, it, vi } from 'vitest';
import { FaultBook } from './faults.ts';

describe('FaultBook', () => {
  it('serves a counted fault N times', () => {
    const faults = new FaultBook(() => 0);
    faults.add({ endpoint: 'ping', kind: '5xx', count: 2 });
    expect(faults.take('ping')).toMatchObject({ kind: '5xx', remaining: 1, served: 1 });
    expect(faults.take('ping')).toMatchObject({ remaining: 0, served: 2 });
    expect(faults.take('ping')).toBeUndefined();
    expect(faults.list()).toEqual([]);
  });

  it('ends a timed fault on the injected clock', () => {
    let now = 1_000;
    const faults = new FaultBook(() => now);
    faults.add({ endpoint: '*', kind: 'disabled', durationMs: 500 });
    expect(faults.take('coefficients')?.kind).toBe('disabled');
    now = 1_499;
    expect(faults.take('planAdd')?.kind).toBe('disabled');
    now = 1_500;
    expect(faults.take('coefficients')).toBeUndefined();
  });

  it('prefers a fault for the endpoint over "*", and the newest among equals', () => {
    const faults = new FaultBook(() => 0);
    faults.add({ endpoint: 'ping', kind: '5xx' });
    faults.add({ endpoint: '*', kind: 'disabled' });
    faults.add({ endpoint: 'ping', kind: '429' });
    expect(faults.take('ping')?.kind).toBe('429');
    expect(faults.take('warehouses')?.kind).toBe('disabled');
  });

  it('clear() removes faults and releases hanging requests once', () => {
    const faults = new FaultBook(() => 0);
    faults.add({ endpoint: 'ping', kind: 'timeout' });
    const release = vi.fn();
    const unregister = faults.hang(release);
    const gone = vi.fn();
    faults.hang(gone);
    unregister();
    expect(faults.hangingCount).toBe(1);
    faults.clear();
    expect(release).not.toHaveBeenCalled();
    expect(gone).toHaveBeenCalledTimes(1);
    expect(faults.hangingCount).toBe(0);
    expect(faults.take('ping')).toBeUndefined();
  });
});
