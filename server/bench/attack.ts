// Issue 14's attacks against a real server process (child of src/main.ts, PostgreSQL, Redis, the WB sandbox): what each
// costs the server. Measured: /healthz latency before, during and after (a prober every 50 ms while the attacks run),
// RSS, /metrics size, and the status codes each attack got. Tests show each attack refused with the right code; this
// shows that refusing them is cheap.
import path from 'node:path';
import { addDays, moscowToday } from '@slotpilot/shared';
import { BENCH_METRICS_TOKEN, percentile, procSample, type Stack, sleep, startServer, stopServer } from './stack.ts';

interface AttackRun {
  name: string;
  requests: number;
  /** HTTP status → count. */
  statuses: Record<string, number>;
  seconds: number;
}

interface Health {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  samples: number;
}

export interface AttackResult {
  scenario: 'attack';
  attacks: AttackRun[];
  healthz: { before: Health; during: Health; after: Health };
  rssMb: { before: number; after: number };
  /** Before the attacks, after 2,000 unknown paths, after 2,000 more, after everything. */
  metricsBytes: { before: number; afterFirstRound: number; afterSecondRound: number; after: number };
  serverErrors: number;
  pass: boolean;
}

const round = (v: number) => Math.round(v * 10) / 10;

function health(samples: number[]): Health {
  return {
    p50Ms: round(percentile(samples, 50)),
    p99Ms: round(percentile(samples, 99)),
    maxMs: round(Math.max(...samples)),
    samples: samples.length,
  };
}

