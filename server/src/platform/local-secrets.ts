// Secrets a laptop install generates once and keeps in the data folder (never used in production).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** Read `dataDir/name`, or create it with `generate()` (mode 0600) the first time. */
export async function loadOrCreateLocalSecret(
  dataDir: string,
  name: string,
  generate: () => string,
): Promise<{ value: string; created: boolean }> {
  const file = path.join(dataDir, name);
  const existing = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing?.trim()) return { value: existing.trim(), created: false };
  await fs.mkdir(dataDir, { recursive: true });
  const value = generate();
  await fs.writeFile(file, `${value}\n`, { mode: 0o600 });
  return { value, created: true };
}

export const generateMasterKey = () => randomBytes(32).toString('base64');
export const generatePassword = () => randomBytes(24).toString('base64url');
/** A syntactically valid bot token for signing dev init data; it reaches no real bot. */
export const generateDevBotToken = () => `${1_000_000_000 + randomBytes(3).readUIntBE(0, 3)}:DEV${randomBytes(24).toString('base64url')}`;
