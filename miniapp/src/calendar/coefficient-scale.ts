// How a day is coloured: by the best (lowest) acceptance coefficient open that day for the chosen warehouses and box type.

export type CoefficientTone = 'free' | 'normal' | 'raised' | 'high' | 'closed' | 'unknown';

/** Legend order, cheapest first. */
export const COEFFICIENT_TONES: readonly CoefficientTone[] = ['free', 'normal', 'raised', 'high', 'closed', 'unknown'];

/**
 * `day` undefined: the API has no picture of that day (beyond WB's 14-day horizon, or the feed has not seen the warehouse
 * yet). `best` null: WB shows the day, but nothing is bookable.
 */
export function coefficientTone(day: { best: { coefficient: number } | null } | undefined): CoefficientTone {
  if (!day) return 'unknown';
  if (!day.best) return 'closed';
  const c = day.best.coefficient;
  if (c <= 0) return 'free';
  if (c <= 1) return 'normal';
  if (c <= 3) return 'raised';
  return 'high';
}
