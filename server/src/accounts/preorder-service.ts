// A seller's preorders in the WB portal: the not-yet-planned ones to pick from for an auto-booking task, and a new one
// made on the seller's explicit request (draft → goods → supply/create: no captcha on any of the three).
//
// The list is read with the seller's own portal sessions and cached for a minute per user in the shared cache, so a
// Mini App picker opened, closed and opened again costs the seller's account one portal call, not one per render.
import type { BoxTypeId } from '@slotpilot/shared';
import { DomainError } from '@slotpilot/shared';
import type { Logger } from 'pino';
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
import type { CredentialService } from './credential-service.ts';

/** A preorder still waiting for a delivery date, as the Mini App's picker shows it. */
export interface PreorderSummary {
  preorderId: string;
  warehouseId: number;
  warehouseName: string;
  boxTypeId: BoxTypeId;
  /** ISO date-time the portal gave. */
  createdAt: string;
  /** Which of the seller's cabinets it is in (when they added more than one). */
  sellerName: string | null;
}

export interface CreatePreorderInput {
  warehouseId: number;
  boxTypeId: BoxTypeId;
  goods: Array<{ barcode: string; quantity: number }>;
}

/** How long a user's list is served from the cache. */
export const PREORDER_LIST_TTL_MS = 60_000;
/** The seller is looking at a spinner: wait this long at most for their portal limiter. */
const INTERACTIVE_LIMITER_WAIT_MS = 10_000;

const cacheKey = (userId: number) => `preorders:v1:${userId}`;

export class PreorderService {
  /** Lists being read right now, per user: concurrent requests share one portal read. */
  private readonly reading = new Map<number, Promise<PreorderSummary[]>>();
  /** Creations in flight, per user and input: a double tap makes one preorder, not two. */
  private readonly creating = new Map<string, Promise<{ preorderId: string }>>();

  constructor(
    private readonly deps: {
      portal: WbPortalClient;
      credentials: CredentialService;
      cache: KeyValueCache;
      logger: Logger;
    },
  ) {}

  /** The user's not-yet-planned preorders across their cabinets, newest first. */
  async list(userId: number): Promise<PreorderSummary[]> {
    const cached = await this.deps.cache.get(cacheKey(userId));
    if (cached !== undefined) return JSON.parse(cached) as PreorderSummary[];
    const running = this.reading.get(userId);
    if (running) return running;
    const read = this.read(userId).finally(() => this.reading.delete(userId));
    this.reading.set(userId, read);
    return read;
  }

  /** Create a preorder in the seller's most recently used cabinet; its id. */
  async create(userId: number, input: CreatePreorderInput): Promise<{ preorderId: string }> {
    const key = `${userId}:${JSON.stringify(input)}`;
    const running = this.creating.get(key);
    if (running) return running;
    const created = this.make(userId, input).finally(() => this.creating.delete(key));
    this.creating.set(key, created);
    return created;
  }

