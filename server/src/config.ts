// The one schema for the environment (ARCHITECTURE.md, Contracts). Parsed once at the edge; nothing else reads process.env.
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_ROOT_VERSION } from './wb/endpoints.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Environment flags arrive as strings; accept the spellings people actually type. */
const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'], {
    error: 'must be 1 or 0 (true/false, yes/no, on/off)',
  })
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const port = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be a whole port number')
  .min(0, 'must be between 0 (any free port) and 65535')
  .max(65535, 'must be between 0 (any free port) and 65535');

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://example.com' });

const masterKey = z.string().refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32, {
  error: 'must be 32 random bytes in base64 (generate one with: openssl rand -base64 32)',
});

const adminIds = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^\d+$/, 'must be a comma-separated list of numeric Telegram user ids')))
  .transform((ids) => ids.map(Number));

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'must be development, production or test' }).default('development'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: httpUrl.optional(),
  DATA_DIR: z.string().min(1).optional(),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// connection URL' }).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  MASTER_KEY: masterKey.optional(),
  BOT_TOKEN: z
    .string()
    .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'must look like 123456789:AA… (the token @BotFather gave you)')
    .optional(),
  BOT_MODE: z.enum(['polling', 'webhook'], { error: 'must be polling or webhook' }).default('polling'),
  BOT_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16–256 characters of A–Z, a–z, 0–9, _ and -')
    .optional(),
  TELEGRAM_API_ROOT: httpUrl.default('https://api.telegram.org'),
  WB_SANDBOX: flag.optional(),
  WB_SANDBOX_PORT: port.default(3001),
  /** The in-process sandbox with WB's official coefficients method back on (simulating WB's return; off, as today). */
  WB_SANDBOX_OFFICIAL: flag.optional(),
  WB_COMMON_API_URL: httpUrl.default('https://common-api.wildberries.ru'),
  WB_SUPPLIES_API_URL: httpUrl.default('https://supplies-api.wildberries.ru'),
  WB_PORTAL_URL: httpUrl.default('https://seller-supply.wildberries.ru'),
  WB_PORTAL_AUTH_URL: httpUrl.default('https://seller.wildberries.ru'),
  WB_PORTAL_ROOT_VERSION: z
    .string()
    .regex(/^v\d{1,3}\.\d{1,4}\.\d{1,4}$/, 'must look like v1.96.0 (the version of the portal front end)')
    .default(DEFAULT_ROOT_VERSION),
  PORTAL_READ_INTERVAL_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int()
    .min(1_000, 'must be at least 1000 ms (values below the default 60000 are meant for tests)')
    .max(3_600_000, 'must be at most 3600000 ms')
    .default(60_000),
  DEV_LOGIN: flag.optional(),
  ADMIN_IDS: adminIds.default([]),
  MONITOR_LEASE_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int()
    .min(1_000, 'must be at least 1000 ms')
    .max(300_000, 'must be at most 300000 ms')
    .default(15_000),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  /** A separate port that serves only GET /metrics (keep it off the public proxy). */
  METRICS_PORT: port.optional(),
  /** A bearer token scrapers send to GET /metrics on the public port. */
  METRICS_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9._~+/=-]{16,256}$/, 'must be 16–256 characters of A–Z, a–z, 0–9 and ._~+/=-')
    .optional(),
  API_RATE_LIMIT: z.coerce
    .number({ error: 'must be a number of API calls' })
    .int()
    .min(1, 'must be at least 1')
    .max(1_000_000, 'must be at most 1000000')
    .default(120),
  /** Days of slot history kept (issue 18); older daily partitions are dropped whole. */
  HISTORY_RETENTION_DAYS: z.coerce
    .number({ error: 'must be a number of days' })
    .int('must be a whole number of days')
    .min(31, 'must be at least 31 days (the insights look back 30 days)')
    .max(3_650, 'must be at most 3650 days')
    .default(180),
  /** Days a finished task stays in the hot table before it is archived (db/task-archive.ts). */
  TASK_ARCHIVE_DAYS: z.coerce
    .number({ error: 'must be a number of days' })
    .int('must be a whole number of days')
    .min(2, 'must be at least 2 days (the missed-ending report looks back one day)')
    .max(3_650, 'must be at most 3650 days')
    .default(30),
});

/**
 * Rules that tie variables together. They read the raw values, so they are reported even when another variable
 * failed to parse: the user gets every problem in one go.
 */
function crossFieldProblems(env: Record<string, string>): string[] {
  const problems: string[] = [];
  const isOn = (v: string | undefined) => v !== undefined && ['1', 'true', 'yes', 'on'].includes(v);
  if (env.NODE_ENV === 'production') {
    if (!env.DATABASE_URL) problems.push('DATABASE_URL is required in production (postgres://user:password@host:5432/db)');
    if (!env.REDIS_URL) problems.push('REDIS_URL is required in production (redis://host:6379)');
    if (!env.MASTER_KEY) problems.push('MASTER_KEY is required in production (openssl rand -base64 32)');
    if (!env.BOT_TOKEN) problems.push('BOT_TOKEN is required in production: users sign in with Telegram init data signed by this bot');
    // Telegram opens the Mini App (every button, the menu button) over https only: without it the bot is half there.
    if (env.BOT_TOKEN && !env.PUBLIC_URL?.startsWith('https://'))
      problems.push(
        'PUBLIC_URL is required in production with BOT_TOKEN, as an https:// address: Telegram opens Mini Apps over https only',
      );
    if (isOn(env.WB_SANDBOX)) problems.push('WB_SANDBOX must not be 1 in production: it would send every WB call to the simulator');
    if (isOn(env.DEV_LOGIN)) problems.push('DEV_LOGIN must not be 1 in production: it lets anyone sign in as anyone');
  }
  if (env.BOT_MODE === 'webhook') {
    if (!env.BOT_TOKEN) problems.push('BOT_TOKEN is required when BOT_MODE=webhook');
    if (!env.PUBLIC_URL) problems.push('PUBLIC_URL is required when BOT_MODE=webhook (the https address Telegram calls)');
    if (!env.BOT_WEBHOOK_SECRET) problems.push('BOT_WEBHOOK_SECRET is required when BOT_MODE=webhook');
  }
  return problems;
}

