// Names for the API's shapes as the Mini App uses them, all inferred from the server's router (never re-declared).
import type { RouterInputs, RouterOutputs } from '@slotpilot/server/router';

export type Task = RouterOutputs['tasks']['list'][number];
export type TaskDetail = RouterOutputs['tasks']['get'];
export type Warehouse = RouterOutputs['warehouses']['list']['warehouses'][number];
export type CalendarDay = RouterOutputs['slots']['calendar']['days'][number];
export type KeySummary = RouterOutputs['keys']['list'][number];
export type AddKeyInput = RouterInputs['keys']['add'];
export type CreateSupplyTask = RouterInputs['tasks']['create'];
export type CreateRedistributionTask = RouterInputs['redistribution']['create'];
export type Preorder = RouterOutputs['preorders']['list'][number];
export type CreatePreorder = RouterInputs['preorders']['create'];
export type InspectorActor = RouterOutputs['inspector']['actors'][number];
type InspectorActorDetail = NonNullable<RouterOutputs['inspector']['actor']>;
export type MachineState = InspectorActorDetail['machine'][number];
export type TransitionRecord = InspectorActorDetail['transitions'][number];
