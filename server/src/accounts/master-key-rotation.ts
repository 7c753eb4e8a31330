// Re-encrypts every stored credential under a new master key. Resumable: rows already under the new key are skipped,
// so an interrupted run is finished by running it again with the same two keys.
import { LockMode, type MikroORM } from '@mikro-orm/postgresql';
import { Credential } from '../db/entities/credential.ts';
import type { CredentialVault } from './credential-vault.ts';

export interface RotationResult {
  reencrypted: number;
  alreadyCurrent: number;
}

export async function rotateMasterKey(orm: MikroORM, from: CredentialVault, to: CredentialVault, batchSize = 200): Promise<RotationResult> {
  if (from.keyId === to.keyId) throw new Error('the new master key is the same as the current one');
  const result: RotationResult = { reencrypted: 0, alreadyCurrent: 0 };
  result.alreadyCurrent = await orm.em.fork().count(Credential, { keyVersion: to.keyId });
  for (;;) {
    // One transaction per batch: a row is either fully under the old key or fully under the new one.
    const done = await orm.em.fork().transactional(async (em) => {
      const rows = await em.find(
        Credential,
        { keyVersion: from.keyId },
        { limit: batchSize, orderBy: { id: 'asc' }, lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      for (const row of rows) {
        const secret = from.decrypt(row, row.id);
        em.assign(row, { ...to.encrypt(secret, row.id), fingerprint: to.fingerprint(secret) });
      }
      return rows.length;
    });
    result.reencrypted += done;
    if (done < batchSize) break;
  }
  const left = await orm.em.fork().count(Credential, { keyVersion: { $nin: [to.keyId] } });
  if (left > 0) throw new Error(`${left} credential(s) are under neither key; they were left as they are`);
  return result;
}
