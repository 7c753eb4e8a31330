// buildApp(deps) → a Fastify instance with every route; main.ts and the tests both use it.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { type ErrorCode, errorMessage, type Language, resolveLanguage } from '@slotpilot/shared';
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import { type TRPC_ERROR_CODE_KEY, TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';
import { type ApiServices, contextFactory, signedInUserOf } from './api/context.ts';
import { type AppRouter, appRouter } from './api/router.ts';
import { devLoginRoutes } from './http/dev-login.ts';
import { healthRoutes, type ReadinessCheck } from './http/health.ts';
import { metricsHandler } from './http/metrics-endpoint.ts';
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
  /** Prometheus metrics (HTTP requests are observed whether or not /metrics is served here). */
  metrics?: Metrics;
  /**
   * GET /metrics on this (public) port: `open` (development only), `token` (Bearer METRICS_TOKEN) or `off` (404;
   * served on METRICS_PORT, or not at all).
   */
  metricsAccess?: { mode: 'open' } | { mode: 'token'; token: string } | { mode: 'off' };
  /** Production: /readyz names the failing dependency only (no error text, no instance ids). */
  production?: boolean;
}

/** Limits on what one request may cost before any of our code runs (issue 14). */
export const REQUEST_LIMITS = {
  /** JSON bodies: a batch of 10 `keys.add` with 8 kB secrets fits. The webhook gets Telegram's own size. */
  bodyBytes: 128 * 1024,
  webhookBodyBytes: 1024 * 1024,
  /** Calls in one tRPC batch (the Mini App sends a screen's queries together, well under this). */
  batchSize: 10,
  /** The `:path` of `/trpc/:path`: 10 procedure names joined by commas. */
  paramLength: 300,
  /** Longer URLs get 414; Node itself answers 431 for request lines and headers over 16 kB. */
  urlLength: 8 * 1024,
} as const;

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * A route label with a fixed set of values: a known tRPC procedure (or `batch` of known ones), a registered route's
 * pattern, or `unknown`. Never the raw path: every distinct path would be a new Prometheus series (issue 14).
 */
