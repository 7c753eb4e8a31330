// The last transitions of recently active actors, fed from the bus so any instance can show any actor's history.
// Bounded twice (issue 15: every instance used to keep 200 records of every task that ever changed, forever): a ring of
// `capacity` records per task, and at most `maxTasks` tasks, the least recently changed forgotten first.

export interface TransitionRecord {
  taskId: string;
  userId: number;
  at: number;
  event: string;
  from: string;
  to: string;
  /** A short summary of the context: best coefficient seen, the slot found, the reason. */
  summary: string;
  instanceId: string;
}

export interface TransitionLogOptions {
  /** Records kept per task (the newest). */
  capacity?: number;
  /** Tasks kept; the one whose last change is oldest goes first. */
  maxTasks?: number;
}

export class TransitionLog {
  /** In order of last change, oldest first (a Map keeps insertion order; a change re-inserts its task). */
  private readonly rings = new Map<string, TransitionRecord[]>();
  private readonly capacity: number;
  private readonly maxTasks: number;

  constructor({ capacity = 100, maxTasks = 2_000 }: TransitionLogOptions = {}) {
    this.capacity = Math.max(1, capacity);
    this.maxTasks = Math.max(1, maxTasks);
  }

  add(record: TransitionRecord): void {
    const ring = this.rings.get(record.taskId) ?? [];
    this.rings.delete(record.taskId);
    ring.push(record);
    if (ring.length > this.capacity) ring.splice(0, ring.length - this.capacity);
    this.rings.set(record.taskId, ring);
    while (this.rings.size > this.maxTasks) {
      const oldest = this.rings.keys().next().value;
      if (oldest === undefined) break;
      this.rings.delete(oldest);
    }
  }

  of(taskId: string): TransitionRecord[] {
    return [...(this.rings.get(taskId) ?? [])];
  }

  forget(taskId: string): void {
    this.rings.delete(taskId);
  }

  /** Tasks and records held now (for tests and /metrics). */
  size(): { tasks: number; records: number } {
    let records = 0;
    for (const ring of this.rings.values()) records += ring.length;
    return { tasks: this.rings.size, records };
  }
}
