// Sellers' WB credentials: validated against WB when added, stored only encrypted, shown masked, never returned.
import type { MikroORM } from '@mikro-orm/postgresql';
import {
  type AddKeyInput,
  DomainError,
  formatPortalSession,
  type KeySummary,
  MAX_KEYS_PER_KIND,
  PORTAL_SESSION_PROBLEM_CODES,
  type PortalSession,
  parsePortalSessionInput,
} from '@slotpilot/shared';
import type { Logger } from 'pino';
import { domainErrorOfConstraint } from '../db/constraint-errors.ts';
import { Credential } from '../db/entities/credential.ts';
import { OutboxMessage } from '../db/entities/outbox-message.ts';
import { User } from '../db/entities/user.ts';
import type { SecretScrubber } from '../platform/logger.ts';
import { WbDisabledError, WbError, WbRateLimitedError, WbUnauthorizedError } from '../wb/errors.ts';
import type { WbApiCredential, WbOfficialClient } from '../wb/official-client.ts';
import type { WbPortalClient } from '../wb/portal-client.ts';
import { decodeWbToken, parsePortalSession, tokenProblem } from '../wb/token.ts';
import type { CredentialVault } from './credential-vault.ts';

export interface CredentialServiceDeps {
  orm: MikroORM;
  vault: CredentialVault;
  official: WbOfficialClient;
  portal: WbPortalClient;
  scrubber: SecretScrubber;
  logger: Logger;
}

/** The `acc` claim of WB's basic tokens, whose limits are far below the personal and service ones. */
const BASIC_ACCESS = 1;

/** A decrypted API token the shared feed may spend, with the record it came from. */
export interface FeedCredential extends WbApiCredential {
  credentialId: string;
}

export class CredentialService {
  /** Keys of this instance's users being checked with WB right now, as `${userId}:${fingerprint}`. */
  private readonly inFlight = new Set<string>();

  constructor(private readonly deps: CredentialServiceDeps) {}

  async add(userId: number, input: AddKeyInput): Promise<KeySummary> {
    const { orm, vault } = this.deps;
    const pasted = input.secret.trim();
    // A portal session is kept in its one normal form (the three cookies), never the whole paste: a cURL command carries
    // other cookies and headers we have no business keeping, and one session pasted two ways must be one key.
    const portal = input.kind === 'portal_session' ? this.readPortalSession(pasted) : undefined;
    const secret = portal ? formatPortalSession(portal.session) : pasted;
    const em = orm.em.fork();
    const fingerprint = vault.fingerprint(secret);
    // The same key pasted twice at once (a double tap, parallel requests): the second is a duplicate at once, instead of
    // queueing behind the first one's WB check. Across instances PostgreSQL's unique constraint decides.
    const flight = `${userId}:${fingerprint}`;
    if (this.inFlight.has(flight)) throw new DomainError('KEY_DUPLICATE');
    this.inFlight.add(flight);
    try {
      if (await em.count(Credential, { user: userId, fingerprint })) throw new DomainError('KEY_DUPLICATE');
      if ((await em.count(Credential, { user: userId, kind: input.kind })) >= MAX_KEYS_PER_KIND) throw new DomainError('KEY_LIMIT');

      const seller = portal ? await this.checkPortalSession(secret, portal.expiresAt) : await this.checkApiToken(secret, userId);
      const id = crypto.randomUUID();
      const credential = em.create(Credential, {
        id,
        user: em.getReference(User, userId),
        kind: input.kind,
        name: input.name,
        ...vault.encrypt(secret, id),
        fingerprint,
        sellerSid: seller.sid,
        sellerName: seller.name ?? null,
        hint: maskSecret(input.kind, secret),
        expiresAt: seller.expiresAt ?? null,
        valid: true,
        // Sharing is the seller's explicit choice for every kind (SHARE_FEED_EXPLANATION): off unless asked for.
        shareFeed: input.shareFeed ?? false,
        lastUsedAt: new Date(),
      });
      try {
        await em.flush();
      } catch (error) {
        // The checks above answer early; PostgreSQL decides under concurrency (the per-kind cap and the unique fingerprint).
        throw domainErrorOfConstraint(error) ?? error;
      }
      // Learned only now, validated and stored: junk pasted into the form never reaches the scrubber (issue 14).
      this.learn(input.kind, secret);
      this.deps.logger.info({ event: 'credential.added', userId, credentialId: id, kind: input.kind, sid: seller.sid }, 'credential added');
      return summary(credential);
    } finally {
      this.inFlight.delete(flight);
    }
  }

  async list(userId: number): Promise<KeySummary[]> {
    const rows = await this.deps.orm.em.fork().find(Credential, { user: userId }, { orderBy: { createdAt: 'asc' } });
    return rows.map(summary);
  }