async function timedHealthz(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/healthz`);
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`/healthz answered ${response.status}`);
  return performance.now() - started;
}

async function sequentialHealthz(url: string, count: number): Promise<Health> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) samples.push(await timedHealthz(url));
  return health(samples);
}

/** `count` requests made by `make`, `concurrency` at a time; the statuses they got. */
async function flood(name: string, count: number, concurrency: number, make: (i: number) => Promise<Response>): Promise<AttackRun> {
  const statuses: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const status = await make(i).then(
          async (r) => {
            await r.arrayBuffer();
            return String(r.status);
          },
          () => 'error',
        );
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  return { name, requests: count, statuses, seconds: round((performance.now() - started) / 1000) };
}

export async function runAttack(stack: Stack): Promise<AttackResult> {
  const databaseUrl = await stack.database('attack');
  // The production API rate limit (the other scenarios lift it: their load is not an attack).
  const server = await startServer(stack, {
    databaseUrl,
    dataDir: path.join(stack.dir, 'attack-data'),
    leaseMs: 15_000,
    extra: { API_RATE_LIMIT: '120' },
  });
  try {
    const { url } = server;
    const scrapeBytes = async () =>
      (await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` } })).text()).length;
    const auth = (userId: number) => ({ authorization: server.authorization(userId), 'content-type': 'application/json' });
    // Warm-up: JIT, pools, the users' rows.
    for (const userId of [1, 2, 3, 4]) await fetch(`${url}/trpc/me.get`, { headers: auth(userId) });
    await sequentialHealthz(url, 100);
    const before = await sequentialHealthz(url, 200);
    const rssBefore = procSample(server.pid).rssBytes;
    const metricsBefore = await scrapeBytes();

    const probe: number[] = [];
    let probing = true;
    const prober = (async () => {
      while (probing) {
        probe.push(await timedHealthz(url));
        await sleep(50);
      }
    })();

    const today = moscowToday();
    const attacks: AttackRun[] = [];
    // Two rounds of new paths: the first adds the few fixed series an unknown route and a 404 need; the second must add
    // nothing (the size of /metrics does not depend on the paths requested).
    attacks.push(await flood('2,000 unknown /trpc paths, no login', 2_000, 50, (i) => fetch(`${url}/trpc/attack${i}.${'x'.repeat(200)}`)));
    const metricsAfterFirstRound = await scrapeBytes();
    attacks.push(await flood('2,000 more unknown paths', 2_000, 50, (i) => fetch(`${url}/trpc/other${i}.${'y'.repeat(200)}`)));
    const metricsAfterSecondRound = await scrapeBytes();
    attacks.push(
      await flood('oversized: 1 MB bodies, 10 kB URLs, 20 kB headers, 300-call batches', 400, 20, (i) => {
        switch (i % 4) {
          case 0:
            return fetch(`${url}/trpc/keys.add`, {
              method: 'POST',
              headers: auth(1),
              body: JSON.stringify({ secret: 'a'.repeat(1 << 20) }),
            });
          case 1:
            return fetch(`${url}/trpc/me.get?input=${'a'.repeat(10_000)}`);
          case 2:
            return fetch(`${url}/trpc/me.get`, { headers: { 'x-pad': 'p'.repeat(20_000) } });
          default:
            return fetch(`${url}/trpc/${Array.from({ length: 300 }, () => 'tasks.create').join(',')}?batch=1`, {
              method: 'POST',
              headers: auth(1),
              body: '{}',
            });
        }
      }),
    );
    const range = (from: string, to: string) =>
      encodeURIComponent(JSON.stringify({ warehouseIds: [507], boxTypeId: 2, dateFrom: from, dateTo: to }));
    attacks.push(
      await flood('slots.calendar 0001…9999 and 2000…2030, signed in', 100, 10, (i) =>
        fetch(`${url}/trpc/slots.calendar?input=${i % 2 ? range('0001-01-01', '9999-12-31') : range('2000-01-01', '2030-12-31')}`, {
          headers: auth(2),
        }),
      ),
    );
    attacks.push(
      await flood('junk keys.add (12+ characters, some JSON-looking), one user', 1_000, 20, (i) =>
        fetch(`${url}/trpc/keys.add`, {
          method: 'POST',
          headers: auth(3),
          body: JSON.stringify({
            kind: 'api_token',
            name: 'junk',
            secret: i % 2 ? `"service":"slotpilot"${i}` : `junk-secret-${i}-${'z'.repeat(100)}`,
          }),
        }),
      ),
    );
    const create = JSON.stringify(
      Object.fromEntries(
        Array.from({ length: 10 }, (_, i) => [
          i,
          {
            kind: 'supply',
            mode: 'notify',
            warehouseIds: [507],
            boxTypeId: 2,
            dateFrom: today,
            dateTo: addDays(today, 5),
            maxCoefficient: 0,
          },
        ]),
      ),
    );
    attacks.push(
      await flood('34 concurrent batches of 10 tasks.create, one user', 34, 34, () =>
        fetch(`${url}/trpc/${Array.from({ length: 10 }, () => 'tasks.create').join(',')}?batch=1`, {
          method: 'POST',
          headers: auth(4),
          body: create,
        }),
      ),
    );
    probing = false;
    await prober;

    const after = await sequentialHealthz(url, 200);
    const rssAfter = procSample(server.pid).rssBytes;
    const metricsAfter = await scrapeBytes();
    const serverErrors = attacks.reduce(
      (sum, a) => sum + Object.entries(a.statuses).reduce((s, [status, n]) => s + (status === 'error' || status >= '500' ? n : 0), 0),
      0,
    );
    const during = health(probe);
    const result: AttackResult = {
      scenario: 'attack',
      attacks,
      healthz: { before, during, after },
      rssMb: { before: Math.round(rssBefore / 2 ** 20), after: Math.round(rssAfter / 2 ** 20) },
      metricsBytes: {
        before: metricsBefore,
        afterFirstRound: metricsAfterFirstRound,
        afterSecondRound: metricsAfterSecondRound,
        after: metricsAfter,
      },
      serverErrors,
      // Flooded by 50 connections from the same two cores, /healthz waits for a core, not for us: what matters is that it
      // never stalls (before issue 14 one calendar call froze it for minutes), and that afterwards it is as fast as before.
      pass:
        serverErrors === 0 &&
        metricsAfterSecondRound - metricsAfterFirstRound < 1_000 &&
        rssAfter - rssBefore < 64 * 2 ** 20 &&
        during.maxMs < 1_000 &&
        after.p99Ms < Math.max(10, 2 * before.p99Ms),
    };
    return result;
  } finally {
    await stopServer(server);
  }
}
