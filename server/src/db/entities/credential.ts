// A seller's WB credential (an API token or a portal session), stored encrypted; never returned or logged.
import { defineEntity, p } from '@mikro-orm/core';
import { CREDENTIAL_KINDS, MAX_KEYS_PER_KIND } from '@slotpilot/shared';
import { ADVISORY_LOCK_CLASS } from '../constraint-errors.ts';
import { User } from './user.ts';

const CredentialSchema = defineEntity({
  name: 'Credential',
  tableName: 'credentials',
  indexes: [{ properties: ['user', 'kind'] }, { properties: ['sellerSid'] }],
  // The same secret twice for one user is a mistake; two users sharing a cabinet's token is not.
  uniques: [{ properties: ['user', 'fingerprint'] }],
  // At most MAX_KEYS_PER_KIND credentials of each kind per user, held by PostgreSQL under any concurrency (issue 14): see
  // MonitoringTask's trigger for how; db/constraint-errors.ts maps the violation to KEY_LIMIT.
  triggers: [
    {
      name: 'credentials_per_kind_limit',
      timing: 'before',
      events: ['insert'],
      forEach: 'row',
      body:
        `perform pg_advisory_xact_lock(${ADVISORY_LOCK_CLASS.credentials}, hashtext(new.user_id::text)); ` +
        `if (select count(*) from credentials where user_id = new.user_id and kind = new.kind) >= ${MAX_KEYS_PER_KIND} then ` +
        `raise exception 'user % already has ${MAX_KEYS_PER_KIND} credentials of kind %', new.user_id, new.kind ` +
        `using errcode = 'check_violation', constraint = 'credentials_per_kind_limit'; ` +
        'end if; return new;',
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    kind: p.enum(CREDENTIAL_KINDS),
    name: p.string().length(64),
    /** AES-256-GCM: ciphertext, nonce, tag and the per-record HKDF salt, all base64. */
    ciphertext: p.text(),
    iv: p.string().length(32),
    authTag: p.string().length(32),
    salt: p.string().length(64),
    /** Which master key encrypted this record, so rotation can find what is left to re-encrypt. */
    keyVersion: p.integer(),
    /** Keyed HMAC of the secret (CredentialVault.fingerprint): finds duplicates without decrypting. */
    fingerprint: p.string().length(64),
    sellerSid: p.string().length(64).nullable(),
    sellerName: p.string().nullable(),
    /** What the user sees instead of the secret, e.g. `eyJh…x9Qk`. */
    hint: p.string().length(32),
    expiresAt: p.datetime().nullable(),
    valid: p.boolean().default(true),
    /** The seller's consent to spend this account's WB budget on the shared slot feed. */
    shareFeed: p.boolean().default(true),
    lastUsedAt: p.datetime().nullable(),
    lastError: p.text().nullable(),
    createdAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class Credential extends CredentialSchema.class {}
CredentialSchema.setClass(Credential);
