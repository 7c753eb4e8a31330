// Liveness (`/healthz`: the process answers) and readiness (`/readyz`: every dependency answers right now).
import type { FastifyPluginAsync } from 'fastify';

export interface ReadinessCheck {
  name: string;
  /** A failing critical check makes the instance not ready (503); a failing non-critical one only marks it degraded. */
  critical?: boolean;
  /** Resolves with optional details when healthy; throws when not. */
  check(): Promise<Record<string, unknown> | undefined>;
}

export const healthRoutes: FastifyPluginAsync<{ checks: ReadinessCheck[]; production?: boolean }> = async (
  app,
  { checks, production = false },
) => {
  app.get('/healthz', async () => ({ status: 'ok', uptimeS: Math.round(process.uptime()) }));

  app.get('/readyz', async (req, reply) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        const started = performance.now();
        try {
          const details = (await check()) ?? {};
          return [name, { status: 'ok', ms: Math.round(performance.now() - started), ...details }] as const;
        } catch (error) {
          return [
            name,
            {
              status: 'error',
              ms: Math.round(performance.now() - started),
              error: (error as Error).message,
              ...(error as { details?: object }).details,
            },
          ] as const;
        }
      }),
    );
    const failing = (critical: boolean) =>
      results.some(([name, r]) => r.status !== 'ok' && (checks.find((c) => c.name === name)?.critical ?? true) === critical);
    const status = failing(true) ? 'not_ready' : failing(false) ? 'degraded' : 'ready';
    if (status !== 'ready') req.log.warn({ event: 'readiness.failed', status, checks: Object.fromEntries(results) }, status);
    // Production answers the public (the proxy passes /readyz through): which dependency is down, nothing more. Error
    // texts, instance ids and connection details are in the log line above.
    const body = production
      ? { status, checks: Object.fromEntries(results.map(([name, r]) => [name, { status: r.status }])) }
      : { status, checks: Object.fromEntries(results) };
    return reply.code(status === 'not_ready' ? 503 : 200).send(body);
  });
};
