import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialVault } from '../../src/accounts/credential-vault.ts';
import { rotateMasterKey } from '../../src/accounts/master-key-rotation.ts';
import { Credential } from '../../src/db/entities/credential.ts';
import { User } from '../../src/db/entities/user.ts';
import { openDatabase } from '../../src/platform/db/orm.ts';
import { createTestDatabase } from '../harness/database.ts';

const newKey = () => randomBytes(32).toString('base64');

describe('master key rotation', () => {
  let orm: MikroORM;
  const oldVault = new CredentialVault(newKey());
  const secrets = Array.from({ length: 7 }, (_, i) => `eyJ-secret-token-number-${i}-${randomBytes(8).toString('hex')}`);

  beforeAll(async () => {
    orm = await openDatabase(await createTestDatabase(), pino({ level: 'silent' }));
    const em = orm.em.fork();
    // Two sellers: the database holds each to 5 keys of a kind, and 7 keys make more than one rotation batch.
    const users = [em.create(User, { id: 1, firstName: 'Seller' }), em.create(User, { id: 2, firstName: 'Another' })];
    for (const [i, secret] of secrets.entries()) {
      const id = crypto.randomUUID();
      em.create(Credential, {
        id,
        user: users[i % 2]!,
        kind: 'api_token',
        name: `key ${i}`,
        ...oldVault.encrypt(secret, id),
        fingerprint: oldVault.fingerprint(secret),
        hint: 'eyJ-…',
      });
    }
    await em.flush();
  });
  afterAll(async () => {
    await orm?.close();
  });

  const decryptAll = async (vault: CredentialVault) => {
    const rows = await orm.em.fork().find(Credential, {}, { orderBy: { name: 'asc' } });
    return rows.map((row) => vault.decrypt(row, row.id));
  };

  it('re-encrypts every credential under the new key, in batches, and can be run again safely', async () => {
    const nextVault = new CredentialVault(newKey());
    expect(await rotateMasterKey(orm, oldVault, nextVault, 3)).toEqual({ reencrypted: 7, alreadyCurrent: 0 });
    expect(await decryptAll(nextVault)).toEqual(secrets);
    await expect(decryptAll(oldVault)).rejects.toMatchObject({ reason: 'wrong_master_key' });
    const rows = await orm.em.fork().find(Credential, {});
    expect(rows.every((r) => r.fingerprint === nextVault.fingerprint(nextVault.decrypt(r, r.id)))).toBe(true);

    // A second run with the same keys (say, after an interruption) has nothing left to do.
    expect(await rotateMasterKey(orm, oldVault, nextVault)).toEqual({ reencrypted: 0, alreadyCurrent: 7 });

    // And the next rotation starts from the new key.
    const third = new CredentialVault(newKey());
    expect(await rotateMasterKey(orm, nextVault, third)).toMatchObject({ reencrypted: 7 });
    expect(await decryptAll(third)).toEqual(secrets);
  });

  it('refuses to "rotate" to the same key', async () => {
    await expect(rotateMasterKey(orm, oldVault, oldVault)).rejects.toThrow(/same as the current one/);
  });
});
