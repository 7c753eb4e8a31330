// What the sandbox saw: requests per seller and endpoint, 429s, limit violations (official and portal), faults served,
// captcha refusals, bookings, transfers. A client that honours WB's limits causes zero violations; fault-injected 429s
// never count as violations.

export interface BookingRecord {
  sid: string;
  preorderId: number;
  warehouseId: number;
  boxTypeId: number;
  date: string;
  supplyId: string;
  at: string;
}

export interface TransferRecord {
  sid: string;
  nmID: number;
  chrtID: number;
  srcOfficeID: number;
  dstOfficeID: number;
  count: number;
  requestId: string;
  at: string;
}

type PerSeller = Record<string, Record<string, number>>;

export interface StatsSnapshot {
  /** 429s the limiters served because a seller's bucket was empty: official and portal together. */
  violations: number;
  /** Authenticated calls, per seller sid and endpoint / portal call name. */
  requests: PerSeller;
  /** Every 429 served (violations + injected). */
  throttled: number;
  /** Responses shaped by an injected fault. */
  faultsServed: number;
  bookings: BookingRecord[];
  transfers: TransferRecord[];
  /** Violations per seller and endpoint or portal call (the two sets of names do not overlap): who broke a limit, where. */
  violationsBySeller: PerSeller;
  /** The portal's share of `violations` (its own per-seller buckets, PORTAL_SANDBOX_LIMITS). */
  portalViolations: number;
  /** The portal's share of `violationsBySeller`. */
  portalViolationsBySeller: PerSeller;
  /** plan/add and transfer/order calls answered "captcha required" (−32002). */
  captchas: number;
  /** Requests refused with 401 (no, unknown, expired or wrong-category credentials). */
  unauthorized: number;
}

export class SandboxStats {
  private data: StatsSnapshot = empty();

  request(sid: string, name: string): void {
    bump(this.data.requests, sid, name);
  }

  violation(sid: string, name: string, surface: 'official' | 'portal' = 'official'): void {
    this.data.violations += 1;
    this.data.throttled += 1;
    bump(this.data.violationsBySeller, sid, name);
    if (surface === 'portal') {
      this.data.portalViolations += 1;
      bump(this.data.portalViolationsBySeller, sid, name);
    }
  }

  captcha(): void {
    this.data.captchas += 1;
  }

  fault(kind: string): void {
    this.data.faultsServed += 1;
    if (kind === '429') this.data.throttled += 1;
  }

  unauthorized(): void {
    this.data.unauthorized += 1;
  }

  booking(record: BookingRecord): void {
    this.data.bookings.push(record);
  }

  transfer(record: TransferRecord): void {
    this.data.transfers.push(record);
  }

  /** A deep copy: callers (and JSON responses) never hold live state. */
  snapshot(): StatsSnapshot {
    return structuredClone(this.data);
  }

  reset(): void {
    this.data = empty();
  }
}

function empty(): StatsSnapshot {
  return {
    violations: 0,
    requests: {},
    throttled: 0,
    faultsServed: 0,
    bookings: [],
    transfers: [],
    violationsBySeller: {},
    portalViolations: 0,
    portalViolationsBySeller: {},
    captchas: 0,
    unauthorized: 0,
  };
}

function bump(table: PerSeller, sid: string, name: string): void {
  const row = table[sid] ?? {};
  row[name] = (row[name] ?? 0) + 1;
  table[sid] = row;
}
