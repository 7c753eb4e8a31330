// Prometheus metrics (prom-client) in one registry built per process (no global registry): event-driven metrics are
// observed where things happen; state-like ones (feed ages, actors by state, backlog) are read at scrape time.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics() {
  const registry = new Registry();
  // Includes event-loop lag (nodejs_eventloop_lag_*), heap, GC and CPU.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const registers = [registry];

  return {
    registry,
    httpRequestDuration: new Histogram({
      name: 'slotpilot_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    wbCallDuration: new Histogram({
      name: 'slotpilot_wb_call_duration_seconds',
      help: 'Calls to WB (official API and portal) by endpoint and HTTP status (or "error")',
      labelNames: ['endpoint', 'status'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    wbRateLimited: new Counter({
      name: 'slotpilot_wb_rate_limited_total',
      help: '429 answers from WB, by endpoint',
      labelNames: ['endpoint'] as const,
      registers,
    }),
    wbPortalCalls: new Counter({
      name: 'slotpilot_wb_portal_calls_total',
      help: 'Requests to the WB seller portal by call and HTTP status (or "error")',
      labelNames: ['call', 'status'] as const,
      registers,
    }),
    limiterWaitSeconds: new Histogram({
      name: 'slotpilot_limiter_wait_seconds',
      help: 'Time spent waiting for a seller bucket before a WB call',
      labelNames: ['endpoint'] as const,
      buckets: [0, 0.1, 0.5, 1, 2.5, 5, 10, 20],
      registers,
    }),
    limiterRefusals: new Counter({
      name: 'slotpilot_limiter_refusals_total',
      help: 'Calls our limiter refused because the seller bucket was spent',
      labelNames: ['endpoint'] as const,
      registers,
    }),
    transitions: new Counter({
      name: 'slotpilot_actor_transitions_total',
      help: 'Top-level state changes of task actors',
      labelNames: ['from', 'to'] as const,
      registers,
    }),
    bookings: new Counter({
      name: 'slotpilot_bookings_total',
      help: 'Finished acts by outcome (booked, notified, gone, failed, needs-action, no-credits)',
      labelNames: ['kind', 'outcome'] as const,
      registers,
    }),
    /** A gauge whose values are read from `collect` at scrape time. */
    gauge<L extends string>(
      name: string,
      help: string,
      labelNames: readonly L[],
      collect: (set: (labels: Record<L, string | number>, value: number) => void) => void | Promise<void>,
    ) {
      return new Gauge({
        name,
        help,
        labelNames,
        registers,
        async collect() {
          this.reset();
          await collect((labels, value) => this.set(labels as never, value));
        },
      });
    },
  };
}
