// Liveness (`/healthz`: the process answers) and readiness (`/readyz`: every dependency answers right now).
import type { FastifyPluginAsync } from 'fastify';

export interface ReadinessCheck {
  name: string;
  /** Resolves with optional details when healthy; throws when not. */
  check(): Promise<Record<string, unknown> | undefined>;
}

export const healthRoutes: FastifyPluginAsync<{ checks: ReadinessCheck[] }> = async (app, { checks }) => {
  app.get('/healthz', async () => ({ status: 'ok', uptimeS: Math.round(process.uptime()) }));

  app.get('/readyz', async (req, reply) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        const started = performance.now();
        try {
          const details = (await check()) ?? {};
          return [name, { status: 'ok', ms: Math.round(performance.now() - started), ...details }] as const;
        } catch (error) {
          return [name, { status: 'error', ms: Math.round(performance.now() - started), error: (error as Error).message }] as const;
        }
      }),
    );
    const ready = results.every(([, r]) => r.status === 'ok');
    if (!ready) req.log.warn({ event: 'readiness.failed', checks: Object.fromEntries(results) }, 'not ready');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries(results) });
  });
};
