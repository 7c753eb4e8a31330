// `pnpm -C server run rotate-master-key`: re-encrypt every stored WB credential under NEW_MASTER_KEY.
// Reads the current key from MASTER_KEY (or, on a laptop install, .data/master-key) and the database as the server does.
// Stop the servers first (or run it between deploys), then start them with MASTER_KEY set to the new key.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import pino from 'pino';
import { CredentialVault } from '../accounts/credential-vault.ts';
import { rotateMasterKey } from '../accounts/master-key-rotation.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { startEmbeddedPostgres } from '../platform/db/embedded-postgres.ts';
import { openDatabase } from '../platform/db/orm.ts';
import { loadOrCreateLocalSecret } from '../platform/local-secrets.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const envFile = path.join(repoRoot, '.env');
const env = { ...(existsSync(envFile) ? parseEnv(readFileSync(envFile, 'utf8')) : {}), ...process.env };
const logger = pino({ level: 'warn' });

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(env, { dataDir: path.join(repoRoot, '.data') });
} catch (error) {
  fail(error instanceof ConfigError ? error.message : String(error));
}
const newKey = env.NEW_MASTER_KEY;
if (!newKey || Buffer.from(newKey, 'base64').length !== 32)
  fail('Set NEW_MASTER_KEY to 32 random bytes in base64 (openssl rand -base64 32).');

const keyFile = path.join(config.dataDir, 'master-key');
const currentKey = config.masterKey ?? (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined);
if (!currentKey) fail('Set MASTER_KEY to the key the credentials are encrypted with now.');

const embedded = config.databaseUrl
  ? undefined
  : await startEmbeddedPostgres({
      dataDir: path.join(config.dataDir, 'postgres'),
      password: (await loadOrCreateLocalSecret(config.dataDir, 'postgres-password', () => fail('no embedded database here'))).value,
      logger,
    });
try {
  const orm = await openDatabase(config.databaseUrl ?? embedded!.urlFor('slotpilot'), logger);
  try {
    const result = await rotateMasterKey(orm, new CredentialVault(currentKey), new CredentialVault(newKey));
    if (!config.masterKey && existsSync(keyFile)) writeFileSync(keyFile, `${newKey}\n`, { mode: 0o600 });
    process.stdout.write(
      `Re-encrypted ${result.reencrypted} credential(s) (${result.alreadyCurrent} were already under the new key).\n` +
        (config.masterKey ? 'Now set MASTER_KEY to the new key and restart the servers.\n' : `The new key is in ${keyFile}.\n`),
    );
  } finally {
    await orm.close();
  }
} catch (error) {
  fail(`Rotation stopped: ${(error as Error).message}`);
} finally {
  await embedded?.stop();
}
