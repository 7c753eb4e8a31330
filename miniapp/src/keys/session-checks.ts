// The portal-session wizard's checklist: what a paste already has, checked in the shared parser's own order
// (shared/src/portal-session.ts, the server's reader too), so the first missing piece is named and nothing after it is
// claimed. Pure; the secret never leaves the form for this.
import { type ErrorCode, type PortalSessionProblem, parsePortalSessionInput } from '@slotpilot/shared';
import { sessionProblemCode } from './secret-hints.ts';

export const SESSION_CHECKS = ['format', 'token', 'validationKey', 'supplierId', 'fresh'] as const;
export type SessionCheckItem = (typeof SESSION_CHECKS)[number];
export type SessionCheckState = 'ok' | 'problem' | 'pending';

export interface SessionChecks {
  /** What was pasted: a "Copy as cURL" command or a Cookie header (value). */
  form: 'curl' | 'cookie';
  checks: Array<{ item: SessionCheckItem; state: SessionCheckState }>;
  /** The first problem, as the error catalogue names it (the server would answer the same code); null when none. */
  problem: ErrorCode | null;
}

const FAILING_ITEM: Record<PortalSessionProblem, SessionCheckItem> = {
  empty: 'format',
  too_long: 'format',
  no_token: 'token',
  bad_token: 'token',
  no_validation_key: 'validationKey',
  no_supplier_id: 'supplierId',
  expired: 'fresh',
};

/** The checklist for `secret`, or null while the box is empty. */
export function sessionChecks(secret: string, now: number): SessionChecks | null {
  const text = secret.trim();
  if (!text) return null;
  const form = /^curl(\.exe)?\s/i.test(text) ? 'curl' : 'cookie';
  const parsed = parsePortalSessionInput(text, new Date(now));
  const failing = parsed.ok ? null : FAILING_ITEM[parsed.problem];
  const at = failing === null ? SESSION_CHECKS.length : SESSION_CHECKS.indexOf(failing);
  return {
    form,
    checks: SESSION_CHECKS.map((item, i) => ({ item, state: i < at ? 'ok' : i === at ? 'problem' : 'pending' })),
    problem: parsed.ok ? null : sessionProblemCode(parsed.problem),
  };
}