  async remove(userId: number, id: string): Promise<void> {
    const em = this.deps.orm.em.fork();
    const removed = await em.nativeDelete(Credential, { id, user: userId });
    if (removed === 0) throw new DomainError('NOT_FOUND');
  }

  /** One valid, consenting API token per seller account: the budgets the shared feed may spend. */
  async feedCredentials(): Promise<FeedCredential[]> {
    const rows = await this.deps.orm.em
      .fork()
      .find(
        Credential,
        { kind: 'api_token', valid: true, shareFeed: true, $or: [{ expiresAt: null }, { expiresAt: { $gt: new Date() } }] },
        { orderBy: { lastUsedAt: 'desc' } },
      );
    const bySeller = new Map<string, FeedCredential>();
    for (const row of rows) {
      if (!row.sellerSid || bySeller.has(row.sellerSid)) continue;
      try {
        const token = this.decrypt(row);
        // Basic-access tokens get a fraction of the budget (coefficients once an hour): the feed would only exhaust them.
        if (decodeWbToken(token)?.accessType === BASIC_ACCESS) continue;
        bySeller.set(row.sellerSid, { sid: row.sellerSid, token, credentialId: row.id });
      } catch (error) {
        this.deps.logger.error(
          { event: 'credential.decrypt_failed', credentialId: row.id, err: error },
          'cannot decrypt a stored credential',
        );
      }
    }
    return [...bySeller.values()];
  }

  /**
   * Portal sessions the slot feed may read the coefficient report with: every valid one its owner shares, and the
   * unshared ones of owners who have a running supply task (read for their own tasks only). Decrypted.
   */
  async feedPortalSessions(): Promise<Array<{ credentialId: string; userId: number; sid: string; session: string; share: boolean }>> {
    const rows = await this.deps.orm.em.fork().find(
      Credential,
      {
        kind: 'portal_session',
        valid: true,
        sellerSid: { $ne: null },
        $or: [{ expiresAt: null }, { expiresAt: { $gt: new Date() } }],
      },
      { orderBy: { lastUsedAt: 'desc' } },
    );
    const unshared = rows.filter((row) => !row.shareFeed).map((row) => row.user.id);
    const active = new Set<number>();
    if (unshared.length) {
      const owners = await this.deps.orm.em
        .fork()
        .getConnection()
        .execute<{ user_id: number }[]>(
          `select distinct user_id from monitoring_tasks where kind = 'supply' and state <> 'done' and user_id = any(?::bigint[])`,
          [`{${[...new Set(unshared)].join(',')}}`],
        );
      for (const owner of owners) active.add(Number(owner.user_id));
    }
    const sessions: Array<{ credentialId: string; userId: number; sid: string; session: string; share: boolean }> = [];
    for (const row of rows) {
      if (!row.shareFeed && !active.has(row.user.id)) continue;
      try {
        sessions.push({ credentialId: row.id, userId: row.user.id, sid: row.sellerSid!, session: this.decrypt(row), share: row.shareFeed });
      } catch (error) {
        this.deps.logger.error(
          { event: 'credential.decrypt_failed', credentialId: row.id, err: error },
          'cannot decrypt a stored credential',
        );
      }
    }
    return sessions;
  }

  /** The user's valid portal sessions, decrypted, most recently used first: what booking and transfers run on. */
  async portalSessions(userId: number): Promise<Array<{ credentialId: string; sid: string | null; session: string }>> {
    const rows = await this.deps.orm.em
      .fork()
      .find(Credential, { user: userId, ...livePortalSession() }, { orderBy: { lastUsedAt: 'desc' } });
    return rows.map((row) => ({ credentialId: row.id, sid: row.sellerSid ?? null, session: this.decrypt(row) }));
  }

  async hasValidPortalSession(userId: number): Promise<boolean> {
    return (await this.deps.orm.em.fork().count(Credential, { user: userId, ...livePortalSession() })) > 0;
  }

  async touch(credentialId: string): Promise<void> {
    await this.deps.orm.em.fork().nativeUpdate(Credential, { id: credentialId }, { lastUsedAt: new Date() });
  }

  decrypt(row: Credential): string {
    const secret = this.deps.vault.decrypt(row, row.id);
    this.learn(row.kind, secret);
    return secret;
  }

  /** Keep a stored credential out of the logs; a portal session's parts travel alone too (authorizev3 is the token). */
  private learn(kind: Credential['kind'], secret: string): void {
    this.deps.scrubber.add(secret);
    if (kind !== 'portal_session') return;
    const session = parsePortalSession(secret);
    this.deps.scrubber.add(session?.token);
    this.deps.scrubber.add(session?.validationKey);
  }

