// Estimated acceptance cost in ₽ of a seller's preorder per Moscow date (issue 18), as WB's portal gives it
// (`getAcceptanceCosts`: the preorder's own view; −1 = closed). Read with the seller's own portal session, so it must
// never bring their account a captcha or a ban: every read goes through the shared portal limiter (one call per seller
// account at a time, costs spaced, pauses after a 429/403), is bounded per seller account per minute on top of that,
// and is cached for 5 minutes per preorder over WB's whole 14-day horizon, so any range the Mini App asks for within
// it is served from one read. Concurrent equal questions on one instance share that read.
import {
  addDays,
  DomainError,
  type PreorderCostDay,
  type PreorderCosts,
  type PreorderCostsInput,
  WB_HORIZON_DAYS,
} from '@slotpilot/shared';
import type { Logger } from 'pino';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { CredentialService } from '../accounts/credential-service.ts';
import type { KeyValueCache } from '../platform/kv/types.ts';
import {
  WbDisabledError,
  WbError,
  WbNeedsSellerActionError,
  WbPortalError,
  WbRateLimitedError,
  WbUnauthorizedError,
} from '../wb/errors.ts';
import type { WbPortalClient } from '../wb/portal-client.ts';
import { moscowDay } from './history-recorder.ts';

/** How long one read of a preorder's costs is served. */
export const PREORDER_COSTS_TTL_MS = 5 * 60_000;
/** The Mini App waits for this answer: a seller's limiter turn further off than this is "try again", not a hang. */
const LIMITER_WAIT_MS = 8_000;
/** Which of the user's seller accounts a preorder was found in, remembered so the next read asks that one only. */
const OWNER_TTL_MS = 24 * 60 * 60_000;

interface Horizon {
  from: string;
  fetchedAt: number;
  days: Array<{ date: string; coefficient: number; allowUnload: boolean; cost: number | null }>;
}

export interface PreorderCostsOptions {
  portal: Pick<WbPortalClient, 'acceptanceCosts'>;
  credentials: Pick<CredentialService, 'portalSessions' | 'touch' | 'markRejected'>;
  cache: KeyValueCache;
  /**
   * Keyed by seller account (`sid`): reads of acceptance costs a minute, for every user and instance together (see
   * server.ts). The portal limiter spaces the calls; this bounds how many there are.
   */
  accountLimiter: RateLimiterAbstract;
  logger: Logger;
  clock?: () => number;
}

export class PreorderCostsService {
  private readonly reading = new Map<string, Promise<Horizon>>();

  constructor(private readonly options: PreorderCostsOptions) {}

  /** The preorder's estimated cost per date of the range; null where closed, or outside what WB publishes today. */
  async costs(userId: number, input: PreorderCostsInput): Promise<PreorderCosts> {
    const today = moscowDay((this.options.clock ?? Date.now)());
    const key = `preorder-costs:v1:${userId}:${input.preorderId}:${today}`;
    let horizon: Horizon;
    const cached = await this.options.cache.get(key);
    if (cached) horizon = JSON.parse(cached) as Horizon;
    else {
      let pending = this.reading.get(key);
      if (!pending) {
        pending = this.read(userId, input.preorderId, today)
          .then(async (read) => {
            await this.options.cache.set(key, JSON.stringify(read), PREORDER_COSTS_TTL_MS);
            return read;
          })
          .finally(() => this.reading.delete(key));
        this.reading.set(key, pending);
      }
      horizon = await pending;
    }
    const byDate = new Map(horizon.days.map((d) => [d.date, d]));
    const days: PreorderCostDay[] = [];
    for (let date = input.dateFrom; date <= input.dateTo; date = addDays(date, 1)) {
      const day = byDate.get(date);
      days.push(
        day?.allowUnload && day.coefficient >= 0
          ? { date, coefficient: day.coefficient, cost: day.cost }
          : { date, coefficient: null, cost: null },
      );
    }
    return { preorderId: input.preorderId, days, fetchedAt: horizon.fetchedAt };
  }

  /** One read of WB's horizon for the preorder, from the seller account it lives in. */
  private async read(userId: number, preorderId: string, today: string): Promise<Horizon> {
    const from = today;
    const to = addDays(today, WB_HORIZON_DAYS - 1);
    const ownerKey = `preorder-costs:owner:${userId}:${preorderId}`;
    const knownOwner = await this.options.cache.get(ownerKey);
    const accounts = await this.accounts(userId);
    // The account it was found in before goes first; an unknown preorder is looked for in each account in turn.
    accounts.sort((a, b) => Number(b.sid === knownOwner) - Number(a.sid === knownOwner));
    let notFound = false;
    for (const account of accounts) {
      await this.spend(account.sid);
      for (const { credentialId, session } of account.sessions) {
        try {
          const rows = await this.options.portal.acceptanceCosts(session, preorderId, from, to, { maxLimiterWaitMs: LIMITER_WAIT_MS });
          await this.options.credentials.touch(credentialId);
          await this.options.cache.set(ownerKey, account.sid, OWNER_TTL_MS);
          return {
            from,
            fetchedAt: (this.options.clock ?? Date.now)(),
            days: rows.map((r) => ({ date: r.date, coefficient: r.coefficient, allowUnload: r.allowUnload, cost: r.cost ?? null })),
          };
        } catch (error) {
          if (error instanceof WbUnauthorizedError) {
            await this.options.credentials.markRejected(credentialId, 'WB rejected the portal session');
            continue;
          }
          if (error instanceof WbPortalError && (error.kind === 'not_found' || error.kind === 'bad_request')) {
            // Not this account's preorder: the next account may have it.
            notFound = true;
            break;
          }
          this.options.logger.warn(
            { event: 'preorder_costs.read_failed', userId, sid: account.sid, preorderId, detail: (error as Error).message },
            'could not read the acceptance costs of a preorder',
          );
          throw toDomainError(error);
        }
      }
    }
    if (notFound) throw new DomainError('PREORDER_NOT_FOUND', { id: preorderId });
    // Every session was refused: the seller must add a fresh one.
    throw new DomainError('KEY_SESSION_REJECTED');
  }

  /** The user's valid portal sessions by seller account, most recently used first. */
  private async accounts(userId: number): Promise<Array<{ sid: string; sessions: Array<{ credentialId: string; session: string }> }>> {
    const sessions = await this.options.credentials.portalSessions(userId);
    if (sessions.length === 0) throw new DomainError('NO_PORTAL_SESSION');
    const accounts = new Map<string, { sid: string; sessions: Array<{ credentialId: string; session: string }> }>();
    for (const { credentialId, sid, session } of sessions) {
      const account = sid ?? credentialId;
      const entry = accounts.get(account) ?? { sid: account, sessions: [] };
      entry.sessions.push({ credentialId, session });
      accounts.set(account, entry);
    }
    return [...accounts.values()];
  }

  private async spend(sid: string): Promise<void> {
    try {
      await this.options.accountLimiter.consume(sid);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw new DomainError('PREORDER_COSTS_RATE_LIMITED', { seconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) });
    }
  }
}

function toDomainError(error: unknown): Error {
  if (error instanceof DomainError) return error;
  if (error instanceof WbRateLimitedError)
    return new DomainError('WB_BUSY', { seconds: Math.max(1, Math.ceil(error.retryAfterMs / 1000)) });
  if (error instanceof WbNeedsSellerActionError) return new DomainError('PORTAL_NEEDS_SELLER');
  if (error instanceof WbDisabledError) return new DomainError('WB_DISABLED');
  if (error instanceof WbError) return new DomainError('WB_UNAVAILABLE');
  return error instanceof Error ? error : new Error(String(error));
}
