// Portal calls per seller account in the last minute, counted in this process (for /metrics): proof that we stay gentle.
// Bounded: timestamps older than the window are dropped as they are counted, a seller idle for two minutes is forgotten,
// and past `maxSellers` the longest-idle seller goes first.

export interface PortalCallWindowOptions {
  windowMs?: number;
  idleMs?: number;
  maxSellers?: number;
  now?: () => number;
}

export class PortalCallWindow {
  private readonly calls = new Map<string, number[]>();
  private readonly windowMs: number;
  private readonly idleMs: number;
  private readonly maxSellers: number;
  private readonly now: () => number;

  constructor(options: PortalCallWindowOptions = {}) {
    this.windowMs = options.windowMs ?? 60_000;
    this.idleMs = options.idleMs ?? 120_000;
    this.maxSellers = options.maxSellers ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  record(sid: string): void {
    const now = this.now();
    const times = this.calls.get(sid) ?? [];
    // Re-inserting keeps the map in order of last activity, so the first key is the longest idle.
    this.calls.delete(sid);
    times.push(now);
    prune(times, now - this.windowMs);
    this.calls.set(sid, times);
    if (this.calls.size > this.maxSellers) {
      const oldest = this.calls.keys().next().value;
      if (oldest !== undefined) this.calls.delete(oldest);
    }
  }

  /** Calls per seller in the last window; sellers idle longer than `idleMs` are dropped on the way. */
  snapshot(): Map<string, number> {
    const now = this.now();
    const counts = new Map<string, number>();
    for (const [sid, times] of this.calls) {
      const last = times[times.length - 1];
      if (last === undefined || now - last > this.idleMs) {
        this.calls.delete(sid);
        continue;
      }
      prune(times, now - this.windowMs);
      counts.set(sid, times.length);
    }
    return counts;
  }
}

function prune(times: number[], after: number): void {
  let stale = 0;
  while (stale < times.length && (times[stale] ?? 0) <= after) stale++;
  if (stale > 0) times.splice(0, stale);
}
