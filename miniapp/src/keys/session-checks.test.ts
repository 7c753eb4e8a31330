import { describe, expect, it } from 'vitest';
import { sessionChecks } from './session-checks.ts';

/** A JWT-shaped token with this expiry (seconds since epoch), as WB's passport issues them. */
function token(exp: number): string {
  const part = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ exp })}.c2lnbmF0dXJl`;
}

const NOW = Date.parse('2026-12-03T00:00:00Z');
const fresh = token(NOW / 1000 + 3_600);
const states = (secret: string) => sessionChecks(secret, NOW)?.checks.map((c) => `${c.item}:${c.state}`);

describe('portal session checklist', () => {
  it('says nothing while the box is empty', () => {
    expect(sessionChecks('  ', NOW)).toBeNull();
  });

  it('checks in the shared parser’s order: what comes before the first problem is there, nothing after it is claimed', () => {
    expect(states('sessionid=1; _ga=2')).toEqual([
      'format:ok',
      'token:problem',
      'validationKey:pending',
      'supplierId:pending',
      'fresh:pending',
    ]);
    expect(sessionChecks('sessionid=1', NOW)?.problem).toBe('KEY_SESSION_NO_TOKEN');
    const noSupplier = `WBTokenV3=${fresh}; wbx-validation-key=abc`;
    expect(states(noSupplier)).toEqual(['format:ok', 'token:ok', 'validationKey:ok', 'supplierId:problem', 'fresh:pending']);
    expect(sessionChecks(noSupplier, NOW)?.problem).toBe('KEY_SESSION_NO_SUPPLIER_ID');
    const expired = `WBTokenV3=${token(NOW / 1000 - 60)}; wbx-validation-key=abc; x-supplier-id=s-1`;
    expect(sessionChecks(expired, NOW)?.problem).toBe('KEY_SESSION_EXPIRED');
  });

  it('recognises a Cookie header and a Copy as cURL command, all checks passing', () => {
    const cookie = `Cookie: WBTokenV3=${fresh}; wbx-validation-key=abc; x-supplier-id=s-1`;
    expect(sessionChecks(cookie, NOW)).toMatchObject({ form: 'cookie', problem: null });
    expect(states(cookie)?.every((s) => s.endsWith(':ok'))).toBe(true);
    const curl = `curl 'https://seller.wildberries.ru/ns/x' -H 'authorizev3: ${fresh}' -b 'wbx-validation-key=abc; x-supplier-id=s-1'`;
    expect(sessionChecks(curl, NOW)).toMatchObject({ form: 'curl', problem: null });
  });
});
