// The seller portal's JSON-RPC calls as the 2026 portal front end makes them (WB-API.md sections 2 and 5, the wire
// contract in endpoints.ts): `auth` calls on seller.wildberries.ru with the session's cookies and `authorizev3`;
// `supply` calls on seller-supply with, in addition, a short-lived `wb-seller-lk` minted by `auth/token`, cached per
// seller account and refreshed shortly before it lapses. Every call goes through the PortalLimiter (one call of a
// seller at a time, spacing, shared cool-downs). A captcha ends with the seller (WbNeedsSellerActionError): we never
// send, solve or forge a captcha token.
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { createMemorySharedState } from '../platform/kv/memory.ts';
import { DEFAULT_ROOT_VERSION, PORTAL_CALLS, PORTAL_ERROR_CODES, type PortalCall, SELLER_LK_TTL_MS } from './endpoints.ts';
import {
  WbNeedsSellerActionError,
  WbPortalError,
  WbRateLimitedError,
  WbSupplySummaryMissingError,
  WbTransientError,
  WbUnauthorizedError,
  WbUnexpectedShapeError,
} from './errors.ts';
import type { HttpTransport, TransportResponse } from './http-transport.ts';
import { PortalLimiter, type PortalSlot } from './portal-limiter.ts';
import {
  type AcceptanceCost,
  AcceptanceCostsResult,
  AuthTokenResult,
  type BoxTypeId,
  CoefficientsReportResult,
  DraftCreateResult,
  EmptyResult,
  PlanAddResult,
  type PortalCoefficient,
  type PortalPreorder,
  PreorderCreateResult,
  type SupplyDetails,
  SupplyDetailsResult,
  SupplyListResult,
  TransferLimitsResult,
  TransferListResult,
  TransferOrderResult,
  type TransferQuota,
  type TransferStock,
  ValidateResult,
  WarehouseFilterItemsResult,
} from './portal-schemas.ts';
import { type PortalSession, parsePortalSession } from './token.ts';

export const PORTAL_SUPPLIES_URL = 'https://seller.wildberries.ru/supplies-management/all-supplies';
/** The portal's own origin: its front end sends it as Origin and Referer on every call, to both hosts. */
export const PORTAL_ORIGIN = 'https://seller.wildberries.ru';
/** A current desktop Chrome: the portal is a browser app (the official API keeps the transport's own user agent). */
export const PORTAL_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/143.0.0.0 Safari/537.36';

/** Refresh `wb-seller-lk` when less than this is left of its life. */
const LK_REFRESH_MARGIN_MS = 60_000;
/** An lk token without a readable `exp` is used this long (its life is ~5 min in public captures). */
const LK_FALLBACK_USE_MS = SELLER_LK_TTL_MS - LK_REFRESH_MARGIN_MS;
/** Raw answers logged for an unknown shape are cut to this many bytes (after secrets are scrubbed). */
const RAW_LOG_BYTES = 2_048;
const PREORDER_PAGE_SIZE = 100;
const PREORDER_MAX_PAGES = 2;

export interface PortalCallOptions {
  /** How long to wait for the seller's turn (spacing, another call of theirs) before giving up. Default 15 s; the feed passes 0. */
  maxLimiterWaitMs?: number;
  timeoutMs?: number;
}

export interface PortalCallObserver {
  /** Every request that reached (or tried to reach) the portal: the call, the seller account, HTTP status or "error". */
  onCall(call: PortalCall, sid: string, status: number | 'error'): void;
}

export interface PortalClientOptions {
  /** WB_PORTAL_URL (seller-supply): every `supply` call. */
  portalUrl: string;
  /** WB_PORTAL_AUTH_URL (seller.wildberries.ru): `validate` and `authToken`. Default: `portalUrl` (the sandbox serves both). */
  authUrl?: string;
  transport: HttpTransport;
  /** Shared by every instance in production (wb-gateway.ts). Default: a limiter of this process alone. */
  limiter?: PortalLimiter;
  /** WB_PORTAL_ROOT_VERSION: the portal front end's version, sent as `root-version`. */
  rootVersion?: string;
  userAgent?: string;
  timeoutMs?: number;
  logger?: Logger;
  observer?: PortalCallObserver;
  /** The clock that decides when a `wb-seller-lk` is due for refresh (tests move it). */
  now?: () => number;
}

type RpcSchema<T> = z.ZodType<T, unknown>;

