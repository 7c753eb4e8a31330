// The sandbox as the server starts it in development (WB_SANDBOX=1): listening on WB_SANDBOX_PORT, the scenario
// running, and one resident demo seller whose API token and portal session the slot feed may spend, so the calendar is
// alive before anyone adds a key (with the official methods off, as on today's WB, the portal session is what reads
// slots). The demo seller comes back (with fresh credentials) after every reset. It keeps the default captcha: like
// any seller on today's WB, its plan/add asks for one.
import type { Logger } from 'pino';
import { type RunningSandbox, startSandbox } from './sandbox-app.ts';

/** Shaped like the feed's credentials ({ credentialId, sid, token }) plus the portal session the portal source reads
 * with; read on every use, since a reset replaces them. */
export interface SandboxFeedSeller {
  readonly credentialId: string;
  readonly sid: string;
  /** The official API token. */
  readonly token: string;
  /** The portal session key (a browser Cookie header, the format parsePortalSessionInput reads). */
  readonly portalSession: string;
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
  /** WB_SANDBOX_OFFICIAL: simulate WB with its official coefficients method back on. */
  officialEnabled?: boolean;
}): Promise<InProcessSandbox> {
  const logger = options.logger?.child({ component: 'wb-sandbox' });
  const sandbox = await startSandbox({
    port: options.port,
    host: options.host ?? '127.0.0.1',
    ...(logger && { logger }),
    ...(options.seed !== undefined && { seed: options.seed }),
    ...(options.officialEnabled !== undefined && { officialEnabled: options.officialEnabled }),
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
    get portalSession() {
      return current.portalSession;
    },
  };
  logger?.info({ event: 'sandbox.listening', url: sandbox.url, sid: current.sid }, 'WB sandbox listening');
  return { sandbox, url: sandbox.url, feedSeller, close: () => sandbox.close() };
}
