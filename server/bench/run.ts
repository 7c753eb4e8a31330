// `pnpm bench`: runs each benchmark scenario (bounded in time), writes bench/results/<scenario>.json, prints a table.
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { runFeedFreshness } from './feed-freshness.ts';

const resultsDir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
const durationS = Number(process.env.BENCH_FEED_SECONDS ?? 120);

await mkdir(resultsDir, { recursive: true });
const feed = await runFeedFreshness(durationS);
await writeFile(`${resultsDir}feed-freshness.json`, `${JSON.stringify({ ...feed, at: new Date().toISOString() }, null, 2)}\n`);

const rows: Array<[string, string, string, string]> = [
  [
    'feed freshness',
    `max age of any watched warehouse (${feed.sellers} sellers, ${feed.warehouses} warehouses, ${feed.durationS} s)`,
    `${feed.maxAgeS} s (p50 ${feed.p50IntervalS} s, p99 ${feed.p99IntervalS} s)`,
    '≤ 3.5 s',
  ],
  ['feed economy', 'WB coefficient calls per minute', `${feed.upstreamCallsPerMinute}`, 'flat in readers'],
  [
    'feed coalescing',
    `upstream calls for ${feed.concurrentReaders} concurrent readers of one warehouse`,
    `${feed.callsForConcurrentReaders}`,
    '1',
  ],
  ['WB limits', 'violations counted by the sandbox', `${feed.violations}`, '0'],
];
const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['scenario', 'measure', 'result', 'target'][i]!.length));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(line(['scenario', 'measure', 'result', 'target']));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of rows) console.log(line(row));
console.log(`\nmachine: ${feed.machine}`);
