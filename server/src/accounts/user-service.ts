// Users: created on first contact with their trial credits (and the ledger row that grants them), kept in sync with Telegram.
import type { MikroORM } from '@mikro-orm/postgresql';
import { type Language, resolveLanguage, TRIAL_CREDITS } from '@slotpilot/shared';
import { LRUCache } from 'lru-cache';
import { LedgerEntry } from '../db/entities/ledger-entry.ts';
import { User } from '../db/entities/user.ts';
import type { SignedInUser } from './signed-in-user.ts';
import type { TelegramIdentity } from './telegram-identity.ts';

/** Profile writes are skipped when nothing changed and the user was seen this recently. */
const SEEN_RESOLUTION_MS = 60_000;

/** How many recently seen users to remember: more than this instance sees within SEEN_RESOLUTION_MS. */
const RECENTLY_SEEN_SIZE = 10_000;

interface Seen {
  /** The profile the users row holds (see `fingerprint`). */
  profile: string;
  /** Epoch ms until which the row's lastSeenAt is fresh enough that a sign-in need not write it. */
  freshUntil: number;
}

export interface Credits {
  trial: number;
  paid: number;
}

export class UserService {
  /**
   * Users whose row this instance wrote, or read and found current, less than SEEN_RESOLUTION_MS ago. A sign-in with
   * the same profile within that time would not write anything, so it need not read anything either.
   */
  private readonly recentlySeen = new LRUCache<number, Seen>({ max: RECENTLY_SEEN_SIZE });

  constructor(private readonly orm: MikroORM) {}

  /**
   * The API's sign-in: the same upsert as `upsertFromTelegram`, skipped when this instance has just seen the user with
   * this very profile. Nothing that can change behind our back (credits, `active`) is in the result. A user that
   * notification delivery marked inactive meanwhile is reactivated once the entry goes stale (within
   * SEEN_RESOLUTION_MS), or at once by any bot update, which always takes the full upsert.
   */
  async signIn(identity: TelegramIdentity): Promise<SignedInUser> {
    const seen = this.recentlySeen.get(identity.id);
    if (!seen || seen.freshUntil < Date.now() || seen.profile !== fingerprint(identity)) {
      await this.upsertFromTelegram(identity);
    }
    return {
      id: identity.id,
      firstName: identity.firstName,
      lastName: identity.lastName ?? null,
      username: identity.username ?? null,
      language: resolveLanguage(identity.languageCode),
    };
  }

  /** The user behind `identity`, created on first sight. Safe under concurrent first requests. */
  async upsertFromTelegram(identity: TelegramIdentity): Promise<User> {
    const em = this.orm.em.fork();
    const existing = await em.findOne(User, identity.id);
    const profile = {
      username: identity.username ?? null,
      firstName: identity.firstName,
      lastName: identity.lastName ?? null,
      languageCode: identity.languageCode ?? null,
      // A language the user chose wins over the one their Telegram profile says.
      language: existing?.chosenLanguage ?? resolveLanguage(identity.languageCode),
    };
    const differs = (user: User) => (Object.keys(profile) as (keyof typeof profile)[]).some((k) => user[k] !== profile[k]);
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
      const created = await em.findOneOrFail(User, identity.id);
      // A concurrent first request may have stored another profile: remember only what the row really holds.
      if (!differs(created)) this.remember(identity, created.lastSeenAt);
      return created;
    }
    if (differs(existing) || !existing.active || Date.now() - existing.lastSeenAt.getTime() > SEEN_RESOLUTION_MS) {
      em.assign(existing, { ...profile, active: true, lastSeenAt: new Date() });
      await em.flush();
    }
    this.remember(identity, existing.lastSeenAt);
    return existing;
  }

  /**
   * The language the user chose (null: follow the Telegram profile again). Returns the language spoken from now on,
   * by the bot and in notifications.
   */
  async setLanguage(userId: number, chosen: Language | null): Promise<Language> {
    const em = this.orm.em.fork();
    const user = await em.findOneOrFail(User, userId);
    user.chosenLanguage = chosen;
    user.language = chosen ?? resolveLanguage(user.languageCode ?? undefined);
    await em.flush();
    return user.language;
  }

  /** The user's balances as stored now: one indexed read, no entity. */
  async credits(userId: number): Promise<Credits> {
    const rows = await this.orm.em
      .getConnection()
      .execute<{ trial_credits: number; paid_credits: number }[]>('select trial_credits, paid_credits from users where id = ?', [userId]);
    const row = rows[0];
    if (!row) throw new Error(`user ${userId} not found`);
    return { trial: row.trial_credits, paid: row.paid_credits };
  }

  async findById(id: number): Promise<User | null> {
    return this.orm.em.fork().findOne(User, id);
  }

  private remember(identity: TelegramIdentity, lastSeenAt: Date): void {
    this.recentlySeen.set(identity.id, { profile: fingerprint(identity), freshUntil: lastSeenAt.getTime() + SEEN_RESOLUTION_MS });
  }
}

/** The Telegram profile fields we store, as one comparable string (`language` follows from `languageCode`). */
function fingerprint(identity: TelegramIdentity): string {
  return JSON.stringify([identity.firstName, identity.lastName ?? null, identity.username ?? null, identity.languageCode ?? null]);
}
