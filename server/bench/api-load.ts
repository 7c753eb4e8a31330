// API under load: `tasks.list` and `me.get` at a fixed rate (autocannon, latencies corrected for coordinated omission)
// against the server while it runs every stored task, each request signed as one of many users with 50 tasks each.
import autocannon from 'autocannon';
import type { EngineSession } from './engine.ts';
import { loadAverage, procSample } from './stack.ts';

export interface ApiResult {
  scenario: 'api';
  ratePerSecond: number;
  secondsPerProcedure: number;
  tasksStored: number;
  tasksPerUser: number;
  procedures: Array<{
    procedure: string;
    p50Ms: number;
    p90Ms: number;
    p99Ms: number;
    maxMs: number;
    requestsPerSecond: number;
    non2xx: number;
    errors: number;
    serverCpuPercent: number;
    loadAverage: number[];
  }>;
  pass: boolean;
}

export async function runApiLoad(session: EngineSession, seconds: number, rate = 200): Promise<ApiResult> {
  const { server } = session;
  const auths = session.bulkUsers.slice(0, 40).map((id) => server.authorization(id));
  const procedures: ApiResult['procedures'] = [];
  for (const procedure of ['tasks.list', 'me.get']) {
    // A short warm-up so JIT and connection pools are in their steady state, as in a server that has been up a while.
    await cannon(server.url, procedure, auths, 3, rate);
    const before = procSample(server.pid);
    const result = await cannon(server.url, procedure, auths, seconds, rate);
    const after = procSample(server.pid);
    procedures.push({
      procedure,
      p50Ms: result.latency.p50,
      p90Ms: result.latency.p90,
      p99Ms: result.latency.p99,
      maxMs: result.latency.max,
      requestsPerSecond: Number(result.requests.average.toFixed(1)),
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      serverCpuPercent: Number((((after.cpuSeconds - before.cpuSeconds) / ((after.at - before.at) / 1000)) * 100).toFixed(1)),
      loadAverage: loadAverage(),
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
    pass: procedures.every((p) => p.p99Ms < 25 && p.non2xx === 0 && p.errors === 0 && p.requestsPerSecond >= rate * 0.95),
  };
}

function cannon(url: string, procedure: string, auths: string[], seconds: number, rate: number) {
  let next = 0;
  return autocannon({
    url: `${url}/trpc/${procedure}`,
    connections: 10,
    duration: seconds,
    overallRate: rate,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => ({ ...request, headers: { ...request.headers, authorization: auths[next++ % auths.length]! } }),
      },
    ],
  });
}
