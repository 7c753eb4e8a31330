// What the per-language text files share: HTML escaping and the shapes of the values they format.

/** Telegram's HTML parse mode needs these three escaped in any text we did not write ourselves. */
export function escapeHtml(text: string | number): string {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface Credits {
  trial: number;
  paid: number;
}

/** One task in /tasks, already resolved to names. */
export interface TaskLine {
  kind: 'supply' | 'redistribution';
  /** Warehouse names (supply) or `from → to` (redistribution). */
  warehouses: string;
  boxType: string;
  coefficient: string;
  dateFrom: string;
  dateTo: string;
  units: number;
  status: string;
}

/** The details a notification shows, resolved from the outbox payload (names instead of ids). */
export interface NotificationDetails {
  warehouse: string;
  date: string;
  /** Moscow time the event happened, `HH:mm`. */
  time: string;
  coefficient?: number | undefined;
  boxType?: string | undefined;
  credential: string;
  credentialKind?: string | undefined;
  supplyId: string;
  bookingId: string;
  reason: string;
  from: string;
  to: string;
  units: number;
  requestId: string;
  /** The user's tasks a coalesced slot alert matched, each described in a few words. */
  tasks?: string[] | undefined;
  /** Minutes between the event and its delivery (a slot alert that waited is no longer "book now"). */
  ageMinutes?: number | undefined;
  /** The slot alert's cell is no longer bookable in the latest picture (it closed before the alert went out). */
  closed?: boolean | undefined;
}

/** A "transfer limits appeared" alert: the route, and each task on it that can move units now. */
export interface QuotaOpenDetails {
  from: string;
  to: string;
  items: Array<{ nmId: number; sizeName?: string | undefined; units: number }>;
}

export interface RefundSummary {
  userId: number;
  stars: number;
  credits: number;
  removedCredits: number;
  alreadyUsed: number;
  balanceAfter: number;
}
