// `pnpm -C server run sandbox`: the WB sandbox on its own, for scripts and manual poking.
// Env: WB_SANDBOX_PORT (3001), WB_SANDBOX_HOST (127.0.0.1), WB_SANDBOX_SEED, LOG_LEVEL (info).
import closeWithGrace from 'close-with-grace';
import pino from 'pino';
import { z } from 'zod';
import { startSandbox } from './sandbox-app.ts';

const Env = z.object({
  WB_SANDBOX_PORT: z.coerce.number().int().min(0).max(65_535).default(3001),
  WB_SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  WB_SANDBOX_SEED: z.coerce.number().int().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const env = Env.parse(process.env);
const logger = pino({ level: env.LOG_LEVEL, base: { service: 'wb-sandbox' }, timestamp: pino.stdTimeFunctions.isoTime });
const sandbox = await startSandbox({
  port: env.WB_SANDBOX_PORT,
  host: env.WB_SANDBOX_HOST,
  logger,
  ...(env.WB_SANDBOX_SEED !== undefined && { seed: env.WB_SANDBOX_SEED }),
});
logger.info({ event: 'sandbox.listening', url: sandbox.url, seed: sandbox.world.seed }, `WB sandbox on ${sandbox.url}`);

closeWithGrace({ delay: 5000 }, async ({ err, signal }) => {
  if (err) logger.error({ event: 'sandbox.crashed', err }, 'sandbox crashed');
  logger.info({ event: 'sandbox.stopping', signal }, 'stopping');
  await sandbox.close();
});
