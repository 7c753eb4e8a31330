// One pooled keep-alive HTTP agent for everything that talks to WB, with a deadline on every request.
import { Agent, request, errors as undiciErrors } from 'undici';
import { WbTransientError } from './errors.ts';

export interface TransportResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface HttpTransport {
  send(
    endpoint: string,
    url: string,
    init: { method: string; headers: Record<string, string>; body?: string; timeoutMs: number },
  ): Promise<TransportResponse>;
  close(): Promise<void>;
}

/** Response bodies larger than this are refused: WB's answers are small; a huge one is a fault. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface TransportObserver {
  /** Every finished call: its endpoint, HTTP status (or "error") and duration. */
  onCall(endpoint: string, status: number | 'error', seconds: number): void;
}

export function createHttpTransport(options: { connectionsPerOrigin?: number; observer?: TransportObserver } = {}): HttpTransport {
  const agent = new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 120_000,
    connections: options.connectionsPerOrigin ?? 32,
    connect: { timeout: 5_000 },
  });
  return {
    async send(endpoint, url, { method, headers, body, timeoutMs }) {
      const started = performance.now();
      const observe = (status: number | 'error') => options.observer?.onCall(endpoint, status, (performance.now() - started) / 1000);
      try {
        const response = await request(url, {
          method: method as 'GET',
          headers: { 'user-agent': 'SlotPilot/0.1', accept: 'application/json', ...headers },
          ...(body !== undefined ? { body } : {}),
          dispatcher: agent,
          signal: AbortSignal.timeout(timeoutMs),
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        const length = Number(response.headers['content-length'] ?? 0);
        if (length > MAX_BODY_BYTES) {
          await response.body.dump();
          throw new WbTransientError(endpoint, `response too large (${length} bytes)`);
        }
        const text = await response.body.text();
        observe(response.statusCode);
        return { status: response.statusCode, headers: response.headers, text };
      } catch (error) {
        observe('error');
        if (error instanceof WbTransientError) throw error;
        throw new WbTransientError(endpoint, describeNetworkError(error), { cause: error });
      }
    },
    close: () => agent.close(),
  };
}

function describeNetworkError(error: unknown): string {
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timed out';
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) return 'timed out';
  if (error instanceof undiciErrors.ConnectTimeoutError) return 'connection timed out';
  const code = (error as { code?: string }).code;
  if (code) return `network error ${code}`;
  return 'network error';
}