  private async read(userId: number): Promise<PreorderSummary[]> {
    const byAccount = await this.sessionsByAccount(userId);
    const preorders: PreorderSummary[] = [];
    let failure: unknown;
    let complete = true;
    for (const account of byAccount) {
      try {
        const rows = await this.withAccount(account, (session) =>
          this.deps.portal.listPreorders(session, { maxLimiterWaitMs: INTERACTIVE_LIMITER_WAIT_MS }),
        );
        for (const row of rows) preorders.push({ ...row, sellerName: account.sellerName });
      } catch (error) {
        // One cabinet failing does not hide the others' preorders; the list is not cached then.
        failure = error;
        complete = false;
        this.deps.logger.warn(
          { event: 'preorders.read_failed', userId, sid: account.sid, detail: error instanceof Error ? error.message : String(error) },
          'could not read the preorders of one cabinet',
        );
      }
    }
    if (!complete && preorders.length === 0) throw toDomainError(failure);
    preorders.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.preorderId.localeCompare(a.preorderId));
    if (complete) await this.deps.cache.set(cacheKey(userId), JSON.stringify(preorders), PREORDER_LIST_TTL_MS);
    return preorders;
  }

  private async make(userId: number, input: CreatePreorderInput): Promise<{ preorderId: string }> {
    const [account] = await this.sessionsByAccount(userId);
    if (!account) throw new DomainError('NO_PORTAL_SESSION');
    const wait = { maxLimiterWaitMs: INTERACTIVE_LIMITER_WAIT_MS };
    // Which call failed decides the message: goods WB refuses are the seller's to fix, a refused preorder is WB's choice.
    const progress: { step: 'draft' | 'goods' | 'create' } = { step: 'draft' };
    try {
      const preorderId = await this.withAccount(account, async (session) => {
        const draftId = await this.deps.portal.createDraft(session, wait);
        progress.step = 'goods';
        await this.deps.portal.setDraftGoods(session, draftId, input.goods, wait);
        progress.step = 'create';
        return this.deps.portal.createPreorder(session, { draftId, warehouseId: input.warehouseId, boxTypeId: input.boxTypeId }, wait);
      });
      // The picker shows the new preorder at once instead of the list cached before it existed.
      await this.deps.cache.delete(cacheKey(userId));
      this.deps.logger.info(
        {
          event: 'preorder.created',
          userId,
          preorderId,
          warehouseId: input.warehouseId,
          boxTypeId: input.boxTypeId,
          rows: input.goods.length,
        },
        'preorder created',
      );
      return { preorderId };
    } catch (error) {
      this.deps.logger.warn(
        { event: 'preorder.create_failed', userId, step: progress.step, detail: error instanceof Error ? error.message : String(error) },
        'could not create a preorder',
      );
      if (error instanceof WbPortalError && progress.step === 'goods') throw new DomainError('PREORDER_GOODS_REJECTED');
      if (error instanceof WbPortalError && progress.step === 'create')
        throw new DomainError('PREORDER_REFUSED', { warehouse: input.warehouseId });
      throw toDomainError(error);
    }
  }

  /** The user's valid sessions grouped by cabinet (x-supplier-id), most recently used cabinet first. */
  private async sessionsByAccount(
    userId: number,
  ): Promise<Array<{ sid: string; sellerName: string | null; sessions: Array<{ credentialId: string; session: string }> }>> {
    const sessions = await this.deps.credentials.portalSessions(userId);
    if (sessions.length === 0) throw new DomainError('NO_PORTAL_SESSION');
    const names = new Map((await this.deps.credentials.list(userId)).map((key) => [key.id, key.sellerName]));
    const accounts = new Map<
      string,
      { sid: string; sellerName: string | null; sessions: Array<{ credentialId: string; session: string }> }
    >();
    for (const { credentialId, sid, session } of sessions) {
      const account = sid ?? credentialId;
      const entry = accounts.get(account) ?? { sid: account, sellerName: names.get(credentialId) ?? null, sessions: [] };
      entry.sessions.push({ credentialId, session });
      accounts.set(account, entry);
    }
    return [...accounts.values()];
  }

  /** Run `use` with the cabinet's first session WB accepts; a refused one is marked invalid (its owner is told). */
  private async withAccount<T>(
    account: { sessions: Array<{ credentialId: string; session: string }> },
    use: (session: string) => Promise<T>,
  ): Promise<T> {
    let rejected: unknown;
    for (const { credentialId, session } of account.sessions) {
      try {
        const result = await use(session);
        await this.deps.credentials.touch(credentialId);
        return result;
      } catch (error) {
        if (!(error instanceof WbUnauthorizedError)) throw error;
        rejected = error;
        await this.deps.credentials.markRejected(credentialId, 'WB rejected the portal session');
      }
    }
    throw rejected;
  }
}

function toDomainError(error: unknown): Error {
  if (error instanceof DomainError) return error;
  if (error instanceof WbUnauthorizedError) return new DomainError('KEY_SESSION_REJECTED');
  if (error instanceof WbRateLimitedError)
    return new DomainError('WB_BUSY', { seconds: Math.max(1, Math.ceil(error.retryAfterMs / 1000)) });
  if (error instanceof WbNeedsSellerActionError) return new DomainError('PORTAL_NEEDS_SELLER');
  if (error instanceof WbDisabledError) return new DomainError('WB_DISABLED');
  if (error instanceof WbError) return new DomainError('WB_UNAVAILABLE');
  return error instanceof Error ? error : new Error(String(error));
}
