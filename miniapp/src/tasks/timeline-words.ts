// A task's history in the seller's words. The actor's transitions carry machine event names ("START",
// "xstate.done.actor.probe") and states ("done.notified"); sellers get one sentence per step, and the machine's own
// words stay in the admins' inspector. Pure, tested without rendering.
import type { MessageKey } from '../i18n/messages.ts';

export interface TransitionLike {
  at: number;
  event: string;
  from: string;
  to: string;
}

const COMMANDS: Readonly<Record<string, MessageKey>> = {
  START: 'timeline.started',
  PAUSE: 'timeline.paused',
  RESUME: 'timeline.resumed',
  CANCEL: 'timeline.cancelled',
};

const OUTCOMES: Readonly<Record<string, MessageKey>> = {
  'done.notified': 'timeline.notified',
  'done.booked': 'timeline.booked',
  'done.needs-action': 'timeline.needsAction',
  'done.cancelled': 'timeline.cancelled',
  'done.expired': 'timeline.expired',
  'done.failed': 'timeline.failed',
};

function top(state: string): string {
  return state.split('.')[0] ?? state;
}

/** The sentence for one step, or null for steps a seller does not need (a state re-entered with nothing new). */
export function timelineSentence(tr: TransitionLike, mode: 'notify' | 'autobook'): MessageKey | null {
  const outcome = OUTCOMES[tr.to];
  if (outcome) return outcome;
  const command = COMMANDS[tr.event];
  if (command) return command;
  switch (top(tr.to)) {
    case 'idle':
      return 'timeline.paused';
    case 'polling':
      if (top(tr.from) === 'backing-off') return 'timeline.wbBack';
      if (top(tr.from) === 'booking') return 'timeline.slotGone';
      return top(tr.from) === 'polling' ? null : 'timeline.watching';
    case 'backing-off':
      return top(tr.from) === 'backing-off' ? null : 'timeline.backoff';
    case 'booking':
      return mode === 'notify' ? 'timeline.found.notify' : 'timeline.found.book';
    default:
      return null;
  }
}

export interface TimelineRow {
  at: number;
  key: MessageKey;
}

/** The task's steps as sentences, a repeated sentence shown once. */
export function timelineRows(transitions: readonly TransitionLike[], mode: 'notify' | 'autobook'): TimelineRow[] {
  const rows: TimelineRow[] = [];
  for (const tr of transitions) {
    const key = timelineSentence(tr, mode);
    if (key && rows.at(-1)?.key !== key) rows.push({ at: tr.at, key });
  }
  return rows;
}
