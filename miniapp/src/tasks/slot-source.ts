// Where the slot data behind the calendar or a running task comes from, and how old it is, in the seller's words:
// "Данные: кабинет WB · 12 с назад", or why there is none and what to do. Pure: time and wording come in as arguments.
import type { MessageKey } from '../i18n/messages.ts';

/** What `slots.calendar` and a running supply task say about their data (TaskSource, CalendarAnswer.source). */
export interface SlotSource {
  kind: 'official' | 'portal' | 'none';
  updatedAt: number | null;
  /** The state of that source now (tasks say it; the calendar's own answer may not). */
  state?: 'ok' | 'rate-limited' | 'degraded' | 'disabled';
  reason: string | null;
}

export interface SourceLine {
  text: string;
  /** ok: fresh data; stale: older than a few refreshes; none: no data at all. */
  tone: 'ok' | 'stale' | 'none';
  /** The seller can fix it on the Keys screen (add a portal session). */
  toKeys: boolean;
}

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** Data older than this is shown as lagging: the portal report refreshes about once a minute, the official one faster. */
export const STALE_AFTER_MS = 5 * 60_000;

/** "12 с назад" / "3 мин назад" / "2 ч назад": whole units, never negative (the device clock may run a little ahead). */
export function ageText(updatedAt: number, now: number, t: Translate): string {
  const seconds = Math.max(0, Math.floor((now - updatedAt) / 1000));
  if (seconds < 60) return t('source.age.seconds', { n: seconds });
  if (seconds < 3_600) return t('source.age.minutes', { n: Math.floor(seconds / 60) });
  return t('source.age.hours', { n: Math.floor(seconds / 3_600) });
}

/** Why nothing feeds this seller, as the server says it: only a missing portal session is the seller's to fix. */
const NEEDS_SESSION = new Set(['no_portal_session', 'no_sessions', 'no_credentials']);
const WB_DISABLED = new Set(['wb_disabled', 'wb_disabled_no_portal']);

export function sourceLine(source: SlotSource, now: number, t: Translate): SourceLine {
  if (source.kind === 'none') {
    if (source.reason !== null && NEEDS_SESSION.has(source.reason)) {
      return { text: t('source.none.session'), tone: 'none', toKeys: true };
    }
    const key = source.reason !== null && WB_DISABLED.has(source.reason) ? 'source.none.disabled' : 'source.none.failing';
    return { text: t(key), tone: 'none', toKeys: false };
  }
  const name = t(source.kind === 'official' ? 'source.official' : 'source.portal');
  if (source.updatedAt === null) return { text: t('source.line.noAge', { source: name }), tone: 'ok', toKeys: false };
  const limited = source.state === 'rate-limited';
  return {
    text: t(limited ? 'source.line.limited' : 'source.line', { source: name, age: ageText(source.updatedAt, now, t) }),
    tone: now - source.updatedAt > STALE_AFTER_MS ? 'stale' : 'ok',
    toKeys: false,
  };
}
