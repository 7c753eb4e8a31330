// The seller portal's JSON-RPC calls (WB-API.md, section 2): what booking and redistribution automation needs.
// A captcha or a dead session ends in WbNeedsSellerActionError: only the seller can act, so we never retry it.
import type { z } from 'zod';
import { PORTAL_ERROR_CODES, PORTAL_PATHS, type PortalCall } from './endpoints.ts';
import { WbNeedsSellerActionError, WbPortalError, WbTransientError, WbUnauthorizedError, WbUnexpectedShapeError } from './errors.ts';
import type { HttpTransport } from './http-transport.ts';
import {
  type AcceptanceCost,
  AcceptanceCostsResult,
  DraftCreateResult,
  EmptyResult,
  PlanAddResult,
  PreorderCreateResult,
  type SupplyDetails,
  SupplyDetailsResult,
  TransferLimitsResult,
  TransferListResult,
  TransferOrderResult,
  type TransferQuota,
  type TransferStock,
  ValidateResult,
} from './portal-schemas.ts';
import { type PortalSession, parsePortalSession } from './token.ts';

export const PORTAL_SUPPLIES_URL = 'https://seller.wildberries.ru/supplies-management/all-supplies';

export interface PortalClientOptions {
  portalUrl: string;
  transport: HttpTransport;
  timeoutMs?: number;
}

export class WbPortalClient {
  private requestCounter = 0;

  constructor(private readonly options: PortalClientOptions) {}

  /** The portal's own session check: the seller's name on success. */
  async validate(rawSession: string): Promise<{ supplierId: string; supplierName: string | undefined }> {
    const session = requireSession(rawSession);
    const response = await this.options.transport.send('validate', this.url('validate'), {
      method: 'POST',
      headers: this.headers(session),
      body: '{}',
      timeoutMs: this.options.timeoutMs ?? 10_000,
    });
    if (response.status === 401 || response.status === 403) throw new WbUnauthorizedError('validate', response.status);
    if (response.status >= 400) throw new WbTransientError('validate', `HTTP ${response.status}`);
    const parsed = ValidateResult.safeParse((safeJson(response.text) as { result?: unknown } | undefined)?.result ?? {});
    return {
      supplierId: parsed.data?.supplierId ?? session.supplierId,
      supplierName: parsed.success ? parsed.data.supplierName : undefined,
    };
  }

  async createDraft(session: string): Promise<string> {
    return (await this.rpc('draftCreate', session, {}, DraftCreateResult)).draftID;
  }

  async setDraftGoods(session: string, draftId: string, goods: Array<{ barcode: string; quantity: number }>): Promise<void> {
    await this.rpc('draftGoods', session, { draftID: draftId, barcodes: goods }, EmptyResult);
  }

  async createPreorder(
    session: string,
    params: { draftId: string; warehouseId: number; boxTypeMask: number; transitWarehouseId?: number | null },
  ) {
    const result = await this.rpc(
      'preorderCreate',
      session,
      {
        boxTypeMask: params.boxTypeMask,
        draftID: params.draftId,
        warehouseId: params.warehouseId,
        transitWarehouseId: params.transitWarehouseId ?? null,
      },
      PreorderCreateResult,
    );
    return String(result.ids[0]!.Id);
  }

  async acceptanceCosts(session: string, preorderId: string, dateFrom: string, dateTo: string): Promise<AcceptanceCost[]> {
    return (await this.rpc('acceptanceCosts', session, { dateFrom, dateTo, preorderID: Number(preorderId) }, AcceptanceCostsResult)).costs;
  }

  /** Book `date` (YYYY-MM-DD) for a preorder; the supply id WB assigned. */
  async planAdd(
    session: string,
    params: { preorderId: string; date: string; monopalletCount?: number; captchaToken?: string },
  ): Promise<string> {
    const result = await this.rpc(
      'planAdd',
      session,
      {
        preOrderId: Number(params.preorderId),
        deliveryDate: `${params.date}T00:00:00Z`,
        ...(params.monopalletCount ? { monopalletCount: params.monopalletCount } : {}),
      },
      PlanAddResult,
      params.captchaToken ? { 'x-wb-captcha-token': params.captchaToken } : {},
    );
    return result.supplyId;
  }

  async planUpdate(session: string, supplyId: string, date: string): Promise<void> {
    await this.rpc('planUpdate', session, { supplyID: Number(supplyId), deliveryDate: `${date}T00:00:00Z` }, EmptyResult);
  }

