import { describe, expect, it } from 'vitest';
import { PORTAL_REFUSALS } from './endpoints.ts';
import { WbNeedsSellerActionError, type WbPortalError, WbTransientError } from './errors.ts';
import { jwtExpiry, portalError, scrub } from './portal-client.ts';

const kind = (code: number, message: string) => (portalError('planAdd', { code, message }) as WbPortalError).kind;

describe('portal JSON-RPC errors', () => {
  it('tells −32000 refusals apart by their words, Russian or English, loosely', () => {
    expect(kind(-32000, PORTAL_REFUSALS.slotUnavailable)).toBe('slot_unavailable');
    expect(kind(-32000, PORTAL_REFUSALS.alreadyPlanned)).toBe('already_planned');
    expect(kind(-32000, PORTAL_REFUSALS.notFound)).toBe('not_found');
    expect(kind(-32000, PORTAL_REFUSALS.quotaExceeded)).toBe('quota_exceeded');
    expect(kind(-32000, 'Черновик не найден')).toBe('not_found');
    expect(kind(-32000, 'Date is UNAVAILABLE for planning')).toBe('slot_unavailable');
    expect(kind(-32000, 'Supply already planned')).toBe('already_planned');
    expect(kind(-32000, 'Daily quota reached')).toBe('quota_exceeded');
    expect(kind(-32000, 'Что-то пошло не так')).toBe('bad_request');
    expect(kind(-32602, 'invalid params')).toBe('bad_request');
  });

  it('hands a captcha to the seller (by code or by words) and treats −32603 as WB trouble', () => {
    const byCode = portalError('planAdd', { code: -32002, message: 'check' });
    expect(byCode).toBeInstanceOf(WbNeedsSellerActionError);
    expect(byCode).toMatchObject({ reason: 'captcha', actionUrl: undefined });
    expect(portalError('transferOrder', { code: -32000, message: 'Пройдите КАПЧУ' })).toBeInstanceOf(WbNeedsSellerActionError);
    expect(portalError('planAdd', { code: 1, message: 'captcha required' })).toBeInstanceOf(WbNeedsSellerActionError);
    expect(portalError('planAdd', { code: -32603, message: 'internal' })).toBeInstanceOf(WbTransientError);
    expect(portalError('planAdd', 'garbage')).toMatchObject({ kind: 'bad_request' });
  });
});

describe('secrets and tokens', () => {
  it('scrubs the session, the lk token and anything JWT-shaped', () => {
    const session = { token: 'eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl', validationKey: 'validation-key-123', supplierId: 'sid-1' };
    const text = JSON.stringify({
      a: session.token,
      b: session.validationKey,
      c: 'lk-token-abcdef',
      d: 'eyJxxxx.eyJyyyy.zzzz',
      sid: 'sid-1',
    });
    const out = scrub(text, session, 'lk-token-abcdef');
    expect(out).not.toMatch(/eyJ|validation-key-123|lk-token-abcdef/);
    expect(out).toContain('sid-1');
  });

  it('reads a JWT expiry, or nothing', () => {
    const payload = Buffer.from(JSON.stringify({ exp: 1_800_000_000 })).toString('base64url');
    expect(jwtExpiry(`eyJh.${payload}.sig`)).toBe(1_800_000_000_000);
    expect(jwtExpiry('not-a-jwt')).toBeUndefined();
    expect(jwtExpiry(`eyJh.${Buffer.from('{}').toString('base64url')}.sig`)).toBeUndefined();
  });
});
