// What the slot-found sheet offers for a task, decided from what the API says (pure, tested without a browser).
import type { SupplyCriteria } from '@slotpilot/shared';

/** WB's date page for a preorder: the seller books the found date there (the server sends the same link, wb/endpoints.ts). */
export function chooseDateUrl(preorderId: string): string {
  return `https://seller.wildberries.ru/supplies-management/new-supply/choose-date?supplyID=${encodeURIComponent(preorderId)}`;
}

export interface FoundTaskLike {
  kind: 'supply' | 'redistribution';
  mode: 'notify' | 'autobook';
  state: 'idle' | 'polling' | 'backing-off' | 'booking' | 'done';
  outcome: 'booked' | 'notified' | 'cancelled' | 'expired' | 'failed' | 'needs-action' | null;
  actionUrl: string | null;
  criteria: Partial<Pick<SupplyCriteria, 'preorderId' | 'keepWatching'>> & object;
}

export type FoundPrimary =
  /** Open WB's page (the task's action link, or the preorder's date page) through Telegram. */
  | { kind: 'open-wb'; url: string }
  /** Booked already: nothing left to do but look. */
  | { kind: 'booked' }
  /** A notify task without a preorder: WB needs a supply first; we can only say so. */
  | { kind: 'no-preorder' };

export function foundPrimary(task: FoundTaskLike): FoundPrimary {
  if (task.outcome === 'booked') return { kind: 'booked' };
  if (task.actionUrl) return { kind: 'open-wb', url: task.actionUrl };
  const preorderId = 'preorderId' in task.criteria ? task.criteria.preorderId : undefined;
  if (preorderId) return { kind: 'open-wb', url: chooseDateUrl(preorderId) };
  return { kind: 'no-preorder' };
}

/**
 * "Keep watching": a notify task that keeps watching after an alert is still running (nothing to do); a finished notify
 * task can be watched again as a new task with the same criteria from today. Auto-booking tasks are not restarted from
 * here: a new one would meet the same captcha.
 */
export type KeepWatching = 'running' | 'restart' | 'none';

export function keepWatchingChoice(task: FoundTaskLike): KeepWatching {
  if (task.kind !== 'supply' || task.mode !== 'notify') return 'none';
  return task.state === 'done' ? 'restart' : 'running';
}
