// WB's official endpoints and their per-seller-account limits (WB-API.md, section 1). The client's limiter, the feed and
// the sandbox all read this one table, so our idea of WB's buckets and the simulator's cannot drift apart.

export const OFFICIAL_ENDPOINTS = {
  ping: { host: 'common', method: 'GET', path: '/ping', burst: 3, refillMs: 10_000, read: true },
  sellerInfo: { host: 'common', method: 'GET', path: '/api/v1/seller-info', burst: 10, refillMs: 60_000, read: true },
  coefficients: { host: 'common', method: 'GET', path: '/api/tariffs/v1/acceptance/coefficients', burst: 6, refillMs: 10_000, read: true },
  warehouses: { host: 'supplies', method: 'GET', path: '/api/v1/warehouses', burst: 6, refillMs: 10_000, read: true },
  acceptanceOptions: { host: 'supplies', method: 'POST', path: '/api/v1/acceptance/options', burst: 6, refillMs: 10_000, read: true },
  supplies: { host: 'supplies', method: 'POST', path: '/api/v1/supplies', burst: 10, refillMs: 2_000, read: true },
} as const;

export type OfficialEndpoint = keyof typeof OFFICIAL_ENDPOINTS;
export const OFFICIAL_ENDPOINT_NAMES = Object.keys(OFFICIAL_ENDPOINTS) as OfficialEndpoint[];

/** The "temporarily disabled" answer (release note 570): HTTP 404 with this text in the body. */
export const DISABLED_MARKER = 'temporarily disabled';
export const DISABLED_BODY = 'This method is temporarily disabled. Link: https://dev.wildberries.ru/release-notes?id=570';

/** Seller-portal JSON-RPC paths (WB-API.md, section 2), relative to WB_PORTAL_URL. */
export const PORTAL_PATHS = {
  validate: '/ns/passport-portal/suppliers-portal-ru/validate',
  draftCreate: '/ns/sm-draft/supply-manager/api/v1/draft/create',
  draftGoods: '/ns/sm-draft/supply-manager/api/v1/draft/UpdateDraftGoods',
  preorderCreate: '/ns/sm-supply/supply-manager/api/v1/supply/create',
  acceptanceCosts: '/ns/sm-supply/supply-manager/api/v1/supply/getAcceptanceCosts',
  planAdd: '/ns/sm/supply-manager/api/v1/plan/add',
  planUpdate: '/ns/sm/supply-manager/api/v1/plan/update',
  supplyDetails: '/ns/sm-supply/supply-manager/api/v1/supply/supplyDetails',
  preorderDelete: '/ns/sm-preorder/supply-manager/api/v1/preorder/delete',
  transferList: '/ns/goods-return/supply-manager/api/v1/transfer/list',
  transferLimits: '/ns/goods-return/supply-manager/api/v1/transfer/AvailableLimits',
  transferOrder: '/ns/goods-return/supply-manager/api/v1/transfer/order',
} as const;

export type PortalCall = keyof typeof PORTAL_PATHS;

/** JSON-RPC error codes the sandbox uses and the client recognises (real WB codes are undocumented; the client also
 * matches the message text). */
export const PORTAL_ERROR_CODES = {
  captchaRequired: 4031,
  slotUnavailable: 4091,
  alreadyPlanned: 4092,
  notFound: 4041,
  quotaExceeded: 4093,
  badParams: 4001,
} as const;

/** Portal box-type mask for a WB box type id (boxes 2, monopallets 5, supersafe 6). */
export const PORTAL_BOX_MASK: Record<2 | 5 | 6, number> = { 2: 2, 5: 32, 6: 6 };