  async supplyDetails(session: string, ref: { preorderId: string } | { supplyId: string }): Promise<SupplyDetails> {
    const params = 'preorderId' in ref ? { preorderID: Number(ref.preorderId) } : { supplyID: Number(ref.supplyId) };
    return (await this.rpc('supplyDetails', session, { ...params, pageNumber: 1, pageSize: 100 }, SupplyDetailsResult)).supply;
  }

  async deletePreorder(session: string, preorderId: string): Promise<void> {
    await this.rpc('preorderDelete', session, { preorderId: Number(preorderId) }, EmptyResult);
  }

  async transferStock(session: string, nmIds: number[]): Promise<TransferStock> {
    return (await this.rpc('transferList', session, { nmIDs: nmIds }, TransferListResult)).transfers;
  }

  async transferLimits(session: string): Promise<TransferQuota[]> {
    return (await this.rpc('transferLimits', session, {}, TransferLimitsResult)).data.quotas;
  }

  async transferOrder(
    session: string,
    order: { nmId: number; srcOfficeId: number; dstOfficeId: number; chrtId: number; count: number },
  ): Promise<string> {
    const transfers = [
      {
        nmID: order.nmId,
        srcOfficeID: order.srcOfficeId,
        items: [{ dstOfficeID: order.dstOfficeId, chrtID: order.chrtId, count: order.count }],
      },
    ];
    return (await this.rpc('transferOrder', session, { transfers }, TransferOrderResult)).requestId;
  }

  private url(call: PortalCall): string {
    return `${this.options.portalUrl.replace(/\/$/, '')}${PORTAL_PATHS[call]}`;
  }

  private headers(session: PortalSession): Record<string, string> {
    return {
      'content-type': 'application/json',
      cookie: `WBTokenV3=${session.token}; wbx-validation-key=${session.validationKey}; x-supplier-id=${session.supplierId}`,
      authorizev3: session.token,
    };
  }

  private async rpc<T extends z.ZodType>(
    call: PortalCall,
    rawSession: string,
    params: unknown,
    schema: T,
    extraHeaders: Record<string, string> = {},
  ): Promise<z.infer<T>> {
    const session = requireSession(rawSession);
    const id = `json-rpc_${++this.requestCounter}`;
    const response = await this.options.transport.send(call, this.url(call), {
      method: 'POST',
      headers: { ...this.headers(session), ...extraHeaders },
      body: JSON.stringify({ jsonrpc: '2.0', id, params }),
      timeoutMs: this.options.timeoutMs ?? 15_000,
    });
    if (response.status === 401 || response.status === 403) throw new WbUnauthorizedError(call, response.status);
    if (response.status === 429 || response.status >= 500) throw new WbTransientError(call, `HTTP ${response.status}`);
    if (response.status >= 400) throw new WbPortalError('bad_request', call, undefined, `HTTP ${response.status}`, undefined);
    const body = safeJson(response.text) as { result?: unknown; error?: { code?: unknown; message?: unknown; data?: unknown } } | undefined;
    if (!body) throw new WbUnexpectedShapeError(call, ['the body is not JSON']);
    if (body.error) throw portalError(call, body.error);
    const parsed = schema.safeParse(body.result);
    if (!parsed.success)
      throw new WbUnexpectedShapeError(
        call,
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      );
    return parsed.data;
  }
}

function requireSession(raw: string): PortalSession {
  const session = parsePortalSession(raw);
  if (!session) throw new WbUnauthorizedError('session', 401);
  return session;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function portalError(call: PortalCall, error: { code?: unknown; message?: unknown; data?: unknown }): Error {
  const code = typeof error.code === 'number' ? error.code : undefined;
  const message = typeof error.message === 'string' ? error.message.slice(0, 300) : 'portal error';
  const text = message.toLowerCase();
  const data = error.data as { captchaUrl?: unknown } | undefined;
  if (code === PORTAL_ERROR_CODES.captchaRequired || text.includes('captcha')) {
    return new WbNeedsSellerActionError(call, 'captcha', typeof data?.captchaUrl === 'string' ? data.captchaUrl : PORTAL_SUPPLIES_URL);
  }
  if (code === PORTAL_ERROR_CODES.slotUnavailable) return new WbPortalError('slot_unavailable', call, code, message, error.data);
  if (code === PORTAL_ERROR_CODES.alreadyPlanned) return new WbPortalError('already_planned', call, code, message, error.data);
  if (code === PORTAL_ERROR_CODES.notFound) return new WbPortalError('not_found', call, code, message, error.data);
  if (code === PORTAL_ERROR_CODES.quotaExceeded) return new WbPortalError('quota_exceeded', call, code, message, error.data);
  return new WbPortalError('bad_request', call, code, message, error.data);
}
