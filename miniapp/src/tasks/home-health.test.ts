import { describe, expect, it } from 'vitest';
import { alertsAtRisk, type HealthTask, homeHealth } from './home-health.ts';

const watching: HealthTask = {
  kind: 'supply',
  mode: 'notify',
  state: 'polling',
  reason: null,
  source: { kind: 'portal', updatedAt: 100_000, reason: null },
};

describe('home health line', () => {
  it('names the freshest source and its age, and data that stopped refreshing', () => {
    expect(homeHealth([watching, { ...watching, source: { kind: 'portal', updatedAt: 90_000, reason: null } }], 110_000)).toMatchObject({
      key: 'health.ok',
      tone: 'ok',
      updatedAt: 100_000,
      source: 'portal',
    });
    expect(homeHealth([watching], 100_000 + 6 * 60_000)).toMatchObject({ key: 'health.stale', tone: 'warn' });
  });

  it('puts a missing source first, with the way to Keys when a portal session fixes it', () => {
    const none = { ...watching, source: { kind: 'none' as const, updatedAt: null, reason: 'no_portal_session' } };
    expect(homeHealth([watching, none], 110_000)).toMatchObject({ key: 'health.noSession', tone: 'bad', toKeys: true });
    const failing = { ...watching, source: { kind: 'none' as const, updatedAt: null, reason: 'sources_failing' } };
    expect(homeHealth([failing], 0)).toMatchObject({ key: 'health.noSource', toKeys: false });
  });

  it('says WB is limiting us, in plain words, while a task waits for it', () => {
    expect(homeHealth([{ ...watching, state: 'backing-off', reason: 'WB answered 429' }], 0)).toMatchObject({
      key: 'health.limited',
      tone: 'warn',
    });
  });

  it('is silent with nothing running, and warns about alerts only for running notify tasks', () => {
    expect(homeHealth([{ ...watching, state: 'done' }], 0)).toBeNull();
    expect(alertsAtRisk([watching], 'unknown')).toBe(true);
    expect(alertsAtRisk([watching], 'allowed')).toBe(false);
    expect(alertsAtRisk([{ ...watching, mode: 'autobook' }], 'denied')).toBe(false);
  });
});
