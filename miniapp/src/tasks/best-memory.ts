// "Best now" must never silently turn into "no open slots": when a task's best cell disappears, the card keeps it and says
// what happened — it closed (the data is fresh) or the data stopped coming (then it is only the last known). Kept per task
// for the session: the server sends only the current best.

export interface BestCell {
  coefficient: number;
  warehouseId: number;
  date: string;
}

interface Remembered {
  cell: BestCell;
  /** The last time the API still reported it. */
  seenAt: number;
}

const memory = new Map<string, Remembered>();

/** Records what the API says now and returns the cell last seen, when there is none now. Idempotent per answer. */
export function rememberBest(taskId: string, best: BestCell | null, seenAt: number): Remembered | null {
  if (best) {
    memory.set(taskId, { cell: best, seenAt });
    return null;
  }
  return memory.get(taskId) ?? null;
}

export function forgetBest(taskId: string): void {
  memory.delete(taskId);
}