export class WbPortalClient {
  private requestCounter = 0;
  private readonly limiter: PortalLimiter;
  /** `wb-seller-lk` per seller account, and when to mint the next one. */
  private readonly sellerLk = new LRUCache<string, { token: string; refreshAt: number }>({ max: 10_000 });
  private readonly minting = new Map<string, Promise<string>>();

  private readonly now: () => number;

  constructor(private readonly options: PortalClientOptions) {
    this.now = options.now ?? Date.now;
    this.limiter = options.limiter ?? new PortalLimiter(createMemorySharedState());
  }

  /** The portal's own session check: the seller's name on success; a dead or revoked session is WbUnauthorizedError. */
  async validate(rawSession: string, options?: PortalCallOptions): Promise<{ supplierId: string; supplierName: string | undefined }> {
    const session = requireSession(rawSession);
    const result = await this.rpc('validate', session, {}, ValidateResult, options);
    return { supplierId: result.supplierId ?? session.supplierId, supplierName: result.supplierName };
  }

  /** Acceptance coefficients of every warehouse and box type for [dateFrom, dateTo] (YYYY-MM-DD, Moscow). */
  async coefficientsReport(
    rawSession: string,
    range: { dateFrom: string; dateTo: string },
    options?: PortalCallOptions,
  ): Promise<PortalCoefficient[]> {
    const params = { dateFrom: isoMidnight(range.dateFrom), dateTo: isoMidnight(range.dateTo) };
    return this.rpc('coefficientsReport', requireSession(rawSession), params, CoefficientsReportResult, options);
  }

  /** The warehouse list the portal offers in its filters (while WB's official list is disabled). */
  async warehouseFilterItems(rawSession: string, options?: PortalCallOptions): Promise<Array<{ id: number; name: string }>> {
    return this.rpc('warehouseFilterItems', requireSession(rawSession), {}, WarehouseFilterItemsResult, options);
  }

  /** The seller's preorders not yet planned (newest first as the portal lists them; at most two pages of 100). */
  async listPreorders(rawSession: string, options?: PortalCallOptions): Promise<PortalPreorder[]> {
    const session = requireSession(rawSession);
    // Both pages are one call for the limiter: one turn, one spacing, the lease held across them.
    return this.limited('supplyList', session, options, async (slot, timeoutMs) => {
      const preorders: PortalPreorder[] = [];
      for (let page = 1; page <= PREORDER_MAX_PAGES; page++) {
        const params = { pageNumber: page, pageSize: PREORDER_PAGE_SIZE, statusId: 1 };
        const result = await this.exchange(slot, 'supplyList', session, params, SupplyListResult, timeoutMs);
        preorders.push(...result.preorders);
        const more = result.totalCount !== undefined ? page * PREORDER_PAGE_SIZE < result.totalCount : result.rows === PREORDER_PAGE_SIZE;
        if (!more) break;
      }
      return preorders;
    });
  }

  /** The preorder's own view of acceptance per date: the last check before acting (coefficient −1 = closed). */
  async acceptanceCosts(
    rawSession: string,
    preorderId: string,
    dateFrom: string,
    dateTo: string,
    options?: PortalCallOptions,
  ): Promise<AcceptanceCost[]> {
    const params = { dateFrom: isoMidnight(dateFrom), dateTo: isoMidnight(dateTo), preorderID: Number(preorderId) };
    return this.rpc('acceptanceCosts', requireSession(rawSession), params, AcceptanceCostsResult, options);
  }

  async createDraft(rawSession: string, options?: PortalCallOptions): Promise<string> {
    return this.rpc('draftCreate', requireSession(rawSession), {}, DraftCreateResult, options);
  }

  async setDraftGoods(
    rawSession: string,
    draftId: string,
    goods: Array<{ barcode: string; quantity: number }>,
    options?: PortalCallOptions,
  ): Promise<void> {
    await this.rpc('draftGoods', requireSession(rawSession), { draftID: draftId, barcodes: goods }, EmptyResult, options);
  }

  /** A preorder from a draft (the 2026 shape: box type id, not the old mask); its id. */
  async createPreorder(
    rawSession: string,
    params: { draftId: string; warehouseId: number; boxTypeId: BoxTypeId },
    options?: PortalCallOptions,
  ): Promise<string> {
    const body = {
      boxTypeID: params.boxTypeId,
      draftID: params.draftId,
      warehouseId: params.warehouseId,
      transitWarehouseId: null,
      isBoxOnPallet: false,
      isContainer: false,
    };
    return this.rpc('preorderCreate', requireSession(rawSession), body, PreorderCreateResult, options);
  }

