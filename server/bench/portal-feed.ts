// The portal source of the slot feed (issue 13): with WB's official method switched off, as it is today, how fresh is
// the feed when S sellers share their portal sessions, and how gentle is it with each seller's account? For S = 1, 10
// and 60 sharing sellers, a slot is opened in the sandbox every few seconds at a random moment and the time until the
// feed publishes it is measured; portal report calls per seller per minute and limit violations come from the
// sandbox's own counters. Expected: detection within the rotation period 60 s / S; at most one report a minute per seller.
import { randomUUID } from 'node:crypto';
import { addDays, moscowToday } from '@slotpilot/shared';
import pino from 'pino';
import { PortalSource } from '../src/feed/portal-source.ts';
import { SlotFeed } from '../src/feed/slot-feed.ts';
import { createMemorySharedState } from '../src/platform/kv/memory.ts';
import { startSandbox } from '../src/sandbox/sandbox-app.ts';
import { createHttpTransport } from '../src/wb/http-transport.ts';
import { WbPortalClient } from '../src/wb/portal-client.ts';
import { DEFAULT_PORTAL_READ_INTERVAL_MS, PortalLimiter } from '../src/wb/portal-limiter.ts';
import { percentile, sleep } from './stack.ts';

export interface PortalFeedRun {
  sellers: number;
  durationS: number;
  /** The rotation period the design promises: interval / S. */
  periodS: number;
  openings: number;
  detected: number;
  latencyP50S: number;
  latencyP99S: number;
  latencyMaxS: number;
  /** Portal report calls of one seller within any 60 s window (the busiest seller), and the mean rate per seller. */
  readsPerSellerPerMinuteMax: number;
  readsPerSellerPerMinuteMean: number;
  /** The shortest gap between two report calls of one seller (null when no seller was read twice). */
  minSpacingS: number | null;
  violations: number;
}

export interface PortalFeedResult {
  readIntervalS: number;
  runs: PortalFeedRun[];
}

const WATCHED = [507, 117501, 300461, 217081];
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

export async function runPortalFeed(plan: Array<{ sellers: number; seconds: number }>): Promise<PortalFeedResult> {
  const runs: PortalFeedRun[] = [];
  for (const { sellers, seconds } of plan) runs.push(await runOne(sellers, seconds));
  return { readIntervalS: DEFAULT_PORTAL_READ_INTERVAL_MS / 1000, runs };
}

async function runOne(sellerCount: number, seconds: number): Promise<PortalFeedRun> {
  const sandbox = await startSandbox({ port: 0, host: '127.0.0.1', logger: false });
  await fetch(`${sandbox.url}/__sandbox/scenario`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ running: false }),
  });
  // Every report call, by seller and time, as it leaves for WB.
  const reads = new Map<string, number[]>();
  const http = createHttpTransport();
  const transport: typeof http = {
    send: (endpoint, url, init) => {
      const sid = /x-supplier-id=([^;]+)/.exec(init.headers.cookie ?? '')?.[1];
      if (endpoint === 'coefficientsReport' && sid) reads.set(sid, [...(reads.get(sid) ?? []), Date.now()]);
      return http.send(endpoint, url, init);
    },
    close: () => http.close(),
  };
  const shared = createMemorySharedState();
  const logger = pino({ level: 'warn' });
  const portal = new WbPortalClient({
    portalUrl: sandbox.url,
    authUrl: sandbox.url,
    transport,
    limiter: new PortalLimiter(shared),
    logger,
  });
  const sellers = Array.from({ length: sellerCount }, (_, i) => sandbox.world.createSeller({ name: `Bench seller ${i}` }));
  const feed = new SlotFeed({
    shared,
    sources: [
      new PortalSource({
        portal,
        intervalMs: DEFAULT_PORTAL_READ_INTERVAL_MS,
        logger,
        sessions: {
          list: async () =>
            sellers.map((s, i) => ({ credentialId: s.sid, userId: i + 1, sid: s.sid, session: s.portalSession, share: true })),
          rejected: async () => {},
        },
      }),
    ],
    logger,
    instanceId: randomUUID(),
  });
  await feed.start();
  const today = moscowToday();
  // Close every probe cell first, so an opening is the only way it becomes bookable.
  const probeCells = WATCHED.flatMap((warehouseId) => Array.from({ length: 8 }, (_, d) => ({ warehouseId, date: addDays(today, 3 + d) })));
  for (const cell of probeCells) sandbox.world.setCell(cell.warehouseId, cell.date, 2, { coefficient: -1, allowUnload: false });
  const open = new Map<string, number>();
  const latencies: number[] = [];
  feed.onWarehouseUpdate((slots) => {
    for (const cell of slots.cells) {
      const key = `${slots.warehouseId}:${cell.date}`;
      const openedAt = open.get(key);
      if (openedAt === undefined || cell.boxTypeId !== 2 || cell.coefficient !== 0 || !cell.allowUnload) continue;
      latencies.push((Date.now() - openedAt) / 1000);
      open.delete(key);
      sandbox.world.setCell(slots.warehouseId, cell.date, 2, { coefficient: -1, allowUnload: false });
    }
  });
  try {
    await feed.read(WATCHED, { waitMs: 70_000 });
    const started = Date.now();
    let openings = 0;
    let next = 0;
    while (Date.now() - started < seconds * 1000) {
      const free = probeCells.filter((c) => !open.has(`${c.warehouseId}:${c.date}`));
      const cell = free[next++ % Math.max(1, free.length)];
      if (cell) {
        sandbox.world.setCell(cell.warehouseId, cell.date, 2, { coefficient: 0, allowUnload: true });
        open.set(`${cell.warehouseId}:${cell.date}`, Date.now());
        openings++;
      }
      // Openings at moments unrelated to the rotation: 2–5 s apart.
      await sleep(2_000 + Math.random() * 3_000);
    }
    // Let the openings still pending be seen (one full rotation at most).
    const deadline = Date.now() + DEFAULT_PORTAL_READ_INTERVAL_MS / sellerCount + 5_000;
    while (open.size && Date.now() < deadline) await sleep(250);
    const stats = (await (await fetch(`${sandbox.url}/__sandbox/stats`)).json()) as { violations: number };
    const minutes = (Date.now() - started) / 60_000;
    const perSeller = sellers.map((s) => reads.get(s.sid) ?? []);
    const inAnyMinute = perSeller.map((times) => Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u < t + 60_000).length)));
    const gaps = perSeller.flatMap((times) => times.slice(1).map((t, i) => (t - times[i]!) / 1000));
    const rates = perSeller.map((times) => times.filter((t) => t >= started).length / minutes);
    latencies.sort((a, b) => a - b);
    return {
      sellers: sellerCount,
      durationS: seconds,
      periodS: round(DEFAULT_PORTAL_READ_INTERVAL_MS / 1000 / sellerCount),
      openings,
      detected: latencies.length,
      latencyP50S: round(percentile(latencies, 50)),
      latencyP99S: round(percentile(latencies, 99)),
      latencyMaxS: round(latencies.at(-1) ?? 0),
      readsPerSellerPerMinuteMax: Math.max(...inAnyMinute),
      readsPerSellerPerMinuteMean: round(rates.reduce((a, b) => a + b, 0) / rates.length),
      minSpacingS: gaps.length ? round(Math.min(...gaps)) : null,
      violations: stats.violations,
    };
  } finally {
    await feed.stop();
    await transport.close();
    await sandbox.close();
  }
}
