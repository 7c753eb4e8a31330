// buildSandbox(options) → a Fastify app that speaks WB's official API, the seller portal's JSON-RPC and the control
// API on one port, plus the world behind it. startSandbox() also listens. Everything is built here, per call.

import Fastify, { type FastifyError, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { OfficialEndpoint, PortalCall } from '../wb/endpoints.ts';
import { controlRoutes } from './control-routes.ts';
import { FaultBook } from './faults.ts';
import { officialRoutes } from './official-routes.ts';
import { OfficialSwitch } from './official-switch.ts';
import { portalRoutes } from './portal-routes.ts';
import { gatewayProblem, PROBLEM_JSON, serviceError } from './problem.ts';
import type { SandboxContext } from './sandbox-context.ts';
import { DEFAULT_SCENARIO, ScenarioEngine, type ScenarioSettings } from './scenario.ts';
import { SandboxStats } from './stats.ts';
import { officialLimit, portalLimit, SellerRateLimiter } from './token-bucket.ts';
import { SandboxWorld } from './world.ts';

/** The default world: the date of the WB OpenAPI snapshot the sandbox follows. */
export const DEFAULT_SEED = 20260818;

export interface SandboxOptions {
  /** Seeds the initial world (and the scenario, unless scenario.seed is given). */
  seed?: number;
  /** Epoch milliseconds; inject a fake clock in tests. */
  clock?: () => number;
  /** Scenario engine settings; default: running, lively (DEFAULT_SCENARIO). */
  scenario?: Partial<ScenarioSettings>;
  /** A pino logger for the sandbox's own events; false or omitted: silent. */
  logger?: false | Logger;
  /** Start (and reset to) WB's official coefficients/warehouses/options methods switched on. Default off, as today. */
  officialEnabled?: boolean;
}

export interface Sandbox {
  app: FastifyInstance;
  world: SandboxWorld;
  scenario: ScenarioEngine;
  stats: SandboxStats;
  faults: FaultBook;
  limiter: SellerRateLimiter<OfficialEndpoint>;
  portalLimiter: SellerRateLimiter<PortalCall>;
  /** Official coefficients / warehouses / acceptance options: off by default, as on today's WB (POST /__sandbox/official). */
  official: OfficialSwitch;
  /** Same as POST /__sandbox/reset. */
  reset(): void;
  /** Run `listener` after every reset (e.g. to bring back a resident demo seller). Returns the unsubscribe function. */
  onReset(listener: () => void): () => void;
  /** Stops the scenario, drops hanging requests and closes the server; safe to call twice. */
  close(): Promise<void>;
}

export interface RunningSandbox extends Sandbox {
  /** Base URL for WB_COMMON_API_URL, WB_SUPPLIES_API_URL and WB_PORTAL_URL alike, e.g. http://127.0.0.1:3001. */
  url: string;
  port: number;
}

export function buildSandbox(options: SandboxOptions = {}): Sandbox {
  const clock = options.clock ?? Date.now;
  const logger = options.logger || undefined;
  const seed = options.seed ?? DEFAULT_SEED;

  const world = new SandboxWorld(seed, clock);
  const stats = new SandboxStats();
  const faults = new FaultBook(clock);
  const limiter = new SellerRateLimiter(clock, officialLimit);
  const portalLimiter = new SellerRateLimiter(clock, portalLimit);
  const official = new OfficialSwitch(options.officialEnabled ?? false);
  const scenario = new ScenarioEngine(world, { ...DEFAULT_SCENARIO, seed, ...options.scenario }, logger);
  const resetListeners = new Set<() => void>();
  const onReset = (listener: () => void) => {
    resetListeners.add(listener);
    return () => resetListeners.delete(listener);
  };
  const reset = () => {
    world.reset();
    stats.reset();
    faults.clear();
    limiter.clear();
    portalLimiter.clear();
    official.reset();
    // Settings stay as they were (a test that stopped the scenario keeps it stopped); the random stream replays.
    scenario.restart();
    for (const listener of resetListeners) listener();
  };
  const ctx: SandboxContext = { world, stats, faults, limiter, portalLimiter, official, scenario, clock, logger, reset };

  const app = (
    logger
      ? Fastify({
          loggerInstance: logger,
          // The sandbox logs its own events (violations, bookings, control calls), not every request.
          logController: new LogController({ disableRequestLogging: true }),
          forceCloseConnections: true,
        })
      : Fastify({ logger: false, forceCloseConnections: true })
  ) as FastifyInstance;

  // Clients send `Content-Type: application/json` with an empty body (portal validate, POST /__sandbox/reset):
  // that is "no params", not an error.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error('body is not valid JSON'), { statusCode: 400 }), undefined);
    }
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) logger?.error({ event: 'sandbox.error', err, url: req.url }, 'sandbox route failed');
    const message = status >= 500 ? 'internal error' : err.message;
    switch (req.routeOptions.config.surface) {
      case 'official':
        return status === 400
          ? reply.code(400).type(PROBLEM_JSON).send(serviceError(400, message))
          : reply
              .code(status)
              .type(PROBLEM_JSON)
              .send(gatewayProblem(status, message, clock()));
      case 'portal':
        return reply.code(status).send({ message });
      default:
        return reply.code(status).send({ error: message });
    }
  });

  app.setNotFoundHandler((req, reply) =>
    req.url.startsWith('/__sandbox/')
      ? reply.code(404).send({ error: `no control route ${req.method} ${req.url}` })
      : reply
          .code(404)
          .type(PROBLEM_JSON)
          .send(gatewayProblem(404, `no route ${req.method} ${req.url.split('?')[0]}`, clock())),
  );

  app.register(officialRoutes, ctx);
  app.register(portalRoutes, ctx);
  app.register(controlRoutes, ctx);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      scenario.stop();
      faults.releaseHanging();
      await app.close();
    })();
    return closing;
  };

  return { app, world, scenario, stats, faults, limiter, portalLimiter, official, reset, onReset, close };
}

export async function startSandbox(options: SandboxOptions & { port?: number; host?: string } = {}): Promise<RunningSandbox> {
  const { port = 0, host = '127.0.0.1', ...rest } = options;
  const sandbox = buildSandbox(rest);
  try {
    await sandbox.app.listen({ port, host });
  } catch (err) {
    await sandbox.close();
    throw err;
  }
  const address = sandbox.app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return { ...sandbox, url: `http://${urlHost}:${actualPort}`, port: actualPort };
}
