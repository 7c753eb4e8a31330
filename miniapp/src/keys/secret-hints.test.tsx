import { ERROR_MESSAGES, PORTAL_SESSION_PROBLEM_CODES, type PortalSessionProblem } from '@slotpilot/shared';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { LanguageProvider } from '../i18n/i18n.tsx';
import { LocalHint } from './local-hint.tsx';
import { blockingProblem, secretHint, sessionProblemCode } from './secret-hints.ts';

const b64url = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
const jwt = (payload: object) => `${b64url({ alg: 'ES256' })}.${b64url(payload)}.signature`;
const date = (at: number) => new Date(at).toISOString().slice(0, 10);
const NOW = Date.parse('2026-11-22T12:00:00Z');
const LATER = Date.parse('2027-05-01T00:00:00Z') / 1000;
const EARLIER = Date.parse('2026-01-01T00:00:00Z') / 1000;

const token = jwt({ exp: LATER, user: '1' });
const cookie = `WBTokenV3=${token}; wbx-validation-key=abc123; x-supplier-id=0f1e2d3c-aaaa-bbbb-cccc-123456789abc; _ga=GA1.1`;
const curl = [
  "curl 'https://seller-supply.wildberries.ru/ns/sm-supply/supply-manager/api/v1/supply/listSupplies' \\",
  "  -H 'accept: */*' \\",
  `  -H 'authorizev3: ${token}' \\`,
  "  -b 'wbx-validation-key=abc123; x-supplier-id=0f1e2d3c-aaaa-bbbb-cccc-123456789abc' \\",
  '  --data-raw \'{"jsonrpc":"2.0"}\'',
].join('\n');

describe('instant key hints: API token', () => {
  it('says nothing about an empty field', () => {
    expect(secretHint('api_token', '  ', NOW, date)).toBeNull();
  });

  it('spots a token that was not copied whole', () => {
    expect(secretHint('api_token', 'eyJhbGciOi', NOW, date)).toMatchObject({ key: 'keys.local.notToken', tone: 'warning' });
    expect(secretHint('api_token', 'a.b.c', NOW, date)).toMatchObject({ key: 'keys.local.notToken' });
  });

  it('reads the expiry of a token', () => {
    expect(secretHint('api_token', jwt({ exp: LATER, sid: 'x' }), NOW, date)).toEqual({
      key: 'keys.local.expires',
      vars: { date: '2027-05-01' },
      tone: 'ok',
    });
    expect(secretHint('api_token', jwt({ exp: EARLIER }), NOW, date)).toMatchObject({ key: 'keys.local.expired', tone: 'warning' });
  });

  it('leaves every non-empty token to the server, which names its problem precisely', () => {
    expect(blockingProblem('api_token', 'not-a-token', NOW)).toBeNull();
    expect(blockingProblem('api_token', ' ', NOW)).toEqual({ key: 'keys.form.secret' });
  });
});

describe('instant key hints: portal session, read by the shared parser before anything is sent', () => {
  it('recognises a Cookie header, with or without its name, and says until when it lasts', () => {
    const ok = { tone: 'ok', key: 'keys.local.sessionExpires', vars: { date: '2027-05-01' } };
    expect(secretHint('portal_session', cookie, NOW, date)).toEqual(ok);
    expect(secretHint('portal_session', `Cookie: ${cookie}`, NOW, date)).toEqual(ok);
    expect(blockingProblem('portal_session', cookie, NOW)).toBeNull();
  });

  it('recognises a whole "Copy as cURL" command', () => {
    expect(secretHint('portal_session', curl, NOW, date)).toMatchObject({ tone: 'ok', key: 'keys.local.sessionExpires' });
    expect(blockingProblem('portal_session', curl, NOW)).toBeNull();
  });

  it('says a session without an expiry is recognised and left to WB', () => {
    const noExp = cookie.replace(token, jwt({ user: '1' }));
    expect(secretHint('portal_session', noExp, NOW, date)).toEqual({ tone: 'ok', key: 'keys.local.sessionOk' });
  });

  it('names each problem with the code the server would answer, and blocks sending it', () => {
    const cases: Array<[string, string]> = [
      ['sessionid=whatever', 'KEY_SESSION_NO_TOKEN'],
      ['WBTokenV3=abc; wbx-validation-key=1; x-supplier-id=2', 'KEY_SESSION_BAD_TOKEN'],
      [`WBTokenV3=${token}; x-supplier-id=2`, 'KEY_SESSION_NO_VALIDATION_KEY'],
      [`WBTokenV3=${token}; wbx-validation-key=abc`, 'KEY_SESSION_NO_SUPPLIER_ID'],
      [cookie.replace(token, jwt({ exp: EARLIER })), 'KEY_SESSION_EXPIRED'],
      [`WBTokenV3=${'a'.repeat(20_000)}`, 'KEY_SESSION_TOO_LONG'],
    ];
    for (const [paste, code] of cases) {
      expect({ paste: paste.slice(0, 40), hint: secretHint('portal_session', paste, NOW, date) }).toEqual({
        paste: paste.slice(0, 40),
        hint: { tone: 'problem', code },
      });
      expect(blockingProblem('portal_session', paste, NOW)).toEqual({ code });
    }
  });

  it('answers each problem with the code shared keys.ts maps it to', () => {
    for (const [problem, code] of Object.entries(PORTAL_SESSION_PROBLEM_CODES)) {
      expect(sessionProblemCode(problem as PortalSessionProblem)).toBe(code);
    }
  });

  it('is quiet while the box is empty, but an empty submit says what to paste', () => {
    expect(secretHint('portal_session', '\n ', NOW, date)).toBeNull();
    expect(blockingProblem('portal_session', '', NOW)).toEqual({ code: 'KEY_SESSION_EMPTY' });
  });
});

describe('the hint line as the seller reads it', () => {
  const render = (language: 'ru' | 'en', paste: string) =>
    renderToStaticMarkup(
      <LanguageProvider language={language}>
        <LocalHint hint={secretHint('portal_session', paste, NOW, date)} />
      </LanguageProvider>,
    );

  it('shows the specific problem in the seller’s language', () => {
    const ru = render('ru', `WBTokenV3=${token}; x-supplier-id=2`);
    expect(ru).toContain(ERROR_MESSAGES.KEY_SESSION_NO_VALIDATION_KEY.ru);
    expect(ru).toContain('data-code="KEY_SESSION_NO_VALIDATION_KEY"');
    expect(ru).toContain('warning-text');
    const en = render('en', 'sessionid=whatever');
    expect(en).toContain(ERROR_MESSAGES.KEY_SESSION_NO_TOKEN.en.replace(/"/g, '&quot;'));
  });

  it('shows the expiry of a good session', () => {
    expect(render('ru', cookie)).toContain('Сессия распознана, действует до 2027-05-01 (МСК).');
    expect(render('en', cookie)).toContain('Session recognised, valid until 2027-05-01 (Moscow time).');
  });

  it('keeps its line (and height) when there is nothing to say', () => {
    expect(render('ru', '')).toBe('<p class="field-line hint" data-testid="key-local-hint"></p>');
  });
});
