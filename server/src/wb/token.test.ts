import { describe, expect, it } from 'vitest';
import { decodeWbToken, encodeWbToken, formatPortalSession, parsePortalSession, TOKEN_CATEGORY_BITS, tokenProblem } from './token.ts';

const supplies = 1 << TOKEN_CATEGORY_BITS.supplies;
const inAYear = Math.floor(Date.now() / 1000) + 365 * 86400;

describe('WB tokens', () => {
  it('reads the seller, expiry and categories without the signature', () => {
    const token = encodeWbToken({ sid: 'seller-1', id: 'tok-1', exp: inAYear, acc: 1, s: supplies });
    expect(decodeWbToken(token)).toMatchObject({ sid: 'seller-1', tokenId: 'tok-1', accessType: 1, categories: supplies });
    expect(tokenProblem(token)).toBeUndefined();
  });

  it('names what is wrong with a token', () => {
    expect(tokenProblem('hello')).toBe('not_a_token');
    expect(tokenProblem('eyJ.bad.json')).toBe('not_a_token');
    expect(tokenProblem(encodeWbToken({ sid: 's', id: 'i', exp: 1_000, s: supplies }))).toBe('expired');
    expect(tokenProblem(encodeWbToken({ sid: 's', id: 'i', exp: inAYear, acc: 2, s: supplies }))).toBe('test_token');
    expect(tokenProblem(encodeWbToken({ sid: 's', id: 'i', exp: inAYear, s: 1 << TOKEN_CATEGORY_BITS.content }))).toBe(
      'no_supplies_category',
    );
  });
});

describe('portal sessions', () => {
  it('round-trips the cookie string sellers paste', () => {
    // WBTokenV3 is a JWT issued by WB's passport: the key format (shared/src/portal-session.ts) refuses anything else.
    const token = `eyJhbGciOiJFUzI1NiJ9.${Buffer.from('{"exp":1900000000}').toString('base64url')}.c2ln`;
    const session = { token, validationKey: 'key', supplierId: '1f6c2e0e-0000-4000-8000-000000000001' };
    expect(parsePortalSession(formatPortalSession(session))).toEqual(session);
    expect(parsePortalSession(` x=1; WBTokenV3=${token}; wbx-validation-key=k; x-supplier-id=s `)).toEqual({
      token,
      validationKey: 'k',
      supplierId: 's',
    });
    expect(parsePortalSession('WBTokenV3=tok; wbx-validation-key=k; x-supplier-id=s')).toBeUndefined();
  });

  it('refuses strings without the three cookies', () => {
    expect(parsePortalSession('WBTokenV3=abc')).toBeUndefined();
    expect(parsePortalSession('garbage')).toBeUndefined();
  });
});
