// Benchmark: how fresh the shared feed keeps every watched warehouse with three sellers lending their budgets, what it
// costs upstream, and whether any WB limit is broken. Against the WB sandbox over HTTP, in one process.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import pino from 'pino';
import { OfficialSource } from '../src/feed/official-source.ts';
import { SlotFeed } from '../src/feed/slot-feed.ts';
import { createMemorySharedState } from '../src/platform/kv/memory.ts';
import { startSandbox } from '../src/sandbox/sandbox-app.ts';
import { createHttpTransport } from '../src/wb/http-transport.ts';
import { WbOfficialClient } from '../src/wb/official-client.ts';
import { SellerRateLimiter } from '../src/wb/seller-rate-limiter.ts';

export interface FeedFreshnessResult {
  scenario: 'feed-freshness';
  durationS: number;
  sellers: number;
  warehouses: number;
  maxAgeS: number;
  p50IntervalS: number;
  p99IntervalS: number;
  upstreamCallsPerMinute: number;
  violations: number;
  concurrentReaders: number;
  callsForConcurrentReaders: number;
  machine: string;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

export async function runFeedFreshness(durationS: number): Promise<FeedFreshnessResult> {
  const sandbox = await startSandbox({ port: 0, host: '127.0.0.1', logger: false });
  const transport = createHttpTransport();
  const shared = createMemorySharedState();
  const official = new WbOfficialClient({
    commonApiUrl: sandbox.url,
    suppliesApiUrl: sandbox.url,
    transport,
    limiter: new SellerRateLimiter(shared),
  });
  const sellers = [0, 1, 2].map((i) => sandbox.world.createSeller({ name: `Bench seller ${i}` }));
  // The official method is off on today's WB (and so in the sandbox by default); this scenario measures the official
  // source for the day WB turns it back on.
  await fetch(`${sandbox.url}/__sandbox/official`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ enabled: true }),
  });
  const logger = pino({ level: 'warn' });
  const credentials = {
    list: async () => sellers.map((s) => ({ sid: s.sid, token: s.apiToken, credentialId: s.sid })),
    rejected: async () => {},
  };
  const feed = new SlotFeed({
    shared,
    sources: [new OfficialSource({ official, credentials, logger })],
    logger,
    instanceId: randomUUID(),
  });
  await feed.start();
  try {
    const warehouses = (await (
      await fetch(`${sandbox.url}/api/v1/warehouses`, { headers: { authorization: sellers[0]!.apiToken } })
    ).json()) as Array<{ ID: number }>;
    const ids = warehouses.map((w) => w.ID);

    // 1,000 readers of one cold warehouse at once.
    const readers = 1_000;
    const before = feed.counters.upstreamCalls;
    await Promise.all(Array.from({ length: readers }, () => feed.read([ids[0]!], { waitMs: 15_000 })));
    const callsForConcurrentReaders = feed.counters.upstreamCalls - before;

    // Then every warehouse, for the whole run.
    const seen = new Map<number, number[]>();
    feed.onWarehouseUpdate((slots) => seen.set(slots.warehouseId, [...(seen.get(slots.warehouseId) ?? []), slots.fetchedAt]));
    await feed.read(ids, { waitMs: 15_000 });
    const started = Date.now();
    const callsAtStart = feed.counters.upstreamCalls;
    const keepWatching = setInterval(() => feed.watch(ids), 30_000);
    await new Promise((resolve) => setTimeout(resolve, durationS * 1000));
    clearInterval(keepWatching);
    const elapsedS = (Date.now() - started) / 1000;

    const intervals: number[] = [];
    for (const times of seen.values()) for (let i = 1; i < times.length; i++) intervals.push((times[i]! - times[i - 1]!) / 1000);
    intervals.sort((a, b) => a - b);
    const stats = sandbox.stats.snapshot();
    return {
      scenario: 'feed-freshness',
      durationS: Math.round(elapsedS),
      sellers: sellers.length,
      warehouses: ids.length,
      maxAgeS: Number((intervals.at(-1) ?? 0).toFixed(2)),
      p50IntervalS: Number(percentile(intervals, 50).toFixed(2)),
      p99IntervalS: Number(percentile(intervals, 99).toFixed(2)),
      upstreamCallsPerMinute: Number((((feed.counters.upstreamCalls - callsAtStart) / elapsedS) * 60).toFixed(1)),
      violations: stats.violations,
      concurrentReaders: readers,
      callsForConcurrentReaders,
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    };
  } finally {
    await feed.stop();
    await transport.close();
    await sandbox.close();
  }
}
