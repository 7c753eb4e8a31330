// buildApp(deps) → a Fastify instance with every route; main.ts and the tests both use it.
import { randomUUID } from 'node:crypto';
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';
import { type ApiServices, contextFactory, signedInUserOf } from './api/context.ts';
import { type AppRouter, appRouter } from './api/router.ts';
import { devLoginRoutes } from './http/dev-login.ts';
import { healthRoutes, type ReadinessCheck } from './http/health.ts';
import { miniappStatic } from './http/miniapp-static.ts';
import { scrubUrl } from './platform/logger.ts';
import type { Metrics } from './platform/metrics.ts';

export interface AppDeps {
  logger: Logger;
  services: ApiServices;
  readiness: ReadinessCheck[];
  /** Register `GET /dev/init-data` (never in production). */
  devLogin: boolean;
  /** `POST /telegram/webhook` (the bot in webhook mode); it checks Telegram's secret token itself. */
  telegramWebhook?: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Folder of the built Mini App; omitted in API-only tests. */
  miniappDir?: string;
  /** Prometheus metrics, served at GET /metrics. */
  metrics?: Metrics;
}

/** A low-cardinality route label: the tRPC procedure(s) for API calls, the route pattern otherwise. */
function routeLabel(url: string, pattern: string | undefined): string {
  const trpc = url.match(/^\/trpc\/([^?]+)/);
  if (trpc?.[1]) return `trpc:${trpc[1].split(',').length > 1 ? 'batch' : trpc[1]}`;
  return pattern ?? 'unmatched';
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export type App = Awaited<ReturnType<typeof buildApp>>;

export async function buildApp(deps: AppDeps) {
  const app = Fastify({
    loggerInstance: deps.logger,
    // We log one line per request ourselves, with secrets stripped from the URL.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { maxParamLength: 5000 },
    bodyLimit: 1024 * 1024,
    forceCloseConnections: 'idle',
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    deps.metrics?.httpRequestDuration.observe(
      { method: req.method, route: routeLabel(req.url, req.routeOptions.url), status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    req.log.info(
      {
        event: 'http.request',
        userId: signedInUserOf(req),
        method: req.method,
        url: scrubUrl(req.url),
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  await app.register(healthRoutes, { checks: deps.readiness });
  if (deps.metrics) {
    const { registry } = deps.metrics;
    app.get('/metrics', async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  }
  if (deps.devLogin) await app.register(devLoginRoutes, { initData: deps.services.initData });
  // Outside the tRPC plugin's scope: that plugin replaces the JSON body parser inside its own scope.
  if (deps.telegramWebhook) app.post('/telegram/webhook', deps.telegramWebhook);

  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: contextFactory(deps.services),
      onError({ error, path, ctx }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          (ctx?.logger ?? deps.logger).error(
            { event: 'api.error', path, userId: ctx?.userId, err: error.cause ?? error },
            'API call failed',
          );
        }
      },
    },
  } satisfies FastifyTRPCPluginOptions<AppRouter>);

  if (deps.miniappDir) await app.register(miniappStatic, { root: deps.miniappDir });
  return app;
}
