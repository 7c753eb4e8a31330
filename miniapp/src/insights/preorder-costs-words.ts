// Pure helpers for the new-task form's acceptance-cost line (issue 18): which dates to ask `insights.preorderCosts` for
// (WB estimates at most 14 days at a time), and how each answered date reads — a price in ₽, free, or closed — with the
// cheapest open date marked. Tested without a browser; every figure is the server's, only formatted here.
// Types only from @slotpilot/shared: its insights module builds zod schemas at load, which would drag zod into the form.
import type { Language, PreorderCostDay } from '@slotpilot/shared';
import { addDays, formatDay, formatMoscowTime, type IsoDate } from '../calendar/moscow-date.ts';

/** WB's portal estimates a preorder's acceptance for at most this many dates per request. */
export const PREORDER_COST_DAYS = 14;

/**
 * The dates to ask about: the chosen range within WB's horizon (today and the 13 days after it, Moscow), so at most 14.
 * Dates beyond it have no estimate yet; asking for them would only show them as closed. Null when none of the range is
 * inside it.
 */
export function costRange(dateFrom: IsoDate, dateTo: IsoDate, today: IsoDate): { dateFrom: IsoDate; dateTo: IsoDate } | null {
  const from = dateFrom < today ? today : dateFrom;
  const horizon = addDays(today, PREORDER_COST_DAYS - 1);
  const to = dateTo > horizon ? horizon : dateTo;
  return from <= to ? { dateFrom: from, dateTo: to } : null;
}

export type CostKind = 'paid' | 'free' | 'closed';

export interface CostItem {
  date: IsoDate;
  /** "12 дек" / "Dec 12". */
  day: string;
  kind: CostKind;
  /** "1 250 ₽" for a paid day; null otherwise (the component words free and closed days in the seller's language). */
  price: string | null;
  /** The lowest cost of the open dates (every date sharing it). */
  cheapest: boolean;
}

const rubles = new Map<Language, Intl.NumberFormat>();

/** 1250 → "1 250 ₽" / "₽1,250": whole roubles, as WB shows them. */
export function rubleWords(language: Language, amount: number): string {
  let format = rubles.get(language);
  if (!format) {
    format = new Intl.NumberFormat(language, {
      style: 'currency',
      currency: 'RUB',
      currencyDisplay: 'narrowSymbol',
      maximumFractionDigits: 0,
    });
    rubles.set(language, format);
  }
  return format.format(amount);
}

/** "12 дек" / "Dec 12": the short month without the abbreviation dot, which reads as a full stop inside a list. */
export function costDayWords(language: Language, date: IsoDate): string {
  return formatDay(date, language).replace(/\.$/, '');
}

/** "14:05": when WB was read, Moscow wall clock, minutes only. */
export function fetchedAtWords(language: Language, at: number): string {
  return formatMoscowTime(at, language).slice(0, 5);
}

export function costItems(language: Language, days: readonly PreorderCostDay[]): CostItem[] {
  const open = days.filter((d) => d.cost !== null).map((d) => d.cost as number);
  const lowest = open.length > 0 ? Math.min(...open) : null;
  return days.map((d) => ({
    date: d.date,
    day: costDayWords(language, d.date),
    kind: d.cost === null ? 'closed' : d.cost === 0 ? 'free' : 'paid',
    price: d.cost !== null && d.cost > 0 ? rubleWords(language, d.cost) : null,
    cheapest: d.cost !== null && d.cost === lowest,
  }));
}
