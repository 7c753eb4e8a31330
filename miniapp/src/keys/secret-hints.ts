// Instant, local feedback while a key is pasted (before WB is asked): is it whole, and when does a token expire? The
// secret never leaves the form for this; the server's check on "add" is the one that counts.
import type { MessageKey } from '../i18n/messages.ts';

export interface SecretHint {
  key: MessageKey;
  vars?: Record<string, string>;
  tone: 'ok' | 'warning';
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

/** `formatDate` turns the expiry (epoch ms) into the user's words. */
export function secretHint(
  kind: 'api_token' | 'portal_session',
  secret: string,
  now: number,
  formatDate: (at: number) => string,
): SecretHint | null {
  const value = secret.trim();
  if (!value) return null;
  if (kind === 'portal_session') return /WBTokenV3/i.test(value) ? null : { key: 'keys.local.noSession', tone: 'warning' };
  const parts = value.split('.');
  const payload = parts.length === 3 && parts[1] ? decodeJwtPayload(parts[1]) : null;
  if (!payload) return { key: 'keys.local.notToken', tone: 'warning' };
  if (typeof payload.exp !== 'number') return null;
  const expiresAt = payload.exp * 1000;
  return expiresAt < now
    ? { key: 'keys.local.expired', vars: { date: formatDate(expiresAt) }, tone: 'warning' }
    : { key: 'keys.local.expires', vars: { date: formatDate(expiresAt) }, tone: 'ok' };
}
