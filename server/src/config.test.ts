import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const defaults = { dataDir: '/tmp/slotpilot-config-test' };
const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');
const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://u:p@db:5432/slotpilot',
  REDIS_URL: 'redis://redis:6379',
  MASTER_KEY,
  BOT_TOKEN: '123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOpp',
  PUBLIC_URL: 'https://slotpilot.example',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, defaults);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  it('runs with no environment at all: embedded database, memory state, sandbox and dev login', () => {
    const config = loadConfig({}, defaults);
    expect(config).toMatchObject({ port: 3000, env: 'development', databaseUrl: undefined, redisUrl: undefined, devLogin: true });
    expect(config.wb.sandbox).toBe(true);
    expect(config.wb.commonApiUrl).toBe('http://127.0.0.1:3001');
    expect(config.dataDir).toBe(defaults.dataDir);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }, defaults)).toMatchObject({ port: 3000, databaseUrl: undefined });
  });

  it('lists every problem at once, each with what to set', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      REDIS_URL: 'localhost:6379',
      MASTER_KEY: 'short',
      LOG_LEVEL: 'loud',
      ADMIN_IDS: '12,abc',
    });
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/PORT must be a port number/);
    expect(problems.join('\n')).toMatch(/REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(problems.join('\n')).toMatch(/MASTER_KEY must be 32 random bytes in base64 \(generate one with: openssl rand -base64 32\)/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL must be one of/);
    expect(problems.join('\n')).toMatch(/ADMIN_IDS.*numeric Telegram user ids/);
  });

  it('says what to do in one message', () => {
    expect(() => loadConfig({ PORT: '99999' }, defaults)).toThrow(
      /1 problem:\n {2}- PORT must be between 0 \(any free port\) and 65535\nSet these environment variables/,
    );
  });

  it('never echoes a rejected secret back', () => {
    const secret = 'not-base64-but-a-secret!!';
    const problems = problemsOf({ MASTER_KEY: secret, BOT_TOKEN: 'bad-token-value-xyz' });
    expect(problems.join('\n')).not.toContain(secret);
    expect(problems.join('\n')).not.toContain('bad-token-value-xyz');
  });

  it('requires the database, Redis, master key and bot token in production', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^DATABASE_URL is required in production/),
        expect.stringMatching(/^REDIS_URL is required in production/),
        expect.stringMatching(/^MASTER_KEY is required in production/),
        expect.stringMatching(/^BOT_TOKEN is required in production/),
      ]),
    );
  });

  it('requires an https PUBLIC_URL with BOT_TOKEN in production (Telegram opens Mini Apps over https only)', () => {
    const { PUBLIC_URL: _, ...withoutUrl } = production;
    for (const env of [withoutUrl, { ...production, PUBLIC_URL: 'http://slotpilot.example' }])
      expect(problemsOf(env)).toEqual([
        expect.stringMatching(/^PUBLIC_URL is required in production with BOT_TOKEN, as an https:\/\/ address/),
      ]);
  });

  it('refuses the WB sandbox and the dev login in production', () => {
    const problems = problemsOf({ ...production, WB_SANDBOX: '1', DEV_LOGIN: '1' });
    expect(problems).toEqual([
      expect.stringMatching(/^WB_SANDBOX must not be 1 in production/),
      expect.stringMatching(/^DEV_LOGIN must not be 1 in production/),
    ]);
  });

  it('in production talks to the real WB and offers no dev login', () => {
    const config = loadConfig(production, defaults);
    expect(config).toMatchObject({ isProduction: true, devLogin: false });
    expect(config.wb).toMatchObject({
      sandbox: false,
      commonApiUrl: 'https://common-api.wildberries.ru',
      portalUrl: 'https://seller-supply.wildberries.ru',
    });
  });

  it('reads the portal settings: auth host, root-version, report interval; the sandbox serves both portal hosts', () => {
    expect(loadConfig(production, defaults).wb).toMatchObject({
      portalAuthUrl: 'https://seller.wildberries.ru',
      portalRootVersion: 'v1.96.0',
      portalReadIntervalMs: 60_000,
    });
    const custom = loadConfig(
      { ...production, WB_PORTAL_AUTH_URL: 'http://auth.test', WB_PORTAL_ROOT_VERSION: 'v1.98.0', PORTAL_READ_INTERVAL_MS: '120000' },
      defaults,
    );
    expect(custom.wb).toMatchObject({ portalAuthUrl: 'http://auth.test', portalRootVersion: 'v1.98.0', portalReadIntervalMs: 120_000 });
    const sandbox = loadConfig({ WB_SANDBOX: '1', WB_SANDBOX_PORT: '3999' }, defaults);
    expect(sandbox.wb).toMatchObject({ portalUrl: 'http://127.0.0.1:3999', portalAuthUrl: 'http://127.0.0.1:3999' });
    expect(problemsOf({ WB_PORTAL_ROOT_VERSION: '1.96', PORTAL_READ_INTERVAL_MS: '10' })).toEqual([
      expect.stringMatching(/^WB_PORTAL_ROOT_VERSION must look like v1\.96\.0/),
      expect.stringMatching(/^PORTAL_READ_INTERVAL_MS must be at least 1000 ms/),
    ]);
  });

  it('needs a public URL and a secret for webhook mode', () => {
    const problems = problemsOf({ BOT_MODE: 'webhook' });
    expect(problems).toEqual([
      expect.stringMatching(/^BOT_TOKEN is required when BOT_MODE=webhook/),
      expect.stringMatching(/^PUBLIC_URL is required when BOT_MODE=webhook/),
      expect.stringMatching(/^BOT_WEBHOOK_SECRET is required when BOT_MODE=webhook/),
    ]);
  });

  it('parses admin ids and flags', () => {
    const config = loadConfig({ ADMIN_IDS: ' 1, 22 ,333', WB_SANDBOX: 'false', WB_COMMON_API_URL: 'http://wb.test' }, defaults);
    expect([...config.adminIds]).toEqual([1, 22, 333]);
    expect(config.wb).toMatchObject({ sandbox: false, commonApiUrl: 'http://wb.test' });
  });

  it('archives finished tasks after 30 days unless TASK_ARCHIVE_DAYS says otherwise, within 2–3650 whole days', () => {
    expect(loadConfig({}, defaults).taskArchiveDays).toBe(30);
    expect(loadConfig({ TASK_ARCHIVE_DAYS: '90' }, defaults).taskArchiveDays).toBe(90);
    expect(problemsOf({ TASK_ARCHIVE_DAYS: '1' }).join('\n')).toMatch(/TASK_ARCHIVE_DAYS must be at least 2 days/);
    expect(problemsOf({ TASK_ARCHIVE_DAYS: '7.5' }).join('\n')).toMatch(/TASK_ARCHIVE_DAYS must be a whole number of days/);
    expect(problemsOf({ TASK_ARCHIVE_DAYS: 'month' }).join('\n')).toMatch(/TASK_ARCHIVE_DAYS must be a number of days/);
  });
});
