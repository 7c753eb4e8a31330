// The domain's vocabulary: every enum the server, the bot and the Mini App agree on.
import { z } from 'zod';

export const TASK_KINDS = ['supply', 'redistribution'] as const;
export const TaskKind = z.enum(TASK_KINDS);
export type TaskKind = z.infer<typeof TaskKind>;

export const TASK_MODES = ['notify', 'autobook'] as const;
export const TaskMode = z.enum(TASK_MODES);
export type TaskMode = z.infer<typeof TaskMode>;

/** The actor's top-level states (ARCHITECTURE.md, "The actor"). */
export const TASK_STATES = ['idle', 'polling', 'backing-off', 'booking', 'done'] as const;
export const TaskState = z.enum(TASK_STATES);
export type TaskState = z.infer<typeof TaskState>;

/** How a task in `done` ended. */
export const TASK_OUTCOMES = ['booked', 'notified', 'cancelled', 'expired', 'failed', 'needs-action'] as const;
export const TaskOutcome = z.enum(TASK_OUTCOMES);
export type TaskOutcome = z.infer<typeof TaskOutcome>;

export const CREDENTIAL_KINDS = ['api_token', 'portal_session'] as const;
export const CredentialKind = z.enum(CREDENTIAL_KINDS);
export type CredentialKind = z.infer<typeof CredentialKind>;

export const BOOKING_STATUSES = ['pending', 'confirmed', 'cancelled', 'failed'] as const;
export const BookingStatus = z.enum(BOOKING_STATUSES);
export type BookingStatus = z.infer<typeof BookingStatus>;

export const REDISTRIBUTION_STATUSES = ['pending', 'placed', 'failed'] as const;
export const RedistributionStatus = z.enum(REDISTRIBUTION_STATUSES);
export type RedistributionStatus = z.infer<typeof RedistributionStatus>;

/** Why a user's credits changed; one ledger row per change. */
export const LEDGER_REASONS = ['trial_grant', 'purchase', 'reserve', 'commit', 'release', 'refund', 'admin_adjustment'] as const;
export const LedgerReason = z.enum(LEDGER_REASONS);
export type LedgerReason = z.infer<typeof LedgerReason>;

export const PAYMENT_STATUSES = ['paid', 'refunded'] as const;
export const PaymentStatus = z.enum(PAYMENT_STATUSES);
export type PaymentStatus = z.infer<typeof PaymentStatus>;

/** WB box types (`boxTypeID` in the coefficients API). */
export const BOX_TYPES = { boxes: 2, monopallets: 5, supersafe: 6 } as const;
export const BoxTypeId = z.union([z.literal(2), z.literal(5), z.literal(6)]);
export type BoxTypeId = z.infer<typeof BoxTypeId>;

/** Every new user starts with this many free auto-bookings. */
export const TRIAL_CREDITS = 2;
