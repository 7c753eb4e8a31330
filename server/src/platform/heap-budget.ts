// The V8 heap budget and garbage-collector setting every server process runs with: `pnpm start`, the Docker image and
// the benchmarks' child process. A test keeps the three in step.
//
// Why: V8 sizes its heap from the machine's memory, not from what the process needs. On a 24 GiB host it keeps a 128 MB
// young generation and lets old-space garbage grow to ~4× the live heap, so an instance running 10,000 tasks (~110 MB
// live) sat at 780–840 MB RSS. With these limits the same run stays near 340 MB with the same event-loop lag and CPU
// (issue 8, bench/results/scale.json). 320 MB of old space is ~4× what 10,000 parked tasks need; raise it with
// NODE_OPTIONS for an instance that must hold much more.

/**
 * In NODE_OPTIONS, so operators can override them. Young generation: 16 MB semi-spaces (scavenges stay short; V8's
 * default here is 64 MB). Old space: 320 MB.
 */
export const SERVER_HEAP_FLAGS = ['--max-semi-space-size=16', '--max-old-space-size=320'] as const;

/**
 * On the command line (V8 refuses it in NODE_OPTIONS), so it holds from the process's first allocation: allocation-site
 * pretenuring off.
 *
 * Pretenuring lets V8 allocate objects from a code site straight into old space once it has seen most of them survive a
 * scavenge. The pg driver's row objects do survive while an instance claims and holds thousands of tasks; once V8 had
 * decided so, every row of every later query (50 per `tasks.list`) went to old space and died there: a major GC every
 * ~5 s, and the API's p99 followed those pauses. Objects that outlived a scavenge in 15 s at 200 `tasks.list` calls a
 * second (issue 8, a sampling heap profile): 126 MB, 53 MB of them pg rows → 36–43 MB, 3 MB of pg rows. Set from
 * inside the process instead (v8.setFlagsFromString, after the module graph had loaded), the p99 did not improve.
 */
export const SERVER_V8_FLAGS = ['--no-allocation-site-pretenuring'] as const;
