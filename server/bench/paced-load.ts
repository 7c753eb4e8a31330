// The open-loop load generator (a worker thread of the API benchmark): one request every 1/rate seconds whatever is
// outstanding, each request's latency measured from when it was due, so a stalled server is charged for every request
// that waited (no coordinated omission).
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Agent, request } from 'undici';
import { percentile, sleep } from './stack.ts';

export interface PacedResult {
  requests: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  failed: number;
  achievedRatePerSecond: number;
  /** How late this generator itself sent its most delayed request: a tail the server did not cause. */
  generatorLateMaxMs: number;
}

export async function paced(url: string, procedure: string, auths: string[], seconds: number, rate: number): Promise<PacedResult> {
  const agent = new Agent({ connections: 64, keepAliveTimeout: 30_000 });
  const interval = 1000 / rate;
  const total = Math.round(seconds * rate);
  const latencies: number[] = [];
  const inflight: Promise<void>[] = [];
  let failed = 0;
  let lateMax = 0;
  const start = performance.now() + 20;
  for (let i = 0; i < total; ) {
    const now = performance.now();
    for (; i < total && start + i * interval <= now; i++) {
      const due = start + i * interval;
      lateMax = Math.max(lateMax, now - due);
      inflight.push(
        request(`${url}/trpc/${procedure}`, { dispatcher: agent, headers: { authorization: auths[i % auths.length]! } }).then(
          async (response) => {
            await response.body.text();
            if (response.statusCode !== 200) failed++;
            else latencies.push(performance.now() - due);
          },
          () => {
            failed++;
          },
        ),
      );
    }
    await sleep(1);
  }
  await Promise.all(inflight);
  const elapsedS = (performance.now() - start) / 1000;
  await agent.close();
  const round = (v: number) => Number(v.toFixed(1));
  return {
    requests: total,
    p50Ms: round(percentile(latencies, 50)),
    p90Ms: round(percentile(latencies, 90)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(Math.max(...latencies)),
    failed,
    achievedRatePerSecond: round(total / elapsedS),
    generatorLateMaxMs: round(lateMax),
  };
}

if (!isMainThread && parentPort) {
  const { url, procedure, auths, seconds, rate } = workerData as {
    url: string;
    procedure: string;
    auths: string[];
    seconds: number;
    rate: number;
  };
  parentPort.postMessage(await paced(url, procedure, auths, seconds, rate));
}
