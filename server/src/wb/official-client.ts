// WB's official seller API: every call goes through the seller's rate limiter, a per-endpoint circuit breaker
// (a long one for "temporarily disabled", a short one for 5xx storms) and, for reads, a jittered retry.
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  fullJitterGenerator,
  handleType,
  retry,
} from 'cockatiel';
import type { z } from 'zod';
import { DISABLED_MARKER, OFFICIAL_ENDPOINTS, type OfficialEndpoint } from './endpoints.ts';
import {
  WbBadRequestError,
  WbDisabledError,
  WbError,
  WbRateLimitedError,
  WbTransientError,
  WbUnauthorizedError,
  WbUnexpectedShapeError,
} from './errors.ts';
import type { HttpTransport, TransportResponse } from './http-transport.ts';
import {
  type AcceptanceCoefficient,
  type AcceptanceOptions,
  AcceptanceOptionsResponse,
  CoefficientsResponse,
  PingResponse,
  type SellerInfo,
  SellerInfoResponse,
  SuppliesResponse,
  type SupplySummary,
  type Warehouse,
  WarehousesResponse,
} from './official-schemas.ts';
import type { SellerRateLimiter } from './seller-rate-limiter.ts';

/** Which seller account a call is made for, and with which token. */
export interface WbApiCredential {
  sid: string;
  token: string;
}

export interface CallOptions {
  /** How long to wait for the seller's bucket before giving up (0: take it now or fail). Default 15 s. */
  maxLimiterWaitMs?: number;
  /** Attempts for transient failures (reads only). Default 2; the feed passes 1 and tries another seller instead. */
  attempts?: number;
  timeoutMs?: number;
}

export interface OfficialClientOptions {
  commonApiUrl: string;
  suppliesApiUrl: string;
  transport: HttpTransport;
  limiter: SellerRateLimiter;
  /** Cool-down after WB says "temporarily disabled" (first re-probe), doubling up to `disabledMaxMs`. */
  disabledCooldownMs?: number;
  disabledMaxMs?: number;
  /** Consecutive transient failures that open an endpoint's circuit, and for how long. */
  transientThreshold?: number;
  transientCooldownMs?: number;
}

export type EndpointHealth = 'ok' | 'disabled' | 'failing';

export class WbOfficialClient {
  private readonly disabledBreakers = new Map<OfficialEndpoint, CircuitBreakerPolicy>();
  private readonly transientBreakers = new Map<OfficialEndpoint, CircuitBreakerPolicy>();

  constructor(private readonly options: OfficialClientOptions) {
    for (const endpoint of Object.keys(OFFICIAL_ENDPOINTS) as OfficialEndpoint[]) {
      this.disabledBreakers.set(
        endpoint,
        circuitBreaker(handleType(WbDisabledError), {
          halfOpenAfter: new ExponentialBackoff({
            initialDelay: options.disabledCooldownMs ?? 5 * 60_000,
            maxDelay: options.disabledMaxMs ?? 30 * 60_000,
          }),
          breaker: new ConsecutiveBreaker(1),
        }),
      );
      this.transientBreakers.set(
        endpoint,
        circuitBreaker(handleType(WbTransientError), {
          halfOpenAfter: options.transientCooldownMs ?? 15_000,
          breaker: new ConsecutiveBreaker(options.transientThreshold ?? 5),
        }),
      );
    }
  }

  /** Whether WB currently serves this endpoint, as far as the circuits know. */
  health(endpoint: OfficialEndpoint): EndpointHealth {
    if (this.disabledBreakers.get(endpoint)?.state === CircuitState.Open) return 'disabled';
    if (this.transientBreakers.get(endpoint)?.state === CircuitState.Open) return 'failing';
    return 'ok';
  }

  ping(credential: WbApiCredential, options?: CallOptions): Promise<{ TS: string; Status: string }> {
    return this.call('ping', credential, PingResponse, {}, options);
  }

  sellerInfo(credential: WbApiCredential, options?: CallOptions): Promise<SellerInfo> {
    return this.call('sellerInfo', credential, SellerInfoResponse, {}, options);
  }

  /** Acceptance coefficients for the next 14 days; all warehouses when `warehouseIds` is empty. */
  coefficients(credential: WbApiCredential, warehouseIds: readonly number[], options?: CallOptions): Promise<AcceptanceCoefficient[]> {
    const query = warehouseIds.length ? `?warehouseIDs=${warehouseIds.join(',')}` : '';
    return this.call('coefficients', credential, CoefficientsResponse, { query }, options);
  }

