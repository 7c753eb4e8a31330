// Names for the API's shapes as the Mini App uses them, all inferred from the server's router (never re-declared).
import type { RouterInputs, RouterOutputs } from '@slotpilot/server/router';

export type Me = RouterOutputs['me']['get'];
export type Task = RouterOutputs['tasks']['list'][number];
export type TaskDetail = RouterOutputs['tasks']['get'];
export type TaskChange = RouterOutputs['tasks']['onChange'] extends infer T ? (T extends { data: infer D } ? D : T) : never;
export type Warehouse = RouterOutputs['warehouses']['list']['warehouses'][number];
export type CalendarAnswer = RouterOutputs['slots']['calendar'];
export type CalendarDay = CalendarAnswer['days'][number];
export type KeySummary = RouterOutputs['keys']['list'][number];
export type AddKeyInput = RouterInputs['keys']['add'];
export type CreateSupplyTask = RouterInputs['tasks']['create'];
export type History = RouterOutputs['bookings']['list'];
export type BookingRecord = History['bookings'][number];
export type TransferRecord = History['transfers'][number];
export type RedistributionLimits = RouterOutputs['redistribution']['limits'];
export type CreateRedistributionTask = RouterInputs['redistribution']['create'];
export type InspectorActor = RouterOutputs['inspector']['actors'][number];
export type InspectorActorDetail = NonNullable<RouterOutputs['inspector']['actor']>;
export type MachineState = InspectorActorDetail['machine'][number];
export type TransitionRecord = InspectorActorDetail['transitions'][number];
