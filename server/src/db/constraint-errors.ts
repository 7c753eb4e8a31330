// The per-user caps and uniqueness rules PostgreSQL enforces (triggers declared on the MonitoringTask and Credential
// entities, unique constraints), mapped to the domain codes users see. The database is the one place these hold under concurrency; services check them first
// only to answer early and cheaply.
import { DomainError, MAX_KEYS_PER_KIND } from '@slotpilot/shared';

/** The first key of the two-key advisory locks the cap triggers take per user (used nowhere else). */
export const ADVISORY_LOCK_CLASS = { activeTasks: 7_420_001, credentials: 7_420_002 } as const;

/** Active (not done) monitoring tasks one user may have; the trigger `monitoring_tasks_active_limit` holds it. */
export const MAX_ACTIVE_TASKS_IN_DB = 50;

const BY_CONSTRAINT: Record<string, () => DomainError> = {
  monitoring_tasks_active_limit: () => new DomainError('TASK_LIMIT', { max: MAX_ACTIVE_TASKS_IN_DB }),
  credentials_per_kind_limit: () => new DomainError('KEY_LIMIT', { max: MAX_KEYS_PER_KIND }),
  credentials_user_id_fingerprint_unique: () => new DomainError('KEY_DUPLICATE'),
};

/** The DomainError a violated cap or unique constraint stands for, or undefined for any other error. */
export function domainErrorOfConstraint(error: unknown): DomainError | undefined {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const constraint = (current as { constraint?: unknown }).constraint;
    if (typeof constraint === 'string' && Object.hasOwn(BY_CONSTRAINT, constraint)) return BY_CONSTRAINT[constraint]!();
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
