// The monitor machine described as data, for the inspector UI (and its diagram): derived from the machine itself, so it
// cannot drift from what runs.
import type { TaskOutcome } from '@slotpilot/shared';
import type { StateNode } from 'xstate';
import { type MonitorContext, type MonitorEvent, monitorMachine } from './machine.ts';

export interface MachineTransitionDescription {
  /** What triggers it, for people: an event (`PAUSE`), `after <delay>`, `done <actor>` or `error <actor>`. */
  trigger: string;
  /** The XState event type, for matching against inspection events. */
  eventType: string;
  /** Target state ids (`monitor.polling.waiting`); empty when the transition only runs actions. */
  targets: string[];
  /** Named guard, in the order XState tries them; null for the fallback. */
  guard: string | null;
  actions: string[];
  /** For transitions into `done`: the outcome they record. */
  outcome: TaskOutcome | null;
  reenter: boolean;
}

export interface MachineStateDescription {
  /** `monitor.polling.waiting` */
  id: string;
  /** `['polling', 'waiting']`; the root is `[]`. */
  path: string[];
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  description: string | null;
  /** Id of the initial child, for compound states. */
  initial: string | null;
  /** Named actors invoked while in this state. */
  invokes: string[];
  /** Named delays this state waits for. */
  delays: string[];
  transitions: MachineTransitionDescription[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

type AnyMonitorStateNode = StateNode<MonitorContext, MonitorEvent>;

function nameOf(implementation: unknown): string | null {
  if (typeof implementation === 'string') return implementation;
  if (isRecord(implementation) && typeof implementation.type === 'string') return implementation.type;
  return null;
}

/** The outcome a transition's `finish` action records, read from its params. */
function outcomeOf(actions: readonly unknown[]): TaskOutcome | null {
  for (const action of actions) {
    if (isRecord(action) && action.type === 'finish' && isRecord(action.params)) return action.params.outcome as TaskOutcome;
  }
  return null;
}

function triggerOf(eventType: string, delays: Map<string, string>, invokes: string[]): string {
  const delay = delays.get(eventType);
  if (delay !== undefined) return `after ${delay}`;
  for (const id of invokes) {
    if (eventType === `xstate.done.actor.${id}`) return `done ${id}`;
    if (eventType === `xstate.error.actor.${id}`) return `error ${id}`;
  }
  return eventType;
}

function describeStateNode(node: AnyMonitorStateNode, into: MachineStateDescription[]): void {
  const invokes = node.invoke.map((definition) => definition.id);
  const delays = new Map(node.after.map((definition) => [String(definition.eventType), String(definition.delay)]));
  const transitions: MachineTransitionDescription[] = [];
  for (const [eventType, definitions] of node.transitions) {
    for (const definition of definitions) {
      transitions.push({
        trigger: triggerOf(eventType, delays, invokes),
        eventType,
        targets: (definition.target ?? []).map((target) => target.id),
        guard: nameOf(definition.guard),
        actions: definition.actions.map(nameOf).filter((name): name is string => name !== null),
        outcome: outcomeOf(definition.actions),
        reenter: definition.reenter,
      });
    }
  }
  into.push({
    id: node.id,
    path: [...node.path],
    type: node.type,
    description: node.description ?? null,
    initial: node.type === 'compound' ? (node.initial.target[0]?.id ?? null) : null,
    invokes: node.invoke.map((definition) => nameOf(definition.src) ?? definition.id),
    delays: [...delays.values()],
    transitions,
  });
  for (const child of Object.values(node.states)) describeStateNode(child, into);
}

function describeMachine(): MachineStateDescription[] {
  const states: MachineStateDescription[] = [];
  describeStateNode(monitorMachine.root, states);
  return states;
}

/** Every state of the monitor (root first, then depth-first in declaration order) with its outgoing transitions. */
export const MACHINE_STATES: readonly MachineStateDescription[] = describeMachine();
