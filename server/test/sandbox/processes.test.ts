// The sandbox as processes run it: standalone (`pnpm -C server run sandbox`) and in-process inside the server.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/platform/db/embedded-postgres.ts';
import { startInProcessSandbox } from '../../src/sandbox/in-process.ts';
import { DEFAULT_ROOT_VERSION, PORTAL_PATHS } from '../../src/wb/endpoints.ts';
import { parsePortalSessionInput } from '../../src/wb/token.ts';
import { BROWSER_USER_AGENT } from './testbed.ts';

const SERVER_DIR = fileURLToPath(new URL('../../', import.meta.url));

describe('sandbox processes', () => {
  it('standalone: honours WB_SANDBOX_PORT, serves WB and the control API, stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/standalone.ts'], {
      cwd: SERVER_DIR,
      env: { ...process.env, WB_SANDBOX_PORT: String(port), WB_SANDBOX_HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let buffered = '';
        child.stdout.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          for (const line of buffered.split('\n')) {
            if (line.includes('"sandbox.listening"')) resolve((JSON.parse(line) as { url: string }).url);
          }
        });
        void exited.then((code) => reject(new Error(`sandbox exited (${code}) before listening: ${stderr}`)));
      });
      expect(url).toBe(`http://127.0.0.1:${port}`);
      const seller = (await (await fetch(`${url}/__sandbox/sellers`, { method: 'POST' })).json()) as { apiToken: string };
      expect((await fetch(`${url}/ping`, { headers: { authorization: seller.apiToken } })).status).toBe(200);
      // Running as a developer would see it: the scenario is on.
      expect(await (await fetch(`${url}/__sandbox/scenario`)).json()).toMatchObject({ running: true });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('in-process: a resident demo seller whose token and portal session the feed can spend, fresh after a reset', async () => {
    const running = await startInProcessSandbox({ port: 0 });
    try {
      const { feedSeller, url } = running;
      const first = feedSeller.token;
      const firstSession = feedSeller.portalSession;
      // As on today's WB, the official coefficients are off; the portal report is where slots are read.
      expect(
        (await fetch(`${url}/api/tariffs/v1/acceptance/coefficients?warehouseIDs=507`, { headers: { authorization: first } })).status,
      ).toBe(404);
      expect(feedSeller.credentialId).toBe(`sandbox:${feedSeller.sid}`);
      expect(parsePortalSessionInput(firstSession)).toMatchObject({ ok: true, session: { supplierId: feedSeller.sid } });
      const lk = await portalCall(url, PORTAL_PATHS.authToken, firstSession, {});
      expect(lk.status).toBe(200);
      const token = ((await lk.json()) as { result: { data: { token: string } } }).result.data.token;
      const day = new Date(Date.now() + 3 * 3600_000).toISOString().slice(0, 10);
      const report = await portalCall(url, PORTAL_PATHS.coefficientsReport, firstSession, { dateFrom: day, dateTo: day }, token);
      expect(report.status).toBe(200);
      expect(((await report.json()) as { result: { report: unknown[] } }).result.report.length).toBeGreaterThan(0);

      await fetch(`${url}/__sandbox/reset`, { method: 'POST' });
      expect((await fetch(`${url}/ping`, { headers: { authorization: first } })).status).toBe(401);
      expect((await portalCall(url, PORTAL_PATHS.validate, firstSession, undefined)).status).toBe(401);
      expect(feedSeller.token).not.toBe(first);
      expect(feedSeller.portalSession).not.toBe(firstSession);
      expect((await fetch(`${url}/ping`, { headers: { authorization: feedSeller.token } })).status).toBe(200);
      expect((await portalCall(url, PORTAL_PATHS.validate, feedSeller.portalSession, undefined)).status).toBe(200);
    } finally {
      await running.close();
    }
  });
});

/** A portal call as a 2026 browser sends it (the testbed's helper needs a testbed; this sandbox is the server's own). */
function portalCall(url: string, path: string, session: string, params: unknown, lk?: string) {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': BROWSER_USER_AGENT,
      'root-version': DEFAULT_ROOT_VERSION,
      cookie: session,
      authorizev3: session.match(/WBTokenV3=([^;]+)/)?.[1] ?? '',
      ...(lk !== undefined && { 'wb-seller-lk': lk }),
    },
    body: params === undefined ? '' : JSON.stringify({ jsonrpc: '2.0', id: 'json-rpc_1', params }),
  });
}
