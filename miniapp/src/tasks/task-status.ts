// What a task's live description means for people: the badge, the next step ("backing off, retry in 8 s"), why it stopped.
// Pure (time comes in as `now`), so the wording rules are tested without rendering.
import type { MessageKey } from '../i18n/messages.ts';

export interface TaskLike {
  kind: 'supply' | 'redistribution';
  mode: 'notify' | 'autobook';
  state: 'idle' | 'polling' | 'backing-off' | 'booking' | 'done';
  outcome: 'booked' | 'notified' | 'cancelled' | 'expired' | 'failed' | 'needs-action' | null;
  lastCheckAt: number | null;
  nextStepAt: number | null;
  reason: string | null;
  found: { warehouseId: number; date: string; coefficient: number } | null;
}

export type BadgeTone = 'paused' | 'active' | 'warning' | 'busy' | 'success' | 'muted' | 'danger';

export interface Badge {
  key: MessageKey;
  tone: BadgeTone;
}

/** `mode`: a notify task in its "booking" step is sending an alert, never booking (it has no preorder to book). */
export function taskBadge(task: Pick<TaskLike, 'state' | 'outcome'> & { mode?: TaskLike['mode'] }): Badge {
  switch (task.state) {
    case 'idle':
      return { key: 'task.state.idle', tone: 'paused' };
    case 'polling':
      return { key: 'task.state.polling', tone: 'active' };
    case 'backing-off':
      return { key: 'task.state.backing-off', tone: 'warning' };
    case 'booking':
      return { key: task.mode === 'notify' ? 'task.state.notifying' : 'task.state.booking', tone: 'busy' };
    case 'done':
      switch (task.outcome) {
        case 'booked':
          return { key: 'task.outcome.booked', tone: 'success' };
        case 'notified':
          return { key: 'task.outcome.notified', tone: 'success' };
        case 'cancelled':
          return { key: 'task.outcome.cancelled', tone: 'muted' };
        case 'expired':
          return { key: 'task.outcome.expired', tone: 'muted' };
        case 'needs-action':
          return { key: 'task.outcome.needs-action', tone: 'danger' };
        default:
          return { key: 'task.outcome.failed', tone: 'danger' };
      }
  }
}

export interface Phrase {
  key: MessageKey;
  vars?: Record<string, string | number>;
}

/** Whole seconds until `at`, never negative. */
export function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** What the task will do next, or what it is doing now; null for finished tasks (their result says it all). */
export function nextStep(task: TaskLike, now: number): Phrase | null {
  switch (task.state) {
    case 'idle':
      return { key: task.lastCheckAt === null ? 'task.next.starting' : 'task.next.paused' };
    case 'polling':
      // A watching task's nextStepAt is the actor's housekeeping timer, not its next look at the slots (the feed pushes
      // every new picture at once): a countdown to it would be a number that means nothing. No countdown, then.
      return { key: 'task.next.watching' };
    case 'backing-off': {
      // Here nextStepAt is real: the moment the task tries WB again.
      const phrase = backoffPhrase(task.reason);
      if (task.nextStepAt === null || secondsUntil(task.nextStepAt, now) === 0) return { key: phrase.soon };
      return { key: phrase.timed, vars: { seconds: secondsUntil(task.nextStepAt, now) } };
    }
    case 'booking':
      return { key: task.mode === 'autobook' ? 'task.next.booking' : 'task.next.notifying' };
    case 'done':
      return null;
  }
}

/** Why WB made the task wait, in plain words: limits, a switched-off method, or errors. */
function backoffPhrase(reason: string | null): { soon: MessageKey; timed: MessageKey } {
  const key = reasonPhrase(reason)?.key;
  if (key === 'task.reason.rate-limited') return { soon: 'task.next.limited-soon', timed: 'task.next.limited' };
  if (key === 'task.reason.disabled') return { soon: 'task.next.disabled-soon', timed: 'task.next.disabled' };
  return { soon: 'task.next.backoff-soon', timed: 'task.next.backoff' };
}

/** Reasons a booking or transfer ends with, as machine codes (server monitor/supply-act.ts, monitor/redistribution.ts). */
const REASON_CODES: Readonly<Record<string, MessageKey>> = {
  captcha_required: 'task.reason.captcha',
  transfer_captcha_required: 'task.reason.captcha',
  portal_login_required: 'task.reason.login',
  no_portal_session: 'task.reason.noSession',
  portal_session_rejected: 'task.reason.session',
  no_preorder: 'task.reason.preorder',
  preorder_already_planned: 'task.reason.planned',
  portal_refused: 'task.reason.refused',
  transfer_unsure: 'task.reason.unsure',
};

/** Reasons the seller fixes on the Keys screen. */
export const KEYS_REASONS: ReadonlySet<string> = new Set(['portal_login_required', 'no_portal_session', 'portal_session_rejected']);
/** Reasons WB asked for its captcha: the seller finishes in the WB portal through the task's action link. */
export const CAPTCHA_REASONS: ReadonlySet<string> = new Set(['captcha_required', 'transfer_captcha_required']);

/**
 * The machine's reasons are short English notes for logs and developers; sellers get a sentence in their language for the
 * ones we know, and nothing for the rest (the inspector shows the raw text).
 */
export function reasonPhrase(reason: string | null): Phrase | null {
  if (!reason) return null;
  const code = REASON_CODES[reason];
  if (code) return { key: code };
  const r = reason.toLowerCase();
  if (r === 'no_credits' || r.includes('credit')) return { key: 'task.reason.no-credits' };
  if (r.includes('429') || r.includes('rate') || r.includes('limit')) return { key: 'task.reason.rate-limited' };
  if (r.includes('disabled')) return { key: 'task.reason.disabled' };
  if (r.includes('captcha') || r.includes('seller action') || r.includes('only the seller')) return { key: 'task.reason.captcha' };
  if (r.includes('portal session')) return { key: 'task.reason.session' };
  if (r.includes('taken') || r.includes('gone')) return { key: 'task.reason.gone' };
  if (r.includes('already planned')) return { key: 'task.reason.planned' };
  if (r.includes('preorder')) return { key: 'task.reason.preorder' };
  if (r.includes('another instance') || r.includes('moving')) return { key: 'task.reason.moving' };
  if (r.includes('not answering') || r.includes('timeout') || r.includes('transient') || r.includes('unexpected'))
    return { key: 'task.reason.wb-unavailable' };
  return null;
}

export function isActive(task: Pick<TaskLike, 'state'>): boolean {
  return task.state !== 'done';
}
