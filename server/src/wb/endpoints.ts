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

/**
 * Seller-portal calls (WB-API.md, sections 2 and 5): path and host. `auth` calls go to WB_PORTAL_AUTH_URL
 * (seller.wildberries.ru), the rest to WB_PORTAL_URL (seller-supply.wildberries.ru). Every `supply` call carries the
 * short-lived `wb-seller-lk` header minted by `authToken`; `auth` calls carry only the session cookies and `authorizev3`.
 */
export const PORTAL_CALLS = {
  validate: { host: 'auth', path: '/ns/passport-portal/suppliers-portal-ru/validate' },
  authToken: { host: 'auth', path: '/ns/suppliers-auth/suppliers-portal-core/auth/token' },
  coefficientsReport: { host: 'supply', path: '/ns/sm-supply/supply-manager/api/v1/supply/acceptanceCoefficientsReport' },
  warehouseFilterItems: { host: 'supply', path: '/ns/sm-supply/supply-manager/api/v1/warehouse/getWarehouseFilterItems' },
  supplyList: { host: 'supply', path: '/ns/sm-supply/supply-manager/api/v1/supply/listSupplies' },
  draftCreate: { host: 'supply', path: '/ns/sm-draft/supply-manager/api/v1/draft/create' },
  draftGoods: { host: 'supply', path: '/ns/sm-draft/supply-manager/api/v1/draft/UpdateDraftGoods' },
  preorderCreate: { host: 'supply', path: '/ns/sm-supply/supply-manager/api/v1/supply/create' },
  acceptanceCosts: { host: 'supply', path: '/ns/sm-supply/supply-manager/api/v1/supply/getAcceptanceCosts' },
  planAdd: { host: 'supply', path: '/ns/sm/supply-manager/api/v1/plan/add' },
  planUpdate: { host: 'supply', path: '/ns/sm/supply-manager/api/v1/plan/update' },
  supplyDetails: { host: 'supply', path: '/ns/sm-supply/supply-manager/api/v1/supply/supplyDetails' },
  preorderDelete: { host: 'supply', path: '/ns/sm-preorder/supply-manager/api/v1/preorder/delete' },
  transferList: { host: 'supply', path: '/ns/goods-return/supply-manager/api/v1/transfer/list' },
  transferLimits: { host: 'supply', path: '/ns/goods-return/supply-manager/api/v1/transfer/AvailableLimits' },
  transferOrder: { host: 'supply', path: '/ns/goods-return/supply-manager/api/v1/transfer/order' },
} as const satisfies Record<string, { host: 'auth' | 'supply'; path: string }>;

export type PortalCall = keyof typeof PORTAL_CALLS;
export const PORTAL_PATHS = Object.fromEntries(Object.entries(PORTAL_CALLS).map(([call, spec]) => [call, spec.path])) as {
  [K in PortalCall]: (typeof PORTAL_CALLS)[K]['path'];
};

/** The calls that carry WB's captcha (`x-wb-captcha-token`): we never solve or forge one, so these end with the seller. */
export const PORTAL_CAPTCHA_CALLS = ['planAdd', 'transferOrder'] as const satisfies readonly PortalCall[];

/**
 * JSON-RPC error codes seen from the 2026 portal (WB-API.md, section 5): −32002 captcha required, −32000 a business
 * refusal (not found, date unavailable, already planned, quota…: told apart by its message), −32603 internal,
 * −32602 invalid params (standard JSON-RPC).
 */
export const PORTAL_ERROR_CODES = {
  captchaRequired: -32002,
  refused: -32000,
  internal: -32603,
  badParams: -32602,
} as const;

/** How the portal words its refusals (Russian, as its front end shows them). The client matches these loosely. */
export const PORTAL_REFUSALS = {
  slotUnavailable: 'Выбранная дата недоступна для планирования',
  alreadyPlanned: 'Поставка уже запланирована',
  notFound: 'Не найдено',
  quotaExceeded: 'Превышен лимит перемещения',
  captcha: 'Требуется проверка: пройдите капчу',
} as const;

/** The seller-portal page where a seller books a date for a preorder themselves (the one-tap link of needs-action). */
export const chooseDateUrl = (preorderId: string | number) =>
  `https://seller.wildberries.ru/supplies-management/new-supply/choose-date?supplyID=${encodeURIComponent(String(preorderId))}`;

/** The portal's own limits are unpublished; these are the sandbox's guesses (FIDELITY.md). Ours are far below them. */
export const PORTAL_SANDBOX_LIMITS: Partial<Record<PortalCall, { burst: number; refillMs: number }>> & {
  default: { burst: number; refillMs: number };
} = {
  default: { burst: 10, refillMs: 1_000 },
  authToken: { burst: 5, refillMs: 30_000 },
  coefficientsReport: { burst: 3, refillMs: 20_000 },
  acceptanceCosts: { burst: 5, refillMs: 6_000 },
  preorderCreate: { burst: 3, refillMs: 10_000 },
};

/** Lifetime of a `wb-seller-lk` token (public 2026 captures: ~5 min). */
export const SELLER_LK_TTL_MS = 5 * 60_000;

/** The portal front end's version header; public 2026 captures show v1.9x.0. Configurable (WB_PORTAL_ROOT_VERSION). */
export const DEFAULT_ROOT_VERSION = 'v1.96.0';

/** Portal box-type mask (old `supply/create` shape) for a WB box type id (boxes 2, monopallets 5, supersafe 6). */
export const PORTAL_BOX_MASK: Record<2 | 5 | 6, number> = { 2: 2, 5: 32, 6: 6 };
