// API under load: `tasks.list` and `me.get` at 200 requests/s against the server while it runs every stored task, each
// request signed as one of many users with 50 tasks each.
//
// The figure that counts comes from an open-loop generator: one request every 5 ms whatever is outstanding, latency
// measured from when the request was due (so a stalled server is charged for every request that waited, no coordinated
// omission). autocannon runs too, for comparison: its `overallRate` lets each connection fire its per-second quota
// back to back at each second's start (10-deep bursts, not 200/s), and its latency correction for that mode inflates
// slow samples (it takes 1/rate seconds as milliseconds), so its p99 says more about the tool than the server.
import { Worker } from 'node:worker_threads';
import autocannon from 'autocannon';
import type { EngineSession } from './engine.ts';
import type { PacedResult } from './paced-load.ts';
import { loadAverage, metric, procSample, scrape } from './stack.ts';

interface ProcedureResult extends PacedResult {
  procedure: string;
  serverCpuPercent: number;
  /** The server's event-loop delay during the run (prom-client's histogram, reset at the start): where a tail comes from. */
  serverLoopDelayP99Ms: number;
  serverLoopDelayMaxMs: number;
  loadAverage: number[];
  autocannon: { p50Ms: number; p99Ms: number; requestsPerSecond: number; failed: number };
}

export interface ApiResult {
  scenario: 'api';
  ratePerSecond: number;
  secondsPerProcedure: number;
  tasksStored: number;
  tasksPerUser: number;
  procedures: ProcedureResult[];
  pass: boolean;
}

export async function runApiLoad(session: EngineSession, seconds: number, rate = 200): Promise<ApiResult> {
  const { server } = session;
  const auths = session.bulkUsers.slice(0, 40).map((id) => server.authorization(id));
  const procedures: ProcedureResult[] = [];
  for (const procedure of ['tasks.list', 'me.get']) {
    // A short warm-up so JIT and connection pools are in their steady state, as in a server that has been up a while.
    await paced(server.url, procedure, auths, 3, rate);
    await scrape(server.url);
    const before = procSample(server.pid);
    const result = await paced(server.url, procedure, auths, seconds, rate);
    const after = procSample(server.pid);
    const loop = await scrape(server.url);
    const cannon = await autocannon({
      url: `${server.url}/trpc/${procedure}`,
      connections: 10,
      duration: Math.min(seconds, 10),
      overallRate: rate,
      requests: [{ method: 'GET', setupRequest: (r) => ({ ...r, headers: { ...r.headers, authorization: auths[0]! } }) }],
    });
    procedures.push({
      procedure,
      ...result,
      serverCpuPercent: Number((((after.cpuSeconds - before.cpuSeconds) / ((after.at - before.at) / 1000)) * 100).toFixed(1)),
      serverLoopDelayP99Ms: Number((metric(loop, 'nodejs_eventloop_lag_p99_seconds') * 1000).toFixed(1)),
      serverLoopDelayMaxMs: Number((metric(loop, 'nodejs_eventloop_lag_max_seconds') * 1000).toFixed(1)),
      loadAverage: loadAverage(),
      autocannon: {
        p50Ms: cannon.latency.p50,
        p99Ms: cannon.latency.p99,
        requestsPerSecond: Number(cannon.requests.average.toFixed(1)),
        failed: cannon.non2xx + cannon.errors + cannon.timeouts,
      },
    });
    console.error(`  api: ${JSON.stringify(procedures.at(-1))}`);
  }
  return {
    scenario: 'api',
    ratePerSecond: rate,
    secondsPerProcedure: seconds,
    tasksStored: session.bulkTasks + session.latency.length,
    tasksPerUser: 50,
    procedures,
    pass: procedures.every((p) => p.p99Ms < 25 && p.failed === 0 && p.achievedRatePerSecond >= rate * 0.97),
  };
}

/**
 * Open loop: request i is due at start + i / rate; latency runs from then to the last byte of the answer. The generator
 * runs on its own thread: this process also serves the WB sandbox, and a pause of that event loop would otherwise be
 * charged to the server as latency (it measured itself up to 25 ms late before).
 */
function paced(url: string, procedure: string, auths: string[], seconds: number, rate: number): Promise<PacedResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./paced-load.ts', import.meta.url), { workerData: { url, procedure, auths, seconds, rate } });
    worker.once('message', (result: PacedResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`the load generator exited with ${code}`)));
  });
}
