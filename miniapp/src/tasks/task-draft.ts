// The new-task form's draft, parked for this Telegram session while the seller steps out to Keys (to add a portal
// session) or to Credits (the paywall) and comes back: the form opens as they left it. Taken once; leaving the form for
// anywhere else parks nothing. Read defensively: storage is the device's, not ours.
import { isIsoDate } from '../calendar/moscow-date.ts';
import type { RangeSelection } from '../calendar/range-selection.ts';

export interface TaskDraft {
  warehouseIds: number[];
  boxTypeId: 2 | 5 | 6;
  maxCoefficient: number;
  mode: 'notify' | 'autobook';
  keepWatching: boolean;
  preorderId: string;
  selection: RangeSelection;
}

const STORAGE_KEY = 'slotpilot.task-draft';
/** Screens the form is left for on purpose, to come back to it (ErrorNotice's and the form's own links). */
export const DRAFT_KEEPING_PATHS: ReadonlySet<string> = new Set(['/keys', '/credits']);

/** Whether leaving the form for `pathname` parks the draft: Keys, Credits, or a warehouse's slot statistics. */
export function keepsDraft(pathname: string): boolean {
  return DRAFT_KEEPING_PATHS.has(pathname) || pathname.startsWith('/insights/');
}

const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
const isDate = (v: unknown): v is string => typeof v === 'string' && isIsoDate(v);

/** The draft in `text`, or null when there is none or it is not one (an older app version, a hand-edited value). */
export function parseTaskDraft(text: string | null): TaskDraft | null {
  if (!text) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const d = value as Record<string, unknown>;
  const selection = (typeof d.selection === 'object' && d.selection !== null ? d.selection : {}) as Record<string, unknown>;
  if (
    !Array.isArray(d.warehouseIds) ||
    !d.warehouseIds.every(isId) ||
    d.warehouseIds.length > 10 ||
    (d.boxTypeId !== 2 && d.boxTypeId !== 5 && d.boxTypeId !== 6) ||
    typeof d.maxCoefficient !== 'number' ||
    !Number.isInteger(d.maxCoefficient) ||
    d.maxCoefficient < 0 ||
    d.maxCoefficient > 20 ||
    (d.mode !== 'notify' && d.mode !== 'autobook') ||
    typeof d.keepWatching !== 'boolean' ||
    typeof d.preorderId !== 'string' ||
    !/^\d{0,20}$/.test(d.preorderId) ||
    !(selection.start === null || isDate(selection.start)) ||
    !(selection.end === null || isDate(selection.end)) ||
    !Array.isArray(selection.skipped) ||
    !selection.skipped.every(isDate)
  ) {
    return null;
  }
  return {
    warehouseIds: d.warehouseIds,
    boxTypeId: d.boxTypeId,
    maxCoefficient: d.maxCoefficient,
    mode: d.mode,
    keepWatching: d.keepWatching,
    preorderId: d.preorderId,
    selection: { start: selection.start, end: selection.end, skipped: selection.skipped },
  };
}

export const taskDraft = {
  get(): TaskDraft | null {
    try {
      return parseTaskDraft(sessionStorage.getItem(STORAGE_KEY));
    } catch {
      return null;
    }
  },
  save(draft: TaskDraft): void {
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(draft));
    } catch {
      // Private mode or a full quota: the draft is a convenience, never a failure.
    }
  },
  clear(): void {
    try {
      sessionStorage.removeItem(STORAGE_KEY);
    } catch {
      // As above.
    }
  },
};