  /** Book `date` (YYYY-MM-DD) for a preorder, without a captcha token; the supply id WB assigned. */
  async planAdd(
    rawSession: string,
    params: { preorderId: string; date: string; monopalletCount?: number },
    options?: PortalCallOptions,
  ): Promise<string> {
    const body = {
      preOrderId: Number(params.preorderId),
      deliveryDate: isoMidnight(params.date),
      ...(params.monopalletCount ? { monopalletCount: params.monopalletCount } : {}),
    };
    return this.rpc('planAdd', requireSession(rawSession), body, PlanAddResult, options);
  }

  async planUpdate(rawSession: string, supplyId: string, date: string, options?: PortalCallOptions): Promise<void> {
    const body = { supplyID: Number(supplyId), deliveryDate: isoMidnight(date) };
    await this.rpc('planUpdate', requireSession(rawSession), body, EmptyResult, options);
  }

  /** The supply's summary (planned or not, for which date); WbSupplySummaryMissingError when the portal sent goods only. */
  async supplyDetails(
    rawSession: string,
    ref: { preorderId: string } | { supplyId: string },
    options?: PortalCallOptions,
  ): Promise<SupplyDetails> {
    const id = 'preorderId' in ref ? { preorderID: Number(ref.preorderId) } : { supplyID: Number(ref.supplyId) };
    const params = { ...id, pageNumber: 1, pageSize: 100, search: '' };
    const result = await this.rpc('supplyDetails', requireSession(rawSession), params, SupplyDetailsResult, options);
    if (!result.supply) throw new WbSupplySummaryMissingError('supplyDetails');
    return result.supply;
  }

  async deletePreorder(rawSession: string, preorderId: string, options?: PortalCallOptions): Promise<void> {
    await this.rpc('preorderDelete', requireSession(rawSession), { preorderId: Number(preorderId) }, EmptyResult, options);
  }

  async transferStock(rawSession: string, nmIds: number[], options?: PortalCallOptions): Promise<TransferStock> {
    return (await this.rpc('transferList', requireSession(rawSession), { nmIDs: nmIds }, TransferListResult, options)).transfers;
  }

  async transferLimits(rawSession: string, options?: PortalCallOptions): Promise<TransferQuota[]> {
    return this.rpc('transferLimits', requireSession(rawSession), {}, TransferLimitsResult, options);
  }

  /** Order a transfer; WB's request id when it gives one (the 2026 portal answers a waybill or nothing instead). */
  async transferOrder(
    rawSession: string,
    order: { nmId: number; srcOfficeId: number; dstOfficeId: number; chrtId: number; count: number },
    options?: PortalCallOptions,
  ): Promise<string | undefined> {
    const transfers = [
      {
        nmID: order.nmId,
        srcOfficeID: order.srcOfficeId,
        items: [{ dstOfficeID: order.dstOfficeId, chrtID: order.chrtId, count: order.count }],
      },
    ];
    return this.rpc('transferOrder', requireSession(rawSession), { transfers }, TransferOrderResult, options);
  }

  /** Until when (epoch ms) this seller's portal calls are paused, or undefined. */
  coolingDown(sid: string): Promise<number | undefined> {
    return this.limiter.coolingDown(sid);
  }

  private rpc<T>(call: PortalCall, session: PortalSession, params: unknown, schema: RpcSchema<T>, options?: PortalCallOptions): Promise<T> {
    return this.limited(call, session, options, (slot, timeoutMs) => this.exchange(slot, call, session, params, schema, timeoutMs));
  }

  private limited<T>(
    call: PortalCall,
    session: PortalSession,
    options: PortalCallOptions | undefined,
    work: (slot: PortalSlot, timeoutMs: number) => Promise<T>,
  ): Promise<T> {
    const timeoutMs = options?.timeoutMs ?? this.options.timeoutMs ?? 15_000;
    const maxWaitMs = options?.maxLimiterWaitMs ?? 15_000;
    return this.limiter.run(session.supplierId, call, { maxWaitMs, timeoutMs }, (slot) => work(slot, timeoutMs));
  }

