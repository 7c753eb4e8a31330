// GET /metrics for the configured scrapers only: on a separate port (METRICS_PORT), with a bearer token
// (METRICS_TOKEN), or openly outside production when neither is set. Never through the public proxy (Caddyfile).
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/** Compare digests, not strings: the time taken says nothing about how much of the token was right. */
function sameToken(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** A handler that answers the scrape, or 401 without the right `Authorization: Bearer <token>` when a token is set. */
export function metricsHandler(registry: Registry, token: string | undefined) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (token) {
      const header = req.headers.authorization ?? '';
      const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
      if (!sameToken(given, token)) {
        return reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').send({ error: 'metrics need a bearer token' });
      }
    }
    return reply
      .type(registry.contentType)
      .header('cache-control', 'no-store')
      .send(await registry.metrics());
  };
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** A small HTTP server that serves only GET /metrics (and 404 for everything else). */
export async function startMetricsServer(options: {
  port: number;
  host: string;
  registry: Registry;
  token: string | undefined;
  logger: Logger;
}): Promise<MetricsServer> {
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 1024, routerOptions: { maxParamLength: 64 } });
  app.get('/metrics', metricsHandler(options.registry, options.token));
  await app.listen({ port: options.port, host: options.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const url = `http://${host}:${port}`;
  options.logger.info({ event: 'metrics.listening', url }, `metrics are served on ${url}/metrics`);
  return { url, close: () => app.close() };
}
