// What the sandbox's route plugins share; built once per sandbox in buildSandbox (no module-level state).
import type { Logger } from 'pino';
import type { OfficialEndpoint, PortalCall } from '../wb/endpoints.ts';
import type { FaultBook } from './faults.ts';
import type { OfficialSwitch } from './official-switch.ts';
import type { ScenarioEngine } from './scenario.ts';
import type { SandboxStats } from './stats.ts';
import type { SellerRateLimiter } from './token-bucket.ts';
import type { SandboxWorld } from './world.ts';

export interface SandboxContext {
  world: SandboxWorld;
  stats: SandboxStats;
  faults: FaultBook;
  limiter: SellerRateLimiter<OfficialEndpoint>;
  /** The portal's own per-(seller, call) buckets (PORTAL_SANDBOX_LIMITS). */
  portalLimiter: SellerRateLimiter<PortalCall>;
  /** Whether the official coefficients / warehouses / acceptance-options methods answer (default: disabled, as WB). */
  official: OfficialSwitch;
  scenario: ScenarioEngine;
  clock: () => number;
  logger: Logger | undefined;
  /** Back to the seeded initial world: sellers forgotten, stats zeroed, faults cleared, buckets full, official off. */
  reset(): void;
}

/** Which face of the sandbox a route belongs to: errors are shaped differently on each. */
export type Surface = 'official' | 'portal' | 'control';

declare module 'fastify' {
  interface FastifyContextConfig {
    surface?: Surface;
  }
}
