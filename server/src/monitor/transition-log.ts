// The last transitions of every actor (a ring per task), fed from the bus so any instance can show any actor's history.

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

export class TransitionLog {
  private readonly rings = new Map<string, TransitionRecord[]>();

  constructor(private readonly capacity = 200) {}

  add(record: TransitionRecord): void {
    const ring = this.rings.get(record.taskId) ?? [];
    ring.push(record);
    if (ring.length > this.capacity) ring.splice(0, ring.length - this.capacity);
    this.rings.set(record.taskId, ring);
  }

  of(taskId: string): TransitionRecord[] {
    return [...(this.rings.get(taskId) ?? [])];
  }

  forget(taskId: string): void {
    this.rings.delete(taskId);
  }
}
