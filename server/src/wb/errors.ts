// Every way a WB call can fail, as one typed union. Messages never contain tokens, cookies or response bodies with them.

export type WbErrorKind =
  | 'unauthorized'
  | 'rate_limited'
  | 'disabled'
  | 'bad_request'
  | 'transient'
  | 'unexpected_shape'
  | 'needs_seller_action'
  | 'slot_unavailable'
  | 'already_planned'
  | 'not_found'
  | 'quota_exceeded';

export class WbError extends Error {
  constructor(
    readonly kind: WbErrorKind,
    /** Which call failed, e.g. `coefficients` or `planAdd`. */
    readonly endpoint: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WbError';
  }
}

/** 401/403: the token or session is not (or no longer) accepted. */
export class WbUnauthorizedError extends WbError {
  constructor(
    endpoint: string,
    readonly status: number,
  ) {
    super('unauthorized', endpoint, `WB rejected the credentials (HTTP ${status})`);
  }
}

/** 429 from WB, or our own limiter refusing to spend a call that would exceed WB's bucket. */
export class WbRateLimitedError extends WbError {
  constructor(
    endpoint: string,
    readonly retryAfterMs: number,
    readonly source: 'wb' | 'local',
  ) {
    super('rate_limited', endpoint, `rate limited (${source}); retry in ${Math.ceil(retryAfterMs / 1000)} s`);
  }
}

/** WB's "This method is temporarily disabled" 404 (release note 570): a state of the source, not a bug. */
export class WbDisabledError extends WbError {
  constructor(endpoint: string) {
    super('disabled', endpoint, 'WB has temporarily disabled this method');
  }
}

export class WbBadRequestError extends WbError {
  constructor(
    endpoint: string,
    readonly status: number,
    detail: string,
  ) {
    super('bad_request', endpoint, `WB refused the request (HTTP ${status}): ${detail}`);
  }
}

/** 5xx, timeouts, resets, a circuit held open: worth trying again later. */
export class WbTransientError extends WbError {
  constructor(endpoint: string, detail: string, options?: { cause?: unknown }) {
    super('transient', endpoint, `WB is not answering properly: ${detail}`, options);
  }
}

export class WbUnexpectedShapeError extends WbError {
  constructor(
    endpoint: string,
    readonly issues: string[],
  ) {
    super('unexpected_shape', endpoint, `WB answered in an unexpected shape: ${issues.slice(0, 3).join('; ')}`);
  }
}

/**
 * `supplyDetails` answered goods rows without the supply's summary (the 2026 portal may not send one): the caller cannot
 * tell from it whether or when the preorder is planned.
 */
export class WbSupplySummaryMissingError extends WbUnexpectedShapeError {
  constructor(endpoint: string) {
    super(endpoint, ['supply: the answer has no supply summary']);
  }
}

/** Only the seller can go on (a captcha, a re-login): never retried automatically. */
export class WbNeedsSellerActionError extends WbError {
  constructor(
    endpoint: string,
    readonly reason: 'captcha' | 'login',
    readonly actionUrl: string | undefined,
  ) {
    super(
      'needs_seller_action',
      endpoint,
      reason === 'captcha' ? 'WB asks the seller to solve a captcha' : 'WB asks the seller to sign in again',
    );
  }
}

/** A JSON-RPC error from the portal that maps to a business outcome (slot gone, already planned, …). */
export class WbPortalError extends WbError {
  constructor(
    kind: 'slot_unavailable' | 'already_planned' | 'not_found' | 'quota_exceeded' | 'bad_request',
    endpoint: string,
    readonly code: number | undefined,
    message: string,
    readonly data: unknown,
  ) {
    super(kind, endpoint, message);
  }
}

export const isWbError = (error: unknown): error is WbError => error instanceof WbError;
