// Instant, local feedback while a key is pasted (before WB is asked): is it whole, and when does it expire? The secret
// never leaves the form for this. A portal session is read with the very parser the server uses
// (`parsePortalSessionInput`), so a paste it refuses is never sent and its problem is shown in the server's own words; an
// API token gets a hint only, and the server's check on "add" is the one that counts.
//
// Only zod-free parts of @slotpilot/shared are imported here (portal-session.ts, errors.ts): its keys.ts builds zod
// schemas at load time, which would add zod and date-fns (~37 kB gzip) to this screen.
import { type ErrorCode, isErrorCode, type PortalSessionProblem, parsePortalSessionInput } from '@slotpilot/shared';
import type { MessageKey } from '../i18n/messages.ts';

export type SecretHint =
  | { tone: 'ok' | 'warning'; key: MessageKey; vars?: Record<string, string> }
  /** The paste cannot work: shown as the error catalogue's message for `code`, and the form does not send it. */
  | { tone: 'problem'; code: ErrorCode };

/**
 * The error code the server answers a problem with: `KEY_SESSION_<PROBLEM>`, the naming of shared keys.ts's
 * PORTAL_SESSION_PROBLEM_CODES (a unit test holds the two together).
 */
export function sessionProblemCode(problem: PortalSessionProblem): ErrorCode {
  const code = `KEY_SESSION_${problem.toUpperCase()}`;
  return isErrorCode(code) ? code : 'KEY_BAD_SESSION';
}

function decodeJwtPayload(part: string): Record<string, unknown> | null {
  try {
    const base64 = part
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(part.length / 4) * 4, '=');
    const parsed: unknown = JSON.parse(atob(base64));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** What to say under the paste box; null while it is empty. `formatDate` turns an expiry (epoch ms) into the user's words. */
export function secretHint(
  kind: 'api_token' | 'portal_session',
  secret: string,
  now: number,
  formatDate: (at: number) => string,
): SecretHint | null {
  const value = secret.trim();
  if (!value) return null;
  if (kind === 'portal_session') return portalSessionHint(value, now, formatDate);
  const parts = value.split('.');
  const payload = parts.length === 3 && parts[1] ? decodeJwtPayload(parts[1]) : null;
  if (!payload) return { key: 'keys.local.notToken', tone: 'warning' };
  if (typeof payload.exp !== 'number') return null;
  const expiresAt = payload.exp * 1000;
  return expiresAt < now
    ? { key: 'keys.local.expired', vars: { date: formatDate(expiresAt) }, tone: 'warning' }
    : { key: 'keys.local.expires', vars: { date: formatDate(expiresAt) }, tone: 'ok' };
}

function portalSessionHint(value: string, now: number, formatDate: (at: number) => string): SecretHint {
  const parsed = parsePortalSessionInput(value, new Date(now));
  if (!parsed.ok) return { tone: 'problem', code: sessionProblemCode(parsed.problem) };
  return parsed.expiresAt
    ? { tone: 'ok', key: 'keys.local.sessionExpires', vars: { date: formatDate(parsed.expiresAt.getTime()) } }
    : { tone: 'ok', key: 'keys.local.sessionOk' };
}

/**
 * Why the form must not send this paste, or null to send it. An empty box is named per kind; a portal session must pass
 * the shared parser; an API token is always left to the server, which names its problem precisely.
 */
export function blockingProblem(
  kind: 'api_token' | 'portal_session',
  secret: string,
  now: number,
): { code: ErrorCode } | { key: MessageKey } | null {
  if (kind === 'api_token') return secret.trim() ? null : { key: 'keys.form.secret' };
  const parsed = parsePortalSessionInput(secret, new Date(now));
  return parsed.ok ? null : { code: sessionProblemCode(parsed.problem) };
}
