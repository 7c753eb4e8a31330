// The state of the feed's slot sources, as users and operators see it. Since WB switched the official coefficients
// method off (release note 570) the feed has two sources; the feed is `ok` while either of them delivers.

export type FeedSourceState = 'ok' | 'rate-limited' | 'degraded' | 'disabled';
export type FeedSourceKind = 'official' | 'portal';
export const FEED_SOURCE_KINDS: readonly FeedSourceKind[] = ['official', 'portal'];

export interface SourceStatus {
  state: FeedSourceState;
  /** Why it is not ok: no_credentials, no_sessions, upstream_failing, all_budgets_spent, wb_throttled, wb_disabled. */
  reason: string | null;
  /** Seller accounts whose budgets (official) or sessions (portal) this source may spend. */
  sellers: number;
  lastSuccessAt: number | null;
}

export interface FeedStatus {
  /** The best state among the sources. */
  state: FeedSourceState;
  /** Why no source is ok (the official source's reason when neither has anything better to say). */
  reason: string | null;
  /** Seller accounts behind all sources together. */
  sellers: number;
  watchedWarehouses: number;
  lastSuccessAt: number | null;
  updatedAt: number;
  sources: Record<FeedSourceKind, SourceStatus>;
}

const NO_SOURCE: SourceStatus = { state: 'degraded', reason: 'no_leader', sellers: 0, lastSuccessAt: null };

export const INITIAL_STATUS: FeedStatus = {
  state: 'degraded',
  reason: 'no_leader',
  sellers: 0,
  watchedWarehouses: 0,
  lastSuccessAt: null,
  updatedAt: 0,
  sources: { official: NO_SOURCE, portal: NO_SOURCE },
};

const RANK: Record<FeedSourceState, number> = { ok: 0, 'rate-limited': 1, degraded: 2, disabled: 3 };

/**
 * The feed's overall status from its sources': ok when any is ok. WB's official method disabled while the portal cannot
 * stand in (no session lent, or its reads failing) is `disabled`: nothing can see slots, which users must hear about.
 */
export function combineStatus(sources: Record<FeedSourceKind, SourceStatus>, watchedWarehouses: number, now: number): FeedStatus {
  const { official, portal } = sources;
  const best = RANK[official.state] <= RANK[portal.state] ? official : portal;
  const lastSuccessAt = Math.max(official.lastSuccessAt ?? 0, portal.lastSuccessAt ?? 0) || null;
  let state = best.state;
  let reason = best.reason;
  if (state !== 'ok' && official.state === 'disabled') {
    state = 'disabled';
    reason = portal.reason === 'no_sessions' ? 'wb_disabled_no_portal' : 'wb_disabled_portal_failing';
  }
  return {
    state,
    reason: state === 'ok' ? null : reason,
    sellers: official.sellers + portal.sellers,
    watchedWarehouses,
    lastSuccessAt,
    updatedAt: now,
    sources,
  };
}

/**
 * Why a seller sees no slot data (TaskSource.reason in @slotpilot/shared): WB's official method off and no portal
 * session of theirs to read with, the official method off and the portal failing too, or the sources failing.
 */
export function sourceGap(status: FeedStatus, hasPortalSession: boolean): 'no_portal_session' | 'wb_disabled' | 'sources_failing' {
  if (status.sources.official.state !== 'ok' && !hasPortalSession) return 'no_portal_session';
  if (status.sources.official.state === 'disabled') return 'wb_disabled';
  return 'sources_failing';
}
