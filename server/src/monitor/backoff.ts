// How long a monitoring task waits after a failure: exponential backoff with full jitter, capped. Pure math; the caller
// supplies the randomness so tests are deterministic.

export interface FullJitterOptions {
  /** The ceiling of the first retry (attempt 0). */
  baseMs?: number;
  /** No wait is ever longer than this, however many attempts failed. */
  capMs?: number;
}

export const DEFAULT_BACKOFF_BASE_MS = 1000;
export const DEFAULT_BACKOFF_CAP_MS = 60_000;

/**
 * "Full jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter"): a uniformly random wait in
 * `[0, min(cap, base * 2^attempt))`. Spreading retries over the whole window, rather than around its end, is what
 * keeps thousands of tasks that failed together (WB answered 429 to everyone) from retrying together.
 *
 * @param attempt how many backoffs in a row came before this one (0 for the first).
 * @param random a source of numbers in [0, 1), normally `Math.random`.
 */
export function fullJitterDelay(
  attempt: number,
  random: () => number,
  { baseMs = DEFAULT_BACKOFF_BASE_MS, capMs = DEFAULT_BACKOFF_CAP_MS }: FullJitterOptions = {},
): number {
  // A corrupted or hand-edited snapshot could carry a negative, fractional or NaN attempt; treat it as a plain count.
  const exponent = Number.isNaN(attempt) ? 0 : Math.max(0, Math.floor(attempt));
  // 2 ** 1100 is Infinity, which min() turns into the cap: no overflow to guard against.
  const ceiling = Math.min(capMs, baseMs * 2 ** exponent);
  return unitInterval(random()) * ceiling;
}

/** Keeps a misbehaving random source from producing a negative wait or one beyond the cap. */
function unitInterval(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return Math.min(value, 1);
}
