import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { ensureDatabase } from '../../src/platform/db/ensure-database.ts';

/** A new, empty database on the test PostgreSQL server; its URL. */
export async function createTestDatabase(): Promise<string> {
  const server = inject('pgServerUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  await ensureDatabase(server, name);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}
