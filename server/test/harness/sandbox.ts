// A WB sandbox on a free port for a test file, driven through its public control API (the same one scripts use).
import { startSandbox } from '../../src/sandbox/sandbox-app.ts';

export interface SandboxSeller {
  sid: string;
  name: string;
  apiToken: string;
  portalSession: string;
  preorders: Array<{ id: string | number; warehouseId: number; boxTypeId: number }>;
}

export interface SandboxStats {
  /** Limit violations of either budget (official API and portal). */
  violations: number;
  portalViolations: number;
  portalViolationsBySeller: Record<string, number>;
  /** Captcha challenges served (plan/add, transfer/order). */
  captchas: number;
  requests: Record<string, Record<string, number>>;
  throttled: number;
  bookings: Array<{ sid: string; preorderId: string | number; warehouseId: number; date: string; supplyId: string }>;
  transfers: Array<Record<string, unknown>>;
}

export interface TestSandbox {
  url: string;
  createSeller(options?: {
    name?: string;
    captcha?: boolean;
    tokenExpiresInS?: number;
    categories?: number;
    accessType?: number;
    sessionExpiresInS?: number;
    lkTokenTtlS?: number;
  }): Promise<SandboxSeller>;
  /** WB's official coefficients/warehouses/options methods on or off (off by default, as on today's WB). */
  official(enabled: boolean): Promise<void>;
  setCell(cell: { warehouseId: number; date: string; boxTypeId: number; coefficient: number; allowUnload: boolean }): Promise<void>;
  fault(fault: {
    endpoint: string;
    kind: '429' | '5xx' | 'timeout' | 'disabled';
    count?: number;
    durationMs?: number;
    retryAfterS?: number;
  }): Promise<void>;
  clearFaults(): Promise<void>;
  scenario(settings: { running?: boolean; seed?: number; tickMs?: number; changesPerTick?: number }): Promise<void>;
  stats(): Promise<SandboxStats>;
  /** Requests a seller made to one endpoint, as the sandbox counted them. */
  requests(sid: string, endpoint: string): Promise<number>;
  close(): Promise<void>;
}

export async function startTestSandbox(): Promise<TestSandbox> {
  const sandbox = await startSandbox({ port: 0, host: '127.0.0.1', logger: false, scenario: { running: false } });
  const url = sandbox.url;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`sandbox ${method} ${path} → ${response.status}: ${await response.text()}`);
    return response.status === 204 ? undefined : response.json();
  };
  const stats = () => call('GET', '/__sandbox/stats') as Promise<SandboxStats>;
  return {
    url,
    createSeller: (options = {}) => call('POST', '/__sandbox/sellers', options) as Promise<SandboxSeller>,
    setCell: async (cell) => void (await call('POST', '/__sandbox/coefficients', cell)),
    fault: async (fault) => void (await call('POST', '/__sandbox/faults', fault)),
    clearFaults: async () => void (await call('DELETE', '/__sandbox/faults')),
    official: async (enabled) => void (await call('POST', '/__sandbox/official', { enabled })),
    scenario: async (settings) => void (await call('POST', '/__sandbox/scenario', settings)),
    stats,
    requests: async (sid, endpoint) => (await stats()).requests[sid]?.[endpoint] ?? 0,
    close: () => sandbox.close(),
  };
}
