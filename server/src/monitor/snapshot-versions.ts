// Versions of the monitor's persisted snapshot. Every stored snapshot carries the machine version that wrote it; a
// snapshot of an older released version is upcast in code before XState restores it, and one that cannot be read
// (corrupted, a state this machine does not have, a future version) is reported as incompatible so the host can
// quarantine that task instead of failing on it (issue 15: one bad snapshot wedged a whole instance).
//
// Released versions:
//   1 — no `machineVersion` field; context without `actAttempt`.
//   2 — `actAttempt` in context (the act's own backoff exponent); `machineVersion: 2` stored beside the snapshot.
// A new version adds a case to `upcastOnce`, a golden snapshot to snapshot-versions.test.ts, and bumps the constant.
import type { MonitorContext, MonitorSnapshot } from './machine.ts';

export const MONITOR_SNAPSHOT_VERSION = 2;

/** The reason a quarantined task carries. */
export const INCOMPATIBLE_SNAPSHOT = 'incompatible-snapshot';

export type StoredSnapshot = MonitorSnapshot & { machineVersion?: number };

export type UpcastResult = { ok: true; snapshot: MonitorSnapshot; from: number } | { ok: false; problem: string };

const STATE_VALUES = new Set(['idle', 'backing-off', 'booking', 'done']);
const POLLING_CHILDREN = new Set(['probing', 'waiting']);
const STATUSES = new Set(['active', 'done']);
const MODES = new Set(['notify', 'autobook']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The snapshot as the current machine reads it, or what is wrong with it. */
export function upcastSnapshot(raw: unknown): UpcastResult {
  if (!isRecord(raw)) return { ok: false, problem: 'not an object' };
  const version = raw.machineVersion === undefined ? 1 : raw.machineVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    return { ok: false, problem: `bad version ${String(version)}` };
  if (version > MONITOR_SNAPSHOT_VERSION) return { ok: false, problem: `written by a newer machine (version ${version})` };
  let current: Record<string, unknown> = { ...raw };
  for (let v = version; v < MONITOR_SNAPSHOT_VERSION; v++) current = upcastOnce(v, current);
  const problem = problemOf(current);
  if (problem) return { ok: false, problem };
  const { machineVersion: _version, ...snapshot } = current;
  return { ok: true, snapshot: snapshot as unknown as MonitorSnapshot, from: version };
}

/** What is stored: the snapshot and the version of the machine that wrote it. */
export function toStored(snapshot: MonitorSnapshot): StoredSnapshot {
  return { ...snapshot, machineVersion: MONITOR_SNAPSHOT_VERSION };
}

/** From version `from` to `from + 1`. */
function upcastOnce(from: number, snapshot: Record<string, unknown>): Record<string, unknown> {
  switch (from) {
    case 1: {
      const context = isRecord(snapshot.context) ? snapshot.context : {};
      return { ...snapshot, context: { ...context, actAttempt: typeof context.actAttempt === 'number' ? context.actAttempt : 0 } };
    }
    default:
      return snapshot;
  }
}

/** A shape XState can restore into this machine and the host can describe; null when it is one. */
function problemOf(snapshot: Record<string, unknown>): string | null {
  if (typeof snapshot.status !== 'string' || !STATUSES.has(snapshot.status)) return `status ${String(snapshot.status)}`;
  const value = snapshot.value;
  if (typeof value === 'string') {
    if (!STATE_VALUES.has(value)) return `unknown state ${JSON.stringify(value)}`;
  } else if (isRecord(value)) {
    const keys = Object.keys(value);
    if (keys.length !== 1 || keys[0] !== 'polling' || typeof value.polling !== 'string' || !POLLING_CHILDREN.has(value.polling)) {
      return `unknown state ${JSON.stringify(value)}`;
    }
  } else {
    return 'no state';
  }
  if (snapshot.children !== undefined && !isRecord(snapshot.children)) return 'children is not an object';
  const context = snapshot.context;
  if (!isRecord(context)) return 'no context';
  const c = context as Partial<Record<keyof MonitorContext, unknown>>;
  if (typeof c.taskId !== 'string') return 'context.taskId';
  if (typeof c.mode !== 'string' || !MODES.has(c.mode)) return 'context.mode';
  if (typeof c.pollIntervalMs !== 'number') return 'context.pollIntervalMs';
  if (!Array.isArray(c.notified)) return 'context.notified';
  for (const key of ['nextPollAt', 'backoffUntil', 'lastCheckAt'] as const) {
    if (c[key] !== null && typeof c[key] !== 'number') return `context.${key}`;
  }
  if (typeof c.backoffAttempt !== 'number') return 'context.backoffAttempt';
  if (value === 'booking' && !isRecord(c.found)) return 'booking without a found slot';
  return null;
}
