// Imported first by main.ts, so it runs before any other module allocates: V8's allocation-site pretenuring is off in
// the server process.
//
// Why: pretenuring lets V8 allocate objects from a code site straight into old space once it has seen most of them
// survive a scavenge. The pg driver's row objects do survive while an instance claims and holds thousands of tasks,
// and once V8 had decided so, every row of every later query (50 per `tasks.list`) went to old space and died there:
// a major GC every ~5 s, and the API's p99 followed those pauses. An allocation profile of the objects that outlived a
// scavenge, 15 s at 200 `tasks.list` calls a second (issue 8): 126 MB, 53 MB of them pg rows → 43 MB, 3 MB pg rows;
// `tasks.list` p99 25–30 ms → 14–19 ms, server CPU 38 → 31–36 % of a core.
//
// V8 refuses this flag in NODE_OPTIONS, so it is set here; it only steers decisions V8 makes from now on.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-allocation-site-pretenuring');
