// A sandbox on a free port with a clock the test owns and the scenario stopped, plus thin HTTP helpers.
// Everything goes over real HTTP (fetch), as the product talks to WB. Portal calls go as a 2026 browser sends them:
// `root-version`, a browser user agent, cookies + `authorizev3`, and on supply-host calls a `wb-seller-lk` the testbed
// mints through `auth/token` and keeps until it lapses.

import { type RunningSandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/sandbox-app.ts';
import type { CreatedSeller, NewSellerOptions } from '../../src/sandbox/world.ts';
import {
  DEFAULT_ROOT_VERSION,
  OFFICIAL_ENDPOINTS,
  type OfficialEndpoint,
  PORTAL_CALLS,
  PORTAL_PATHS,
  type PortalCall,
} from '../../src/wb/endpoints.ts';

/** Noon in Moscow: far from midnight, so no test crosses a day by accident. */
export const NOON_MSK = Date.parse('2026-11-22T09:00:00Z');

export const BROWSER_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** Extra portal headers; a header set to undefined is left out (e.g. `{ 'root-version': undefined }`). */
export type PortalHeaders = Record<string, string | undefined>;

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
  portal(call: PortalCall, session: string | undefined, params?: unknown, headers?: PortalHeaders, signal?: AbortSignal): Promise<Response>;
  /** A JSON-RPC call that must answer HTTP 200; returns the envelope. */
  rpc<T = Record<string, unknown>>(call: PortalCall, session: string, params?: unknown, headers?: PortalHeaders): Promise<RpcAnswer<T>>;
  /** The session's current `wb-seller-lk`: the one kept from an earlier `auth/token`, or a fresh one once it lapsed. */
  lk(session: string): Promise<string>;
  /** POST /__sandbox/official: WB's official coefficients / warehouses / acceptance options on or off (default off). */
  setOfficial(enabled: boolean): Promise<void>;
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

  const send = (call: PortalCall, session: string | undefined, params: unknown, headers: PortalHeaders, signal?: AbortSignal) => {
    const token = session?.match(/WBTokenV3=([^;]+)/)?.[1];
    const all: PortalHeaders = {
      'content-type': 'application/json',
      'user-agent': BROWSER_USER_AGENT,
      'root-version': DEFAULT_ROOT_VERSION,
      ...(session !== undefined && { cookie: session }),
      ...(token !== undefined && { authorizev3: token }),
      ...headers,
    };
    return fetch(`${url}${PORTAL_PATHS[call]}`, {
      method: 'POST',
      headers: Object.fromEntries(Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined)),
      body: params === undefined ? '' : JSON.stringify({ jsonrpc: '2.0', id: `json-rpc_${++rpcId}`, params }),
      ...(signal && { signal }),
    });
  };

  const lkTokens = new Map<string, { token: string; expiresAtMs: number }>();
  const lk = async (session: string): Promise<string> => {
    const kept = lkTokens.get(session);
    if (kept && clock.now < kept.expiresAtMs) return kept.token;
    const response = await send('authToken', session, {}, {});
    const text = await response.text();
    if (response.status !== 200) throw new Error(`authToken → HTTP ${response.status}: ${text}`);
    const token = (JSON.parse(text) as { result: { data: { token: string } } }).result.data.token;
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp: number };
    lkTokens.set(session, { token, expiresAtMs: claims.exp * 1000 });
    return token;
  };

  const portal: Testbed['portal'] = async (call, session, params, headers = {}, signal) => {
    // A supply-host call without a live session has no lk to mint; let the sandbox refuse it as it is.
    const needsLk = PORTAL_CALLS[call].host === 'supply' && session !== undefined && !('wb-seller-lk' in headers);
    const lkHeader = needsLk ? await lk(session).catch(() => undefined) : undefined;
    return send(call, session, params, { ...(lkHeader !== undefined && { 'wb-seller-lk': lkHeader }), ...headers }, signal);
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
    async rpc<T>(call: PortalCall, session: string, params: unknown = {}, headers: PortalHeaders = {}) {
      const response = await portal(call, session, params, headers);
      const body = (await response.json()) as RpcAnswer<T>;
      if (response.status !== 200) throw new Error(`${call} → HTTP ${response.status}: ${JSON.stringify(body)}`);
      return body;
    },
    lk,
    async setOfficial(enabled) {
      const { status, body } = await control('POST', '/__sandbox/official', { enabled });
      if (status !== 200) throw new Error(`setOfficial → ${status}: ${JSON.stringify(body)}`);
    },
    close: () => sandbox.close(),
  };
}

/** The Moscow date `days` after the fake clock's today. */
export function moscowDay(clock: FakeClock, days = 0): string {
  return new Date(clock.now + 3 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}
