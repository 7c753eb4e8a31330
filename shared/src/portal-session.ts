// The seller-portal session key: what a seller can really copy from a desktop browser, read the same way by the Mini App
// (to say what is wrong before anything is sent) and by the server (to store and use it). Pure: no I/O.
//
// Accepted, whichever the seller finds easiest (the instructions are in the Mini App, ru and en):
//  - the `Cookie` request header of any seller.wildberries.ru request, with or without the `Cookie:` prefix;
//  - a whole "Copy as cURL" command of such a request (bash or cmd quoting), which also carries `authorizev3`.
// From it we keep the three cookies the portal checks (`WBTokenV3`, `wbx-validation-key`, `x-supplier-id`) and the
// `authorizev3` header value (the same token as `WBTokenV3` in every capture seen; the header wins when both are given).

export const PORTAL_SESSION_MAX_LENGTH = 16_384;

export interface PortalSession {
  /** `WBTokenV3` / `authorizev3`: a JWT issued by WB's passport. */
  token: string;
  validationKey: string;
  /** `x-supplier-id`: the seller account (a UUID), the key of every per-seller limit. */
  supplierId: string;
}

export type PortalSessionProblem =
  | 'empty'
  | 'too_long'
  /** No `WBTokenV3` cookie or `authorizev3` header found. */
  | 'no_token'
  /** `WBTokenV3` is not the JWT WB's passport issues. */
  | 'bad_token'
  | 'no_validation_key'
  | 'no_supplier_id'
  /** The token's own expiry has passed: the seller must sign in again and copy a fresh one. */
  | 'expired';

export type PortalSessionParse =
  | { ok: true; session: PortalSession; expiresAt: Date | undefined }
  | { ok: false; problem: PortalSessionProblem };

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const TOKEN_CHARS = /^[A-Za-z0-9_\-.=]+$/;
const SUPPLIER_ID = /^[0-9A-Za-z-]{1,64}$/;

/** Read a pasted session. Never throws; bounded work whatever is pasted. */
export function parsePortalSessionInput(raw: string, now: Date = new Date()): PortalSessionParse {
  const text = raw.trim();
  if (!text) return { ok: false, problem: 'empty' };
  if (text.length > PORTAL_SESSION_MAX_LENGTH) return { ok: false, problem: 'too_long' };
  const { cookieHeader, authorizev3 } = extractFromPaste(text);
  const cookies = parseCookieHeader(cookieHeader);
  const token = (authorizev3 ?? cookies.get('WBTokenV3'))?.trim();
  if (!token) return { ok: false, problem: 'no_token' };
  const claims = jwtClaims(token);
  if (!claims || !TOKEN_CHARS.test(token)) return { ok: false, problem: 'bad_token' };
  const validationKey = cookies.get('wbx-validation-key')?.trim();
  if (!validationKey || !TOKEN_CHARS.test(validationKey)) return { ok: false, problem: 'no_validation_key' };
  const supplierId = cookies.get('x-supplier-id')?.trim();
  if (!supplierId || !SUPPLIER_ID.test(supplierId)) return { ok: false, problem: 'no_supplier_id' };
  const exp = typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined;
  if (exp && exp <= now) return { ok: false, problem: 'expired' };
  return { ok: true, session: { token, validationKey, supplierId }, expiresAt: exp };
}

/** The one stored form of a session: the three cookies, in WB's order. */
export function formatPortalSession(session: PortalSession): string {
  return `WBTokenV3=${session.token}; wbx-validation-key=${session.validationKey}; x-supplier-id=${session.supplierId}`;
}

/** A stored (or pasted) session, or undefined when it is not one. */
export function parsePortalSession(raw: string): PortalSession | undefined {
  const parsed = parsePortalSessionInput(raw, new Date(0));
  return parsed.ok ? parsed.session : undefined;
}

function extractFromPaste(text: string): { cookieHeader: string; authorizev3: string | undefined } {
  if (!/^curl(\.exe)?\s/i.test(text)) return { cookieHeader: text.replace(/^cookie:\s*/i, ''), authorizev3: undefined };
  // "Copy as cURL": -H 'name: value' / -H "name: value" / -b 'cookies' / --cookie '…'. Bash (') and cmd (^") quoting.
  const unescaped = text.replace(/\^(.)/g, '$1').replace(/\\\r?\n/g, ' ');
  let cookieHeader = '';
  let authorizev3: string | undefined;
  const argument = /(?:-H|--header|-b|--cookie)\s+(?:'([^']*)'|"((?:[^"\\]|\\.)*)")/g;
  for (const match of unescaped.matchAll(argument)) {
    const value = match[1] ?? match[2]?.replace(/\\(.)/g, '$1') ?? '';
    const isCookieFlag = /^(-b|--cookie)/.test(match[0]);
    const header = /^([^:]+):\s*(.*)$/s.exec(value);
    if (isCookieFlag) cookieHeader = `${cookieHeader}; ${value}`;
    else if (header?.[1]?.trim().toLowerCase() === 'cookie') cookieHeader = `${cookieHeader}; ${header[2] ?? ''}`;
    else if (header?.[1]?.trim().toLowerCase() === 'authorizev3') authorizev3 = header[2]?.trim();
  }
  return { cookieHeader, authorizev3 };
}

function parseCookieHeader(header: string): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    if (!COOKIE_NAME.test(name) || cookies.has(name)) continue;
    cookies.set(
      name,
      part
        .slice(at + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1'),
    );
  }
  return cookies;
}

function jwtClaims(token: string): { exp?: unknown } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[0]?.startsWith('eyJ') || !parts[1]) return undefined;
  try {
    const json = decodeBase64Url(parts[1]);
    const claims = JSON.parse(json) as unknown;
    return typeof claims === 'object' && claims !== null ? (claims as { exp?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

/** What browsers and Node (≥ 16) both provide globally; shared/ compiles without DOM or Node typings. */
interface TextGlobals {
  atob(data: string): string;
  TextDecoder: new () => { decode(bytes: Uint8Array): string };
}

/** base64url → UTF-8 text, in the browser and in Node alike. */
function decodeBase64Url(part: string): string {
  const { atob, TextDecoder } = globalThis as unknown as TextGlobals;
  const base64 = part
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(part.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = Uint8Array.from(binary, (c: string) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
