import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CredentialVault, VaultError } from './credential-vault.ts';

const key = () => randomBytes(32).toString('base64');

describe('CredentialVault', () => {
  const vault = new CredentialVault(key());
  const secret = 'eyJhbGciOiJFUzI1NiJ9.eyJzaWQiOiJhYmMifQ.c2ln';

  it('round-trips a secret and never stores it in the clear', () => {
    const sealed = vault.encrypt(secret, 'cred-1');
    expect(JSON.stringify(sealed)).not.toContain(secret);
    expect(vault.decrypt(sealed, 'cred-1')).toBe(secret);
  });

  it('uses a fresh salt and nonce for every record', () => {
    const a = vault.encrypt(secret, 'cred-1');
    const b = vault.encrypt(secret, 'cred-1');
    expect(a.salt).not.toBe(b.salt);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it('detects tampering with the ciphertext, the tag or the salt', () => {
    const sealed = vault.encrypt(secret, 'cred-1');
    const flipped = Buffer.from(sealed.ciphertext, 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    for (const broken of [
      { ...sealed, ciphertext: flipped.toString('base64') },
      { ...sealed, authTag: Buffer.alloc(16).toString('base64') },
      { ...sealed, salt: randomBytes(32).toString('base64') },
    ]) {
      expect(() => vault.decrypt(broken, 'cred-1')).toThrow(expect.objectContaining({ reason: 'tampered' }));
    }
  });

  it('refuses a ciphertext moved onto another record', () => {
    const sealed = vault.encrypt(secret, 'cred-1');
    expect(() => vault.decrypt(sealed, 'cred-2')).toThrow(VaultError);
  });

  it('tells a wrong master key apart from tampering, without printing either key', () => {
    const masterKey = key();
    const sealed = new CredentialVault(masterKey).encrypt(secret, 'cred-1');
    const other = new CredentialVault(key());
    const error = (() => {
      try {
        other.decrypt(sealed, 'cred-1');
      } catch (e) {
        return e as VaultError;
      }
    })();
    expect(error).toMatchObject({ reason: 'wrong_master_key' });
    expect(error?.message).toMatch(/another master key/);
    expect(error?.message).not.toContain(masterKey);
  });

  it('fingerprints secrets stably per master key', () => {
    expect(vault.fingerprint(secret)).toBe(vault.fingerprint(secret));
    expect(vault.fingerprint(secret)).not.toBe(vault.fingerprint(`${secret}x`));
    expect(new CredentialVault(key()).fingerprint(secret)).not.toBe(vault.fingerprint(secret));
  });
});