export function routeLabeller(procedures: ReadonlySet<string>) {
  return (url: string, pattern: string | undefined): string => {
    if (url.startsWith('/trpc/')) {
      const end = url.indexOf('?');
      const names = url.slice('/trpc/'.length, end === -1 ? undefined : end).split(',');
      if (!names.every((name) => procedures.has(name))) return 'trpc:unknown';
      return names.length > 1 ? 'trpc:batch' : `trpc:${names[0]}`;
    }
    return pattern && pattern !== '/trpc/:path' ? pattern : 'unknown';
  };
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** tRPC's error envelope for failures that happen before tRPC runs (Fastify's limits, Node's parser). */
function trpcErrorBody(appCode: ErrorCode, trpcCode: TRPC_ERROR_CODE_KEY, httpStatus: number, language: Language) {
  return {
    error: {
      message: errorMessage(appCode, language),
      code: TRPC_ERROR_CODES_BY_KEY[trpcCode],
      data: { code: trpcCode, httpStatus, appCode },
    },
  };
}

/** Fastify's client errors on tRPC routes, as tRPC-shaped client codes instead of a 500 or Fastify's own JSON. */
function clientFailure(statusCode: number): { appCode: ErrorCode; trpcCode: TRPC_ERROR_CODE_KEY } {
  switch (statusCode) {
    case 405:
      return { appCode: 'METHOD_NOT_ALLOWED', trpcCode: 'METHOD_NOT_SUPPORTED' };
    case 415:
      return { appCode: 'UNSUPPORTED_MEDIA_TYPE', trpcCode: 'UNSUPPORTED_MEDIA_TYPE' };
    case 413:
    case 414:
    case 431:
      return { appCode: 'REQUEST_TOO_LARGE', trpcCode: 'PAYLOAD_TOO_LARGE' };
    case 429:
      return { appCode: 'RATE_LIMITED', trpcCode: 'TOO_MANY_REQUESTS' };
    default:
      return statusCode >= 400 && statusCode < 500
        ? { appCode: 'BAD_INPUT', trpcCode: 'BAD_REQUEST' }
        : { appCode: 'INTERNAL', trpcCode: 'INTERNAL_SERVER_ERROR' };
  }
}

const languageOf = (req: FastifyRequest) => resolveLanguage(req.headers['accept-language']);

/** Node's parser refused the request (headers over 16 kB: 431; anything else: 400), before Fastify saw it. */
function onClientError(error: NodeJS.ErrnoException, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const { appCode, trpcCode } = status === 408 ? { appCode: 'BAD_INPUT' as const, trpcCode: 'TIMEOUT' as const } : clientFailure(status);
  const body = JSON.stringify(trpcErrorBody(appCode, trpcCode, status, 'ru'));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\n` +
        `Connection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

export type App = Awaited<ReturnType<typeof buildApp>>;

export async function buildApp(deps: AppDeps) {
  const routeLabel = routeLabeller(new Set(Object.keys(appRouter._def.procedures)));
  const app = Fastify({
    loggerInstance: deps.logger,
    // We log one line per request ourselves, with secrets stripped from the URL.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { maxParamLength: REQUEST_LIMITS.paramLength },
    bodyLimit: REQUEST_LIMITS.bodyBytes,
    forceCloseConnections: 'idle',
    clientErrorHandler: onClientError,
    // A tRPC path over maxParamLength (414) or a malformed URL (400), in tRPC's shape.
    frameworkErrors(error, req, reply) {
      const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
      const { appCode, trpcCode } = clientFailure(status);
      // frameworkErrors' reply is typed for a route schema it does not have.
      return (reply as FastifyReply).code(status).send(trpcErrorBody(appCode, trpcCode, status, languageOf(req as FastifyRequest)));
    },
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    if (req.url.length > REQUEST_LIMITS.urlLength) {
      const { appCode, trpcCode } = clientFailure(414);
      return reply.code(414).send(trpcErrorBody(appCode, trpcCode, 414, languageOf(req)));
    }
  });
  app.addHook('onResponse', async (req, reply) => {
    deps.metrics?.httpRequestDuration.observe(
      {
        method: KNOWN_METHODS.has(req.method) ? req.method : 'OTHER',
        route: routeLabel(req.url, req.routeOptions.url),
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    req.log.info(
      {
        event: 'http.request',
        userId: signedInUserOf(req),
        method: req.method,
        // Bounded: a log line is not a place to store an 8 kB URL.
        url: scrubUrl(req.url.length > 512 ? `${req.url.slice(0, 512)}…` : req.url),
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });
  // Errors Fastify raises itself (body too large or unparsable, unsupported media type): tRPC's shape under /trpc.
  app.setErrorHandler((error: FastifyError, req, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) req.log.error({ event: 'http.error', err: error }, 'request failed');
    if (req.url.startsWith('/trpc')) {
      const { appCode, trpcCode } = clientFailure(status);
      return reply.code(status).send(trpcErrorBody(appCode, trpcCode, status, languageOf(req)));
    }
    return reply.code(status).send({ error: status >= 500 ? 'Internal Server Error' : error.message, statusCode: status });
  });

  await app.register(healthRoutes, { checks: deps.readiness, production: deps.production ?? false });
  const access = deps.metricsAccess ?? { mode: 'open' };
  if (deps.metrics && access.mode !== 'off') {
    app.get('/metrics', metricsHandler(deps.metrics.registry, access.mode === 'token' ? access.token : undefined));
  }
  if (deps.devLogin) await app.register(devLoginRoutes, { initData: deps.services.initData });
  // Outside the tRPC plugin's scope: that plugin replaces the JSON body parser inside its own scope.
  if (deps.telegramWebhook) app.post('/telegram/webhook', { bodyLimit: REQUEST_LIMITS.webhookBodyBytes }, deps.telegramWebhook);

  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: contextFactory(deps.services),
      maxBatchSize: REQUEST_LIMITS.batchSize,
      maxBodySize: REQUEST_LIMITS.bodyBytes,
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

  if (deps.miniappDir) await app.register(miniappStatic, { root: deps.miniappDir, production: deps.production ?? false });
  return app;
}
