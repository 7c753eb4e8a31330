// The state of the coefficient source, as users and operators see it.

export type FeedSourceState = 'ok' | 'rate-limited' | 'degraded' | 'disabled';

export interface FeedStatus {
  state: FeedSourceState;
  /** Why it is not ok: no_credentials, upstream_failing, all_budgets_spent, wb_disabled, no_leader. */
  reason: string | null;
  /** Seller accounts whose budgets the feed may spend. */
  sellers: number;
  watchedWarehouses: number;
  lastSuccessAt: number | null;
  updatedAt: number;
}

export const INITIAL_STATUS: FeedStatus = {
  state: 'degraded',
  reason: 'no_leader',
  sellers: 0,
  watchedWarehouses: 0,
  lastSuccessAt: null,
  updatedAt: 0,
};
