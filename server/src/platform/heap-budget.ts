// The V8 heap budget every server process runs with: `pnpm start`, the Docker image (NODE_OPTIONS, so operators can
// override it) and the benchmarks' child process. A test keeps the three in step.
//
// Why: V8 sizes its heap from the machine's memory, not from what the process needs. On a 24 GiB host it keeps a 128 MB
// young generation and lets old-space garbage grow to ~4× the live heap, so an instance running 10,000 tasks (~110 MB
// live) sat at 780–840 MB RSS. With these limits the same run stays near 340 MB with the same event-loop lag and CPU
// (issue 8, bench/results/scale.json). 320 MB of old space is ~4× what 10,000 parked tasks need; raise it with
// NODE_OPTIONS for an instance that must hold much more.

/** Young generation: 16 MB semi-spaces (scavenges stay short; V8's default here is 64 MB). Old space: 320 MB. */
export const SERVER_HEAP_FLAGS = ['--max-semi-space-size=16', '--max-old-space-size=320'] as const;
