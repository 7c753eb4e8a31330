// A sandbox on a free port with a clock the test owns and the scenario stopped, plus thin HTTP helpers.
// Everything goes over real HTTP (fetch), as the product talks to WB.

import { type RunningSandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/sandbox-app.ts';
import type { CreatedSeller, NewSellerOptions } from '../../src/sandbox/world.ts';
import { OFFICIAL_ENDPOINTS, type OfficialEndpoint, PORTAL_PATHS, type PortalCall } from '../../src/wb/endpoints.ts';

/** Noon in Moscow: far from midnight, so no test crosses a day by accident. */
export const NOON_MSK = Date.parse('2026-11-22T09:00:00Z');

export interface FakeClock {
  now: number;
  advance(ms: number): void;
}

export interface Testbed {
  sandbox: RunningSandbox;
  url: string;
  clock: FakeClock;
  control<T = unknown>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; body: T }>;
  createSeller(options?: NewSellerOptions): Promise<CreatedSeller>;
  official(
    endpoint: OfficialEndpoint,
    token: string | undefined,
    request?: { query?: string; body?: unknown; signal?: AbortSignal },
  ): Promise<Response>;
  portal(
    call: PortalCall,
    session: string | undefined,
    params?: unknown,
    headers?: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Response>;
  /** A JSON-RPC call that must answer HTTP 200; returns the envelope. */
  rpc<T = Record<string, unknown>>(
    call: PortalCall,
    session: string,
    params?: unknown,
    headers?: Record<string, string>,
  ): Promise<RpcAnswer<T>>;
  close(): Promise<void>;
}

export interface RpcAnswer<T = Record<string, unknown>> {
  jsonrpc: string;
  id: string | number | null;
  result?: T;
  error?: { code: number; message: string; data?: Record<string, unknown> };
}

let rpcId = 0;

export async function startTestbed(options: SandboxOptions = {}): Promise<Testbed> {
  const clock: FakeClock = {
    now: NOON_MSK,
    advance(ms) {
      this.now += ms;
    },
  };
  const sandbox = await startSandbox({ port: 0, host: '127.0.0.1', clock: () => clock.now, scenario: { running: false }, ...options });
  const { url } = sandbox;

  const control = async <T = unknown>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${url}${path}`, {
      method,
      ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  };

  const portal: Testbed['portal'] = (call, session, params, headers = {}, signal) => {
    const token = session?.match(/WBTokenV3=([^;]+)/)?.[1];
    return fetch(`${url}${PORTAL_PATHS[call]}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(session !== undefined && { cookie: session }),
        ...(token !== undefined && { authorizev3: token }),
        ...headers,
      },
      body: params === undefined ? '' : JSON.stringify({ jsonrpc: '2.0', id: `json-rpc_${++rpcId}`, params }),
      ...(signal && { signal }),
    });
  };

  return {
    sandbox,
    url,
    clock,
    control,
    async createSeller(sellerOptions = {}) {
      const { status, body } = await control<CreatedSeller>('POST', '/__sandbox/sellers', sellerOptions);
      if (status !== 200) throw new Error(`createSeller → ${status}: ${JSON.stringify(body)}`);
      return body;
    },
    official(endpoint, token, request = {}) {
      const { method, path } = OFFICIAL_ENDPOINTS[endpoint];
      return fetch(`${url}${path}${request.query ? `?${request.query}` : ''}`, {
        method,
        headers: {
          ...(token !== undefined && { authorization: token }),
          ...(request.body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
        ...(request.signal && { signal: request.signal }),
      });
    },
    portal,
    async rpc<T>(call: PortalCall, session: string, params: unknown = {}, headers: Record<string, string> = {}) {
      const response = await portal(call, session, params, headers);
      const body = (await response.json()) as RpcAnswer<T>;
      if (response.status !== 200) throw new Error(`${call} → HTTP ${response.status}: ${JSON.stringify(body)}`);
      return body;
    },
    close: () => sandbox.close(),
  };
}

/** The Moscow date `days` after the fake clock's today. */
export function moscowDay(clock: FakeClock, days = 0): string {
  return new Date(clock.now + 3 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}
