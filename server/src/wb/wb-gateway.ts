// Everything that speaks to WB, built once per process: one pooled transport, the shared per-seller limiters, the clients.
import type { Logger } from 'pino';
import type { SharedState } from '../platform/kv/types.ts';
import type { Metrics } from '../platform/metrics.ts';
import { DEFAULT_ROOT_VERSION } from './endpoints.ts';
import { createHttpTransport } from './http-transport.ts';
import { WbOfficialClient } from './official-client.ts';
import { PortalCallWindow } from './portal-call-window.ts';
import { WbPortalClient } from './portal-client.ts';
import { DEFAULT_PORTAL_READ_INTERVAL_MS, PortalLimiter } from './portal-limiter.ts';
import { SellerRateLimiter } from './seller-rate-limiter.ts';

export interface WbGateway {
  official: WbOfficialClient;
  portal: WbPortalClient;
  limiter: SellerRateLimiter;
  portalLimiter: PortalLimiter;
  close(): Promise<void>;
}

export interface WbGatewaySettings {
  commonApiUrl: string;
  suppliesApiUrl: string;
  /** seller-supply: the portal's supply calls. */
  portalUrl: string;
  /** seller.wildberries.ru: session checks and `wb-seller-lk` mints. Default: `portalUrl`. */
  portalAuthUrl?: string;
  portalRootVersion?: string;
  portalReadIntervalMs?: number;
}

export function createWbGateway(settings: WbGatewaySettings, shared: SharedState, metrics?: Metrics, logger?: Logger): WbGateway {
  const transport = createHttpTransport({
    ...(metrics && {
      observer: {
        onCall(endpoint, status, seconds) {
          metrics.wbCallDuration.observe({ endpoint, status: String(status) }, seconds);
          if (status === 429) metrics.wbRateLimited.inc({ endpoint });
        },
      },
    }),
  });
  const limiter = new SellerRateLimiter(
    shared,
    metrics && {
      onWait: (endpoint, seconds) => metrics.limiterWaitSeconds.observe({ endpoint }, seconds),
      onRefused: (endpoint) => metrics.limiterRefusals.inc({ endpoint }),
    },
  );
  const portalLimiter = new PortalLimiter(shared, {
    readIntervalMs: settings.portalReadIntervalMs ?? DEFAULT_PORTAL_READ_INTERVAL_MS,
    ...(metrics && {
      observer: {
        onWait: (call, seconds) => metrics.limiterWaitSeconds.observe({ endpoint: call }, seconds),
        onRefused: (call) => metrics.limiterRefusals.inc({ endpoint: call }),
      },
    }),
  });
  const window = new PortalCallWindow();
  if (metrics) registerPortalGauges(metrics, window);
  const portal = new WbPortalClient({
    portalUrl: settings.portalUrl,
    authUrl: settings.portalAuthUrl ?? settings.portalUrl,
    rootVersion: settings.portalRootVersion ?? DEFAULT_ROOT_VERSION,
    transport,
    limiter: portalLimiter,
    ...(logger && { logger }),
    observer: {
      onCall(call, sid, status) {
        metrics?.wbPortalCalls.inc({ call, status: String(status) });
        window.record(sid);
      },
    },
  });
  return {
    official: new WbOfficialClient({ commonApiUrl: settings.commonApiUrl, suppliesApiUrl: settings.suppliesApiUrl, transport, limiter }),
    portal,
    limiter,
    portalLimiter,
    close: () => transport.close(),
  };
}

/** Portal requests per seller account in the last minute, made by this instance: read at scrape time. */
function registerPortalGauges(metrics: Metrics, window: PortalCallWindow): void {
  // The label is the account id's first 8 characters: enough to tell sellers apart on a dashboard, no more.
  const bySeller = () => {
    const counts = new Map<string, number>();
    for (const [sid, count] of window.snapshot()) counts.set(sid.slice(0, 8), (counts.get(sid.slice(0, 8)) ?? 0) + count);
    return counts;
  };
  metrics.gauge(
    'slotpilot_wb_portal_seller_calls_last_minute',
    'Seller-portal requests per seller account (first 8 characters of its id) in the last minute, from this instance',
    ['seller'],
    (set) => {
      for (const [seller, count] of bySeller()) set({ seller }, count);
    },
  );
  metrics.gauge(
    'slotpilot_wb_portal_seller_calls_last_minute_max',
    'The most seller-portal requests any one seller account had in the last minute, from this instance',
    [],
    (set) => set({}, Math.max(0, ...bySeller().values())),
  );
}
