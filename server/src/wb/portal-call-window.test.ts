import { describe, expect, it } from 'vitest';
import { PortalCallWindow } from './portal-call-window.ts';

describe('PortalCallWindow', () => {
  it('counts the last minute per seller and forgets sellers idle for two minutes', () => {
    let now = 1_000_000;
    const window = new PortalCallWindow({ now: () => now });
    window.record('a');
    now += 30_000;
    window.record('a');
    window.record('b');
    expect(Object.fromEntries(window.snapshot())).toEqual({ a: 2, b: 1 });
    now += 31_000;
    expect(Object.fromEntries(window.snapshot())).toEqual({ a: 1, b: 1 });
    now += 120_000;
    expect(window.snapshot().size).toBe(0);
  });

  it('stays bounded in sellers', () => {
    const window = new PortalCallWindow({ maxSellers: 3 });
    for (const sid of ['a', 'b', 'c', 'd']) window.record(sid);
    expect([...window.snapshot().keys()]).toEqual(['b', 'c', 'd']);
  });
});
