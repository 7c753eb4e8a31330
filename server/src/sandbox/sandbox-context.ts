// What the sandbox's route plugins share; built once per sandbox in buildSandbox (no module-level state).
import type { Logger } from 'pino';
import type { FaultBook } from './faults.ts';
import type { ScenarioEngine } from './scenario.ts';
import type { SandboxStats } from './stats.ts';
import type { SellerRateLimiter } from './token-bucket.ts';
import type { SandboxWorld } from './world.ts';

export interface SandboxContext {
  world: SandboxWorld;
  stats: SandboxStats;
  faults: FaultBook;
  limiter: SellerRateLimiter;
  scenario: ScenarioEngine;
  clock: () => number;
  logger: Logger | undefined;
  /** Back to the seeded initial world: sellers forgotten, stats zeroed, faults cleared, buckets full. */
  reset(): void;
}

/** Which face of the sandbox a route belongs to: errors are shaped differently on each. */
export type Surface = 'official' | 'portal' | 'control';

declare module 'fastify' {
  interface FastifyContextConfig {
    surface?: Surface;
  }
}