  /**
   * One JSON-RPC request inside the seller's slot. A `supply` call that meets a 401 with a cached `wb-seller-lk` drops it,
   * mints a new one and tries once more: WB may end an lk token before its `exp`.
   */
  private async exchange<T>(
    slot: PortalSlot,
    call: PortalCall,
    session: PortalSession,
    params: unknown,
    schema: RpcSchema<T>,
    timeoutMs: number,
  ): Promise<T> {
    const body = JSON.stringify({ jsonrpc: '2.0', id: `json-rpc_${++this.requestCounter}`, params });
    let lk: { token: string; fresh: boolean } | undefined;
    if (PORTAL_CALLS[call].host === 'supply') lk = await this.lkFor(slot, session, timeoutMs);
    let response = await this.send(slot, call, session, body, timeoutMs, lk?.token);
    if (response.status === 401 && lk && !lk.fresh) {
      this.dropLk(session.supplierId, lk.token);
      lk = await this.lkFor(slot, session, timeoutMs);
      response = await this.send(slot, call, session, body, timeoutMs, lk.token);
    }
    return this.interpret(slot, call, session, response, schema, lk?.token);
  }

  private async send(
    slot: PortalSlot,
    call: PortalCall,
    session: PortalSession,
    body: string,
    timeoutMs: number,
    lk: string | undefined,
  ): Promise<TransportResponse> {
    await slot.beforeRequest(call, timeoutMs);
    const host = PORTAL_CALLS[call].host === 'auth' ? (this.options.authUrl ?? this.options.portalUrl) : this.options.portalUrl;
    try {
      const response = await this.options.transport.send(call, `${host.replace(/\/$/, '')}${PORTAL_CALLS[call].path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/plain, */*',
          'accept-language': 'ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7',
          'user-agent': this.options.userAgent ?? PORTAL_USER_AGENT,
          origin: PORTAL_ORIGIN,
          referer: `${PORTAL_ORIGIN}/`,
          'root-version': this.options.rootVersion ?? DEFAULT_ROOT_VERSION,
          cookie: `WBTokenV3=${session.token}; wbx-validation-key=${session.validationKey}; x-supplier-id=${session.supplierId}`,
          authorizev3: session.token,
          ...(lk ? { 'wb-seller-lk': lk } : {}),
        },
        body,
        timeoutMs,
      });
      this.options.observer?.onCall(call, session.supplierId, response.status);
      return response;
    } catch (error) {
      this.options.observer?.onCall(call, session.supplierId, 'error');
      throw error;
    }
  }

  /** The seller's `wb-seller-lk`: cached while more than a minute of it is left; concurrent mints share one request. */
  private async lkFor(slot: PortalSlot, session: PortalSession, timeoutMs: number): Promise<{ token: string; fresh: boolean }> {
    const sid = session.supplierId;
    const cached = this.sellerLk.get(sid);
    if (cached && cached.refreshAt > this.now()) return { token: cached.token, fresh: false };
    let minting = this.minting.get(sid);
    if (!minting) {
      minting = this.mintLk(slot, session, timeoutMs).finally(() => this.minting.delete(sid));
      this.minting.set(sid, minting);
    }
    return { token: await minting, fresh: true };
  }

  private async mintLk(slot: PortalSlot, session: PortalSession, timeoutMs: number): Promise<string> {
    const body = JSON.stringify({ jsonrpc: '2.0', id: `json-rpc_${++this.requestCounter}`, params: {} });
    const response = await this.send(slot, 'authToken', session, body, timeoutMs, undefined);
    const token = await this.interpret(slot, 'authToken', session, response, AuthTokenResult, undefined);
    const exp = jwtExpiry(token);
    const refreshAt = exp !== undefined ? exp - LK_REFRESH_MARGIN_MS : this.now() + LK_FALLBACK_USE_MS;
    this.sellerLk.set(session.supplierId, { token, refreshAt });
    return token;
  }

  private dropLk(sid: string, token: string): void {
    if (this.sellerLk.get(sid)?.token === token) this.sellerLk.delete(sid);
  }

  private async interpret<T>(
    slot: PortalSlot,
    call: PortalCall,
    session: PortalSession,
    response: TransportResponse,
    schema: RpcSchema<T>,
    lk: string | undefined,
  ): Promise<T> {
    const { status } = response;
    if (status === 429) {
      const retryAfterMs = retryAfterOf(response) ?? 60_000;
      await slot.penalise({ kind: 'rate_limited', retryAfterMs });
      throw new WbRateLimitedError(call, retryAfterMs, 'wb');
    }
    if (status === 403) await slot.penalise({ kind: 'forbidden' });
    if (status === 401 || status === 403) throw new WbUnauthorizedError(call, status);
    if (status >= 500) throw new WbTransientError(call, `HTTP ${status}`);
    const body = safeJson(response.text) as { result?: unknown; error?: unknown } | undefined;
    if (status >= 400) {
      const message = (body as { message?: unknown } | undefined)?.message;
      const detail = typeof message === 'string' ? `: ${scrub(message, session, lk).slice(0, 200)}` : '';
      throw new WbPortalError('bad_request', call, undefined, `HTTP ${status}${detail}`, undefined);
    }
    if (!body || typeof body !== 'object') return this.unexpected(call, session, lk, response.text, ['the body is not a JSON object']);
    if (body.error !== undefined && body.error !== null) {
      const error = portalError(call, body.error);
      if (error instanceof WbNeedsSellerActionError) await slot.penalise({ kind: 'captcha', call });
      throw error;
    }
    const parsed = schema.safeParse(body.result);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'result'}: ${i.message}`);
      return this.unexpected(call, session, lk, response.text, issues);
    }
    return parsed.data;
  }

