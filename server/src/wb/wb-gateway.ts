// Everything that speaks to WB, built once per process: one pooled transport, the shared per-seller limiter, the clients.
import type { SharedState } from '../platform/kv/types.ts';
import type { Metrics } from '../platform/metrics.ts';
import { createHttpTransport } from './http-transport.ts';
import { WbOfficialClient } from './official-client.ts';
import { WbPortalClient } from './portal-client.ts';
import { SellerRateLimiter } from './seller-rate-limiter.ts';

export interface WbGateway {
  official: WbOfficialClient;
  portal: WbPortalClient;
  limiter: SellerRateLimiter;
  close(): Promise<void>;
}

export function createWbGateway(
  urls: { commonApiUrl: string; suppliesApiUrl: string; portalUrl: string },
  shared: SharedState,
  metrics?: Metrics,
): WbGateway {
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
  return {
    official: new WbOfficialClient({ commonApiUrl: urls.commonApiUrl, suppliesApiUrl: urls.suppliesApiUrl, transport, limiter }),
    portal: new WbPortalClient({ portalUrl: urls.portalUrl, transport }),
    limiter,
    close: () => transport.close(),
  };
}
