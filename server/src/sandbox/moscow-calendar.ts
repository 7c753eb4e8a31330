// The two date shapes the sandbox writes or reads that the shared calendar (@slotpilot/shared) has no use for.
import { isIsoDate } from '@slotpilot/shared';

/** Moscow has kept UTC+3 all year since 2014, so a fixed offset is exact. */
const MOSCOW_OFFSET_MS = 3 * 60 * 60 * 1000;

/** Accepts "YYYY-MM-DD" or an ISO date-time and returns the date part; the portal's clients send either. */
export function toDate(value: string): string | undefined {
  const date = value.slice(0, 10);
  return isIsoDate(date) ? date : undefined;
}

/** The Moscow wall-clock time as WB prints it in ping and supply lists: "2024-12-29T16:58:26+03:00". */
export function moscowDateTime(ms: number): string {
  return `${new Date(ms + MOSCOW_OFFSET_MS).toISOString().slice(0, 19)}+03:00`;
}
