// Injected misbehaviour: 429s, 5xx, hanging requests and WB's "temporarily disabled" 404, for one endpoint or all,
// for the next N calls or for a while. Hanging requests are tracked so clearing the faults or closing the sandbox
// lets them go instead of leaving sockets (and close()) waiting forever.
import type { OfficialEndpoint, PortalCall } from '../wb/endpoints.ts';

export const FAULT_KINDS = ['429', '5xx', 'timeout', 'disabled'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  endpoint: OfficialEndpoint | PortalCall | '*';
  kind: FaultKind;
  /** Serve the fault to this many calls, then stop. */
  count?: number;
  /** Serve the fault for this long (sandbox clock). Neither count nor duration: until cleared. */
  durationMs?: number;
  /** For "429": the X-Ratelimit-Retry value, in seconds (default 1). */
  retryAfterS?: number;
  /** For "5xx": the status to answer (default 503). */
  status?: number;
}

export interface ActiveFault extends FaultSpec {
  id: number;
  /** Calls still to be served when `count` was given. */
  remaining?: number;
  /** Epoch ms when the fault ends, when `durationMs` was given. */
  until?: number;
  served: number;
}

export class FaultBook {
  private faults: ActiveFault[] = [];
  private nextId = 1;
  private readonly hanging = new Set<() => void>();

  constructor(private readonly clock: () => number) {}

  add(spec: FaultSpec): ActiveFault {
    const fault: ActiveFault = {
      ...spec,
      id: this.nextId++,
      served: 0,
      ...(spec.count !== undefined && { remaining: spec.count }),
      ...(spec.durationMs !== undefined && { until: this.clock() + spec.durationMs }),
    };
    this.faults.push(fault);
    return { ...fault };
  }

  /** The fault to serve to this call, if any; one use of a counted fault is spent. A fault for this very endpoint
   * wins over a "*" one; among equals the newest wins. */
  take(name: OfficialEndpoint | PortalCall): ActiveFault | undefined {
    this.expire();
    const match = this.faults.findLast((f) => f.endpoint === name && live(f)) ?? this.faults.findLast((f) => f.endpoint === '*' && live(f));
    if (!match) return undefined;
    match.served += 1;
    if (match.remaining !== undefined) match.remaining -= 1;
    return { ...match };
  }

  list(): ActiveFault[] {
    this.expire();
    return this.faults.map((f) => ({ ...f }));
  }

  /** Remove every fault and let every hanging request go. */
  clear(): void {
    this.faults = [];
    this.releaseHanging();
  }

  /** Register a request that is being left unanswered; `release` ends it. Returns the unregister function. */
  hang(release: () => void): () => void {
    this.hanging.add(release);
    return () => this.hanging.delete(release);
  }

  get hangingCount(): number {
    return this.hanging.size;
  }

  releaseHanging(): void {
    const all = [...this.hanging];
    this.hanging.clear();
    for (const release of all) release();
  }

  private expire(): void {
    const now = this.clock();
    this.faults = this.faults.filter((f) => (f.remaining === undefined || f.remaining > 0) && (f.until === undefined || f.until > now));
  }
}

const live = (f: ActiveFault) => f.remaining === undefined || f.remaining > 0;
