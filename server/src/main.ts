// Composition root: config → logger → server; signals → graceful stop.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger, SecretScrubber } from './platform/logger.ts';
import { startServer } from './server.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** `.env` at the repository root fills in what the real environment leaves unset. */
function environment(): Record<string, string | undefined> {
  const file = `${repoRoot}.env`;
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(environment(), { dataDir: `${repoRoot}.data` });
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

const scrubber = new SecretScrubber();
const logger = createLogger({ level: config.logLevel, scrubber });

// Exit 0 within 10 s of SIGTERM/SIGINT: stop accepting, finish what is in flight, close in reverse order.
let stop: (() => Promise<void>) | undefined;
closeWithGrace({ delay: 9_000, logger }, async ({ signal, err }) => {
  if (err) logger.error({ event: 'process.crash', err }, 'unexpected error: shutting down');
  else logger.info({ event: 'shutdown.start', signal }, 'shutting down');
  await stop?.();
  logger.info({ event: 'shutdown.done' }, 'stopped');
});

try {
  const server = await startServer({ config, logger, scrubber, miniappDir: `${repoRoot}miniapp/dist` });
  stop = server.stop;
} catch (error) {
  logger.fatal({ event: 'startup.failed', err: error }, (error as Error).message);
  process.exit(1);
}
