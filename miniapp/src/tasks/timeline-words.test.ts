import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../i18n/messages.ts';
import { timelineRows, timelineSentence } from './timeline-words.ts';

describe('timeline in seller words', () => {
  it('turns machine events and states into sentences', () => {
    expect(timelineSentence({ at: 1, event: 'START', from: 'idle', to: 'polling' }, 'notify')).toBe('timeline.started');
    expect(timelineSentence({ at: 2, event: 'xstate.done.actor.probe', from: 'polling', to: 'booking' }, 'notify')).toBe(
      'timeline.found.notify',
    );
    expect(timelineSentence({ at: 2, event: 'xstate.done.actor.probe', from: 'polling', to: 'booking' }, 'autobook')).toBe(
      'timeline.found.book',
    );
    expect(timelineSentence({ at: 3, event: 'xstate.done.actor.act', from: 'booking', to: 'done.notified' }, 'notify')).toBe(
      'timeline.notified',
    );
    expect(timelineSentence({ at: 4, event: 'xstate.error.actor.probe', from: 'polling', to: 'backing-off' }, 'notify')).toBe(
      'timeline.backoff',
    );
    expect(timelineSentence({ at: 5, event: 'xstate.after.backoff', from: 'backing-off', to: 'polling' }, 'notify')).toBe(
      'timeline.wbBack',
    );
  });

  it('shows a repeated step once and never a machine word', () => {
    const rows = timelineRows(
      [
        { at: 1, event: 'START', from: 'idle', to: 'polling' },
        { at: 2, event: 'xstate.after.housekeeping', from: 'polling', to: 'polling' },
        { at: 3, event: 'xstate.error.actor.probe', from: 'polling', to: 'backing-off' },
        { at: 4, event: 'xstate.error.actor.probe', from: 'backing-off', to: 'backing-off' },
      ],
      'notify',
    );
    expect(rows.map((r) => r.key)).toEqual(['timeline.started', 'timeline.backoff']);
    for (const language of ['ru', 'en'] as const)
      for (const row of rows) expect(MESSAGES[language][row.key]).not.toMatch(/xstate|START|\(/);
  });
});