  private unexpected(call: PortalCall, session: PortalSession, lk: string | undefined, text: string, issues: string[]): never {
    this.options.logger?.warn(
      {
        event: 'wb.portal.unexpected_shape',
        call,
        sid: session.supplierId,
        issues: issues.slice(0, 10),
        raw: truncateBytes(scrub(text, session, lk)),
      },
      'the portal answered in a shape we do not know',
    );
    throw new WbUnexpectedShapeError(call, issues);
  }
}

function requireSession(raw: string): PortalSession {
  const session = parsePortalSession(raw);
  if (!session) throw new WbUnauthorizedError('session', 401);
  return session;
}

/** `YYYY-MM-DD` → `YYYY-MM-DDT00:00:00Z`, as the portal front end writes Moscow dates; full ISO strings pass as they are. */
function isoMidnight(date: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T00:00:00Z` : date;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function retryAfterOf(response: TransportResponse): number | undefined {
  for (const name of ['retry-after', 'x-ratelimit-retry']) {
    const raw = response.headers[name];
    const value = Number(Array.isArray(raw) ? raw[0] : raw);
    if (raw !== undefined && Number.isFinite(value) && value >= 0) return value * 1000;
  }
  return undefined;
}

/** Epoch ms of a JWT's `exp`, if it has a readable one. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

const JWT_LIKE = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

/** The answer without the session's secrets (and anything JWT-shaped), for a log line. */
export function scrub(text: string, session: PortalSession, lk: string | undefined): string {
  let out = text;
  for (const secret of [session.token, session.validationKey, lk]) {
    if (secret && secret.length >= 8) out = out.replaceAll(secret, '[REDACTED]');
  }
  return out.replace(JWT_LIKE, '[REDACTED]');
}

function truncateBytes(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= RAW_LOG_BYTES) return text;
  // Cut at a character boundary: never in the middle of a multi-byte character (Russian text is two bytes a letter).
  let end = RAW_LOG_BYTES;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return `${bytes.subarray(0, end).toString('utf8')}…[${bytes.length - end} bytes more]`;
}

/**
 * A JSON-RPC error as a typed error. −32002 (or a message about a captcha) is the seller's to solve; −32000 is a business
 * refusal told apart by its words (the portal's Russian, or English); −32603 is WB's trouble; anything else a bad request.
 */
export function portalError(call: PortalCall, raw: unknown): Error {
  const error = (typeof raw === 'object' && raw !== null ? raw : {}) as { code?: unknown; message?: unknown; data?: unknown };
  const code = typeof error.code === 'number' ? error.code : undefined;
  const message = typeof error.message === 'string' ? error.message.slice(0, 300) : 'portal error';
  const text = message.toLowerCase();
  if (code === PORTAL_ERROR_CODES.captchaRequired || /captcha|капч/.test(text))
    return new WbNeedsSellerActionError(call, 'captcha', undefined);
  if (code === PORTAL_ERROR_CODES.internal) return new WbTransientError(call, `portal error ${code}: ${message}`);
  if (code === PORTAL_ERROR_CODES.refused) return new WbPortalError(refusalKind(text), call, code, message, error.data);
  return new WbPortalError('bad_request', call, code, message, error.data);
}

function refusalKind(text: string): 'slot_unavailable' | 'already_planned' | 'not_found' | 'quota_exceeded' | 'bad_request' {
  if (/недоступн|unavailable/.test(text)) return 'slot_unavailable';
  if (/уже\s+запланир|already\s+planned/.test(text)) return 'already_planned';
  if (/не\s+найден|not\s+found/.test(text)) return 'not_found';
  if (/лимит|квот|quota/.test(text)) return 'quota_exceeded';
  return 'bad_request';
}
