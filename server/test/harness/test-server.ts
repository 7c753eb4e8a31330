// The real server in-process, on a free port, with its own database: what most API tests talk to over HTTP.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTRPCClient, httpLink } from '@trpc/client';
import type { TelegramIdentity } from '../../src/accounts/telegram-identity.ts';
import { InitDataVerifier } from '../../src/api/auth/init-data.ts';
import type { AppRouter } from '../../src/api/router.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger, SecretScrubber } from '../../src/platform/logger.ts';
import { type RunningServer, type StartOptions, startServer } from '../../src/server.ts';
import { createTestDatabase } from './database.ts';
import { LogCapture } from './log-capture.ts';

export const TEST_BOT_TOKEN = '7000000001:TEST-token-for-signing-init-data-only';

export interface TestServer extends RunningServer {
  sandboxUrl: string;
  /** The server's data folder (generated development secrets live there). */
  dataDir: string;
  logs: LogCapture;
  initData: InitDataVerifier;
  /** A tRPC client signed in as `identity` (or with a raw Authorization header, or none). */
  client(auth?: TelegramIdentity | { authorization?: string }): ReturnType<typeof createTRPCClient<AppRouter>>;
  close(): Promise<void>;
}

export async function startTestServer(env: Record<string, string> = {}, monitor?: StartOptions['monitor']): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'slotpilot-test-data-'));
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      BOT_TOKEN: TEST_BOT_TOKEN,
      DATABASE_URL: await createTestDatabase(),
      // Each test server gets its own WB sandbox on a free port.
      WB_SANDBOX: '1',
      WB_SANDBOX_PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    { dataDir },
  );
  const logs = new LogCapture();
  const scrubber = new SecretScrubber();
  const server = await startServer({
    config,
    logger: createLogger({ level: config.logLevel, scrubber, destination: logs }),
    scrubber,
    ...(monitor ? { monitor } : {}),
  });
  const initData = new InitDataVerifier(config.bot.token ?? TEST_BOT_TOKEN);
  return {
    ...server,
    sandboxUrl: server.sandboxUrl ?? '',
    dataDir,
    logs,
    initData,
    client(auth) {
      const authorization = auth && 'id' in auth ? `tma ${initData.sign(auth)}` : auth?.authorization;
      return createTRPCClient<AppRouter>({
        links: [httpLink({ url: `${server.url}/trpc`, headers: () => (authorization ? { authorization } : {}) })],
      });
    },
    async close() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