  /** WB answered 401 for this credential: stop using it and tell its owner. */
  async markRejected(credentialId: string, reason: string): Promise<void> {
    const em = this.deps.orm.em.fork();
    await em.transactional(async (tx) => {
      const row = await tx.findOne(Credential, { id: credentialId, valid: true });
      if (!row) return;
      row.valid = false;
      row.lastError = reason;
      tx.create(OutboxMessage, {
        user: row.user,
        kind: 'credential_invalid',
        payload: { credentialId: row.id, name: row.name, kind: row.kind, reason },
        dedupeKey: `credential_invalid:${row.id}`,
      });
    });
    this.deps.logger.warn({ event: 'credential.rejected', credentialId, reason }, 'WB rejected a stored credential; it is no longer used');
  }

  private async checkApiToken(
    token: string,
    userId: number,
  ): Promise<{ sid: string; name: string | undefined; expiresAt: Date | undefined }> {
    const problem = tokenProblem(token);
    const info = decodeWbToken(token);
    if (problem === 'not_a_token' || !info) throw new DomainError('KEY_NOT_A_TOKEN');
    if (problem === 'expired') throw new DomainError('KEY_EXPIRED', { date: info.expiresAt.toISOString().slice(0, 10) });
    if (problem === 'test_token') throw new DomainError('KEY_TEST_TOKEN');
    if (problem === 'no_supplies_category') throw new DomainError('KEY_WRONG_CATEGORY');
    const credential = { sid: info.sid, token };
    try {
      // The sid is the token's claim, not yet WB's word: the check spends a budget of its own, keyed by who asks and
      // the claimed sid, so a forged token cannot spend (or starve) the real seller's bucket (issue 14).
      await this.deps.official.ping({ sid: `unverified:${userId}:${info.sid}`, token }, { maxLimiterWaitMs: 10_000 });
      const known = await this.deps.orm.em.fork().findOne(Credential, { sellerSid: info.sid, sellerName: { $ne: null } });
      // seller-info allows one call a minute per seller: reuse the name we already know for this account.
      const name = known?.sellerName ?? (await this.deps.official.sellerInfo(credential, { maxLimiterWaitMs: 5_000 })).name;
      return { sid: info.sid, name, expiresAt: info.expiresAt };
    } catch (error) {
      throw wbFailure(error, 'KEY_REJECTED');
    }
  }

  /** A pasted session, read as the Mini App reads it; each problem has its own message saying what to copy. */
  private readPortalSession(pasted: string): { session: PortalSession; expiresAt: Date | undefined } {
    const parsed = parsePortalSessionInput(pasted);
    if (!parsed.ok) throw new DomainError(PORTAL_SESSION_PROBLEM_CODES[parsed.problem]);
    return parsed;
  }

  private async checkPortalSession(
    session: string,
    expiresAt: Date | undefined,
  ): Promise<{ sid: string; name: string | undefined; expiresAt: Date | undefined }> {
    try {
      const result = await this.deps.portal.validate(session);
      // The token's own expiry, when it has one, is when the key stops working: the Keys screen shows it.
      return { sid: result.supplierId, name: result.supplierName, expiresAt };
    } catch (error) {
      throw wbFailure(error, 'KEY_SESSION_REJECTED');
    }
  }
}

/** A portal session WB may still accept: not marked invalid, and its token not past its own expiry. */
function livePortalSession() {
  return {
    kind: 'portal_session' as const,
    valid: true,
    $or: [{ expiresAt: null }, { expiresAt: { $gt: new Date() } }],
  };
}

function wbFailure(error: unknown, rejected: 'KEY_REJECTED' | 'KEY_SESSION_REJECTED'): Error {
  if (error instanceof WbUnauthorizedError) return new DomainError(rejected);
  if (error instanceof WbRateLimitedError) return new DomainError('WB_BUSY', { seconds: Math.ceil(error.retryAfterMs / 1000) });
  if (error instanceof WbDisabledError) return new DomainError('WB_DISABLED');
  if (error instanceof WbError) return new DomainError('WB_UNAVAILABLE');
  return error instanceof Error ? error : new Error(String(error));
}

/** What the user sees instead of the secret: enough to recognise it, useless to anyone else. */
export function maskSecret(kind: Credential['kind'], secret: string): string {
  if (kind === 'portal_session') {
    const session = parsePortalSession(secret);
    return session ? `WBTokenV3 …${session.token.slice(-4)}` : '…';
  }
  return `${secret.slice(0, 4)}…${secret.slice(-4)}`;
}

function summary(row: Credential): KeySummary {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    sellerName: row.sellerName ?? null,
    hint: row.hint,
    valid: row.valid,
    shareFeed: row.shareFeed,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    lastError: row.lastError ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}
