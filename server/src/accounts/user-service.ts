// Users: created on first contact with their trial credits (and the ledger row that grants them), kept in sync with Telegram.
import type { MikroORM } from '@mikro-orm/postgresql';
import { resolveLanguage, TRIAL_CREDITS } from '@slotpilot/shared';
import { LedgerEntry } from '../db/entities/ledger-entry.ts';
import { User } from '../db/entities/user.ts';
import type { TelegramIdentity } from './telegram-identity.ts';

/** Profile writes are skipped when nothing changed and the user was seen this recently. */
const SEEN_RESOLUTION_MS = 60_000;

export class UserService {
  constructor(private readonly orm: MikroORM) {}

  /** The user behind `identity`, created on first sight. Safe under concurrent first requests. */
  async upsertFromTelegram(identity: TelegramIdentity): Promise<User> {
    const em = this.orm.em.fork();
    const profile = {
      username: identity.username ?? null,
      firstName: identity.firstName,
      lastName: identity.lastName ?? null,
      languageCode: identity.languageCode ?? null,
      language: resolveLanguage(identity.languageCode),
    };
    const existing = await em.findOne(User, identity.id);
    if (!existing) {
      await em.transactional(async (tx) => {
        const inserted = await tx
          .createQueryBuilder(User)
          .insert({ id: identity.id, ...profile, trialCredits: TRIAL_CREDITS, paidCredits: 0, active: true })
          .onConflict('id')
          .ignore()
          .execute('run');
        // Only the request that really created the user writes the grant.
        if (inserted.affectedRows === 1) {
          tx.create(LedgerEntry, {
            user: tx.getReference(User, identity.id),
            bucket: 'trial',
            delta: TRIAL_CREDITS,
            balanceAfter: TRIAL_CREDITS,
            reason: 'trial_grant',
          });
        }
      });
      return em.findOneOrFail(User, identity.id);
    }
    const changed = (Object.keys(profile) as (keyof typeof profile)[]).some((k) => existing[k] !== profile[k]);
    if (changed || !existing.active || Date.now() - existing.lastSeenAt.getTime() > SEEN_RESOLUTION_MS) {
      em.assign(existing, { ...profile, active: true, lastSeenAt: new Date() });
      await em.flush();
    }
    return existing;
  }

  async findById(id: number): Promise<User | null> {
    return this.orm.em.fork().findOne(User, id);
  }
}