export type Env = z.input<typeof EnvSchema>;

export interface Config {
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  port: number;
  host: string;
  publicUrl: string | undefined;
  /** Where embedded PostgreSQL, the generated master key and the dev bot token live outside production. */
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  masterKey: string | undefined;
  bot: {
    token: string | undefined;
    mode: 'polling' | 'webhook';
    webhookSecret: string | undefined;
    apiRoot: string;
  };
  wb: {
    sandbox: boolean;
    sandboxPort: number;
    sandboxOfficial: boolean;
    commonApiUrl: string;
    suppliesApiUrl: string;
    portalUrl: string;
    /** The portal's auth host (seller.wildberries.ru): session checks and `wb-seller-lk` mints. */
    portalAuthUrl: string;
    /** The portal front end's version, sent as `root-version`. */
    portalRootVersion: string;
    /** At most one portal coefficients report per seller account per this interval (whole seconds). */
    portalReadIntervalMs: number;
  };
  devLogin: boolean;
  /** How long a task's owner may stay silent before another instance takes the task over. */
  monitorLeaseMs: number;
  adminIds: ReadonlySet<number>;
  logLevel: (typeof LOG_LEVELS)[number];
  /**
   * Who may read GET /metrics: a separate port (only /metrics there), a bearer token on the public port, both, or
   * neither (then /metrics is public outside production and absent in production).
   */
  metrics: { port: number | undefined; token: string | undefined };
  /** API calls one signed-in user may make per 10 seconds, over all instances. */
  apiRateLimit: number;
  /** Days of slot history kept; cleanup drops whole daily partitions older than this. */
  historyRetentionDays: number;
  /** Days a finished task stays in `monitoring_tasks` before it moves to `monitoring_tasks_archive`. */
  taskArchiveDays: number;
}

export class ConfigError extends Error {
  readonly code = 'SP_ERR_CONFIG';
  constructor(readonly problems: string[]) {
    super(
      `SlotPilot cannot start: the configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nSet these environment variables (or put them in .env at the repository root) and start again.',
    );
    this.name = 'ConfigError';
  }
}

/** Empty strings in the environment mean "not set" (as in `FOO= pnpm start`). */
function withoutEmpty(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}

export function loadConfig(rawEnv: Record<string, string | undefined>, defaults: { dataDir: string }): Config {
  const raw = withoutEmpty(rawEnv);
  const parsed = EnvSchema.safeParse(raw);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'} ${i.message}`)),
    ...crossFieldProblems(raw),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const env = parsed.data;
  const isProduction = env.NODE_ENV === 'production';
  const sandbox = env.WB_SANDBOX ?? !isProduction;
  const sandboxUrl = `http://127.0.0.1:${env.WB_SANDBOX_PORT}`;
  return {
    env: env.NODE_ENV,
    isProduction,
    port: env.PORT,
    host: env.HOST,
    publicUrl: env.PUBLIC_URL,
    dataDir: path.resolve(env.DATA_DIR ?? defaults.dataDir),
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    masterKey: env.MASTER_KEY,
    bot: { token: env.BOT_TOKEN, mode: env.BOT_MODE, webhookSecret: env.BOT_WEBHOOK_SECRET, apiRoot: env.TELEGRAM_API_ROOT },
    wb: {
      sandbox,
      sandboxPort: env.WB_SANDBOX_PORT,
      sandboxOfficial: env.WB_SANDBOX_OFFICIAL ?? false,
      // In sandbox mode every WB URL points at the in-process simulator, whatever else is set.
      commonApiUrl: sandbox ? sandboxUrl : env.WB_COMMON_API_URL,
      suppliesApiUrl: sandbox ? sandboxUrl : env.WB_SUPPLIES_API_URL,
      portalUrl: sandbox ? sandboxUrl : env.WB_PORTAL_URL,
      portalAuthUrl: sandbox ? sandboxUrl : env.WB_PORTAL_AUTH_URL,
      portalRootVersion: env.WB_PORTAL_ROOT_VERSION,
      portalReadIntervalMs: env.PORTAL_READ_INTERVAL_MS,
    },
    devLogin: env.DEV_LOGIN ?? !isProduction,
    monitorLeaseMs: env.MONITOR_LEASE_MS,
    adminIds: new Set(env.ADMIN_IDS),
    logLevel: env.LOG_LEVEL,
    metrics: { port: env.METRICS_PORT, token: env.METRICS_TOKEN },
    apiRateLimit: env.API_RATE_LIMIT,
    historyRetentionDays: env.HISTORY_RETENTION_DAYS,
    taskArchiveDays: env.TASK_ARCHIVE_DAYS,
  };
}