  warehouses(credential: WbApiCredential, options?: CallOptions): Promise<Warehouse[]> {
    return this.call('warehouses', credential, WarehousesResponse, {}, options);
  }

  acceptanceOptions(
    credential: WbApiCredential,
    goods: Array<{ barcode: string; quantity: number }>,
    warehouseId?: number,
    options?: CallOptions,
  ): Promise<AcceptanceOptions> {
    const query = warehouseId ? `?warehouseID=${warehouseId}` : '';
    return this.call('acceptanceOptions', credential, AcceptanceOptionsResponse, { query, body: goods }, options);
  }

  supplies(
    credential: WbApiCredential,
    filter: { statusIDs?: number[]; limit?: number; offset?: number } = {},
    options?: CallOptions,
  ): Promise<SupplySummary[]> {
    const query = `?limit=${filter.limit ?? 100}&offset=${filter.offset ?? 0}`;
    const body = filter.statusIDs ? { filter: { statusIDs: filter.statusIDs } } : {};
    return this.call('supplies', credential, SuppliesResponse, { query, body }, options);
  }

  private async call<T extends z.ZodType>(
    endpoint: OfficialEndpoint,
    credential: WbApiCredential,
    schema: T,
    request: { query?: string; body?: unknown },
    options: CallOptions = {},
  ): Promise<z.infer<T>> {
    const spec = OFFICIAL_ENDPOINTS[endpoint];
    const base = spec.host === 'common' ? this.options.commonApiUrl : this.options.suppliesApiUrl;
    const url = `${base.replace(/\/$/, '')}${spec.path}${request.query ?? ''}`;
    const attempts = spec.read ? Math.max(1, options.attempts ?? 2) : 1;
    const policy = retry(handleType(WbTransientError), {
      maxAttempts: attempts - 1,
      backoff: new ExponentialBackoff({ generator: fullJitterGenerator, initialDelay: 250, maxDelay: 4_000 }),
    });
    const disabled = this.disabledBreakers.get(endpoint)!;
    const transient = this.transientBreakers.get(endpoint)!;
    try {
      return await policy.execute(() =>
        disabled.execute(() =>
          transient.execute(async () => {
            await this.options.limiter.take(credential.sid, endpoint, options.maxLimiterWaitMs ?? 15_000);
            const response = await this.options.transport.send(endpoint, url, {
              method: spec.method,
              headers: {
                authorization: credential.token,
                ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
              },
              ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
              timeoutMs: options.timeoutMs ?? 10_000,
            });
            return this.parse(endpoint, credential, response, schema);
          }),
        ),
      );
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        if (disabled.state === CircuitState.Open) throw new WbDisabledError(endpoint);
        throw new WbTransientError(endpoint, 'too many recent failures; pausing calls', { cause: error });
      }
      throw error;
    }
  }

  private async parse<T extends z.ZodType>(
    endpoint: OfficialEndpoint,
    credential: WbApiCredential,
    response: TransportResponse,
    schema: T,
  ): Promise<z.infer<T>> {
    const { status, text } = response;
    if (status === 429) {
      const retryAfterMs = secondsHeader(response, 'x-ratelimit-retry') ?? OFFICIAL_ENDPOINTS[endpoint].refillMs / 1000;
      await this.options.limiter.blockFor(credential.sid, endpoint, retryAfterMs * 1000);
      throw new WbRateLimitedError(endpoint, retryAfterMs * 1000, 'wb');
    }
    if (status === 401 || status === 403) throw new WbUnauthorizedError(endpoint, status);
    if (status === 404 && text.toLowerCase().includes(DISABLED_MARKER)) throw new WbDisabledError(endpoint);
    if (status >= 500) throw new WbTransientError(endpoint, `HTTP ${status}`);
    if (status >= 400) throw new WbBadRequestError(endpoint, status, problemDetail(text));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new WbUnexpectedShapeError(endpoint, ['the body is not JSON']);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new WbUnexpectedShapeError(
        endpoint,
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      );
    return parsed.data;
  }
}

function secondsHeader(response: TransportResponse, name: string): number | undefined {
  const raw = response.headers[name];
  const value = Number(Array.isArray(raw) ? raw[0] : raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** WB errors are application/problem+json; keep only the human part, never echo the request. */
function problemDetail(text: string): string {
  try {
    const problem = JSON.parse(text) as { detail?: unknown; title?: unknown };
    const detail = typeof problem.detail === 'string' ? problem.detail : typeof problem.title === 'string' ? problem.title : '';
    return detail.slice(0, 200) || 'no detail';
  } catch {
    return text.slice(0, 200) || 'no detail';
  }
}

export { WbError };
