// Everything that speaks to WB, built once per process: one pooled transport, the shared per-seller limiter, the clients.
import type { SharedState } from '../platform/kv/types.ts';
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

export function createWbGateway(urls: { commonApiUrl: string; suppliesApiUrl: string; portalUrl: string }, shared: SharedState): WbGateway {
  const transport = createHttpTransport();
  const limiter = new SellerRateLimiter(shared);
  return {
    official: new WbOfficialClient({ commonApiUrl: urls.commonApiUrl, suppliesApiUrl: urls.suppliesApiUrl, transport, limiter }),
    portal: new WbPortalClient({ portalUrl: urls.portalUrl, transport }),
    limiter,
    close: () => transport.close(),
  };
}
