// The sandbox as the server starts it in development (WB_SANDBOX=1): listening on WB_SANDBOX_PORT, the scenario
// running, and one resident demo seller whose API token the slot feed may spend, so the calendar is alive before
// anyone adds a key. The demo seller comes back (with a fresh token) after every reset.
import type { Logger } from 'pino';
import { type RunningSandbox, startSandbox } from './sandbox-app.ts';

/** Shaped like the feed's credentials ({ credentialId, sid, token }); read on every use, since a reset replaces it. */
export interface SandboxFeedSeller {
  readonly credentialId: string;
  readonly sid: string;
  readonly token: string;
}

export interface InProcessSandbox {
  sandbox: RunningSandbox;
  url: string;
  feedSeller: SandboxFeedSeller;
  close(): Promise<void>;
}

export async function startInProcessSandbox(options: {
  port: number;
  host?: string;
  logger?: Logger;
  seed?: number;
}): Promise<InProcessSandbox> {
  const logger = options.logger?.child({ component: 'wb-sandbox' });
  const sandbox = await startSandbox({
    port: options.port,
    host: options.host ?? '127.0.0.1',
    ...(logger && { logger }),
    ...(options.seed !== undefined && { seed: options.seed }),
  });
  let current = sandbox.world.createSeller({ name: 'ИП Демо (песочница)' });
  sandbox.onReset(() => {
    current = sandbox.world.createSeller({ name: 'ИП Демо (песочница)' });
  });
  const feedSeller: SandboxFeedSeller = {
    get credentialId() {
      return `sandbox:${current.sid}`;
    },
    get sid() {
      return current.sid;
    },
    get token() {
      return current.apiToken;
    },
  };
  logger?.info({ event: 'sandbox.listening', url: sandbox.url, sid: current.sid }, 'WB sandbox listening');
  return { sandbox, url: sandbox.url, feedSeller, close: () => sandbox.close() };
}
