// Encrypts sellers' WB secrets at rest. AES-256-GCM; each record gets a random salt from which HKDF-SHA-256 derives its own
// key from MASTER_KEY, and the record id is bound in as associated data, so a ciphertext copied onto another row fails.
// `keyId` names the master key (a fingerprint, stored as the record's key version) so a wrong key is told apart from
// tampering, and rotation knows which rows are left to re-encrypt.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

export interface EncryptedSecret {
  ciphertext: string;
  iv: string;
  authTag: string;
  salt: string;
  keyVersion: number;
}

export type VaultErrorReason = 'wrong_master_key' | 'tampered';

export class VaultError extends Error {
  readonly code = 'SP_ERR_VAULT';
  constructor(
    readonly reason: VaultErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'VaultError';
  }
}

const INFO = Buffer.from('slotpilot/credential/v1');

export class CredentialVault {
  private readonly master: Buffer;
  /** Fingerprint of the master key, a positive 31-bit number; never reveals the key. */
  readonly keyId: number;

  constructor(masterKeyBase64: string) {
    this.master = Buffer.from(masterKeyBase64, 'base64');
    if (this.master.length !== 32) throw new Error('MASTER_KEY must be 32 bytes in base64');
    this.keyId = createHash('sha256').update('slotpilot/key-id').update(this.master).digest().readUInt32BE(0) & 0x7fffffff;
  }

  encrypt(plaintext: string, recordId: string): EncryptedSecret {
    const salt = randomBytes(32);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.recordKey(salt), iv);
    cipher.setAAD(Buffer.from(recordId));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      ciphertext: ciphertext.toString('base64'),
      iv: iv.toString('base64'),
      authTag: cipher.getAuthTag().toString('base64'),
      salt: salt.toString('base64'),
      keyVersion: this.keyId,
    };
  }

  decrypt(secret: EncryptedSecret, recordId: string): string {
    if (secret.keyVersion !== this.keyId) {
      throw new VaultError(
        'wrong_master_key',
        `this credential was encrypted under another master key (key id ${secret.keyVersion}, current ${this.keyId}): set MASTER_KEY to that key, or rotate with both keys`,
      );
    }
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        this.recordKey(Buffer.from(secret.salt, 'base64')),
        Buffer.from(secret.iv, 'base64'),
      );
      decipher.setAAD(Buffer.from(recordId));
      decipher.setAuthTag(Buffer.from(secret.authTag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(secret.ciphertext, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new VaultError(
        'tampered',
        'the stored credential failed its integrity check (tampered or corrupted); ask the seller to add it again',
      );
    }
  }

  /** A keyed fingerprint of a secret, for "already added" checks without decrypting anything. */
  fingerprint(secret: string): string {
    return createHmac('sha256', hkdf(this.master, Buffer.alloc(0), 'slotpilot/fingerprint/v1'))
      .update(secret)
      .digest('base64url');
  }

  private recordKey(salt: Buffer): Buffer {
    return hkdf(this.master, salt, INFO);
  }
}

function hkdf(key: Buffer, salt: Buffer, info: Buffer | string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, salt, info, 32));
}
