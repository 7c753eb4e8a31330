// Browser tests: Debian's Chromium against the real server (embedded PostgreSQL, sandbox mode, dev login) started fresh.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  throw new Error(
    `Chromium not found at ${chromium}. Install it with: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH)`,
  );
}

/**
 * A port nobody listens on now, asked of the OS. The config is loaded again in every worker, so the choice goes into the
 * environment the workers inherit; it is synchronous because the config is (a child process does the asking).
 */
function freePort(): number {
  const script =
    "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

process.env.E2E_PORT ??= String(freePort());
/** The in-process WB sandbox's own port: specs shape the world through its control API (`/__sandbox/*`). */
process.env.E2E_SANDBOX_PORT ??= String(freePort());
const port = Number(process.env.E2E_PORT);
export const E2E_SANDBOX_PORT = Number(process.env.E2E_SANDBOX_PORT);
export const E2E_DATA_DIR = process.env.E2E_DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'slotpilot-e2e-'));
process.env.E2E_DATA_DIR = E2E_DATA_DIR;
export const E2E_ADMIN_ID = 100_000_999;

export default defineConfig({
  testDir: 'e2e',
  outputDir: '../test-results/playwright',
  workers: 1,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  globalTeardown: './e2e/global-teardown.ts',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 400, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: 'node --import tsx src/main.ts',
    cwd: '../server',
    url: `http://127.0.0.1:${port}/readyz`,
    reuseExistingServer: false,
    timeout: 90_000,
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: E2E_DATA_DIR,
      ADMIN_IDS: String(E2E_ADMIN_ID),
      WB_SANDBOX: '1',
      WB_SANDBOX_PORT: String(E2E_SANDBOX_PORT),
      // The slot feed reads WB's portal report (the official method is off, as on today's WB), once per seller account
      // per interval. 60 s in production; 20 s here, the sandbox's own report refill, so waits for the feed stay short
      // and no portal limit is broken.
      PORTAL_READ_INTERVAL_MS: '20000',
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      REDIS_URL: '',
    },
  },
});
