// The home screen's one health line, from what the task list says: is any running task without a slot source, is WB
// holding us back, how fresh the data is, and whether alerts can reach the seller at all. Pure.
import type { MessageKey } from '../i18n/messages.ts';
import type { SlotSource } from './slot-source.ts';
import { reasonPhrase } from './task-status.ts';

export interface HealthTask {
  kind: 'supply' | 'redistribution';
  mode: 'notify' | 'autobook';
  state: 'idle' | 'polling' | 'backing-off' | 'booking' | 'done';
  reason: string | null;
  source: SlotSource | null;
}

export type HealthTone = 'ok' | 'warn' | 'bad';

export interface Health {
  key: MessageKey;
  tone: HealthTone;
  /** Freshest data among the running tasks (for "12 с назад"), when the line is about data. */
  updatedAt: number | null;
  source: 'official' | 'portal' | null;
  /** The seller fixes it on the Keys screen. */
  toKeys: boolean;
}

const FRESH_MS = 5 * 60_000;

export function homeHealth(tasks: readonly HealthTask[], now: number): Health | null {
  const running = tasks.filter((t) => t.kind === 'supply' && t.state !== 'done' && t.state !== 'idle');
  if (running.length === 0) return null;
  const none = running.find((t) => t.source?.kind === 'none');
  if (none) {
    const session = none.source?.reason === 'no_portal_session';
    return { key: session ? 'health.noSession' : 'health.noSource', tone: 'bad', updatedAt: null, source: null, toKeys: session };
  }
  const waiting = running.filter((t) => t.state === 'backing-off');
  if (waiting.length > 0) {
    const limited = waiting.some((t) => reasonPhrase(t.reason)?.key === 'task.reason.rate-limited');
    return { key: limited ? 'health.limited' : 'health.wbErrors', tone: 'warn', updatedAt: null, source: null, toKeys: false };
  }
  const sources = running.flatMap((t) => (t.source && t.source.kind !== 'none' && t.source.updatedAt !== null ? [t.source] : []));
  const freshest = sources.reduce<SlotSource | null>((a, b) => (a === null || (b.updatedAt ?? 0) > (a.updatedAt ?? 0) ? b : a), null);
  if (!freshest || freshest.updatedAt === null) return { key: 'health.watching', tone: 'ok', updatedAt: null, source: null, toKeys: false };
  const kind = freshest.kind === 'official' ? 'official' : 'portal';
  const stale = now - freshest.updatedAt > FRESH_MS;
  return {
    key: stale ? 'health.stale' : 'health.ok',
    tone: stale ? 'warn' : 'ok',
    updatedAt: freshest.updatedAt,
    source: kind,
    toKeys: false,
  };
}

/** Alerts need the bot to be allowed to write: say so when a notify task runs and the seller has not allowed it. */
export function alertsAtRisk(tasks: readonly HealthTask[], access: 'unknown' | 'allowed' | 'denied'): boolean {
  return access !== 'allowed' && tasks.some((t) => t.mode === 'notify' && t.state !== 'done');
}
