import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { MachineState } from '../api/api-types.ts';
import { activeStateIds, MachineDiagram } from './machine-diagram.tsx';

const state = (id: string, type: MachineState['type'], targets: string[] = []): MachineState => ({
  id,
  path: id.split('.').slice(1),
  type,
  description: null,
  initial: null,
  invokes: [],
  delays: [],
  transitions: targets.map((target) => ({
    trigger: 'X',
    eventType: 'X',
    targets: [target],
    guard: null,
    actions: [],
    outcome: null,
    reenter: false,
  })),
});

const machine: MachineState[] = [
  state('monitor', 'compound'),
  state('monitor.idle', 'atomic', ['monitor.polling']),
  state('monitor.polling', 'compound', ['monitor.idle', 'monitor.done']),
  state('monitor.polling.probing', 'atomic', ['monitor.polling.waiting']),
  state('monitor.polling.waiting', 'atomic'),
  state('monitor.done', 'final'),
];

describe('the machine diagram', () => {
  it('finds the active states of a snapshot value, nested ones included', () => {
    expect(activeStateIds('idle', 'monitor')).toEqual(['monitor.idle']);
    expect(activeStateIds({ polling: 'waiting' }, 'monitor')).toEqual(['monitor.polling', 'monitor.polling.waiting']);
    expect(activeStateIds(null, 'monitor')).toEqual([]);
  });

  it('draws every state, lights the current one and its substate, and one arrow per pair of states', () => {
    const html = renderToStaticMarkup(<MachineDiagram states={machine} value={{ polling: 'probing' }} />);
    expect(html).toMatch(/data-state="polling" data-active="true"/);
    expect(html).toMatch(/data-state="idle" data-active="false"/);
    expect(html.match(/class="substate state-active"/g)).toHaveLength(1);
    // idle→polling, polling→idle, polling→done; the probing→waiting step stays inside polling.
    expect(html.match(/class="edge/g)).toHaveLength(3);
    expect(html.match(/edge edge-active/g)).toHaveLength(2);
  });
});
