// Credits for auto-bookings: a credit is reserved before the act (so two acts cannot spend the last one) and then
// committed or released in the same transaction as the act's result. Every change is a ledger row.
// The operation that holds a reservation (a booking or transfer row) stores its bucket and clears it when it settles,
// under a row lock on the operation (`settleOnce`): however many resumes, sweeps or instances race, a reservation is
// committed or released exactly once.
import { type EntityManager, LockMode } from '@mikro-orm/postgresql';
import { LedgerEntry } from '../db/entities/ledger-entry.ts';
import { User } from '../db/entities/user.ts';

export interface Reservation {
  userId: number;
  bucket: 'trial' | 'paid';
}

/** An operation row that may hold a reservation (locked `for update` by the caller before `settleOnce`). */
export interface ReservationHolder {
  reservation: 'trial' | 'paid' | null | undefined;
}

/**
 * Commit or release the reservation `holder` carries, and clear it, so a second call does nothing. Call inside the
 * transaction that locked `holder` (`LockMode.PESSIMISTIC_WRITE`) and writes the operation's result.
 */
export async function settleOnce(
  em: EntityManager,
  holder: ReservationHolder,
  how: { userId: number; note: string; outcome: 'commit' | 'release'; bookingId?: string },
): Promise<boolean> {
  const bucket = holder.reservation;
  if (!bucket) return false;
  holder.reservation = null;
  const reservation = { userId: how.userId, bucket };
  if (how.outcome === 'commit') await commitCredit(em, reservation, how.note, how.bookingId);
  else await releaseCredit(em, reservation, how.note);
  return true;
}

/** Take one credit (free ones first). `undefined` when the user has none left. Call inside a transaction. */
export async function reserveCredit(em: EntityManager, userId: number, note: string): Promise<Reservation | undefined> {
  const user = await em.findOneOrFail(User, userId, { lockMode: LockMode.PESSIMISTIC_WRITE });
  const bucket = user.trialCredits > 0 ? 'trial' : user.paidCredits > 0 ? 'paid' : undefined;
  if (!bucket) return undefined;
  if (bucket === 'trial') user.trialCredits -= 1;
  else user.paidCredits -= 1;
  em.create(LedgerEntry, { user, bucket, delta: -1, balanceAfter: balance(user, bucket), reason: 'reserve', note });
  return { userId, bucket };
}

/** The act succeeded: the reserved credit is spent (recorded, balance unchanged). */
export async function commitCredit(em: EntityManager, reservation: Reservation, note: string, bookingId?: string): Promise<void> {
  const user = await em.findOneOrFail(User, reservation.userId);
  em.create(LedgerEntry, {
    user,
    bucket: reservation.bucket,
    delta: 0,
    balanceAfter: balance(user, reservation.bucket),
    reason: 'commit',
    note,
    ...(bookingId ? { booking: bookingId } : {}),
  });
}

/** The act did not happen: the credit goes back. */
export async function releaseCredit(em: EntityManager, reservation: Reservation, note: string): Promise<void> {
  const user = await em.findOneOrFail(User, reservation.userId, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (reservation.bucket === 'trial') user.trialCredits += 1;
  else user.paidCredits += 1;
  em.create(LedgerEntry, {
    user,
    bucket: reservation.bucket,
    delta: 1,
    balanceAfter: balance(user, reservation.bucket),
    reason: 'release',
    note,
  });
}

export async function creditsLeft(em: EntityManager, userId: number): Promise<number> {
  const user = await em.findOneOrFail(User, userId);
  return user.trialCredits + user.paidCredits;
}

function balance(user: User, bucket: 'trial' | 'paid'): number {
  return bucket === 'trial' ? user.trialCredits : user.paidCredits;
}

/** The reservation made for `note` (e.g. after a crash, to settle it), if one is still open. */
export async function findOpenReservation(em: EntityManager, userId: number, note: string): Promise<Reservation | undefined> {
  const rows = await em.find(LedgerEntry, { user: userId, note }, { orderBy: { id: 'asc' } });
  let open: Reservation | undefined;
  for (const row of rows) {
    if (row.reason === 'reserve') open = { userId, bucket: row.bucket };
    else if (row.reason === 'commit' || row.reason === 'release') open = undefined;
  }
  return open;
}
