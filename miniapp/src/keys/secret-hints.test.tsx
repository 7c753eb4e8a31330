import { describe, expect, it } from 'vitest';
import { secretHint } from './secret-hints.ts';

const b64url = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
const jwt = (payload: object) => `${b64url({ alg: 'ES256' })}.${b64url(payload)}.signature`;
const date = (at: number) => new Date(at).toISOString().slice(0, 10);
const NOW = Date.parse('2026-11-22T12:00:00Z');

describe('instant key hints', () => {
  it('says nothing about an empty field', () => {
    expect(secretHint('api_token', '  ', NOW, date)).toBeNull();
  });

  it('spots a token that was not copied whole', () => {
    expect(secretHint('api_token', 'eyJhbGciOi', NOW, date)).toMatchObject({ key: 'keys.local.notToken', tone: 'warning' });
    expect(secretHint('api_token', 'a.b.c', NOW, date)).toMatchObject({ key: 'keys.local.notToken' });
  });

  it('reads the expiry of a token', () => {
    const exp = Date.parse('2027-05-01T00:00:00Z') / 1000;
    expect(secretHint('api_token', jwt({ exp, sid: 'x' }), NOW, date)).toEqual({
      key: 'keys.local.expires',
      vars: { date: '2027-05-01' },
      tone: 'ok',
    });
    const past = Date.parse('2026-01-01T00:00:00Z') / 1000;
    expect(secretHint('api_token', jwt({ exp: past }), NOW, date)).toMatchObject({ key: 'keys.local.expired', tone: 'warning' });
  });

  it('checks a portal session for its token cookie', () => {
    expect(secretHint('portal_session', 'foo=bar', NOW, date)).toMatchObject({ key: 'keys.local.noSession' });
    expect(secretHint('portal_session', 'WBTokenV3=abc; x-supplier-id=1', NOW, date)).toBeNull();
  });
});
